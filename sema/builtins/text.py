"""``text/*``: cleaning, cutting and chunking prose (for prompts, embeddings, display).

Loaded on first use.  Lengths count characters.
"""

from __future__ import annotations

import re

from ..errors import LispValueError
from ..runtime.registry import builtin
from ..values import Keyword, ListBase, Map, make_list
from .argcheck import type_error

_WS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TAG = re.compile(r"<[^>]*>")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'", "&nbsp;": " "}
_ENTITY = re.compile("|".join(map(re.escape, _ENTITIES)))


def _str(who: str, *xs) -> None:
    for x in xs:
        if x.__class__ is not str:
            raise type_error(who, "a string", x)


def _opt(who: str, opts, name: str, default, kind=int):
    if opts is None:
        return default
    if not isinstance(opts, Map):
        raise type_error(who, "an options map", opts)
    value = opts.get(Keyword(name), default)
    if value.__class__ is not kind:
        raise type_error(who, f"{'an integer' if kind is int else 'a string'} for :{name}", value)
    return value


@builtin("text/clean-whitespace")
def clean_whitespace(text: str) -> str:
    """TEXT with every run of whitespace (spaces, tabs, newlines) made one space, and trimmed.

    (text/clean-whitespace "  hello   world  \\n\\n  foo  ") ; => "hello world foo"
    """
    _str("text/clean-whitespace", text)
    return _WS.sub(" ", text).strip()


@builtin("text/normalize-newlines")
def normalize_newlines(text: str) -> str:
    """TEXT with Windows (CR LF) and old Mac (CR) line endings turned into LF.

    (text/normalize-newlines "a\\r\\nb\\rc") ; => "a\\nb\\nc"
    """
    _str("text/normalize-newlines", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


@builtin("text/trim-indent")
def trim_indent(text: str) -> str:
    """TEXT without the indentation its non-blank lines have in common.

    (text/trim-indent "    hello\\n      world") ; => "hello\\n  world"
    """
    _str("text/trim-indent", text)
    lines = text.split("\n")
    indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(ln[cut:] for ln in lines)


@builtin("text/strip-html")
def strip_html(text: str) -> str:
    """TEXT without HTML tags, with the common entities (&amp; &lt; &gt; &quot; &#39; &apos; &nbsp;) decoded.

    (text/strip-html "<p>Hello <b>world</b></p>") ; => "Hello world"
    (text/strip-html "a &amp; b &lt; c") ; => "a & b < c"
    """
    _str("text/strip-html", text)
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], _TAG.sub("", text))


@builtin("text/word-count")
def word_count(text: str) -> int:
    """The number of whitespace-separated words in TEXT.

    (text/word-count "hello world foo bar") ; => 4
    """
    _str("text/word-count", text)
    return len(text.split())


@builtin("text/truncate")
def truncate(text: str, max_length: int, suffix: str = "...") -> str:
    """TEXT cut to at most MAX-LENGTH characters, SUFFIX included, when it is longer.

    (text/truncate "hello world" 5) ; => "he..."
    (text/truncate "hello world" 8 "…") ; => "hello w…"
    (text/truncate "hi" 10) ; => "hi"
    """
    _str("text/truncate", text, suffix)
    if max_length.__class__ is not int or max_length < 0:
        raise type_error("text/truncate", "a non-negative integer length", max_length)
    if len(text) <= max_length:
        return text
    return text[:max(0, max_length - len(suffix))] + suffix[:max_length]


@builtin("text/excerpt")
def excerpt(text: str, query: str, opts: Map | None = None) -> str | None:
    """The part of TEXT around the first QUERY (found ignoring case), or nil if it is absent.

    Options: :radius (characters kept on each side, 100) and :omission (the
    marker for cut text, "...").

    (text/excerpt "The quick brown fox jumps over the lazy dog" "fox" {:radius 10}) ; => "...ick brown fox jumps ove..."
    (text/excerpt "Hello world" "Hello") ; => "Hello world"
    (text/excerpt "Long text here..." "text" {:radius 5 :omission "[…]"}) ; => "Long text here[…]"
    """
    _str("text/excerpt", text, query)
    radius = _opt("text/excerpt", opts, "radius", 100)
    omission = _opt("text/excerpt", opts, "omission", "...", str)
    i = text.lower().find(query.lower())
    if i < 0:
        return None
    start, end = max(0, i - radius), min(len(text), i + len(query) + radius)
    return (omission if start > 0 else "") + text[start:end] + (omission if end < len(text) else "")


@builtin("text/split-sentences")
def split_sentences(text: str) -> ListBase:
    """The sentences of TEXT: a sentence ends at . ! or ? followed by whitespace (no abbreviation list).

    (text/split-sentences "Hello world. How are you? Fine!") ; => ("Hello world." "How are you?" "Fine!")
    (text/split-sentences "") ; => ()
    """
    _str("text/split-sentences", text)
    return make_list([s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()])


@builtin("text/chunk-by-separator")
def chunk_by_separator(text: str, sep: str) -> ListBase:
    """TEXT split at each SEP, without empty pieces.

    (text/chunk-by-separator "a\\nb\\n\\nc" "\\n") ; => ("a" "b" "c")
    """
    _str("text/chunk-by-separator", text, sep)
    if not sep:
        raise LispValueError("text/chunk-by-separator: the separator must not be empty")
    return make_list([p for p in text.split(sep) if p])


@builtin("text/chunk")
def chunk(text: str, opts: Map | None = None) -> ListBase:
    """TEXT cut into chunks of at most :size characters (1000), consecutive chunks sharing :overlap (200).

    Chunks are cut between words (a word longer than :size is cut inside);
    each chunk starts with up to :overlap characters of whole words from the
    end of the one before.

    (text/chunk "aaa bbb ccc ddd" {:size 8 :overlap 0}) ; => ("aaa bbb" "ccc ddd")
    (length (text/chunk "short")) ; => 1
    """
    _str("text/chunk", text)
    size = _opt("text/chunk", opts, "size", 1000)
    overlap = _opt("text/chunk", opts, "overlap", 200)
    if size <= 0 or overlap < 0 or overlap >= size:
        raise LispValueError(f"text/chunk: need 0 <= :overlap < :size, got :size {size} :overlap {overlap}")
    units = _units(text, size)
    out: list[str] = []
    window: list[str] = []
    length = 0
    for unit in units:
        if window and length + len(unit) > size:
            out.append("".join(window).strip())
            while window and (length > overlap or length + len(unit) > size):
                length -= len(window.pop(0))  # keep at most OVERLAP characters of the last chunk
        window.append(unit)
        length += len(unit)
    if window:
        out.append("".join(window).strip())
    return make_list([c for c in out if c])


def _units(text: str, size: int) -> list[str]:
    """TEXT cut at separators into small pieces (words with what follows them), none longer than SIZE."""
    pieces = re.findall(r"\S+\s*|\s+", text)
    out = []
    for p in pieces:
        out.extend(p[i:i + size] for i in range(0, len(p), size)) if len(p) > size else out.append(p)
    return out
