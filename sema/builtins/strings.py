"""String builtins: ``str``, ``format``, the R7RS ``string-*`` names and the ``string/`` family.

Strings are Python ``str``; characters are :class:`~sema.values.Char`.
Indexes count code points and start at 0.  Functions that return several
strings return a Lisp list (built with ``make_list``); functions that take a
sequence of strings accept a list or a vector.

Conventions chosen where Rust Sema's behaviour is not pinned down by the
reference:

* ``str`` concatenates the *display* forms of its arguments, so
  ``(str "a" 1 nil)`` is ``"a1nil"`` (f-strings desugar to ``str``, and an
  interpolated nil should be visible).  ``(str)`` is ``""``.
* ``format`` understands ``~a`` (display), ``~s`` (write), ``~%`` (newline)
  and ``~~`` (tilde); too few arguments is an error, extra ones are ignored.
* The ``before``/``after``/``between``/``chop``/``ensure``/``wrap`` family
  follows Laravel's ``Str`` helpers, after which Sema's names are modelled:
  a search string that is absent leaves the subject unchanged.
* ``string/index-of`` and ``string/last-index-of`` return nil when absent.
* ``string/slice`` is lenient (Python slicing: negative indexes count from
  the end, out-of-range bounds are clamped); ``substring`` is strict.
"""

from __future__ import annotations

import re
import textwrap
import typing
import unicodedata

from ..errors import LispTypeError, LispValueError
from ..runtime.registry import Callable_, builtin
from ..values import (
    Char,
    Keyword,
    ListBase,
    Symbol,
    display_str,
    format_float,
    iter_list,
    make_list,
    type_name,
    write_str,
)

# ---------------------------------------------------------------- helpers


def _type_error(who: str, what: str, x) -> LispTypeError:
    return LispTypeError(f"{who}: expected {what}, got {type_name(x)} {write_str(x)}")


def _check_str(who: str, *xs) -> None:
    for x in xs:
        if x.__class__ is not str:
            raise _type_error(who, "a string", x)


def _text(who: str, x) -> str:
    """A string argument that may also be given as a character."""
    if x.__class__ is str:
        return x
    if x.__class__ is Char:
        return x.ch
    raise _type_error(who, "a string or character", x)


def _items(who: str, seq) -> list:
    """The elements of a list or vector argument."""
    if seq.__class__ is tuple:
        return list(seq)
    if isinstance(seq, ListBase):
        return list(iter_list(seq))
    raise _type_error(who, "a list or vector", seq)


def _index(who: str, k, length: int, inclusive: bool = False) -> int:
    """K checked to be an index into a string of LENGTH (or LENGTH itself when INCLUSIVE)."""
    if k.__class__ is not int:
        raise _type_error(who, "an integer index", k)
    limit = length if inclusive else length - 1
    if not 0 <= k <= limit:
        raise LispValueError(f"{who}: index {k} out of range for string of length {length}")
    return k


def _range(who: str, s: str, start, end) -> tuple[int, int]:
    n = len(s)
    if end is None:
        end = n
    if start.__class__ is not int or end.__class__ is not int:
        raise _type_error(who, "integer indexes", start if start.__class__ is not int else end)
    if not 0 <= start <= end <= n:
        raise LispValueError(f"{who}: range {start}..{end} out of bounds for string of length {n}")
    return start, end


def _count(who: str, n) -> int:
    if n.__class__ is not int:
        raise _type_error(who, "an integer", n)
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
    raise _type_error("string-length", "a string", s)


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


@builtin("symbol->string")
def symbol_to_string(sym: Symbol) -> str:
    """The name of a symbol.

    (symbol->string 'abc) ; => "abc"
    """
    if sym.__class__ is not Symbol:
        raise _type_error("symbol->string", "a symbol", sym)
    return sym.name


@builtin("keyword->string")
def keyword_to_string(k: Keyword) -> str:
    """The name of a keyword, without the colon.

    (keyword->string :name) ; => "name"
    """
    if k.__class__ is not Keyword:
        raise _type_error("keyword->string", "a keyword", k)
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
                    f"list->string: element {i} must be a character, got {type_name(c)} {write_str(c)}"
                ) from None
        raise


