"""``sema fmt``: canonical formatting of sema source that keeps every comment.

The real reader (:mod:`sema.reader`) drops comments, so formatting has its own
small reader here that builds a *concrete* syntax tree: brackets with their
items, atoms as their exact source text (a string, char, number or symbol is
never rewritten), line comments, ``#| |#`` block comments and ``#;`` datum
comments (both kept verbatim), and the number of newlines before each item
(for blank lines and end-of-line comments).  :mod:`sema.fmt_layout` turns the
tree back into text.

The real reader is still used twice: first to report syntax errors exactly as
``sema`` itself would (``file:line:col: error: ...``), then to check that the
formatted text reads as the same forms as the original, so that a formatter
bug can never change a program.

Public API: :func:`format_source` (text -> formatted text), :func:`parse`
(text -> concrete tree) and :func:`main` (the ``sema fmt`` command).
"""

from __future__ import annotations

import os
import sys

from .errors import ReaderError, SemaError, Span
from .reader.lexemes import (
    ATOM_RE,
    CHAR_RE,
    CLOSERS,
    OPENERS,
    PREFIX_RE,
    REGEX_RE,
    STRING_RE,
    WHITESPACE_RE,
    block_comment_end,
    fstring_end,
)

__all__ = ["format_source", "parse", "main", "FormatError",
           "Atom", "Seq", "Prefix", "Comment", "Shebang", "Tree"]

WIDTH = 80
#: formatting is repeated until the text stops changing (see format_source)
MAX_PASSES = 4

# ---------------------------------------------------------------- the concrete tree


class Atom:
    """A token kept as its exact source text: symbol, number, string, char, regex, f-string."""

    __slots__ = ("text", "kind", "nl")

    def __init__(self, text: str, kind: str):
        self.text = text
        self.kind = kind  # "atom" | "str" | "char" | "regex" | "fstr"
        self.nl = 0       # newlines between the previous item (or bracket) and this one


class Seq:
    """A bracketed form: ``(`` list, ``[`` vector, ``{`` map, ``#(`` short lambda, ``#u8(`` bytevector."""

    __slots__ = ("open", "close", "items", "nl", "cells", "flat")

    def __init__(self, open_: str, close: str, items: list):
        self.open = open_
        self.close = close
        self.items = items
        self.nl = 0
        self.cells = None   # filled in by the layout pass
        self.flat = False   # likewise (False: not computed yet)


class Prefix:
    """``'x`` `` `x`` ``,x`` ``,@x`` ``@x``; ``trivia`` holds comments between the prefix and its form."""

    __slots__ = ("text", "trivia", "child", "nl")

    def __init__(self, text: str, trivia: list, child):
        self.text = text
        self.trivia = trivia
        self.child = child
        self.nl = 0


class Comment:
    """A comment, verbatim: ``; line``, ``#| block |#`` or ``#; datum``."""

    __slots__ = ("text", "kind", "nl")

    def __init__(self, text: str, kind: str):
        self.text = text
        self.kind = kind  # "line" | "block" | "datum"
        self.nl = 0


