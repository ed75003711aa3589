"""The forms of a RUN or FLAT_* token: atoms, strings and shallow brackets read from one token's text.

The lexer hands the parser a run of forms (``a "b" 12 [1 2] :k``) or a whole
flat form (``{:a [1 2]}``) as one token (see grammar.lark and lexemes.py);
it has checked their syntax already.  Here that text becomes values in one
pass: :data:`_STRUCTURE` finds only the strings, brackets and comments, and
the atoms between them are split off with ``str.split`` (C speed: most of a
file is atoms and spaces).  Atoms go through the reader's cache.  A
bracket's position is known from the match, so a list gets its span; an
atom's position is worked out only when it is needed (a `.`, or an atom that
cannot be read).
"""

from __future__ import annotations

import re

from ..errors import Span
from ..values import EMPTY, WRAPPED_KEY_TYPES as _WRAPPED, Map, Pair

#: what the token text holds besides atoms and space: strings, brackets, line comments
_STRUCTURE = re.compile(r'("[^"\\]*+(?:\\[\s\S][^"\\]*+)*+"|[()\[\]{}]|;[^\n]*|,@|[\'`,@])')
#: the text between those pieces and the pieces, alternately (strings: no match objects to make)
_STRUCTURE_SPLIT = _STRUCTURE.split
_WORD = re.compile(r"\S+")
_CLOSER_OF = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = ")]}"
_new = object.__new__


class Place:
    """The position of one piece of a token's text, shaped like a Lark token for the reader's spans."""

    __slots__ = ("value", "line", "column", "end_line", "end_column")

    def __init__(self, tok, text: str, start: int, end: int):
        self.value = text[start:end]
        self.line, self.column = _line_col(tok, text, start)
        self.end_line, self.end_column = _line_col(tok, text, end)


def _known(value: str, line: int, column: int, end_line: int, end_column: int) -> Place:
    """A Place whose position is already known."""
    place = Place.__new__(Place)
    place.value, place.line, place.column, place.end_line, place.end_column = value, line, column, end_line, \
        end_column
    return place



def _line_col(tok, text: str, offset: int) -> tuple[int, int]:
    newlines = text.count("\n", 0, offset)
    if not newlines:
        return tok.line, tok.column + offset
    return tok.line + newlines, offset - text.rfind("\n", 0, offset)


def _word_place(tok, text: str, start: int, end: int, index: int) -> Place:
    """The Place of the INDEX-th whitespace-separated word of ``text[start:end]``."""
    for i, m in enumerate(_WORD.finditer(text, start, end)):
        if i == index:
            return Place(tok, text, m.start(), m.end())
    return Place(tok, text, start, end)


def _mismatched(b, tok, text: str, closer: str, opener: str, at: int, offset: int):
    """The grammar's error for a closing bracket of the wrong kind, inside a token."""
    from ..errors import ReaderError
    line, col = _line_col(tok, text, at)
    where = Place(tok, text, offset, offset + 1)
    return ReaderError(f"mismatched `{closer}`: expected `{_CLOSER_OF[opener]}` to close `{opener}` opened at "
                       f"line {line}, column {col}", Span(b.file, where.line, where.column, where.end_line,
                                                            where.end_column))