# ---------------------------------------------------------------- string/ : case and whitespace


@builtin("string/upper")
def upper(s: str) -> str:
    """S in upper case.

    (string/upper "hello") ; => "HELLO"
    """
    _check_str("string/upper", s)
    return s.upper()


@builtin("string/lower")
def lower(s: str) -> str:
    """S in lower case.

    (string/lower "HeLLo") ; => "hello"
    """
    _check_str("string/lower", s)
    return s.lower()


@builtin("string/foldcase")
def foldcase(s: str) -> str:
    """S case-folded, for caseless comparison.

    (string/foldcase "Straße") ; => "strasse"
    """
    _check_str("string/foldcase", s)
    return s.casefold()


@builtin("string/capitalize")
def capitalize(s: str) -> str:
    """S with its first character in upper case and the rest in lower case.

    (string/capitalize "hELLO world") ; => "Hello world"
    """
    _check_str("string/capitalize", s)
    return s[:1].upper() + s[1:].lower()


_TITLE_WORD = re.compile(r"[\w']+")


@builtin("string/title-case")
def title_case(s: str) -> str:
    """S with every word capitalised.

    (string/title-case "hello big world") ; => "Hello Big World"
    """
    _check_str("string/title-case", s)
    return _TITLE_WORD.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), s)


@builtin("string/trim")
def trim(s: str, chars: str | None = None) -> str:
    """S without leading and trailing whitespace (or the characters in CHARS).

    (string/trim "  hi  ") ; => "hi"
    (string/trim "--hi--" "-") ; => "hi"
    """
    _check_str("string/trim", s)
    return s.strip(chars)


@builtin("string/trim-left")
def trim_left(s: str, chars: str | None = None) -> str:
    """S without leading whitespace (or the characters in CHARS).

    (string/trim-left "  hi  ") ; => "hi  "
    """
    _check_str("string/trim-left", s)
    return s.lstrip(chars)


@builtin("string/trim-right")
def trim_right(s: str, chars: str | None = None) -> str:
    """S without trailing whitespace (or the characters in CHARS).

    (string/trim-right "  hi  ") ; => "  hi"
    """
    _check_str("string/trim-right", s)
    return s.rstrip(chars)


# ---------------------------------------------------------------- string/ : splitting and joining


@builtin("string/split")
def split(s: str, sep: str | Char) -> ListBase:
    """S split at every occurrence of SEP, as a list; an empty SEP splits into characters.

    (string/split "a,b,c" ",") ; => ("a" "b" "c")
    (string/split "a,,b" ",") ; => ("a" "" "b")
    (string/split "ab" "") ; => ("a" "b")
    """
    _check_str("string/split", s)
    sep = _text("string/split", sep)
    if not sep:
        return make_list(list(s))
    return make_list(s.split(sep))


@builtin("string/join")
def join(strings: ListBase | tuple, sep: str = "") -> str:
    """The elements of a list or vector joined with SEP (non-strings are displayed).

    (string/join '("a" "b" "c") ", ") ; => "a, b, c"
    (string/join ["x" 1 :k]) ; => "x1:k"
    """
    _check_str("string/join", sep)
    items = _items("string/join", strings)
    try:
        return sep.join(items)
    except TypeError:
        return sep.join(map(display_str, items))


@builtin("string/lines")
def lines(s: str) -> ListBase:
    """The lines of S (split at \\n, a trailing \\r dropped, no empty last line).

    (string/lines "a\\nb\\r\\nc\\n") ; => ("a" "b" "c")
    """
    _check_str("string/lines", s)
    parts = s.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return make_list([p[:-1] if p.endswith("\r") else p for p in parts])


@builtin("string/words")
def words(s: str) -> ListBase:
    """The whitespace-separated words of S.

    (string/words "  the quick  fox ") ; => ("the" "quick" "fox")
    """
    _check_str("string/words", s)
    return make_list(s.split())


@builtin("string/codepoints")
def codepoints(s: str) -> ListBase:
    """The code points of S as a list of integers.

    (string/codepoints "AB") ; => (65 66)
    """
    _check_str("string/codepoints", s)
    return make_list(list(map(ord, s)))


