"""Marking blocking I/O, so that other async tasks run while one task waits on the network or a process.

Builtins that wait on the outside world (``shell``, ``proc/wait``, HTTP)
wrap the wait in ``with blocking():``.  Inside an async task that hands the
scheduler's baton to the next task for the duration (see
:mod:`.scheduler`); anywhere else it does nothing.  This module is tiny and
imports nothing, so the builtins can use it without loading the scheduler.
"""

from __future__ import annotations

import contextlib
import threading

_local = threading.local()
_NOTHING = contextlib.nullcontext()


def blocking():
    """A context manager for a stretch of blocking I/O (a no-op outside async tasks)."""
    section = getattr(_local, "io_section", None)
    return _NOTHING if section is None else section()


def set_io_section(factory) -> None:
    """Called on an async task's thread: ``factory()`` makes the context that releases its baton."""
    _local.io_section = factory
