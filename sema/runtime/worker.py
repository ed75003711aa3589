"""Running Lisp on a big-stack worker thread, with interruption, timeouts and cancellation.

Recursion through builtins (``map`` calling a lambda that recurses) uses the
C stack, so evaluation runs on a thread with a large stack (1 GiB, or less
where an address-space limit forbids it: see :func:`_start`) and a high
recursion limit: 100,000-deep recursion works and anything deeper is a
RecursionError, never a crash.

The calling thread waits for the worker.  Ctrl-C in the caller, a timeout,
or a cancellation from a third thread is delivered into the worker as an
asynchronous exception (``PyThreadState_SetAsyncExc``), which unwinds the
Lisp code at its next bytecode, running its ``finally`` clauses.  A worker
blocked inside a C call (a socket read, say) sees it only when the call
returns; builtins that wait (``sleep``) wait in short slices so that they
stay interruptible.  Once a stop is requested it sticks: whatever the
worker's code does while unwinding (a ``finally`` that throws, a ``catch``),
the evaluation ends as stopped.

Process settings.  While an evaluation runs, the recursion limit is raised
and the collector's thresholds are relaxed (pair-heavy code otherwise spends
much of its time in the collector); both are restored when the last running
evaluation ends, so a host program keeps its own settings between calls.
``SEMA_PROCESS_TUNING=0`` leaves both alone (deep recursion is then limited
by the host's recursion limit).
"""

from __future__ import annotations

import contextvars
import gc
import os
import sys
import threading
import time

#: stack sizes tried for the worker, largest first, with the recursion limit each allows
STACKS = ((1 << 30, 1_000_000), (256 << 20, 250_000), (64 << 20, 60_000), (16 << 20, 15_000))
#: seconds a stopped worker gets to unwind (run its finally clauses) before the caller gives up on it
GRACE = 5.0

_local = threading.local()
_lock = threading.Lock()
_stack_choice: tuple[int, int] | None = None
_running = 0
_saved_settings = None


class StopEvaluation(BaseException):
    """Delivered into a worker to stop it (a BaseException: Lisp ``catch`` cannot swallow it)."""

    reason = "stopped"


class TimedOut(StopEvaluation):
    reason = "timeout"


class Cancelled(StopEvaluation):
    reason = "cancelled"


class MemoryLimitReached(StopEvaluation):
    reason = "memory"


class OutputLimitReached(StopEvaluation):
    reason = "output"


