"""The REPL: an interactive prompt on a terminal, a plain line reader otherwise."""

from __future__ import annotations

import sys


def start_repl(interp, *, quiet: bool = False) -> int:
    """Run the REPL on standard input until end of input; returns the exit code."""
    from .plain import plain_repl
    return plain_repl(interp, sys.stdin, sys.stdout)
