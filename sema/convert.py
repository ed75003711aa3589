"""Converting values at the boundary between Python and Lisp.

| Python (to Lisp)                  | Lisp                    | Python (from Lisp)               |
| --------------------------------- | ----------------------- | -------------------------------- |
| ``None``, ``bool``, ``int``, ``float``, ``str``, ``Fraction``, ``complex`` | the same | the same |
| ``list``                          | list                    | ``list``                         |
| ``tuple``                         | vector                  | ``list``                         |
| ``set``, ``frozenset``            | list                    | ``list``                         |
| ``dict`` (``str`` keys)           | map with keyword keys   | ``dict`` (see ``keys``)          |
| ``dict`` (other keys)             | map with those keys     | ``dict``                         |
| ``bytes``, ``bytearray``          | bytevector              | the same                         |
| callable                          | function (arguments and result converted) | callable (same) |
| :class:`KeywordStr`, ``Keyword``  | keyword                 | see ``keywords``                 |
| ``Symbol``                        | symbol                  | ``Symbol``                       |
| anything else (a date, a socket)  | an opaque handle, ``#<python datetime.date ...>`` | the object itself |

``keys`` (how keyword map keys come out): ``"auto"`` (the default) gives
their names as ``str``, except in a map that also has the string key of that
name (``{:s 1 "s" 2}``), where the keyword stays a ``Keyword`` so that no
entry is lost; ``"str"`` gives names and raises :class:`ConversionError` on
such a clash; ``"keyword"`` keeps every keyword key a ``Keyword``.

``keywords`` (how keyword *values* come out): ``"keyword-str"`` (the
default at the embedding API) gives a :class:`KeywordStr`, a ``str`` equal to
the name that turns back into the keyword when it returns to Lisp; ``"str"``
the plain name; ``"keyword"`` the ``Keyword`` itself.

A list or vector used as a map key comes out as a ``tuple``, a map key as a
tuple of (key, value) pairs, since Python keys must be hashable.  Lisp values
with no Python counterpart (records, atoms, promises) cross unchanged.
"""

from __future__ import annotations

from fractions import Fraction

from .errors import LispValueError, PythonError, SemaError
from .runtime.codeinfo import is_lisp_code
from .values import EMPTY, ArrayList, Keyword, Map, Pair, Symbol, iter_list, make_list, make_map, sorted_items

_SCALARS = (type(None), bool, int, float, str, Fraction, complex)
KEYS = ("auto", "str", "keyword")
KEYWORDS = ("keyword-str", "str", "keyword")


class ConversionError(LispValueError):
    """A Lisp value that cannot become Python data under the chosen options (``keys="str"``)."""


class KeywordStr(str):
    """A Lisp keyword seen from Python: a ``str`` equal to its name that becomes the keyword again in Lisp.

    ``KeywordStr("model") == "model"``, it hashes like the name, and
    ``.keyword`` is the ``sema.Keyword``; ``repr`` shows it as ``:model``.
    """

    __slots__ = ()

    @property
    def keyword(self) -> Keyword:
        return Keyword(str(self))

    def __eq__(self, other):
        if other.__class__ is Keyword:
            return other.name == str(self)
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"KeywordStr(':{str(self)}')"


class PyObject:
    """An opaque handle on a Python object that has no Lisp counterpart (a date, a file, a model ...).

    Lisp can hold it, pass it back, compare it and print it
    (``#<python datetime.date 2024-05-01>``); reaching into it takes the
    ``python`` capability (``py/get``, ``py/call``).
    """

    __slots__ = ("obj",)
    sema_type = "python-object"

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return other.__class__ is PyObject and (other.obj is self.obj or _safe_eq(other.obj, self.obj))

    def __hash__(self):
        try:
            return hash(self.obj)
        except TypeError:
            return id(self.obj)

    def __repr__(self) -> str:
        return f"PyObject({self.obj!r})"

    def sema_print(self, out, print_value) -> None:
        out.append(f"#<python {describe(self.obj)}>")


