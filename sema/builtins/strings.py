"""String builtins: ``str``, ``format``, building and comparing strings, and the R7RS ``string-*`` names.

Strings are Python ``str``; characters are :class:`~sema.values.Char`.
Indexes count code points and start at 0.  Functions that return several
strings return a Lisp list (built with ``make_list``); functions that take a
sequence of strings accept a list or a vector.  The ``string/`` family is in
:mod:`.string_shape` (case, trimming, padding, identifier styles, width) and
:mod:`.string_parts` (splitting, searching, replacing, slicing).

Conventions chosen where Rust Sema's behaviour is not pinned down by the
reference:

* ``str`` concatenates the *display* forms of its arguments, so
  ``(str "a" 1 nil)`` is ``"a1nil"`` (f-strings desugar to ``str``, and an
  interpolated nil should be visible).  ``(str)`` is ``""``.
* ``format`` understands ``~a`` (display), ``~s`` (write), ``~%`` (newline)
  and ``~~`` (tilde); too few arguments is an error, extra ones are ignored.
"""

from __future__ import annotations

import re

from ..errors import LispTypeError, LispValueError
from ..printer import display_str, format_float, type_and_value, write_str
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Char, Keyword, ListBase, Symbol, iter_list, make_list
from .argcheck import type_error

# ---------------------------------------------------------------- helpers


def _check_str(who: str, *xs) -> None:
    for x in xs:
        if x.__class__ is not str:
            raise type_error(who, "a string", x)


def _text(who: str, x) -> str:
    """A string argument that may also be given as a character."""
    if x.__class__ is str:
        return x
    if x.__class__ is Char:
        return x.ch
    raise type_error(who, "a string or character", x)


def _items(who: str, seq) -> list:
    """The elements of a list or vector argument."""
    if seq.__class__ is tuple:
        return list(seq)
    if isinstance(seq, ListBase):
        return list(iter_list(seq))
    raise type_error(who, "a list or vector", seq)


def _index(who: str, k, length: int, inclusive: bool = False) -> int:
    """K checked to be an index into a string of LENGTH (or LENGTH itself when INCLUSIVE)."""
    if k.__class__ is not int:
        raise type_error(who, "an integer index", k)
    limit = length if inclusive else length - 1
    if not 0 <= k <= limit:
        raise LispValueError(f"{who}: index {k} out of range for string of length {length}")
    return k


def _range(who: str, s: str, start, end) -> tuple[int, int]:
    n = len(s)
    if end is None:
        end = n
    if start.__class__ is not int or end.__class__ is not int:
        raise type_error(who, "integer indexes", start if start.__class__ is not int else end)
    if not 0 <= start <= end <= n:
        raise LispValueError(f"{who}: range {start}..{end} out of bounds for string of length {n}")
    return start, end


def _count(who: str, n) -> int:
    if n.__class__ is not int:
        raise type_error(who, "an integer", n)
    if n < 0:
        raise LispValueError(f"{who}: count must not be negative, got {n}")
    return n


# ---------------------------------------------------------------- building strings


@builtin("str")
def str_(*values: typing.Any) -> str:
    """Concatenate the display forms of the values.

    (str "a" 1 :k) ; => "a1:k"
    (str) ; => ""
    (str "x=" nil) ; => "x=nil"
    """
    if len(values) == 1 and values[0].__class__ is str:
        return values[0]
    # strings and numbers are most of what f-strings interpolate: skip the printer for them
    out = []
    for v in values:
        c = v.__class__
        out.append(v if c is str else str(v) if c is int else format_float(v) if c is float else display_str(v))
    return "".join(out)


@builtin("string-append", "string/append")
def string_append(*strings: str) -> str:
    """Concatenate strings.

    (string-append "foo" "bar") ; => "foobar"
    (string-append) ; => ""
    """
    try:
        return "".join(strings)
    except TypeError:
        _check_str("string-append", *strings)
        raise


_DIRECTIVE = re.compile(r"~(.?)", re.S)


