"""The plain REPL used when standard input is not a terminal: no prompt, no escape codes.

Lines are gathered until the reader says the input is complete; each value
is printed in ``write`` form (nil prints nothing); errors are printed to
stderr, rendered without colour, and reading goes on.  Commands (``,doc
car``) work as in the terminal.  Line numbers in errors are the lines of
standard input.  The exit code is 1 if any input failed, or the code given
to ``(exit N)`` / 0 for ``,quit``.
"""

from __future__ import annotations

from ..errors import ExitRequest
from .core import ReplState
from .tokens import BracketCounter


def plain_repl(interp, stdin, stdout=None, stderr=None) -> int:
    """Read forms from the lines of ``stdin`` until its end; returns the exit code."""
    state = ReplState(interp, filename="<stdin>", color=False, stdout=stdout, stderr=stderr)
    buffer = ""
    brackets = BracketCounter()
    try:
        for line in stdin:
            buffer += line
            if brackets.feed(line) and state.feed(buffer, final=False):
                buffer = ""
                brackets.reset()
        if buffer.strip():
            state.feed(buffer, final=True)  # reports the unclosed form
    except ExitRequest as exc:
        return exc.code
    return 1 if state.failed else 0
