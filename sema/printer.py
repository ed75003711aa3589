"""The printer: how values look in ``write`` form and in ``display`` form, as Sema prints them.

* **display** shows a top-level string or character raw; everything *inside*
  a list, vector, map, record or quoted form is shown in write form, so
  ``(display (list "a" #\\b))`` prints ``("a" #\\b)`` and
  ``(println {:model "m1"})`` prints ``{:model "m1"}``.
* Quote forms print as the lists they are: ``'x`` prints ``(quote x)``,
  ```(b ,c)`` prints ``(quasiquote (b (unquote c)))``.
* Floats always show a fraction or an exponent (``2.0``, ``0.1``); they use
  exponent form when the magnitude is at least ``1e21`` or below ``1e-7``
  (``1e21``, ``1.5e-8``), and positional form otherwise
  (``100000000000000000000.0``); the digits are the shortest that read back
  to the same float.  ``inf``, ``-inf`` and ``NaN`` read back too.
* Complex numbers always show their real part (``0+1i``).
* Functions print as ``<lambda name>`` (Lisp functions) and
  ``<native-fn name>`` (builtins); maps print with their keys sorted.

:mod:`sema.values` re-exports these names; this module needs its classes.
"""

from __future__ import annotations

import threading
from fractions import Fraction

from .bignum import int_to_str
from .values import (
    EMPTY, ArrayList, Atom, Char, EmptyList, Environment, Keyword, Map, MultipleValues, Pair, Parameter,
    Promise, Record, RecordType, Symbol, sorted_items, type_name,
)

_CHAR_NAMES = {" ": "space", "\n": "newline", "\t": "tab", "\r": "return", "\0": "nul"}
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
_INF = float("inf")


def write_string_literal(s: str) -> str:
    if not any(c in s for c in '\\"\n\t\r\0'):
        return '"' + s + '"'
    return '"' + "".join(_STRING_ESCAPES.get(c, c) for c in s) + '"'


def format_float(f: float) -> str:
    """A float as Sema prints it: ``2.0``, ``0.1``, ``1e21``, ``1.5e-8``, ``inf``, ``NaN``."""
    if f != f:
        return "NaN"
    if f == _INF:
        return "inf"
    if f == -_INF:
        return "-inf"
    r = repr(f)
    a = abs(f)
    if a != 0.0 and (a >= 1e21 or a < 1e-7):
        mantissa, _, exponent = r.partition("e")
        return f"{mantissa}e{int(exponent)}"
    if "e" in r:  # Python switches to exponent form earlier than Sema does
        from decimal import Decimal  # rare: kept out of start-up
        r = format(Decimal(r), "f")
    return r if "." in r else r + ".0"


def format_real_part(f: float) -> str:
    """One part of a complex number: integral parts without a fraction (``3+4i``)."""
    if f == f and abs(f) != _INF and f == int(f) and abs(f) < 1e16:
        return str(int(f))
    return format_float(f)


def format_number(x) -> str:
    cls = x.__class__
    if cls is int:
        return int_to_str(x)
    if cls is float:
        return format_float(x)
    if cls is Fraction:
        return f"{int_to_str(x.numerator)}/{int_to_str(x.denominator)}"
    if cls is complex:
        re_s, im_s = format_real_part(x.real), format_real_part(x.imag)
        return re_s + ("" if im_s[0] in "-+" else "+") + im_s + "i"
    return str(x)


def to_str(x, write: bool = False) -> str:
    """The printed form of ``x``: ``display`` form, or ``write`` form when ``write`` is true."""
    out: list[str] = []
    _print(x, write, out)
    return "".join(out)


def write_str(x) -> str:
    """The ``write`` form of ``x`` (strings quoted, chars as ``#\\a``)."""
    out: list[str] = []
    _print(x, True, out)
    return "".join(out)


class _Enough(Exception):
    """Raised by a :class:`_Bounded` output once it holds enough text."""


class _Bounded(list):
    """Printer output that stops the printer past ``limit`` characters: a huge value costs no more."""

    __slots__ = ("size", "limit")

    def __init__(self, limit: int):
        super().__init__()
        self.size = 0
        self.limit = limit

    def append(self, text: str) -> None:
        list.append(self, text)
        self.size += len(text)
        if self.size > self.limit:
            raise _Enough


class _Streaming(list):
    """Printer output written to ``stream`` in chunks: printing a huge list takes no memory for its text."""

    __slots__ = ("stream", "size")
    CHUNK = 1 << 16

    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        self.size = 0

    def append(self, text: str) -> None:
        list.append(self, text)
        self.size += len(text)
        if self.size >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self:
            self.stream.write("".join(self))
            self.clear()
            self.size = 0


def print_to(stream, x, write: bool = True, end: str = "") -> None:
    """Print ``x`` (write form, or display form) and then ``end`` to ``stream``, a chunk at a time."""
    if x.__class__ is str and not write:
        stream.write(x + end if end else x)
        return
    out = _Streaming(stream)
    _print(x, write, out)
    if end:
        list.append(out, end)
    out.flush()


