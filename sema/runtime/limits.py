"""Resource limits of embedded evaluation: output size and memory (the timeout is ``worker``'s).

``Interpreter(max_output=N)`` stops an evaluation once it has written N
characters (standard output and error together); ``Interpreter(max_memory=B)``
once the process has grown by B bytes since the evaluation began.  Memory is
the process's resident size, read every 20 ms while the evaluation runs
(``/proc/self/statm`` on Linux; the peak resident size on macOS); elsewhere
``max_memory`` is refused.  A single huge allocation (one C call) is seen
when it returns.  Both stops are delivered like a timeout: Lisp ``catch``
cannot end them, ``finally`` clauses run, and the call raises
:class:`~sema.errors.ResourceLimitError`.
"""

from __future__ import annotations

import os
import sys

#: how often a memory limit is checked while an evaluation runs (seconds)
MEMORY_POLL = 0.02


class Limits:
    """The limits of one interpreter's evaluations (None: no limit)."""

    __slots__ = ("max_output", "max_memory")

    def __init__(self, *, max_output: int | None = None, max_memory: int | None = None):
        for name, value in (("max_output", max_output), ("max_memory", max_memory)):
            if value is not None and (value.__class__ is not int or value < 0):
                raise ValueError(f"{name} must be a non-negative integer or None, got {value!r}")
        if max_memory is not None and resident_size() is None:
            raise ValueError(f"max_memory: the memory of a process cannot be measured on {sys.platform}")
        self.max_output = max_output
        self.max_memory = max_memory


def resident_size() -> int | None:
    """The process's resident memory in bytes (its peak on macOS), or None where it cannot be read."""
    probe = _probe()
    return probe() if probe is not None else None


_PROBE: list = []


def _probe():
    if not _PROBE:
        _PROBE.append(_make_probe())
    return _PROBE[0]


def _make_probe():
    if sys.platform.startswith("linux") and os.path.exists("/proc/self/statm"):
        page = os.sysconf("SC_PAGE_SIZE")

        def statm() -> int:
            with open("/proc/self/statm", "rb") as fh:
                return int(fh.read().split()[1]) * page
        return statm
    if sys.platform == "darwin":
        import resource
        return lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS
    return None


def memory_watch(limit: int, stop_type):
    """A ``watch`` for ``worker.run_with_deep_stack``: ``stop_type`` once memory grew by ``limit`` bytes."""
    probe = _probe()
    start = probe()

    def watch():
        return stop_type if probe() - start > limit else None
    return watch