@builtin("string/from-codepoints")
def from_codepoints(codes: ListBase | tuple) -> str:
    """The string whose code points are the integers in CODES.

    (string/from-codepoints '(104 105)) ; => "hi"
    """
    items = _items("string/from-codepoints", codes)
    for c in items:
        if c.__class__ is not int or not 0 <= c <= 0x10FFFF or 0xD800 <= c <= 0xDFFF:
            raise _type_error("string/from-codepoints", "a Unicode code point", c)
    return "".join(map(chr, items))


# ---------------------------------------------------------------- string/ : searching


@builtin("string/contains?")
def contains_p(s: str, sub: str | Char) -> bool:
    """True if SUB occurs in S.

    (string/contains? "hello" "ell") ; => #t
    (string/contains? "hello" "xyz") ; => #f
    """
    _check_str("string/contains?", s)
    return _text("string/contains?", sub) in s


@builtin("string/starts-with?")
def starts_with_p(s: str, prefix: str) -> bool:
    """True if S begins with PREFIX.

    (string/starts-with? "hello" "he") ; => #t
    """
    _check_str("string/starts-with?", s, prefix)
    return s.startswith(prefix)


@builtin("string/ends-with?")
def ends_with_p(s: str, suffix: str) -> bool:
    """True if S ends with SUFFIX.

    (string/ends-with? "hello" "lo") ; => #t
    """
    _check_str("string/ends-with?", s, suffix)
    return s.endswith(suffix)


@builtin("string/index-of")
def index_of(s: str, sub: str | Char, start: int = 0) -> int | None:
    """Index of the first SUB in S at or after START, or nil if absent.

    (string/index-of "hello" "l") ; => 2
    (string/index-of "hello" "z") ; => nil
    """
    _check_str("string/index-of", s)
    i = s.find(_text("string/index-of", sub), _index("string/index-of", start, len(s), True))
    return None if i < 0 else i


@builtin("string/last-index-of")
def last_index_of(s: str, sub: str | Char) -> int | None:
    """Index of the last SUB in S, or nil if absent.

    (string/last-index-of "hello" "l") ; => 3
    """
    _check_str("string/last-index-of", s)
    i = s.rfind(_text("string/last-index-of", sub))
    return None if i < 0 else i


@builtin("string/empty?")
def empty_p(s: str) -> bool:
    """True if S has no characters.

    (string/empty? "") ; => #t
    (string/empty? " ") ; => #f
    """
    _check_str("string/empty?", s)
    return not s


@builtin("string/number?")
def number_p(s: str) -> bool:
    """True if S is the text of a number.

    (string/number? "1.5e3") ; => #t
    (string/number? "12abc") ; => #f
    """
    from .numbers import parse_number

    _check_str("string/number?", s)
    return parse_number(s) is not None


# ---------------------------------------------------------------- string/ : replacing


@builtin("string/replace")
def replace(s: str, old: str, new: str) -> str:
    """S with every occurrence of OLD replaced by NEW.

    (string/replace "a-b-c" "-" "+") ; => "a+b+c"
    """
    _check_str("string/replace", s, old, new)
    return s.replace(old, new)


@builtin("string/replace-first")
def replace_first(s: str, old: str, new: str) -> str:
    """S with the first occurrence of OLD replaced by NEW.

    (string/replace-first "a-b-c" "-" "+") ; => "a+b-c"
    """
    _check_str("string/replace-first", s, old, new)
    return s.replace(old, new, 1)


@builtin("string/replace-last")
def replace_last(s: str, old: str, new: str) -> str:
    """S with the last occurrence of OLD replaced by NEW.

    (string/replace-last "a-b-c" "-" "+") ; => "a-b+c"
    """
    _check_str("string/replace-last", s, old, new)
    i = s.rfind(old)
    return s if i < 0 else s[:i] + new + s[i + len(old):]


@builtin("string/remove")
def remove(s: str, sub: str) -> str:
    """S with every occurrence of SUB removed.

    (string/remove "banana" "a") ; => "bnn"
    """
    _check_str("string/remove", s, sub)
    return s.replace(sub, "") if sub else s


# ---------------------------------------------------------------- string/ : slicing


