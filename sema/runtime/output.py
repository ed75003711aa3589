"""Where Lisp output goes: ``display``, ``print``, ``term/*`` ... write through :func:`stdout`.

By default that is ``sys.stdout`` (``sys.stderr``) as it is at the moment
of writing, so a host that redirects them (pytest's capture, the REPL's
line tracking) sees the output.  An interpreter made with ``stdout=`` /
``stderr=`` or ``max_output=`` runs each evaluation with a :class:`Sink`
current (a context variable the evaluation's threads inherit), which sends
the output to its own streams and counts it against the cap.
"""

from __future__ import annotations

import contextvars
import sys

_sink: contextvars.ContextVar["Sink | None"] = contextvars.ContextVar("sema_output", default=None)


def stdout():
    """The stream Lisp's standard output goes to now."""
    sink = _sink.get()
    return sys.stdout if sink is None else sink.out


def stderr():
    """The stream Lisp's error output goes to now."""
    sink = _sink.get()
    return sys.stderr if sink is None else sink.err


class Sink:
    """Output streams for one evaluation, with an optional cap on the characters written to both."""

    def __init__(self, out=None, err=None, limit: int | None = None, on_limit=None):
        self.limit = limit
        self.written = 0
        self.on_limit = on_limit   # called (with the limit) once the cap is reached; it should raise
        self.out = _Counted(self, out, "stdout")
        self.err = _Counted(self, err, "stderr")

    def count(self, text: str) -> str:
        """The part of ``text`` that fits under the cap (all of it without one); past it, ``on_limit``."""
        if self.limit is None:
            return text
        room = self.limit - self.written
        if len(text) <= room:
            self.written += len(text)
            return text
        self.written = self.limit
        return text[:max(room, 0)]


class _Counted:
    """A text stream that writes to its target (or the process's stream of that name) and counts."""

    def __init__(self, sink: Sink, target, name: str):
        self._sink = sink
        self._target = target
        self._name = name

    @property
    def target(self):
        return self._target if self._target is not None else getattr(sys, self._name)

    def write(self, text: str) -> int:
        fits = self._sink.count(text)
        if fits:
            self.target.write(fits)
        if len(fits) < len(text):
            self.target.flush()
            if self._sink.on_limit is not None:
                self._sink.on_limit(self._sink.limit)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self.target.flush()
        except (OSError, ValueError):
            pass

    def isatty(self) -> bool:
        try:
            return self.target.isatty()
        except (AttributeError, ValueError):
            return False

    def __getattr__(self, name):
        return getattr(self.target, name)


_terminal_input = None  # set by the terminal REPL: gives the terminal its line editing back while Lisp reads


def set_terminal_input(guard):
    """Install ``guard`` (a context manager factory) for :func:`terminal_input`; returns the previous one."""
    global _terminal_input
    previous, _terminal_input = _terminal_input, guard
    return previous


class terminal_input:
    """``with terminal_input():`` around code that reads the terminal (``read-line``, an editor), so that
    the terminal is as a program expects it (no contextlib: this module is imported at start-up)."""

    __slots__ = ("guard",)

    def __enter__(self):
        self.guard = _terminal_input() if _terminal_input is not None else None
        if self.guard is not None:
            self.guard.__enter__()

    def __exit__(self, *exc):
        if self.guard is not None:
            return self.guard.__exit__(*exc)
        return False


class using:
    """``with using(sink):`` makes ``sink`` current for the code run inside (and the evaluations it starts)."""

    __slots__ = ("sink", "token")

    def __init__(self, sink: Sink | None):
        self.sink = sink

    def __enter__(self):
        self.token = _sink.set(self.sink) if self.sink is not None else None

    def __exit__(self, *exc):
        if self.token is not None:
            _sink.reset(self.token)
        return False