def short_write(x, limit: int = 60) -> str:
    """The write form of ``x``, cut to ``limit`` characters (for error messages); only that much is printed."""
    out = _Bounded(limit)
    try:
        _print(x, True, out)
    except _Enough:
        pass
    text = "".join(out)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def type_and_value(x) -> str:
    """A value as error messages show it: its type and printed form (``integer 42``), or ``nil``."""
    if x is None:
        return "nil"
    return f"{type_name(x)} {short_write(x)}"


def display_str(x) -> str:
    """The ``display`` form of ``x`` (a top-level string or char raw, the rest as written)."""
    if x.__class__ is str:
        return x
    return to_str(x, False)


def function_name(fn) -> str | None:
    """The Lisp name of a function value, or None for an anonymous one."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if not name or name in ("lambda", "<lambda>", "fn"):
        return None
    return name


_printing = threading.local()


def _print_mutable(x, out: list) -> None:
    """An atom or record; one that contains itself prints the inner occurrence as ``...``."""
    active = getattr(_printing, "ids", None)
    if active is None:
        active = _printing.ids = set()
    if id(x) in active:
        out.append("#<atom ...>" if x.__class__ is Atom else f"#<record {x.rtype.name} ...>")
        return
    active.add(id(x))
    try:
        if x.__class__ is Atom:
            out.append("#<atom ")
            _print(x.value, True, out)
            out.append(">")
        else:
            out.append("#<record " + x.rtype.name)
            for name in x.rtype.field_names:
                out.append(" ")
                _print(x.fields[name], True, out)
            out.append(">")
    finally:
        active.discard(id(x))


def _print(x, write: bool, out: list) -> None:
    cls = x.__class__
    if cls is str:
        out.append(write_string_literal(x) if write else x)
    elif x is None:
        out.append("nil")
    elif x is True:
        out.append("#t")
    elif x is False:
        out.append("#f")
    elif cls is int or cls is float or cls is Fraction or cls is complex:
        out.append(format_number(x))
    elif cls is Symbol:
        out.append(x.name)
    elif cls is Keyword:
        out.append(":" + x.name)
    elif cls is Pair or cls is ArrayList or cls is EmptyList:
        _print_list(x, out)
    elif cls is tuple:
        out.append("[")
        for i, item in enumerate(x):
            if i:
                out.append(" ")
            _print(item, True, out)
        out.append("]")
    elif isinstance(x, Map):
        print_entries(sorted_items(x), out)
    elif cls is Char:
        out.append("#\\" + _CHAR_NAMES.get(x.ch, x.ch) if write else x.ch)
    elif cls is Atom or cls is Record:
        _print_mutable(x, out)
    elif cls is MultipleValues:
        for i, v in enumerate(x.values):
            if i:
                out.append(" ")
            _print(v, write, out)
    elif cls is Promise:
        out.append("<promise (forced)>" if x.forced else "<promise>")
    elif cls is RecordType:
        out.append(f"#<record-type {x.name}>")
    elif cls is Environment:
        out.append("#<environment>")
    elif cls is bytes or cls is bytearray:
        out.append("#u8(" + " ".join(str(b) for b in x) + ")")
    elif isinstance(x, BaseException):
        out.append("#<error " + str(x) + ">")
    elif hasattr(x, "sema_print"):  # the values of the builtin modules (hashmap, channel ...)
        x.sema_print(out, _print)
    elif cls is Parameter or callable(x):
        _print_function(x, out)
    elif isinstance(x, float):
        out.append(format_float(x))
    else:
        out.append(f"#<{cls.__name__} {x!r}>")


def print_entries(items, out: list) -> None:
    """A map's (key, value) ``items`` in map syntax: ``{k v ...}``."""
    out.append("{")
    for i, (k, v) in enumerate(items):
        if i:
            out.append(" ")
        _print(k, True, out)
        out.append(" ")
        _print(v, True, out)
    out.append("}")


def _print_function(fn, out: list) -> None:
    from .values import is_lisp_function
    name = None if fn.__class__ is Parameter else function_name(fn)
    kind = "lambda" if fn.__class__ is Parameter or is_lisp_function(fn) else "native-fn"
    out.append(f"<{kind} {name}>" if name else f"<{kind}>")


def _print_list(x, out: list) -> None:
    if x is EMPTY:
        out.append("()")
        return
    out.append("(")
    first = True
    while True:
        cls = x.__class__
        if cls is Pair:
            if not first:
                out.append(" ")
            _print(x.car, True, out)
            first = False
            x = x.cdr
        elif cls is ArrayList:
            for item in x.items[x.start:]:
                if not first:
                    out.append(" ")
                _print(item, True, out)
                first = False
            break
        elif x is EMPTY:
            break
        else:
            out.append(" . ")
            _print(x, True, out)
            break
    out.append(")")

