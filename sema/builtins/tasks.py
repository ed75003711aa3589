"""``async/*``: spawning tasks, awaiting, racing, timeouts and cancellation (loaded on first use).

``(async body ...)`` (a prelude macro) is ``(async/spawn (fn () body ...))``
and ``await`` is ``async/await``.  How tasks run is explained in
:mod:`.scheduler`: cooperatively, in spawn order, with blocking I/O (HTTP,
LLM calls, ``shell``) letting the other tasks run.
"""

from __future__ import annotations

import time

from ..errors import LispValueError
from ..runtime.registry import interp_builtin
from ..runtime.registry import typing_names as typing
from ..values import ListBase, make_list
from .argcheck import type_error
from .lists import seq_items
from .scheduler import (
    CANCELLED,
    PENDING,
    REJECTED,
    RESOLVED,
    AsyncPromise,
    scheduler_for,
    settled_value,
    timed_out,
)

Any = typing.Any
_MAX_MS = 86_400_000


def _promise(who: str, p) -> AsyncPromise:
    if p.__class__ is AsyncPromise:
        return p
    raise type_error(who, "an async promise", p)


def _promises(who: str, ps) -> list:
    return [_promise(who, p) for p in seq_items(ps, who)]


def _ms(who: str, ms) -> float:
    if ms.__class__ not in (int, float) or ms < 0:
        raise type_error(who, "a non-negative number of milliseconds", ms)
    return min(float(ms), _MAX_MS) / 1000.0


@interp_builtin("async/spawn")
def make_spawn(interp):
    """Run the zero-argument function THUNK as an async task; returns its promise.

    The task starts when the spawner yields (``await``, a channel operation,
    ``async/sleep``).  ``(async body ...)`` is the short form.

    (async/await (async/spawn (fn () (+ 1 2)))) ; => 3
    """
    def spawn(thunk: Any) -> AsyncPromise:
        if not callable(thunk):
            raise type_error("async/spawn", "a function of no arguments", thunk)
        return scheduler_for(interp).spawn(thunk)
    return spawn


@interp_builtin("async/await", "await")
def make_await(interp):
    """The value of the promise P, waiting (and letting other tasks run) until it settles.

    A rejected promise raises its error; a cancelled one a :cancelled error.

    (await (async (* 6 7))) ; => 42
    (try (await (async (throw :boom))) (catch e (:value e))) ; => :boom
    """
    def await_(p: Any) -> Any:
        return scheduler_for(interp).wait_for(_promise("async/await", p))
    return await_


@interp_builtin("async/all")
def make_all(interp):
    """The values of the promises in PS (a list or vector), in order, once all have settled.

    (async/all (list (async 10) (async 20) (async 30))) ; => (10 20 30)
    """
    def all_(ps: Any) -> ListBase:
        sched = scheduler_for(interp)
        return make_list([sched.wait_for(p, "async/all") for p in _promises("async/all", ps)])
    return all_


def _first_settled(sched, ps, who: str, deadline=None):
    runner = sched.enter()
    sched.block(runner, lambda: any(p.state != PENDING for p in ps), deadline, who)
    return next((p for p in ps if p.state != PENDING), None)


@interp_builtin("async/race")
def make_race(interp):
    """The value of whichever promise in PS settles first (the others keep running).

    (async/race (list (async (async/sleep 50) :slow) (async :fast))) ; => :fast
    """
    def race(ps: Any) -> Any:
        sched = scheduler_for(interp)
        ps = _promises("async/race", ps)
        if not ps:
            raise LispValueError("async/race: no promises to race")
        return settled_value(_first_settled(sched, ps, "async/race"), "async/race")
    return race


@interp_builtin("async/race-owned")
def make_race_owned(interp):
    """Like async/race, and the losing tasks are cancelled.

    (async/race-owned (list (async (async/sleep 50) :slow) (async :fast))) ; => :fast
    """
    def race_owned(ps: Any) -> Any:
        sched = scheduler_for(interp)
        ps = _promises("async/race-owned", ps)
        if not ps:
            raise LispValueError("async/race-owned: no promises to race")
        winner = _first_settled(sched, ps, "async/race-owned")
        for p in ps:
            if p is not winner:
                sched.cancel(p)
        return settled_value(winner, "async/race-owned")
    return race_owned


@interp_builtin("async/sleep")
def make_sleep(interp):
    """Pause for MS milliseconds; inside a task the other tasks run meanwhile.

    (async/sleep 1) ; => nil
    """
    def sleep(ms: Any) -> None:
        seconds = _ms("async/sleep", ms)
        sched = scheduler_for(interp)
        if not sched.in_task():
            from ..runtime.worker import interruptible_sleep
            interruptible_sleep(seconds)  # outside async: a plain sleep, as in Sema
            return None
        runner = sched.enter()
        sched.block(runner, lambda: False, time.monotonic() + seconds, "async/sleep")
        return None
    return sleep


@interp_builtin("async/timeout")
def make_timeout(interp):
    """The value of promise P if it settles within MS milliseconds; otherwise P's task is cancelled
    and a :timeout error raised.

    (async/timeout 1000 (async :quick)) ; => :quick
    (try (async/timeout 10 (async (async/sleep 1000))) (catch e (:type e))) ; => :timeout
    """
    def timeout(ms: Any, p: Any) -> Any:
        seconds = _ms("async/timeout", ms)
        p = _promise("async/timeout", p)
        sched = scheduler_for(interp)
        runner = sched.enter()
        sched.block(runner, lambda: p.state != PENDING, time.monotonic() + seconds, "async/timeout")
        if p.state == PENDING:
            sched.cancel(p)
            raise timed_out("async/timeout")
        return settled_value(p, "async/timeout")
    return timeout


