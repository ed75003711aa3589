"""The ``string/`` family, part two: splitting and joining, searching, replacing and slicing.

Conventions chosen where Rust Sema's behaviour is not pinned down by the
reference:

* The ``before``/``after``/``between``/``chop``/``ensure``/``wrap`` family
  follows Laravel's ``Str`` helpers, after which Sema's names are modelled:
  a search string that is absent leaves the subject unchanged.
* ``string/index-of`` and ``string/last-index-of`` return nil when absent.
* ``string/slice`` is lenient (Python slicing: negative indexes count from
  the end, out-of-range bounds are clamped); ``substring`` is strict.
"""

from __future__ import annotations

from ..printer import display_str
from ..runtime.registry import builtin
from ..values import Char, ListBase, make_list
from .argcheck import type_error
from .numparse import parse_number
from .strings import _check_str, _index, _items, _text

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
    """The words of S, split on whitespace, underscores and camelCase humps (other punctuation stays).

    (string/words "  the quick  fox ") ; => ("the" "quick" "fox")
    (string/words "hello_world") ; => ("hello" "world")
    (string/words "helloWorld") ; => ("hello" "World")
    (string/words "Hello World!") ; => ("Hello" "World!")
    """
    _check_str("string/words", s)
    out = []
    for chunk in s.replace("_", " ").split():
        start = 0
        for i in range(1, len(chunk)):
            if chunk[i].isupper() and (chunk[i - 1].islower() or chunk[i - 1].isdigit()):
                out.append(chunk[start:i])
                start = i
        out.append(chunk[start:])
    return make_list(out)


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
            raise type_error("string/from-codepoints", "a Unicode code point", c)
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
        raise type_error("string/slice", "integer indexes", start if start.__class__ is not int else end)
    return s[start:end]


@builtin("string/take")
def take(s: str, n: int) -> str:
    """The first N characters of S (the last -N when N is negative).

    (string/take "hello" 2) ; => "he"
    (string/take "hello" -2) ; => "lo"
    """
    _check_str("string/take", s)
    if n.__class__ is not int:
        raise type_error("string/take", "an integer", n)
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
    """The part of S between the first START and the first END after it.

    Empty when START is not found; everything after START when END is not.

    (string/between "[hello]" "[" "]") ; => "hello"
    (string/between "a[x]b[y]" "[" "]") ; => "x"
    (string/between "no-brackets" "[" "]") ; => ""
    """
    _check_str("string/between", s, start, end)
    i = s.find(start)
    if i < 0:
        return ""
    rest = s[i + len(start):]
    j = rest.find(end) if end else -1
    return rest if j < 0 else rest[:j]


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
