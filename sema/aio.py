"""``await interp.aeval(src)``: evaluation from asyncio code without blocking the event loop.

The evaluation runs exactly as :meth:`Interpreter.eval` runs it (on sema's
big-stack worker thread, with its timeout, cancellation and limits); a thread
of the loop's default executor waits for it, so the loop goes on.  Calls on
one interpreter run one at a time, in the order they were awaited.
Cancelling the awaiting task stops the evaluation (as ``interp.cancel()``
would), waits for it to unwind, and re-raises ``CancelledError``.
"""

from __future__ import annotations

import asyncio
import threading


class Ticket:
    """One asynchronous call: the worker thread running it (once there is one) and whether it was cancelled."""

    __slots__ = ("lock", "thread", "cancelled")

    def __init__(self):
        self.lock = threading.Lock()
        self.thread = None
        self.cancelled = False

    def started(self, thread) -> None:
        """Told which thread runs the evaluation (None when it ends); a cancel that came first takes effect."""
        from .runtime.worker import Cancelled, stop
        with self.lock:
            self.thread = thread
            if thread is not None and self.cancelled:
                stop(thread, Cancelled)

    def cancel(self) -> None:
        from .runtime.worker import Cancelled, stop
        with self.lock:
            self.cancelled = True
            if self.thread is not None:
                stop(self.thread, Cancelled)


async def run(interp, work):
    """Await ``work(ticket)`` (a blocking call of the interpreter) in an executor thread."""
    loop = asyncio.get_running_loop()
    ticket = Ticket()
    lock = interp._async_lock

    def call():
        with lock:
            if ticket.cancelled:
                from .errors import EvalCancelledError
                raise EvalCancelledError("evaluation cancelled")
            return work(ticket)

    future = loop.run_in_executor(None, call)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        ticket.cancel()
        try:  # let it unwind (its finally clauses run) before the interpreter is used again
            await asyncio.shield(future)
        except BaseException:
            pass
        raise