class Shebang:
    """The ``#!`` first line of a script."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class Tree:
    """A whole file: its optional shebang line and its top-level items."""

    __slots__ = ("shebang", "items")

    def __init__(self, shebang, items: list):
        self.shebang = shebang
        self.items = items


# ---------------------------------------------------------------- the reader
# The token patterns are the reader's (sema/reader/lexemes.py), so that both
# readers split source text the same way.


def _strip_line(line: str) -> str:
    s = line.rstrip()
    if s.endswith("#\\") and len(s) < len(line):
        return s + line[len(s)]  # `#\ ` is the space character: keep it
    return s


def _strip_lines(text: str) -> str:
    """Remove trailing whitespace from every line of a block or datum comment."""
    if "\n" not in text:
        return _strip_line(text)
    return "\n".join(_strip_line(line) for line in text.split("\n"))


class _Reader:
    """Recursive descent over the source text, building the concrete tree."""

    def __init__(self, text: str, filename: str):
        self.text = text
        self.file = filename
        self.pos = 0

    def error(self, message: str, pos: int | None = None) -> ReaderError:
        pos = self.pos if pos is None else pos
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return ReaderError(message, Span(self.file, line, col))

    def space(self) -> int:
        """Skip whitespace; the number of newlines skipped."""
        m = WHITESPACE_RE.match(self.text, self.pos)
        if not m:
            return 0
        self.pos = m.end()
        return m.group().count("\n")

    def items(self, closer: str | None) -> tuple[list, int]:
        """Items up to ``closer`` (or the end of the text); also the newlines before it."""
        text, out = self.text, []
        start = self.pos
        while True:
            nl = self.space()
            if self.pos >= len(text):
                if closer is not None:
                    raise self.error(f"unclosed bracket: expected `{closer}`", start - 1)
                return out, nl
            c = text[self.pos]
            if c in CLOSERS:
                if c != closer:
                    raise self.error(f"unexpected `{c}`")
                self.pos += 1
                return out, nl
            item = self.item()
            item.nl = nl
            out.append(item)

    def item(self):
        """A form or a comment."""
        text, pos = self.text, self.pos
        if text.startswith(";", pos):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            self.pos = end
            return Comment(text[pos:end].rstrip(), "line")
        if text.startswith("#|", pos):
            self.block_comment()
            return Comment(_strip_lines(text[pos:self.pos]), "block")
        if text.startswith("#;", pos):
            self.pos += 2
            self.skipped()
            return Comment(_strip_lines(text[pos:self.pos]), "datum")
        return self.form()

    def block_comment(self) -> None:
        end = block_comment_end(self.text, self.pos)
        if end is None:
            raise self.error("unterminated block comment `#| ... |#`")
        self.pos = end

    def trivia(self) -> list:
        """Comments before a form (after `#;` or a prefix); whitespace is dropped."""
        out = []
        while True:
            self.space()
            text, pos = self.text, self.pos
            if text.startswith(";", pos) or text.startswith("#|", pos):
                out.append(self.item())
            else:
                return out

    def skipped(self) -> None:
        """The form(s) a `#;` throws away (``#; #; a b`` skips two)."""
        self.trivia()
        if self.text.startswith("#;", self.pos):
            self.pos += 2
            self.skipped()
            self.skipped()
        else:
            self.form()

    def form(self):
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise self.error("expected a form before the end of input")
        c = text[pos]
        for opener, closer in OPENERS.items():
            if text.startswith(opener, pos):
                self.pos += len(opener)
                items, _ = self.items(closer)
                return Seq(opener, closer, items)
        if c in CLOSERS:
            raise self.error(f"unexpected `{c}`")
        m = PREFIX_RE.match(text, pos)
        if m:
            self.pos = m.end()
            trivia = []
            while True:
                trivia.extend(self.trivia())
                if self.text.startswith("#;", self.pos):
                    trivia.append(self.item())
                else:
                    break
            return Prefix(m.group(), trivia, self.form())
        if c == '"':
            return self.token(STRING_RE, "str", "unterminated string")
        if text.startswith('#"', pos):
            return self.token(REGEX_RE, "regex", "unterminated regex literal")
        if text.startswith("#\\", pos):
            return self.token(CHAR_RE, "char", "expected a character after `#\\`")
        if text.startswith('f"', pos):
            end = fstring_end(text, pos + 2)
            if end is None:
                raise self.error("unterminated f-string")
            self.pos = end
            return Atom(text[pos:end], "fstr")
        return self.token(ATOM_RE, "atom", f"unexpected character `{c}`")

    def token(self, regex, kind: str, message: str) -> Atom:
        m = regex.match(self.text, self.pos)
        if not m:
            raise self.error(message)
        self.pos = m.end()
        return Atom(m.group(), kind)


def parse(text: str, filename: str = "<input>") -> Tree:
    """The concrete syntax tree of ``text``; raises :class:`ReaderError` on malformed input."""
    shebang = None
    r = _Reader(text, filename)
    if text.startswith("#!"):
        end = text.find("\n")
        end = len(text) if end < 0 else end
        shebang = Shebang(text[:end].rstrip())
        r.pos = end
    items, _ = r.items(None)
    return Tree(shebang, items)


# ---------------------------------------------------------------- formatting


class FormatError(SemaError):
    """The formatter produced text that does not read back as the same forms (a formatter bug)."""


def _same_forms(a: list, b: list) -> bool:
    from .printer import write_str

    return len(a) == len(b) and all(
        type(x) is type(y) and write_str(x) == write_str(y) for x, y in zip(a, b))


def format_source(text: str, filename: str = "<input>", *, width: int = WIDTH, verify: bool = True) -> str:
    """Return ``text`` in canonical layout.

    The layout pass keeps some line breaks of its input (see
    :mod:`sema.fmt_layout`), so its own output can lay out differently in
    rare cases; it is therefore repeated until the text no longer changes
    (two passes for a file that needs formatting, one for a formatted one),
    which makes ``format_source`` idempotent.

    Raises :class:`~sema.errors.ReaderError` (with the position) when ``text``
    does not read, and :class:`FormatError` if the result would not read as the
    same forms (checked when ``verify`` is true, the default).

    >>> format_source("(define (f x)   (* x\\n 2)) ; twice")
    '(define (f x) (* x 2)) ; twice\\n'
    """
    from .fmt_layout import Layout
    from .reader import read_all

    before = read_all(text, filename)  # syntax errors, reported like `sema` reports them
    out = text
    for _ in range(MAX_PASSES):
        again = Layout(width).format_tree(parse(out, filename))
        if again == out:
            break
        out = again
    if verify and out != text:
        check_name = f"{filename} (formatted)"
        try:
            after = read_all(out, check_name)
        except SemaError as exc:
            raise FormatError(f"internal formatter error: the output does not read ({exc})",
                              Span(filename, 1, 1)) from None
        if not _same_forms(before, after):
            raise FormatError("internal formatter error: the output would read differently; "
                              "file left unchanged", Span(filename, 1, 1))
    return out


# ---------------------------------------------------------------- the command

USAGE = """\
usage: sema fmt [--check] FILE...
       sema fmt -              format standard input to standard output

Rewrite each FILE (or each .scm/.sema file under a directory) in canonical
layout, keeping every comment.  With --check nothing is written: the files
that would change are listed and the exit code is 1.
"""

_SOURCE_SUFFIXES = (".scm", ".sema", ".sld", ".ss")


def _expand(paths: list[str]) -> list[str]:
    """Files named on the command line, with directories replaced by the sources inside them."""
    out = []
    for p in paths:
        if p != "-" and os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(_SOURCE_SUFFIXES))
        else:
            out.append(p)
    return out