class CouldNotStop(Exception):
    """The worker was asked to stop but is still running (stuck in one long C call)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _tuning_enabled() -> bool:
    return os.environ.get("SEMA_PROCESS_TUNING", "1") not in ("0", "false", "no")


def _enter_settings(limit: int) -> None:
    """Raise the recursion limit and GC thresholds for the first running evaluation."""
    global _running, _saved_settings
    with _lock:
        _running += 1
        if _running == 1 and _tuning_enabled():
            _saved_settings = (sys.getrecursionlimit(), gc.get_threshold())
            if sys.getrecursionlimit() < limit:
                sys.setrecursionlimit(limit)
            t = gc.get_threshold()
            gc.set_threshold(max(t[0], 50_000), t[1], max(t[2], 20))


def _leave_settings() -> None:
    global _running, _saved_settings
    with _lock:
        _running -= 1
        if _running == 0 and _saved_settings is not None:
            limit, threshold = _saved_settings
            sys.setrecursionlimit(limit)
            gc.set_threshold(*threshold)
            _saved_settings = None


def on_worker() -> bool:
    """True on a thread already running Lisp (nested evaluation runs in place)."""
    return getattr(_local, "deep", False)


def pending_stop():
    """The stop requested for the current worker thread (a StopEvaluation class), or None."""
    return getattr(threading.current_thread(), "sema_stop", None)


def _start(target) -> threading.Thread:
    """Start ``target`` on a thread with the largest stack the process can reserve."""
    global _stack_choice
    choices = [_stack_choice] if _stack_choice is not None else list(STACKS)
    last_error = None
    for size, limit in choices:
        with _lock:
            old = threading.stack_size()
            try:
                threading.stack_size(size)
                worker = threading.Thread(target=target, name="sema-eval", daemon=True)
                worker.start()
            except (RuntimeError, MemoryError, ValueError) as exc:  # the stack could not be reserved
                last_error = exc
                continue
            finally:
                threading.stack_size(old)
        if _stack_choice is None:
            _stack_choice = (size, limit)
            if size != STACKS[0][0]:
                sys.stderr.write(f"sema: could not reserve a {STACKS[0][0] >> 20} MiB stack (an address-space "
                                 f"limit?); using {size >> 20} MiB: recursion is limited to about "
                                 f"{limit:,} calls\n")
        return worker
    raise RuntimeError(f"sema: cannot start an evaluation thread: {last_error}")


def recursion_limit() -> int:
    return (_stack_choice or STACKS[0])[1]


def run_with_deep_stack(fn, *args, timeout: float | None = None, track=None, watch=None):
    """Call ``fn(*args)`` on a big-stack thread (directly if already on one).

    ``timeout`` (seconds) stops the evaluation with :class:`TimedOut`.
    ``track(thread_or_None)`` is told which thread runs the evaluation, so a
    third thread can :func:`stop` it.  ``watch()``, called every few
    milliseconds while it runs, may return a StopEvaluation class to stop it
    with (a resource limit).  The worker runs in a copy of the caller's
    context variables (the sandbox's and the output's).
    """
    if on_worker():
        return fn(*args)
    result: list = []
    error: list = []
    done = threading.Event()
    context = contextvars.copy_context()

    def target():
        _local.deep = True
        try:
            result.append(context.run(fn, *args))
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)
        finally:
            done.set()

    _enter_settings(recursion_limit())  # before the worker runs
    try:
        worker = _start(target)
    except BaseException:
        _leave_settings()
        raise
    if _saved_settings is not None and sys.getrecursionlimit() < recursion_limit():
        sys.setrecursionlimit(recursion_limit())  # a smaller stack than expected was chosen just now
    if track is not None:
        track(worker)
    try:
        _wait(worker, done, timeout, watch)
    except KeyboardInterrupt:
        stop(worker, KeyboardInterrupt)
        try:  # let the Lisp code unwind and run its finally clauses; a second Ctrl-C stops waiting
            done.wait(GRACE)
        except KeyboardInterrupt:
            pass
        raise KeyboardInterrupt from None
    finally:
        if track is not None:
            track(None)
        _leave_settings()
    requested = getattr(worker, "sema_stop", None)
    if requested is not None and requested is not KeyboardInterrupt:
        if not done.is_set():
            raise CouldNotStop(requested.reason, _stuck_message(requested.reason, timeout))
        raise requested()  # whatever the code did while unwinding, it was stopped
    if error:
        raise error[0]
    return result[0]


def _stuck_message(reason: str, timeout) -> str:
    what = {"timeout": f"timed out after {timeout:g} s", "memory": "went past its memory limit",
            "output": "went past its output limit"}.get(reason, "was cancelled")
    return (f"evaluation {what} but could not be stopped within {GRACE:g} s: it is inside one long "
            "operation of Python or C code (a huge number, a blocking call) and keeps running in the "
            "background until that returns")


def _wait(worker: threading.Thread, done: threading.Event, timeout: float | None, watch=None) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    step = 0.25 if watch is None else 0.02
    while not done.is_set():
        if watch is not None:
            reason = watch()
            if reason is not None:
                stop(worker, reason)
                done.wait(GRACE)
                return
        if deadline is None:
            done.wait(step)
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            stop(worker, TimedOut)
            done.wait(GRACE)  # a worker stuck in a C call may take a moment to notice
            return
        done.wait(min(left, step))


def stop(thread: threading.Thread, exc_type=Cancelled) -> None:
    """Raise ``exc_type`` inside ``thread`` at its next bytecode (and remember it was asked to stop)."""
    import ctypes
    if getattr(thread, "sema_stop", None) is None:
        thread.sema_stop = exc_type
    if thread is threading.current_thread():
        raise exc_type()  # stopping oneself (an output limit reached while writing)
    # No is_alive() check: after Ctrl-C interrupts a join(), Python 3.11 reports the thread as
    # stopped although it still runs.  An id that no longer exists is simply not found.
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(exc_type))


def interruptible_sleep(seconds: float) -> None:
    """Sleep in short slices, so a stop delivered to this thread takes effect promptly."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.05))
