"""A forgiving tokenizer for text being typed: highlighting, indentation and completion share it.

The reader (Lark) rejects unfinished or wrong text as a whole; the REPL
needs tokens for every prefix of what the user types.  So this scanner never
fails: an unterminated string or block comment simply runs to the end of the
text (its token has ``closed=False``), and a character that starts nothing
becomes an ``error`` token.  Its patterns are the reader's
(:mod:`sema.reader.lexemes`).

Token kinds: ``space``, ``comment`` (``;``, ``#|...|#``, and the ``#;``
marker), ``string`` (``"..."``, ``f"..."``, ``#"..."``), ``char``,
``open``, ``close``, ``prefix`` (quote, quasiquote, unquote, deref) and
``atom`` (numbers, symbols, keywords, booleans).  No prompt_toolkit here.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..reader.lexemes import (
    ATOM_CHAR, CHAR_RE, DELIMITERS, LINE_COMMENT_RE, OPENERS, PREFIX_RE, REGEX_RE, STRING_RE, WHITESPACE_RE,
    block_comment_end, fstring_end,
)

#: unlike the reader's ATOM, also `#!...` and the like: anything up to a delimiter is one token
_ATOM = re.compile(ATOM_CHAR + "+")


class Token(NamedTuple):
    """One token: its kind, its text, where it starts in the text, and whether it is finished."""

    kind: str
    text: str
    start: int
    closed: bool = True

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text``, covering it exactly (joining their texts gives ``text`` back)."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n\r\f\v":
            m = WHITESPACE_RE.match(text, i)
            out.append(Token("space", m.group(), i))
            i = m.end()
        elif c == ";":
            m = LINE_COMMENT_RE.match(text, i)
            out.append(Token("comment", m.group(), i))
            i = m.end()
        elif c == '"' or (c == "f" and text.startswith('f"', i)) or text.startswith('#"', i):
            end, closed = _string_end(text, i)
            out.append(Token("string", text[i:end], i, closed))
            i = end
        elif text.startswith("#|", i):
            end = block_comment_end(text, i)
            closed = end is not None
            end = end if closed else n
            out.append(Token("comment", text[i:end], i, closed))
            i = end
        elif text.startswith("#;", i):
            out.append(Token("comment", "#;", i))
            i += 2
        elif text.startswith("#\\", i) and i + 2 < n:
            m = CHAR_RE.match(text, i)
            out.append(Token("char", m.group(), i))
            i = m.end()
        elif c in "([{#":
            opener = next((o for o in OPENERS if text.startswith(o, i)), None)
            if opener is not None:
                out.append(Token("open", opener, i))
                i += len(opener)
            else:
                i = _atom(text, i, out)
        elif c in ")]}":
            out.append(Token("close", c, i))
            i += 1
        elif c in ",'`@":
            m = PREFIX_RE.match(text, i)
            out.append(Token("prefix", m.group(), i))
            i = m.end()
        else:
            i = _atom(text, i, out)
    return out


def _atom(text: str, i: int, out: list[Token]) -> int:
    m = _ATOM.match(text, i)
    if m is None:  # e.g. a lone `#\` at the very end
        out.append(Token("error", text[i], i, False))
        return i + 1
    out.append(Token("atom", m.group(), i))
    return m.end()


def _string_end(text: str, i: int) -> tuple[int, bool]:
    """End of the string starting at ``i`` (plain, f-string or regex) and whether it is closed."""
    if text[i] == "f":
        end = fstring_end(text, i + 2)
    else:
        m = (STRING_RE if text[i] == '"' else REGEX_RE).match(text, i)
        end = m.end() if m else None
    return (len(text), False) if end is None else (end, True)


def word_before(text: str) -> str:
    """The atom being typed at the end of ``text`` (empty after a delimiter)."""
    i = len(text)
    while i > 0 and text[i - 1] not in DELIMITERS:
        i -= 1
    word = text[i:]
    # `#(` and `#u8(` are brackets, not words; a char literal is not completed
    return "" if word.startswith("#\\") else word


class OpenBracket(NamedTuple):
    """An unclosed bracket: its token, its line and column, and the tokens inside it so far."""

    token: Token
    line: int
    col: int
    items: list  # (Token, line, col) of the elements read so far


def open_brackets(text: str) -> tuple[list[OpenBracket], Token | None]:
    """The brackets still open at the end of ``text``, outermost first, and an unfinished
    string or block comment at the end (or None)."""
    stack: list[OpenBracket] = []
    line, line_start = 0, 0
    last: Token | None = None
    for tok in tokenize(text):
        col = tok.start - line_start
        if tok.kind == "open":
            if stack:
                stack[-1].items.append((tok, line, col))
            stack.append(OpenBracket(tok, line, col, []))
        elif tok.kind == "close":
            if stack:
                stack.pop()
        elif tok.kind in ("atom", "string", "char") and stack:
            stack[-1].items.append((tok, line, col))
        newlines = tok.text.count("\n")
        if newlines:
            line += newlines
            line_start = tok.start + tok.text.rindex("\n") + 1
        last = tok
    unfinished = last if last is not None and not last.closed and last.kind in ("string", "comment") else None
    return stack, unfinished


class BracketCounter:
    """Counts brackets over text fed piece by piece, rescanning only what is new.

    The plain mode asks the (much slower) reader only when the brackets
    balance, so a form of thousands of lines costs linear time, not quadratic.
    """

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.text = ""
        self.pos = 0    # everything before pos is scanned; it ends outside any string or comment
        self.depth = 0

    def feed(self, more: str) -> bool:
        """Add ``more``; True when no bracket, string or block comment is left open
        (or a bracket closed that was never opened: the reader will say so)."""
        self.text += more
        for tok in tokenize(self.text[self.pos:]):
            if not tok.closed:
                return False  # rescanned from its start when more text comes
            if tok.kind == "open":
                self.depth += 1
            elif tok.kind == "close":
                self.depth -= 1
            self.pos += len(tok.text)
        return self.depth <= 0