@builtin("format")
def format_(fmt: str, *args: typing.Any) -> str:
    """Format ARGS into FMT: ~a display, ~s write, ~% newline, ~~ tilde.

    (format "~a + ~a = ~a" 1 2 3) ; => "1 + 2 = 3"
    (format "name: ~s" "Ann") ; => "name: \\"Ann\\""
    (format "100~~~%") ; => "100~\\n"
    """
    _check_str("format", fmt)
    remaining = iter(args)
    missing = object()

    def directive(m) -> str:
        d = m.group(1)
        if d in ("a", "A", "s", "S"):
            value = next(remaining, missing)
            if value is missing:
                raise LispValueError(f"format: too few arguments for {write_str(fmt)}")
            return display_str(value) if d in "aA" else write_str(value)
        if d == "%":
            return "\n"
        if d == "~":
            return "~"
        raise LispValueError(f"format: unknown directive ~{d} in {write_str(fmt)}")

    return _DIRECTIVE.sub(directive, fmt)


@builtin("make-string")
def make_string(k: int, fill: Char | str = Char(" ")) -> str:
    """A string of K copies of the character FILL (a space by default).

    (make-string 3 #\\x) ; => "xxx"
    """
    return _text("make-string", fill) * _count("make-string", k)


@builtin("string-copy")
def string_copy(s: str, start: int = 0, end: int | None = None) -> str:
    """A copy of S, or of its part from START to END.

    (string-copy "hello" 1 3) ; => "el"
    """
    _check_str("string-copy", s)
    start, end = _range("string-copy", s, start, end)
    return s[start:end]


# ---------------------------------------------------------------- R7RS names


@builtin("string-length", "string/length")
def string_length(s: str) -> int:
    """Number of characters in S.

    (string-length "hello") ; => 5
    """
    if s.__class__ is str:
        return len(s)
    raise type_error("string-length", "a string", s)


@builtin("substring")
def substring(s: str, start: int, end: int | None = None) -> str:
    """The part of S from START (inclusive) to END (exclusive, default the end).

    (substring "hello" 1 3) ; => "el"
    (substring "hello" 2) ; => "llo"
    """
    if end is None and s.__class__ is str:
        end = len(s)
    if s.__class__ is str and start.__class__ is int and end.__class__ is int and 0 <= start <= end <= len(s):
        return s[start:end]
    _check_str("substring", s)
    start, end = _range("substring", s, start, end)
    return s[start:end]


@builtin("string-ref", "string/ref")
def string_ref(s: str, k: int) -> Char:
    """The character at index K of S.

    (string-ref "abc" 1) ; => #\\b
    """
    _check_str("string-ref", s)
    return Char(s[_index("string-ref", k, len(s))])


def _compare(who: str, op, strings, fold: bool = False) -> bool:
    _check_str(who, *strings)
    if fold:
        strings = [s.casefold() for s in strings]
    return all(op(a, b) for a, b in zip(strings, strings[1:]))


@builtin("string=?")
def string_eq_p(a: str, b: str, *rest: str) -> bool:
    """True if all strings are equal.

    (string=? "a" "a") ; => #t
    """
    return _compare("string=?", str.__eq__, (a, b) + rest)


@builtin("string<?")
def string_lt_p(a: str, b: str, *rest: str) -> bool:
    """True if the strings are in strictly increasing (code point) order.

    (string<? "apple" "banana") ; => #t
    """
    return _compare("string<?", str.__lt__, (a, b) + rest)


@builtin("string>?")
def string_gt_p(a: str, b: str, *rest: str) -> bool:
    """True if the strings are in strictly decreasing order.

    (string>? "b" "a") ; => #t
    """
    return _compare("string>?", str.__gt__, (a, b) + rest)


@builtin("string<=?")
def string_le_p(a: str, b: str, *rest: str) -> bool:
    """True if the strings are in non-decreasing order.

    (string<=? "a" "a" "b") ; => #t
    """
    return _compare("string<=?", str.__le__, (a, b) + rest)


