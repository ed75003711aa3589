"""Regular expressions: ``regex/match``, ``regex/match?``, ``regex/find-all``, ``regex/replace``,
``regex/replace-all`` and ``regex/split`` (loaded on first use).

Patterns are strings; a regex literal ``#"\\d+"`` is a string without escape
processing.  Sema uses Rust's ``regex`` syntax, which Python's ``re`` reads
the same way for everything Sema programs write; the differences handled
here: ``(?<name>...)`` named groups, ``\\z`` for the end of the text, and
Rust's replacement syntax (``$1``, ``${1}``, ``$name``, ``${name}``, ``$$``).
Python's ``re`` also accepts look-around and back-references, which Rust
rejects (a superset: programs that run on Sema run here).

``regex/match`` reports ``:start`` and ``:end`` as UTF-8 byte offsets, as
Sema does (the same as character indices for ASCII text).
"""

from __future__ import annotations

import functools
import re

from ..errors import LispValueError
from ..printer import write_str
from ..runtime.registry import builtin
from ..values import Keyword, ListBase, Map, make_list, make_map
from .argcheck import type_error

_K_MATCH, _K_GROUPS, _K_START, _K_END = Keyword("match"), Keyword("groups"), Keyword("start"), Keyword("end")
_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")
_ESCAPES = re.compile(r"\\(.)", re.S)


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern:
    source = _NAMED_GROUP.sub("(?P<", pattern)
    source = _ESCAPES.sub(lambda m: "\\Z" if m.group(1) == "z" else m.group(0), source)
    return re.compile(source)


def _regex(who: str, pattern, text) -> re.Pattern:
    if pattern.__class__ is not str:
        raise type_error(who, "a regex pattern (a string)", pattern)
    if text.__class__ is not str:
        raise type_error(who, "a string to search", text)
    try:
        return _compile(pattern)
    except re.error as exc:
        raise LispValueError(f"{who}: invalid regex {write_str(pattern)}: {exc}") from None


def _byte_offset(text: str, index: int) -> int:
    return index if text.isascii() else len(text[:index].encode("utf-8"))


@builtin("regex/match?")
def match_p(pattern: str, text: str) -> bool:
    """True if PATTERN matches anywhere in TEXT (anchor with ^ and $ to match all of it).

    (regex/match? #"\\d+" "abc123") ; => #t
    (regex/match? #"^\\d+$" "abc123") ; => #f
    """
    return _regex("regex/match?", pattern, text).search(text) is not None


@builtin("regex/match")
def match(pattern: str, text: str) -> Map | None:
    """The first match of PATTERN in TEXT as ``{:match :groups :start :end}``, or nil.

    :groups lists the capture groups (nil for a group that did not take part);
    :start and :end are byte offsets.

    (regex/match #"(\\d+)-(\\w+)" "item-42-foo") ; => {:end 11 :groups ("42" "foo") :match "42-foo" :start 5}
    (regex/match #"(\\d+)(?:-(\\d+))?" "42") ; => {:end 2 :groups ("42" nil) :match "42" :start 0}
    (regex/match #"xyz" "abc") ; => nil
    """
    m = _regex("regex/match", pattern, text).search(text)
    if m is None:
        return None
    return make_map([(_K_MATCH, m.group(0)), (_K_GROUPS, make_list(list(m.groups()))),
                     (_K_START, _byte_offset(text, m.start())), (_K_END, _byte_offset(text, m.end()))])


@builtin("regex/find-all")
def find_all(pattern: str, text: str) -> ListBase:
    """Every non-overlapping match of PATTERN in TEXT, as a list of strings.

    (regex/find-all #"\\d+" "a1b22c333") ; => ("1" "22" "333")
    (regex/find-all #"[A-Z]" "Hello World") ; => ("H" "W")
    """
    return make_list([m.group(0) for m in _regex("regex/find-all", pattern, text).finditer(text)])


def _expander(who: str, replacement):
    """A function m -> replacement text, for Rust's ``$1 ${1} $name ${name} $$`` syntax."""
    if replacement.__class__ is not str:
        raise type_error(who, "a replacement string", replacement)
    if "$" not in replacement:
        return lambda m: replacement
    parts: list = []  # strings, and group references (as 1-tuples)
    i, n = 0, len(replacement)
    while i < n:
        c = replacement[i]
        if c != "$" or i + 1 == n:
            parts.append(c)
            i += 1
            continue
        nxt = replacement[i + 1]
        if nxt == "$":
            parts.append("$")
            i += 2
        elif nxt == "{" and "}" in replacement[i + 2:]:
            end = replacement.index("}", i + 2)
            parts.append((replacement[i + 2:end],))
            i = end + 1
        else:
            j = i + 1
            while j < n and (replacement[j].isalnum() or replacement[j] == "_"):
                j += 1
            if j == i + 1:
                parts.append("$")
                i += 1
            else:
                parts.append((replacement[i + 1:j],))
                i = j

    def expand(m: re.Match) -> str:
        out = []
        for p in parts:
            if p.__class__ is str:
                out.append(p)
                continue
            name = p[0]
            try:
                value = m.group(int(name) if name.isdigit() else name)
            except IndexError:
                value = None  # as in Rust: an unknown group expands to nothing
            out.append(value or "")
        return "".join(out)

    return expand


@builtin("regex/replace")
def replace(pattern: str, replacement: str, text: str) -> str:
    """TEXT with the first match of PATTERN replaced (``$1``, ``${name}`` ... refer to groups).

    Note the order: pattern, replacement, then the text.

    (regex/replace #"\\d+" "X" "a1b2c3") ; => "aXb2c3"
    (regex/replace #"(\\d+)-(\\w+)" "$2:$1" "item-42-foo") ; => "item-foo:42"
    (regex/replace #"(?P<num>\\d+)-(?P<word>\\w+)" "$word:$num" "item-42-foo") ; => "item-foo:42"
    """
    rx = _regex("regex/replace", pattern, text)
    return rx.sub(_expander("regex/replace", replacement), text, count=1)


@builtin("regex/replace-all")
def replace_all(pattern: str, replacement: str, text: str) -> str:
    """TEXT with every match of PATTERN replaced (``$1``, ``${name}`` ... refer to groups).

    (regex/replace-all #"\\d" "X" "a1b2") ; => "aXbX"
    (regex/replace-all #"\\s+" " " "a  b \\n c") ; => "a b c"
    """
    rx = _regex("regex/replace-all", pattern, text)
    return rx.sub(_expander("regex/replace-all", replacement), text)


@builtin("regex/split")
def split(pattern: str, text: str) -> ListBase:
    """TEXT split at every match of PATTERN (capture groups are not kept, as in Rust).

    (regex/split #"," "a,b,c") ; => ("a" "b" "c")
    (regex/split #"[,;]\\s*" "a, b;c") ; => ("a" "b" "c")
    """
    rx = _regex("regex/split", pattern, text)
    out, pos = [], 0
    for m in rx.finditer(text):
        if m.end() == m.start() and (m.start() == 0 or m.start() == len(text)):
            continue  # an empty match at either end splits nothing
        out.append(text[pos:m.start()])
        pos = m.end()
    out.append(text[pos:])
    return make_list(out)