@builtin("string/slice")
def slice_(s: str, start: int, end: int | None = None) -> str:
    """The part of S from START to END; negative indexes count from the end, bounds are clamped.

    (string/slice "hello" 1 3) ; => "el"
    (string/slice "hello" -3) ; => "llo"
    (string/slice "hi" 0 10) ; => "hi"
    """
    _check_str("string/slice", s)
    if start.__class__ is not int or (end is not None and end.__class__ is not int):
        raise _type_error("string/slice", "integer indexes", start if start.__class__ is not int else end)
    return s[start:end]


@builtin("string/take")
def take(s: str, n: int) -> str:
    """The first N characters of S (the last -N when N is negative).

    (string/take "hello" 2) ; => "he"
    (string/take "hello" -2) ; => "lo"
    """
    _check_str("string/take", s)
    if n.__class__ is not int:
        raise _type_error("string/take", "an integer", n)
    return s[n:] if n < 0 else s[:n]


@builtin("string/before")
def before(s: str, search: str) -> str:
    """The part of S before the first SEARCH (all of S if absent).

    (string/before "user@example.com" "@") ; => "user"
    """
    _check_str("string/before", s, search)
    i = s.find(search) if search else -1
    return s if i < 0 else s[:i]


@builtin("string/before-last")
def before_last(s: str, search: str) -> str:
    """The part of S before the last SEARCH (all of S if absent).

    (string/before-last "a.b.c" ".") ; => "a.b"
    """
    _check_str("string/before-last", s, search)
    i = s.rfind(search) if search else -1
    return s if i < 0 else s[:i]


@builtin("string/after")
def after(s: str, search: str) -> str:
    """The part of S after the first SEARCH (all of S if absent).

    (string/after "user@example.com" "@") ; => "example.com"
    """
    _check_str("string/after", s, search)
    i = s.find(search) if search else -1
    return s if i < 0 else s[i + len(search):]


@builtin("string/after-last")
def after_last(s: str, search: str) -> str:
    """The part of S after the last SEARCH (all of S if absent).

    (string/after-last "a.b.c" ".") ; => "c"
    """
    _check_str("string/after-last", s, search)
    i = s.rfind(search) if search else -1
    return s if i < 0 else s[i + len(search):]


@builtin("string/between")
def between(s: str, start: str, end: str) -> str:
    """The part of S after the first START and before the last END.

    (string/between "[hello]" "[" "]") ; => "hello"
    """
    _check_str("string/between", s, start, end)
    if not start or not end:
        return s
    return before_last(after(s, start), end)


@builtin("string/chop-start")
def chop_start(s: str, prefix: str) -> str:
    """S without PREFIX if it starts with it.

    (string/chop-start "https://x.org" "https://") ; => "x.org"
    """
    _check_str("string/chop-start", s, prefix)
    return s.removeprefix(prefix)


@builtin("string/chop-end")
def chop_end(s: str, suffix: str) -> str:
    """S without SUFFIX if it ends with it.

    (string/chop-end "file.txt" ".txt") ; => "file"
    """
    _check_str("string/chop-end", s, suffix)
    return s.removesuffix(suffix)


@builtin("string/ensure-start")
def ensure_start(s: str, prefix: str) -> str:
    """S, with PREFIX added in front unless it already starts with it.

    (string/ensure-start "path" "/") ; => "/path"
    (string/ensure-start "/path" "/") ; => "/path"
    """
    _check_str("string/ensure-start", s, prefix)
    return s if s.startswith(prefix) else prefix + s


@builtin("string/ensure-end")
def ensure_end(s: str, suffix: str) -> str:
    """S, with SUFFIX added at the end unless it already ends with it.

    (string/ensure-end "dir" "/") ; => "dir/"
    """
    _check_str("string/ensure-end", s, suffix)
    return s if s.endswith(suffix) else s + suffix


@builtin("string/wrap")
def wrap(s: str, before_: str, after_: str | None = None) -> str:
    """S between BEFORE and AFTER (AFTER defaults to BEFORE).

    (string/wrap "x" "\\"") ; => "\\"x\\""
    (string/wrap "x" "(" ")") ; => "(x)"
    """
    after_ = before_ if after_ is None else after_
    _check_str("string/wrap", s, before_, after_)
    return before_ + s + after_