@builtin("string>=?")
def string_ge_p(a: str, b: str, *rest: str) -> bool:
    """True if the strings are in non-increasing order.

    (string>=? "b" "a") ; => #t
    """
    return _compare("string>=?", str.__ge__, (a, b) + rest)


@builtin("string-ci=?")
def string_ci_eq_p(a: str, b: str, *rest: str) -> bool:
    """True if all strings are equal ignoring case.

    (string-ci=? "Hello" "hELLO") ; => #t
    """
    return _compare("string-ci=?", str.__eq__, (a, b) + rest, fold=True)


@builtin("string-ci<?")
def string_ci_lt_p(a: str, b: str, *rest: str) -> bool:
    """True if the strings are in increasing order ignoring case.

    (string-ci<? "apple" "Banana") ; => #t
    """
    return _compare("string-ci<?", str.__lt__, (a, b) + rest, fold=True)


@builtin("string-upcase")
def string_upcase(s: str) -> str:
    """S in upper case.

    (string-upcase "abc") ; => "ABC"
    """
    _check_str("string-upcase", s)
    return s.upper()


@builtin("string-downcase")
def string_downcase(s: str) -> str:
    """S in lower case.

    (string-downcase "ABC") ; => "abc"
    """
    _check_str("string-downcase", s)
    return s.lower()


@builtin("string->symbol", "string/to-symbol")
def string_to_symbol(s: str) -> Symbol:
    """The symbol named S.

    (string->symbol "abc") ; => abc
    """
    _check_str("string->symbol", s)
    return Symbol(s)


@builtin("string->keyword", "string/to-keyword")
def string_to_keyword(s: str) -> Keyword:
    """The keyword named S (a leading colon is dropped).

    (string->keyword "name") ; => :name
    (string->keyword ":name") ; => :name
    """
    if s.__class__ is not str:
        _check_str("string->keyword", s)
    if s[:1] == ":":
        s = s[1:]
    return _KEYWORDS.get(s) or Keyword(s)


_KEYWORDS = Keyword._table  # interned keywords: skip Keyword.__new__ for ones that exist


@builtin("symbol->string", "symbol/to-string")
def symbol_to_string(sym: Symbol) -> str:
    """The name of a symbol.

    (symbol->string 'abc) ; => "abc"
    """
    if sym.__class__ is not Symbol:
        raise type_error("symbol->string", "a symbol", sym)
    return sym.name


@builtin("keyword->string", "keyword/to-string")
def keyword_to_string(k: Keyword) -> str:
    """The name of a keyword, without the colon.

    (keyword->string :name) ; => "name"
    """
    if k.__class__ is not Keyword:
        raise type_error("keyword->string", "a keyword", k)
    return k.name


@builtin("string->list", "string/to-list", "string/chars")
def string_to_list(s: str, start: int = 0, end: int | None = None) -> ListBase:
    """The characters of S (from START to END) as a list.

    (string->list "abc") ; => (#\\a #\\b #\\c)
    (string/chars "hi") ; => (#\\h #\\i)
    """
    _check_str("string->list", s)
    if start or end is not None:
        start, end = _range("string->list", s, start, end)
        s = s[start:end]
    return make_list(list(map(Char, s)))


@builtin("string->vector")
def string_to_vector(s: str) -> tuple:
    """The characters of S as a vector.

    (string->vector "ab") ; => [#\\a #\\b]
    """
    _check_str("string->vector", s)
    return tuple(map(Char, s))


@builtin("list->string")
def list_to_string(chars: ListBase | tuple) -> str:
    """The string made of a list (or vector) of characters.

    (list->string '(#\\a #\\b)) ; => "ab"
    """
    items = _items("list->string", chars)
    try:
        return "".join([c.ch for c in items])
    except AttributeError:
        for i, c in enumerate(items):
            if c.__class__ is not Char:
                raise LispTypeError(
                    f"list->string: element {i} must be a character, got {type_and_value(c)}"
                ) from None
        raise