def _safe_eq(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def describe(obj, width: int = 60) -> str:
    """``datetime.date 2024-05-01``: the object's type and its ``str``, shortened."""
    cls = type(obj)
    name = cls.__qualname__ if cls.__module__ in ("builtins", None) else f"{cls.__module__}.{cls.__qualname__}"
    try:
        text = str(obj)
    except Exception:
        text = ""
    text = " ".join(text.split())
    if len(text) > width:
        text = text[: width - 3] + "..."
    return f"{name} {text}" if text and not text.startswith("<") else name


_END = object()


def _settings(interp, keys, keywords):
    if keys is None:
        keys = getattr(interp, "convert_keys", "auto") if interp is not None else "auto"
    if keywords is None:
        keywords = getattr(interp, "convert_keywords", "keyword") if interp is not None else "keyword"
    if keys not in KEYS:
        raise ValueError(f"keys must be one of {', '.join(KEYS)}, not {keys!r}")
    if keywords not in KEYWORDS:
        raise ValueError(f"keywords must be one of {', '.join(KEYWORDS)}, not {keywords!r}")
    return keys, keywords


def to_python(value, interp=None, *, keys: str | None = None, keywords: str | None = None):
    """A Lisp value as plain Python data (see the module table; ``keys``/``keywords`` default to the
    interpreter's settings, or ``"auto"``/``"keyword"`` without one).

    Iterative, so a list nested 300,000 deep converts like a flat one.
    """
    opts = _settings(interp, keys, keywords)
    done, out = _leaf(value, interp, False, opts)
    if done:
        return out
    stack = [_Frame(value, False, opts)]
    while True:
        frame = stack[-1]
        item = next(frame.items, _END)
        if item is _END:
            stack.pop()
            result = frame.finish()
            if not stack:
                return result
            stack[-1].out.append(result)
            continue
        child, as_key = item
        done, out = _leaf(child, interp, as_key, opts)
        if done:
            frame.out.append(out)
        else:
            stack.append(_Frame(child, as_key, opts))


def _leaf(value, interp, as_key: bool, opts):
    """(True, converted) for a value with no parts to convert, else (False, None)."""
    cls = value.__class__
    if cls in _SCALARS:
        return True, value
    if cls is Pair or cls is ArrayList or value is EMPTY or cls is tuple or isinstance(value, Map):
        return False, None
    if cls is Keyword:
        if as_key:  # the map's frame decides about clashes
            return True, value
        mode = opts[1]
        return True, (value if mode == "keyword" else KeywordStr(value.name) if mode == "keyword-str"
                      else value.name)
    if cls is PyObject:
        return True, value.obj
    inner = getattr(value, "python_function", None) if callable(value) else None
    if inner is not None:  # a Python function that went into Lisp comes back as itself
        return True, inner
    if callable(value) and getattr(value, "__code__", None) is not None \
            and interp is not None and is_lisp_code(value.__code__):
        return True, python_callable(value, interp)
    return True, value


class _Frame:
    """A container being converted: its remaining (child, is-a-map-key) items and the output so far."""

    __slots__ = ("kind", "items", "out", "keys")

    def __init__(self, value, as_key: bool, opts):
        self.keys = opts[0]
        if isinstance(value, Map):
            # keys in printing order, so the dict is the same in every run
            self.kind = "map-key" if as_key else "map"
            # keys must be hashable, and inside a key everything must be
            self.items = ((x, as_key or i % 2 == 0) for kv in sorted_items(value) for i, x in enumerate(kv))
        else:
            self.kind = "tuple" if as_key else "list"
            seq = value if value.__class__ is tuple else iter_list(value)
            self.items = ((x, as_key) for x in seq)
        self.out: list = []

    def finish(self):
        out = self.out
        if self.kind == "list":
            return out
        if self.kind == "tuple":  # a list or vector used as a map key: Python keys must be hashable
            return tuple(out)
        keys = self._keys(out[0::2])
        pairs = zip(keys, out[1::2])
        return dict(pairs) if self.kind == "map" else tuple(pairs)

    def _keys(self, keys: list) -> list:
        """Keyword keys as names, unless that would lose an entry (or the option says otherwise)."""
        mode = self.keys
        if mode == "keyword":
            return keys
        strings = {k for k in keys if k.__class__ is str}
        out = []
        for k in keys:
            if k.__class__ is Keyword:
                if k.name in strings:
                    if mode == "str":
                        raise ConversionError(f"the map has both the keys :{k.name} and \"{k.name}\": as Python "
                                              "str keys they would be one (use keys=\"auto\" or \"keyword\")")
                    out.append(k)  # "auto": keep both entries
                    continue
                out.append(k.name)
            else:
                out.append(k)
        return out


def from_python(value, interp=None):
    """Python data as a Lisp value (see the module table)."""
    cls = value.__class__
    if cls in _SCALARS:
        return value
    if cls is KeywordStr:
        return Keyword(str(value))
    if cls is list:
        return make_list([from_python(x, interp) for x in value])
    if cls is tuple:
        return tuple(from_python(x, interp) for x in value)
    if isinstance(value, dict):
        return make_map((Keyword(k) if isinstance(k, str) else from_python(k, interp), from_python(v, interp))
                        for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return make_list([from_python(x, interp) for x in value])
    inner = getattr(value, "lisp_function", None)
    if inner is not None:  # a Lisp function that went out to Python comes back as itself
        return inner
    if _is_lisp_value(value):
        return value
    if callable(value) and not isinstance(value, type):
        return lisp_callable(value, getattr(value, "__name__", "python-function"), interp)
    if isinstance(value, str):  # a str subclass (an enum's value, say) is its text
        return str(value)
    return PyObject(value)


def _is_lisp_value(value) -> bool:
    """A value sema itself made (a pair, a record, a Lisp function, a bytevector ...): it crosses unchanged."""
    cls = value.__class__
    if cls is bytes or cls is bytearray or cls is Keyword or cls is Symbol or cls is PyObject:
        return True
    module = getattr(cls, "__module__", "") or ""
    if module == "sema" or module.startswith("sema."):
        return True
    if callable(value):
        code = getattr(value, "__code__", None)
        return getattr(value, "python_function", None) is not None or getattr(value, "lisp_function", None) \
            is not None or (code is not None and is_lisp_code(code)) or getattr(value, "__module__", "") \
            .startswith("sema.")
    return False


def python_callable(fn, interp):
    """Wrap a Lisp function so Python can call it with Python values and get Python values back."""
    def call(*args):
        return to_python(interp.apply(fn, [from_python(a, interp) for a in args]), interp)
    call.__name__ = getattr(fn, "__name__", "lambda")
    call.__qualname__ = call.__name__
    call.__doc__ = fn.__doc__
    call.lisp_function = fn
    return call


def lisp_callable(fn, name: str, interp=None, *, convert: bool = True):
    """Wrap a Python callable so Lisp can call it (with Python values, unless ``convert`` is false).

    An exception the Python code raises becomes a Lisp error of type
    ``:python-error`` (the original is its ``__cause__``), so Lisp ``try`` can
    catch it; Lisp errors (from calling back into Lisp) pass through unchanged.
    """
    def call(*args):
        try:
            if not convert:
                return fn(*args)
            return from_python(fn(*[to_python(a, interp) for a in args]), interp)
        except SemaError:
            raise
        except Exception as exc:
            raise PythonError(name, exc) from exc
    call.__name__ = call.__qualname__ = name
    call.__doc__ = getattr(fn, "__doc__", None) or f"{name}: a Python function registered by the embedding program."
    call.python_function = fn
    return call