@builtin("string/unwrap")
def unwrap(s: str, before_: str, after_: str | None = None) -> str:
    """S without a leading BEFORE and a trailing AFTER (AFTER defaults to BEFORE).

    (string/unwrap "(x)" "(" ")") ; => "x"
    """
    after_ = before_ if after_ is None else after_
    _check_str("string/unwrap", s, before_, after_)
    return s.removeprefix(before_).removesuffix(after_)


# ---------------------------------------------------------------- string/ : padding and repeating


def _pad(who: str, s, width, pad) -> tuple[str, int]:
    """The padding text needed to bring S to WIDTH characters, cycling PAD."""
    _check_str(who, s)
    if width.__class__ is not int:
        raise _type_error(who, "an integer width", width)
    pad = _text(who, pad)
    if not pad:
        raise LispValueError(f"{who}: padding must not be empty")
    need = width - len(s)
    if need <= 0:
        return "", 0
    return (pad * (need // len(pad) + 1))[:need], need


@builtin("string/pad-left")
def pad_left(s: str, width: int, pad: str | Char = " ") -> str:
    """S padded on the left with PAD to WIDTH characters.

    (string/pad-left "7" 3 "0") ; => "007"
    (string/pad-left "hello" 3) ; => "hello"
    """
    fill, _ = _pad("string/pad-left", s, width, pad)
    return fill + s


@builtin("string/pad-right")
def pad_right(s: str, width: int, pad: str | Char = " ") -> str:
    """S padded on the right with PAD to WIDTH characters.

    (string/pad-right "ab" 4 ".") ; => "ab.."
    """
    fill, _ = _pad("string/pad-right", s, width, pad)
    return s + fill


@builtin("string/repeat")
def repeat(s: str, n: int) -> str:
    """S repeated N times.

    (string/repeat "ab" 3) ; => "ababab"
    (string/repeat "x" 0) ; => ""
    """
    _check_str("string/repeat", s)
    return s * _count("string/repeat", n)


@builtin("string/reverse")
def reverse(s: str) -> str:
    """S with its characters in reverse order.

    (string/reverse "abc") ; => "cba"
    """
    _check_str("string/reverse", s)
    return s[::-1]


@builtin("string/map")
def map_(f: Callable_, s: str) -> str:
    """The string of (F c) for each character c of S; F returns a character or string.

    (string/map char-upcase "abc") ; => "ABC"
    """
    _check_str("string/map", s)
    out = []
    for c in s:
        r = f(Char(c))
        out.append(r.ch if r.__class__ is Char else _text("string/map", r))
    return "".join(out)


# ---------------------------------------------------------------- string/ : identifiers


def _split_words(s: str) -> list[str]:
    """Words of an identifier-like string: split at non-alphanumerics and case changes."""
    out = []
    for chunk in re.split(r"[\W_]+", s):
        start = 0
        n = len(chunk)
        for i in range(1, n):
            p, c = chunk[i - 1], chunk[i]
            if c.isupper() and (p.islower() or p.isdigit() or (p.isupper() and i + 1 < n and chunk[i + 1].islower())):
                out.append(chunk[start:i])
                start = i
        if chunk:
            out.append(chunk[start:])
    return out


def _cap(w: str) -> str:
    return w[:1].upper() + w[1:].lower()


@builtin("string/snake-case")
def snake_case(s: str) -> str:
    """S as snake_case.

    (string/snake-case "helloWorld FooBar") ; => "hello_world_foo_bar"
    """
    _check_str("string/snake-case", s)
    return "_".join(w.lower() for w in _split_words(s))


@builtin("string/kebab-case")
def kebab_case(s: str) -> str:
    """S as kebab-case.

    (string/kebab-case "HelloWorld") ; => "hello-world"
    """
    _check_str("string/kebab-case", s)
    return "-".join(w.lower() for w in _split_words(s))


@builtin("string/camel-case")
def camel_case(s: str) -> str:
    """S as camelCase.

    (string/camel-case "hello_world-foo") ; => "helloWorldFoo"
    """
    _check_str("string/camel-case", s)
    ws = _split_words(s)
    return "".join([ws[0].lower()] + [_cap(w) for w in ws[1:]]) if ws else ""


@builtin("string/pascal-case")
def pascal_case(s: str) -> str:
    """S as PascalCase.

    (string/pascal-case "hello world") ; => "HelloWorld"
    """
    _check_str("string/pascal-case", s)
    return "".join(_cap(w) for w in _split_words(s))


@builtin("string/headline")
def headline(s: str) -> str:
    """S as a headline: words split at case changes and separators, capitalised, joined by spaces.

    (string/headline "email_notification-sent") ; => "Email Notification Sent"
    (string/headline "EmailNotificationSent") ; => "Email Notification Sent"
    """
    _check_str("string/headline", s)
    return " ".join(_cap(w) for w in _split_words(s))


# ---------------------------------------------------------------- string/ : Unicode and width


@builtin("string/normalize")
def normalize(s: str, form: Keyword | str = Keyword("nfc")) -> str:
    """S in Unicode normal form FORM (:nfc, :nfd, :nfkc or :nfkd; default :nfc).

    (string/length (string/normalize "e\\u0301")) ; => 1
    """
    _check_str("string/normalize", s)
    name = (form.name if form.__class__ is Keyword else form).upper()
    if name not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise LispValueError(f"string/normalize: unknown form {write_str(form)}, expected :nfc :nfd :nfkc or :nfkd")
    return unicodedata.normalize(name, s)


@builtin("string/byte-length")
def byte_length(s: str) -> int:
    """Length of S in UTF-8 bytes.

    (string/byte-length "héllo") ; => 6
    """
    _check_str("string/byte-length", s)
    return len(s.encode("utf-8", "surrogatepass"))


def _char_width(c: str) -> int:
    if unicodedata.combining(c) or c in "\u200b\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


@builtin("string/width")
def width(s: str) -> int:
    """Display width of S in terminal columns (wide CJK characters count 2).

    (string/width "abc") ; => 3
    (string/width "日本") ; => 4
    """
    _check_str("string/width", s)
    if s.isascii():
        return len(s)
    return sum(map(_char_width, s))


@builtin("string/truncate-width")
def truncate_width(s: str, max_width: int, ellipsis: str = "…") -> str:
    """S cut to at most MAX-WIDTH display columns, ending in ELLIPSIS when cut.

    (string/truncate-width "hello world" 8) ; => "hello w…"
    (string/truncate-width "hi" 8) ; => "hi"
    (string/truncate-width "hello world" 8 "...") ; => "hello..."
    """
    _check_str("string/truncate-width", s, ellipsis)
    if max_width.__class__ is not int or max_width < 0:
        raise _type_error("string/truncate-width", "a non-negative integer", max_width)
    if width(s) <= max_width:
        return s
    room = max_width - width(ellipsis)
    if room < 0:
        return ""
    out, used = [], 0
    for c in s:
        w = _char_width(c)
        if used + w > room:
            break
        out.append(c)
        used += w
    return "".join(out) + ellipsis


@builtin("string/word-wrap")
def word_wrap(s: str, max_width: int) -> str:
    """S with newlines inserted so that no line is longer than MAX-WIDTH (long words are kept whole).

    (string/word-wrap "the quick brown fox" 10) ; => "the quick\\nbrown fox"
    """
    _check_str("string/word-wrap", s)
    if max_width.__class__ is not int or max_width < 1:
        raise _type_error("string/word-wrap", "a positive integer", max_width)
    paragraphs = s.split("\n")
    return "\n".join(
        textwrap.fill(p, max_width, break_long_words=False, break_on_hyphens=False) for p in paragraphs
    )


@builtin("string/to-char")
def to_char(s: str) -> Char:
    """The single character of the one-character string S.

    (string/to-char "a") ; => #\\a
    """
    _check_str("string/to-char", s)
    if len(s) != 1:
        raise LispValueError(f"string/to-char: expected a one-character string, got {write_str(s)}")
    return Char(s)


@builtin("string/intern")
def intern(s: str) -> str:
    """S itself (strings need no interning here; kept for Sema compatibility).

    (string/intern "abc") ; => "abc"
    """
    _check_str("string/intern", s)
    return s