def read_run(b, tok, start: int, end: int, cache: dict, unescape, quick) -> list:
    """The values of the forms in ``tok.value[start:end]``, built with the reader's builder ``b``.

    ``quick(text)`` reads and caches an atom that is not cached, or says None (nil, `.`, a bad
    atom); ``b.atom_at(place)`` reads those at their Place; ``b.list``, ``b.vector``
    and ``b.map`` build a bracketed form from ``(open, items, close)``;
    ``b.prefixed(place, value, end_line, end_col)`` quotes a value.

    One loop with everything inline: it runs for almost every character a file holds.
    """
    text = tok.value
    get = cache.get
    file = b.file
    items: list = []
    quotes: list = []  # the quotes (Places) waiting for the next form of this level
    frames: list = []  # (opening bracket, its offset, line, column, the enclosing items and quotes)
    # Positions are needed in increasing order, so a cursor counts each newline once (counting from the
    # token's start each time would make a long token with many lists or quotes quadratic).
    count, rfind = text.count, text.rfind
    at, line, line_start, first_column = 0, tok.line, -1, tok.column  # the cursor: line of offset AT
    parts = _STRUCTURE_SPLIT(text[start:end] if start or end != len(text) else text)
    offset = start
    last = len(parts) - 1
    i = 0
    while True:
        between = parts[i]
        if between:
            if not between.isspace():
                words = between.split()
                for j, word in enumerate(words):
                    v = get(word)
                    if v is None and word != "nil":
                        v = quick(word)
                        if v is None:
                            v = b.atom_at(_word_place(tok, text, offset, offset + len(between), j))
                    if j == 0 and quotes:  # quoted: its quotes are written right before it
                        stop = offset + len(between) - len(between.lstrip()) + len(word)
                        if count("\n", at, stop):
                            line += count("\n", at, stop)
                            line_start = rfind("\n", at, stop)
                        at = stop
                        v = _quoted(b, quotes, v, line, stop - line_start if line_start >= 0 else first_column + stop)
                    items.append(v)
            offset += len(between)
        if i == last:
            return items
        piece = parts[i + 1]
        i += 2
        s = offset
        offset += len(piece)
        c = piece[0]
        if c in "([{":
            if count("\n", at, s):
                line += count("\n", at, s)
                line_start = rfind("\n", at, s)
            at = s
            frames.append((c, s, line, s - line_start if line_start >= 0 else first_column + s, items, quotes))
            items, quotes = [], []
        elif c in ")]}":
            opener, open_at, open_line, open_col, outer, outer_quotes = frames.pop()
            if _CLOSER_OF[opener] != c:
                raise _mismatched(b, tok, text, c, opener, open_at, s)
            if c == ")" and not b.dots:  # the common list: its pairs and span made here
                value = EMPTY
                for x in reversed(items):  # Pair's __init__ (which fixes up nil and vector tails) skipped
                    pair = _new(Pair)
                    pair.car, pair.cdr = x, value
                    value = pair
                if value is not EMPTY:
                    if count("\n", at, offset):
                        line += count("\n", at, offset)
                        line_start = rfind("\n", at, offset)
                    at = offset
                    value.span = Span(file, open_line, open_col, line,
                                      offset - line_start if line_start >= 0 else first_column + offset)
            else:
                where = Place(tok, text, open_at, offset) if c == ")" or b.dots or c == "}" and len(items) & 1 \
                    else None
                if c == ")":
                    value = b.list((where, items, where))
                elif c == "]":
                    value = tuple(items) if where is None else b.vector((where, items, where))
                elif where is None and _WRAPPED.isdisjoint(map(type, items[::2])):
                    # no key needs wrapping (#t, 1.0 ...: see values.map_key): the keys go in as they are
                    it = iter(items)
                    value = Map(dict(zip(it, it)))
                elif where is None:
                    value = b.make_map(items)
                else:
                    value = b.map((where, items, where))
            items, quotes = outer, outer_quotes
            if quotes:
                if count("\n", at, offset):
                    line += count("\n", at, offset)
                    line_start = rfind("\n", at, offset)
                at = offset
                value = _quoted(b, quotes, value, line, offset - line_start if line_start >= 0 else first_column + offset)
            items.append(value)
        elif c == '"':
            value = piece[1:-1]
            if "\\" in value:
                value = unescape(value)
            if quotes:
                if count("\n", at, offset):
                    line += count("\n", at, offset)
                    line_start = rfind("\n", at, offset)
                at = offset
                value = _quoted(b, quotes, value, line, offset - line_start if line_start >= 0 else first_column + offset)
            items.append(value)
        elif c != ";":
            if count("\n", at, s):
                line += count("\n", at, s)
                line_start = rfind("\n", at, s)
            at = s
            col = s - line_start if line_start >= 0 else first_column + s
            quotes.append(_known(piece, line, col, line, col + len(piece)))


def _quoted(b, quotes: list, value, end_line: int, end_col: int):
    """VALUE inside the quotes written before it (innermost first), each ending where VALUE ends."""
    while quotes:
        value = b.prefixed(quotes.pop(), value, end_line, end_col)
    return value
