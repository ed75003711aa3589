"""The async scheduler: cooperative tasks on threads that pass one baton.

Design.  Sema's tasks are cooperative and deterministic: a spawned task does
not run until the spawner yields (``await``, a channel operation,
``async/sleep``); ready tasks run in spawn order; the longest-waiting task
is woken first.  Compiled sema code is plain Python, so a task cannot be an
asyncio coroutine (every call on the way to a yield would have to be
``async``).  Each task is a thread instead, and a *baton* (one per
interpreter) says which of them may run Lisp: the holder runs until it
yields and hands the baton on, so Lisp code never runs in two tasks at once
and the ordering is Sema's.  Because tasks are real threads, a task can
yield from anywhere, also from inside ``map`` or ``for-each`` callbacks.

Blocking I/O does not hold the baton: ``shell``, ``proc/wait`` and every
HTTP request (the ``http/*`` builtins and the LLM providers, through httpx)
release it while they wait (see :mod:`.blocking`), so the other tasks run
and several LLM calls in several tasks overlap.  Top-level code (outside any
task) keeps the baton through its I/O, so it runs as it would without async.

Cancellation: a task that is waiting is woken and unwinds at once (with a
BaseException Lisp ``catch`` cannot stop); one in blocking I/O gets the
exception delivered into its thread, which aborts a subprocess wait at once
and an HTTP read when the socket returns.

The interpreter's tail-call bookkeeping (``_TOKEN``/``_BUDGET`` in its
namespace) belongs to whoever holds the baton: it is saved when a task hands
the baton on and restored when it gets it back.
"""

from __future__ import annotations

import contextvars
import threading
import time
import weakref
from collections import deque

from ..errors import EvalCancelledError, EvalTimeoutError, SemaError
from ..runtime.tailcalls import TAIL_BUDGET
from . import blocking

PENDING, RESOLVED, REJECTED, CANCELLED = "pending", "resolved", "rejected", "cancelled"
TASK_STACK = 256 << 20
_POLL = 0.05  # waits wake this often, so that Ctrl-C and timeouts are seen promptly
_local = threading.local()
_schedulers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class AsyncPromise:
    """What ``async`` and ``async/spawn`` return: a task's eventual value."""

    __slots__ = ("state", "value", "error", "task")
    sema_type = "async-promise"

    def __init__(self, task=None):
        self.state = PENDING
        self.value = None
        self.error = None
        self.task = task

    def sema_print(self, out, print_value):
        out.append(f"<async-promise {self.state}>")


class Runner:
    """Someone who can hold the baton: the top level (``main``) or a task."""

    def __init__(self, name: str):
        self.name = name
        self.tail = (None, TAIL_BUDGET)
        self.cancel_requested = False
        self.in_io = False
        self.thread = None


class Task(Runner):
    def __init__(self, sched: "Scheduler", thunk, number: int):
        super().__init__(f"task-{number}")
        self.thunk = thunk
        self.promise = AsyncPromise(self)
        self.started = False
        self.sched = sched
        self.context = contextvars.copy_context()  # the spawner's output sink goes with the task


def scheduler_for(interp) -> "Scheduler":
    sched = _schedulers.get(interp)
    if sched is None:
        sched = _schedulers[interp] = Scheduler(interp)
    return sched


