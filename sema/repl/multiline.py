"""When Enter submits the input, and how far a continuation line is indented.

The reader decides: input it reports as :class:`~sema.errors.IncompleteInput`
(an open bracket, string or block comment) needs more lines; anything else,
including a real reader error, is submitted so that the error is shown at
once.  Indentation follows the usual Lisp conventions (body forms indent by
two, arguments align under the first argument).  No prompt_toolkit here.
"""

from __future__ import annotations

import re

from .tokens import open_brackets

_COMMAND = re.compile(r"\s*,[A-Za-z?]")

#: heads whose body is indented by two columns rather than aligned with the first argument
BODY_FORMS = frozenset("""
    lambda fn let let* letrec letrec* let-values let*-values when unless while do dotimes for-range
    begin progn try catch finally module parameterize receive match match* case cond if-let when-let
    with-open-file delay lazy defmacro define-record-type deftest is assert-eq
""".split())


def is_command(text: str) -> bool:
    """True for a REPL command such as ``,doc car`` (a comma and a letter at the start)."""
    return bool(_COMMAND.match(text))


def needs_more_input(text: str) -> bool:
    """True while the reader says ``text`` is unfinished (so Enter should add a line)."""
    if not text.strip() or is_command(text):
        return False
    from ..reader import is_complete
    return not is_complete(text)


def should_submit(text: str, cursor: int) -> bool:
    """Whether Enter with the cursor at ``cursor`` submits ``text``.

    Complete input is submitted when the cursor is at its end (or the input is
    a single line); in the middle of a multi-line form Enter opens a new line.
    """
    if text[cursor:].strip() and "\n" in text:
        return False
    return not needs_more_input(text)


def in_string(text: str) -> bool:
    """True when ``text`` ends inside an unfinished string or block comment."""
    return open_brackets(text)[1] is not None


def indent_for(text_before_cursor: str) -> int:
    """The indentation, in columns, of a new line started after ``text_before_cursor``."""
    stack, unfinished = open_brackets(text_before_cursor)
    if unfinished is not None or not stack:
        return 0  # inside a string spaces would become part of it
    inner = stack[-1]
    if inner.token.text != "(" and inner.token.text != "#(":
        return inner.col + len(inner.token.text)
    base = inner.col + len(inner.token.text)
    if not inner.items:
        return base
    head, head_line, _ = inner.items[0]
    name = head.text if head.kind == "atom" else ""
    if name in BODY_FORMS or name.startswith(("def", "with-")):
        return inner.col + 2
    if len(inner.items) > 1:
        first_arg, arg_line, arg_col = inner.items[1]
        if arg_line == head_line:
            return arg_col
    return base