def _report(exc: SemaError) -> None:
    from .diagnostics import report
    report(exc)


def _format_one(path: str, check: bool) -> int:
    """Format (or check) one file, or standard input for ``-``; the exit status."""
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8", newline="") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        sys.stderr.write(f"{name}: error: cannot read: {reason}\n")
        return 1
    try:
        out = format_source(text, name)
    except SemaError as exc:
        _report(exc)
        return 1
    except RecursionError:
        sys.stderr.write(f"{name}:1:1: error: nested too deeply to format\n")
        return 1
    if check:
        if out != text:
            sys.stdout.write(f"would reformat {name}\n")
            return 1
        return 0
    if path == "-":
        sys.stdout.write(out)
    elif out != text:
        try:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(out)
        except OSError as exc:
            sys.stderr.write(f"{name}: error: cannot write: {exc.strerror or exc}\n")
            return 1
    return 0


def main(args: list[str]) -> int:
    """``sema fmt [--check] FILE...``: 0 formatted, 1 changes needed or errors, 2 usage error."""
    check, paths, i = False, [], 0
    while i < len(args):
        a = args[i]
        if a == "--check":
            check = True
        elif a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        elif a == "--":
            paths.extend(args[i + 1:])
            break
        elif a.startswith("-") and a != "-":
            sys.stderr.write(f"sema fmt: unknown option {a}\n{USAGE}")
            return 2
        else:
            paths.append(a)
        i += 1
    if not paths:
        sys.stderr.write(USAGE)
        return 2
    if paths.count("-") > 1:
        sys.stderr.write("sema fmt: `-` (standard input) can be given only once\n")
        return 2
    status = 0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10000))  # deeply nested forms recurse in the layout pass
    try:
        for path in _expand(paths):
            status = max(status, _format_one(path, check))
    finally:
        sys.setrecursionlimit(limit)
    return status
