"""Running Lisp on a big-stack worker thread, with interruption, timeouts and cancellation.

Recursion through builtins (``map`` calling a lambda that recurses) uses the
C stack, so evaluation runs on a thread with a 1 GiB stack and a high
recursion limit: 100,000-deep recursion works and anything deeper is a
RecursionError, never a crash.

The calling thread waits for the worker.  Ctrl-C in the caller, a timeout,
or a cancellation from a third thread is delivered into the worker as an
asynchronous exception (``PyThreadState_SetAsyncExc``), which unwinds the
Lisp code at its next bytecode.  A worker blocked inside a C call (a socket
read, say) sees it only when the call returns; builtins that wait (``sleep``)
wait in short slices so that they stay interruptible.
"""

from __future__ import annotations

import sys
import threading

STACK_SIZE = 1 << 30
RECURSION_LIMIT = 250_000

_local = threading.local()
_lock = threading.Lock()
_setup_done = False


class StopEvaluation(BaseException):
    """Delivered into a worker to stop it (a BaseException: Lisp ``catch`` cannot swallow it)."""

    reason = "stopped"


class TimedOut(StopEvaluation):
    reason = "timeout"


class Cancelled(StopEvaluation):
    reason = "cancelled"


def process_setup() -> None:
    """One-time process settings: recursion limit, big-integer printing, GC thresholds."""
    global _setup_done
    with _lock:
        if _setup_done:
            return
        if sys.getrecursionlimit() < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        if hasattr(sys, "set_int_max_str_digits"):
            sys.set_int_max_str_digits(0)
        import gc
        # pair-heavy Lisp code otherwise spends much of its time in the collector
        threshold = gc.get_threshold()
        gc.set_threshold(max(threshold[0], 50_000), threshold[1], max(threshold[2], 20))
        _setup_done = True


def on_worker() -> bool:
    """True on a thread already running Lisp (nested evaluation runs in place)."""
    return getattr(_local, "deep", False)


def run_with_deep_stack(fn, *args, timeout: float | None = None, track=None):
    """Call ``fn(*args)`` on a big-stack thread (directly if already on one).

    ``timeout`` (seconds) stops the evaluation with :class:`TimedOut`.
    ``track(thread_or_None)`` is told which thread runs the evaluation, so a
    third thread can :func:`stop` it.
    """
    if on_worker():
        return fn(*args)
    process_setup()
    result: list = []
    error: list = []

    def target():
        _local.deep = True
        try:
            result.append(fn(*args))
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    with _lock:
        old = threading.stack_size()
        threading.stack_size(STACK_SIZE)
        try:
            worker = threading.Thread(target=target, name="sema-eval", daemon=True)
            worker.start()
        finally:
            threading.stack_size(old)
    if track is not None:
        track(worker)
    try:
        _wait(worker, timeout)
    except KeyboardInterrupt:
        stop(worker, KeyboardInterrupt)
        worker.join(1.0)  # a worker blocked in a C call stops later; the prompt comes back now
        raise
    finally:
        if track is not None:
            track(None)
    if error:
        raise error[0]
    return result[0]


def _wait(worker: threading.Thread, timeout: float | None) -> None:
    import time
    deadline = None if timeout is None else time.monotonic() + timeout
    while worker.is_alive():
        if deadline is None:
            worker.join(0.25)
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            stop(worker, TimedOut)
            worker.join(5.0)  # a worker stuck in a C call may take a moment to notice
            return
        worker.join(min(left, 0.25))


def stop(thread: threading.Thread, exc_type=Cancelled) -> None:
    """Raise ``exc_type`` inside ``thread`` at its next bytecode."""
    import ctypes
    # No is_alive() check: after Ctrl-C interrupts a join(), Python 3.11 reports the thread as
    # stopped although it still runs.  An id that no longer exists is simply not found.
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(exc_type))


def interruptible_sleep(seconds: float) -> None:
    """Sleep in short slices, so a stop delivered to this thread takes effect promptly."""
    import time
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.05))
