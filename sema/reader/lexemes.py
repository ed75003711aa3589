"""The token patterns of sema source, shared by the reader, ``sema fmt`` and the REPL tokenizer.

The reader's Lark grammar (``grammar.lark``) takes its regex terminals from
here (:func:`lark_terminals`), and :mod:`sema.fmt` and
:mod:`sema.repl.tokens` match with the same patterns, so that all three split
text the same way.  A regex cannot count, so the two nestable tokens have
scanners here: :func:`block_comment_end` (``#| |#``) and :func:`fstring_end`
(``f"... ${expr} ..."``).  No Lark here: importing this module is cheap.
"""

from __future__ import annotations

import re

#: one character of an atom: anything but whitespace and the delimiters
ATOM_CHAR = r"""[^\s()\[\]{}";'`,@]"""
#: anything up to a delimiter, except the `#` forms and `f"` that have tokens of their own
#: (so that an unterminated one of those is an error at its start)
ATOM = r"""(?!#[(|;"\\!]|#u8\(|f")""" + ATOM_CHAR + "+"
STRING = r'"[^"\\]*(?:\\[\s\S][^"\\]*)*"'
#: a regex literal #"\d+": raw, only \" is an escape
REGEX = "#" + STRING
CHAR = r"#\\[\s\S]" + ATOM_CHAR + "*"
#: quote ' quasiquote ` unquote-splicing ,@ unquote , deref @
PREFIX = r"'|`|,@|,|@"
WHITESPACE = r"\s+"
LINE_COMMENT = r";[^\n]*"
#: whitespace and line comments, as one token
SPACE = rf"(?:{WHITESPACE}|{LINE_COMMENT})+"

#: Runs and flat forms: several forms in a row as one token, so that the parser (Python code per
#: token) sees them once.  A run is atoms and strings, and lists, vectors and maps holding only runs, up
#: to FLAT_DEPTH brackets deep, with the space between, each perhaps quoted ('x `(a ,b)); a flat form
#: (FLAT) is such a bracketed form.  `#` forms, a quote followed by space and deeper brackets go through
#: the grammar.  Any closing bracket ends a level here (the size of the pattern grows with the depth,
#: not three times per level): runs.read_run checks that each closes its own opener.  Possessive
#: quantifiers: no backtracking.
FLAT_DEPTH = 5
ELEMENT = rf"(?:{ATOM}|{STRING})"
_QUOTED = rf"(?:{PREFIX})*+"  # quotes and friends written right before a form belong to the run


def _run_of(part: str) -> str:
    return rf"(?:(?:{SPACE})?+{part})++(?:{SPACE})?+"


def _bracketed(run: str) -> str:
    return rf"[(\[{{](?:{run}|{SPACE})?+[)\]}}]"


_run = _run_of(_QUOTED + ELEMENT)  # a run of forms at most 0 brackets deep
for _depth in range(1, FLAT_DEPTH):
    _run = _run_of(rf"{_QUOTED}(?:{ELEMENT}|{_bracketed(_run)})")
RUN = _run                         # forms at most FLAT_DEPTH - 1 deep
FLAT = _bracketed(RUN)             # a bracketed form at most FLAT_DEPTH deep

#: the characters that end an atom (the ASCII ones; ATOM_CHAR also excludes Unicode spaces)
DELIMITERS = frozenset(" \t\n\r\f\v()[]{}\";'`,@")
#: each opening bracket and its closer, longest first (try `#u8(` before `#(` before `(`)
OPENERS = {"#u8(": ")", "#(": ")", "(": ")", "[": "]", "{": "}"}
CLOSERS = ")]}"

ATOM_RE = re.compile(ATOM)
STRING_RE = re.compile(STRING)
REGEX_RE = re.compile(REGEX)
CHAR_RE = re.compile(CHAR)
PREFIX_RE = re.compile(PREFIX)
WHITESPACE_RE = re.compile(WHITESPACE)
LINE_COMMENT_RE = re.compile(LINE_COMMENT)


def lark_terminals() -> str:
    """The Lark definitions of the regex terminals, which the reader appends to ``grammar.lark``."""
    terminals = {"PREFIX": PREFIX, "ATOM": ATOM, "STRING": STRING, "REGEX": REGEX, "CHAR": CHAR, "SPACE": SPACE,
                 "RUN.2": RUN, "FLAT.3": FLAT}
    return "".join(f"{name}: /{pattern}/\n" for name, pattern in terminals.items())


def block_comment_end(text: str, i: int) -> int | None:
    """The index after the ``|#`` closing the (nestable) block comment that starts at ``i``, or None."""
    depth, n = 0, len(text)
    while i < n:
        if text.startswith("#|", i):
            depth += 1
            i += 2
        elif text.startswith("|#", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return None


def fstring_end(text: str, i: int) -> int | None:
    """The index after the ``"`` closing the f-string whose body starts at ``i``, or None."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif c == "$" and text.startswith("${", i):
            i = brace_end(text, i + 2)
            if i is None:
                return None
        else:
            i += 1
    return None


def brace_end(text: str, i: int) -> int | None:
    """The index after the ``}`` closing a ``${`` whose body starts at ``i``, or None.

    Braces inside may nest; strings inside are skipped whole.
    """
    depth, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            m = STRING_RE.match(text, i)
            if m is None:
                return None
            i = m.end()
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    return None
