"""The REPL: an interactive prompt on a terminal, a plain line reader otherwise.

One module per concern: ``core`` (state, evaluation, printing), ``commands``
(``,help`` ...), ``plain`` (no terminal), and for the terminal, built on
prompt-toolkit and imported only there: ``session`` (the prompt loop),
``lexer`` (highlighting), ``completer``, ``multiline`` (when Enter submits,
indentation), ``keys`` (key bindings) and ``history``.  ``tokens`` and
``names`` are shared helpers.
"""

from __future__ import annotations

import sys


def start_repl(interp, *, quiet: bool = False) -> int:
    """Run the REPL on standard input until its end (Ctrl-D); returns the exit code.

    With standard input and output on a terminal this is the prompt-toolkit
    session; otherwise the plain line mode, which prints no escape codes.
    """
    if _is_tty(sys.stdin) and _is_tty(sys.stdout):
        from .session import run_session
        return run_session(interp, quiet=quiet)
    from .plain import plain_repl
    return plain_repl(interp, sys.stdin)


def _is_tty(stream) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["start_repl"]