class Scheduler:
    def __init__(self, interp):
        self.interp = interp
        self.ns = interp.namespace
        self.cond = threading.Condition(threading.Lock())
        self.main = Runner("main")
        self.holder: Runner | None = None
        self.ready: deque = deque()
        self.blocked: list = []  # [runner, predicate, deadline, order] in the order they blocked
        self.tasks_spawned = 0
        self.order = 0
        self.io_count = 0
        from .http_release import ensure_httpx_releases
        ensure_httpx_releases()

    # ------------------------------------------------------------ who is running

    def current(self) -> Runner:
        runner = getattr(_local, "runner", None)
        if runner is not None and getattr(runner, "sched", None) is self:
            return runner
        return self.main

    def in_task(self) -> bool:
        return self.current() is not self.main

    def enter(self) -> Runner:
        """The caller's runner, holding the baton (top-level code takes it when it is free)."""
        runner = self.current()
        if runner is self.main:
            with self.cond:
                while self.holder is not self.main:
                    if self.holder is None:
                        self.holder = self.main
                        break
                    self.cond.wait(_POLL)
        return runner

    # ------------------------------------------------------------ passing the baton (hold self.cond)

    def _save(self, runner: Runner) -> None:
        runner.tail = (self.ns.get("_TOKEN"), self.ns.get("_BUDGET", TAIL_BUDGET))

    def _restore(self, runner: Runner) -> None:
        self.ns["_TOKEN"], self.ns["_BUDGET"] = runner.tail

    def _hand_on(self) -> None:
        """Give the free baton to the first ready runner (starting a task's thread the first time)."""
        if self.holder is not None or not self.ready:
            self.cond.notify_all()
            return
        runner = self.ready.popleft()
        self.holder = runner
        if isinstance(runner, Task) and not runner.started:
            runner.started = True
            self._start_thread(runner)
        self.cond.notify_all()

    def _make_ready(self, runner: Runner) -> None:
        if runner is not self.holder and runner not in self.ready:
            self.ready.append(runner)
        self._hand_on()

    def _wake(self) -> None:
        """Move blocked runners whose wait is over to the ready queue, longest-waiting first."""
        if not self.blocked:
            return
        now = time.monotonic()
        by_event, by_time = [], []
        for entry in self.blocked:
            runner, pred, deadline, _ = entry
            if runner.cancel_requested or pred():
                by_event.append(entry)
            elif deadline is not None and now >= deadline:
                by_time.append(entry)
        if not by_event and not by_time:
            return
        by_time.sort(key=lambda e: (e[2], e[3]))
        for entry in by_event + by_time:
            self.blocked.remove(entry)
            self.ready.append(entry[0])
        self._hand_on()

    def _release(self, runner: Runner) -> None:
        self._save(runner)
        if self.holder is runner:
            self.holder = None
        self._wake()
        self._hand_on()

    def _next_deadline(self):
        deadlines = [e[2] for e in self.blocked if e[2] is not None]
        return min(deadlines) if deadlines else None

    def _deadlocked(self) -> bool:
        """Nobody can ever run again: nothing ready or running, no timer, no I/O in flight."""
        return (self.holder is None and not self.ready and self.io_count == 0
                and self._next_deadline() is None)

    def notify(self) -> None:
        """Something waited for may have happened (a promise settled, a channel changed)."""
        with self.cond:
            self._wake()

    # ------------------------------------------------------------ waiting

    def block(self, runner: Runner, pred, deadline: float | None = None, who: str = "await") -> None:
        """Wait, letting other tasks run, until PRED() holds or DEADLINE (monotonic seconds) passes.

        Returns holding the baton again.  A cancelled task raises Cancelled.
        """
        from ..runtime.worker import Cancelled
        with self.cond:
            if runner.cancel_requested and runner is not self.main:
                raise Cancelled()
            if pred():
                return
            self.order += 1
            self.blocked.append([runner, pred, deadline, self.order])
            self._release(runner)
            try:
                while self.holder is not runner:
                    self._wake()
                    if runner is self.main and self.holder is None and self._deadlocked():
                        self._drop(runner)
                        self.holder = self.main
                        raise SemaError(f"{who}: deadlock: every task is waiting and nothing can wake them")
                    timeout = _POLL
                    nd = self._next_deadline()
                    if nd is not None:
                        timeout = max(0.0, min(timeout, nd - time.monotonic()))
                    self.cond.wait(timeout)
            except BaseException:
                self._drop(runner)
                self._take_back(runner)
                raise
            self._restore(runner)
        if runner.cancel_requested and runner is not self.main:
            raise Cancelled()

    def _drop(self, runner: Runner) -> None:
        self.blocked = [e for e in self.blocked if e[0] is not runner]
        if runner in self.ready:
            self.ready.remove(runner)

    def _take_back(self, runner: Runner) -> None:
        """After an interrupted wait: hold the baton again before running Lisp (hold self.cond)."""
        while self.holder is not runner:
            if self.holder is None:
                self.holder = runner
                break
            self.cond.wait(_POLL)
        self._restore(runner)

    def io_section(self, runner: Runner):
        """Context manager: RUNNER does blocking I/O, and the other tasks run meanwhile."""
        sched = self

        class Section:
            def __enter__(self):
                with sched.cond:
                    runner.in_io = True
                    sched.io_count += 1
                    sched._release(runner)

            def __exit__(self, *exc):
                from ..runtime.worker import Cancelled
                with sched.cond:
                    sched.io_count -= 1
                    runner.in_io = False
                    sched._make_ready(runner)
                    while sched.holder is not runner:
                        sched._wake()
                        sched.cond.wait(_POLL)
                    sched._restore(runner)
                if runner.cancel_requested and exc[0] is None:
                    raise Cancelled()
                return False

        return Section()

    # ------------------------------------------------------------ tasks

    def spawn(self, thunk) -> AsyncPromise:
        self.enter()
        with self.cond:
            self.tasks_spawned += 1
            task = Task(self, thunk, self.tasks_spawned)
            self.ready.append(task)
        return task.promise

    def _start_thread(self, task: Task) -> None:
        from ..runtime import worker
        with worker._lock:
            old = threading.stack_size()
            threading.stack_size(TASK_STACK)
            try:
                thread = threading.Thread(target=task.context.run, args=(self._run_task, task),
                                          name=f"sema-{task.name}", daemon=True)
                task.thread = thread
                thread.start()
            finally:
                threading.stack_size(old)

    def _run_task(self, task: Task) -> None:
        from ..runtime import worker
        worker._local.deep = True  # nested evaluation runs in place, on this big stack
        _local.runner = task
        blocking.set_io_section(lambda: self.io_section(task))
        with self.cond:
            while self.holder is not task:
                self.cond.wait(_POLL)
            self._restore(task)
        state, value, error = RESOLVED, None, None
        try:
            if task.cancel_requested:
                raise worker.Cancelled()
            value = self.interp.apply(task.thunk, [])
        except worker.StopEvaluation:
            state = CANCELLED
        except SemaError as exc:
            state, error = REJECTED, exc
        except BaseException as exc:  # sema's own bug: keep it for whoever awaits
            state, error = REJECTED, exc
        with self.cond:
            p = task.promise
            if p.state == PENDING:
                p.state, p.value, p.error = state, value, error
            self._drop(task)
            if self.holder is task:
                self._save(task)
                self.holder = None
            self._wake()
            self._hand_on()

    def cancel(self, promise: AsyncPromise) -> bool:
        """Cancel the task behind PROMISE; True if this moved it to the cancelled state."""
        from ..runtime.worker import Cancelled, stop
        task = promise.task
        with self.cond:
            if task is None or promise.state != PENDING:
                return False
            promise.state = CANCELLED
            task.cancel_requested = True
            if not task.started:
                if task in self.ready:
                    self.ready.remove(task)
            elif task.in_io and task.thread is not None:
                stop(task.thread, Cancelled)
            self._wake()
        return True

    def wait_for(self, promise: AsyncPromise, who: str = "async/await"):
        """The value of PROMISE once it settles (raising its error, or a :cancelled error)."""
        runner = self.enter()
        self.block(runner, lambda: promise.state != PENDING, who=who)
        return settled_value(promise, who)

    def run_all(self) -> None:
        """Let every task run until none can run any more (``async/run``)."""
        runner = self.enter()
        with self.cond:
            self.order += 1
            entry = [runner, lambda: False, None, self.order]
            self.blocked.append(entry)
            self._release(runner)
            try:
                while not (self.holder is None and not self.ready and self.io_count == 0
                           and (self._next_deadline() is None)):
                    self._wake()
                    timeout = _POLL
                    nd = self._next_deadline()
                    if nd is not None:
                        timeout = max(0.0, min(timeout, nd - time.monotonic()))
                    self.cond.wait(timeout)
            finally:
                self._drop(runner)
                self._take_back(runner)


def settled_value(promise: AsyncPromise, who: str):
    if promise.state == RESOLVED:
        return promise.value
    if promise.state == CANCELLED:
        raise EvalCancelledError(f"{who}: task was cancelled")
    error = promise.error
    if isinstance(error, SemaError):
        raise error
    raise error


def timed_out(who: str) -> EvalTimeoutError:
    return EvalTimeoutError(f"{who}: operation timed out")