@interp_builtin("async/cancel")
def make_cancel(interp):
    """Cancel the task behind promise P; #t if that moved it to the cancelled state, else #f.

    (async/cancel (async/resolved 1)) ; => #f
    (let ((p (async (async/sleep 100)))) (async/cancel p)) ; => #t
    """
    def cancel(p: Any) -> bool:
        return scheduler_for(interp).cancel(_promise("async/cancel", p))
    return cancel


@interp_builtin("async/run")
def make_run(interp):
    """Run the pending tasks until none of them can go on; returns nil.

    (let ((log (atom '()))) (async (swap! log (fn (l) (cons 1 l)))) (async/run) @log) ; => (1)
    """
    def run() -> None:
        scheduler_for(interp).run_all()
    return run


@interp_builtin("async/map")
def make_map(interp):
    """F applied to each item, each call in its own task; the results in input order.

    (async/map (fn (i) (* i i)) '(1 2 3 4)) ; => (1 4 9 16)
    """
    def map_(f: Any, items: Any) -> ListBase:
        sched = scheduler_for(interp)
        ps = [sched.spawn(_call(f, x)) for x in seq_items(items, "async/map", 2)]
        return make_list([sched.wait_for(p, "async/map") for p in ps])
    return map_


def _call(f, x):
    def thunk():
        return f(x)
    thunk.__name__ = thunk.__qualname__ = "lambda"
    return thunk


@interp_builtin("async/pool-map")
def make_pool_map(interp):
    """F applied to each item in tasks, at most N at a time; the results in input order.

    (async/pool-map (fn (i) (* 10 i)) '(1 2 3 4 5) 2) ; => (10 20 30 40 50)
    """
    def pool_map(f: Any, items: Any, n: Any) -> ListBase:
        if n.__class__ is not int or n < 1:
            raise type_error("async/pool-map", "a positive number of tasks", n)
        sched = scheduler_for(interp)
        items = list(seq_items(items, "async/pool-map", 2))
        results: list = [None] * len(items)
        running: list = []
        for i, x in enumerate(items):
            if len(running) >= n:
                done = _first_settled(sched, [p for _, p in running], "async/pool-map")
                k = next(k for k, (_, p) in enumerate(running) if p is done)
                j, _ = running.pop(k)
                results[j] = settled_value(done, "async/pool-map")
            running.append((i, sched.spawn(_call(f, x))))
        for j, p in running:
            results[j] = sched.wait_for(p, "async/pool-map")
        return make_list(results)
    return pool_map


@interp_builtin("async/spawn-all")
def make_spawn_all(interp):
    """Spawn each zero-argument function in THUNKS and await them all; the results in order.

    (async/spawn-all (list (fn () 1) (fn () 2))) ; => (1 2)
    """
    def spawn_all(thunks: Any) -> ListBase:
        sched = scheduler_for(interp)
        ps = [sched.spawn(t) for t in seq_items(thunks, "async/spawn-all")]
        return make_list([sched.wait_for(p, "async/spawn-all") for p in ps])
    return spawn_all


@interp_builtin("async/resolved")
def make_resolved(interp):
    """A promise already resolved to VALUE.

    (await (async/resolved 5)) ; => 5
    """
    def resolved(value: Any) -> AsyncPromise:
        p = AsyncPromise()
        p.state, p.value = RESOLVED, value
        return p
    return resolved


@interp_builtin("async/rejected")
def make_rejected(interp):
    """A promise already rejected with MESSAGE (awaiting it raises that error).

    (try (await (async/rejected "nope")) (catch e (:message e))) ; => "nope"
    """
    def rejected(message: Any) -> AsyncPromise:
        from ..errors import UserError
        p = AsyncPromise()
        p.state, p.error = REJECTED, UserError(message)
        return p
    return rejected


@interp_builtin("async/promise?")
def make_promise_p(interp):
    """True for an async promise (what async and async/spawn return).

    (async/promise? (async 1)) ; => #t
    (async/promise? (delay 1)) ; => #f
    """
    def promise_p(x: Any) -> bool:
        return x.__class__ is AsyncPromise
    return promise_p


@interp_builtin("async/pending?")
def make_pending_p(interp):
    """True while promise P has not settled.

    (async/pending? (async 1)) ; => #t
    """
    def pending_p(p: Any) -> bool:
        return _promise("async/pending?", p).state == PENDING
    return pending_p


@interp_builtin("async/resolved?")
def make_resolved_p(interp):
    """True once promise P has a value.

    (async/resolved? (async/resolved 1)) ; => #t
    """
    def resolved_p(p: Any) -> bool:
        return _promise("async/resolved?", p).state == RESOLVED
    return resolved_p


@interp_builtin("async/rejected?")
def make_rejected_p(interp):
    """True once promise P failed with an error (not for a cancelled one).

    (async/rejected? (async/rejected "x")) ; => #t
    """
    def rejected_p(p: Any) -> bool:
        return _promise("async/rejected?", p).state == REJECTED
    return rejected_p


@interp_builtin("async/cancelled?")
def make_cancelled_p(interp):
    """True once promise P was cancelled.

    (async/cancelled? (async/rejected "cancelled")) ; => #f
    (let ((p (async 1))) (async/cancel p) (async/cancelled? p)) ; => #t
    """
    def cancelled_p(p: Any) -> bool:
        return _promise("async/cancelled?", p).state == CANCELLED
    return cancelled_p


@interp_builtin("async/forced?")
def make_forced_p(interp):
    """True once promise P has settled (resolved, rejected or cancelled).

    (async/forced? (async/resolved 1)) ; => #t
    """
    def forced_p(p: Any) -> bool:
        return _promise("async/forced?", p).state != PENDING
    return forced_p
