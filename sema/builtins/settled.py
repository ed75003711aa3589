"""Sema's fan-out combinators (issue 11): ``parallel``, ``parallel-settled``, ``pipeline``,
``pipeline-settled``, ``settled/ok?``, ``settled/err?``, ``settled-partition``, and Sema's thunk form of ``with-retry``
(loaded on first use).

Sema writes them as prelude macros; here they are functions over the task
scheduler of ``async/*`` (every argument they take is a value: a list of
thunks, stage functions, an options map), so they can also be passed around.
A *settled* result is ``{:ok value}`` or ``{:err error}``, the error being what
``catch`` would receive.  At most N tasks (default 8) run at once.
"""

from __future__ import annotations

from ..runtime.registry import builtin, interp_builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, ListBase, Map, make_list, make_map
from .argcheck import type_error
from .lists import seq_items
from .scheduler import scheduler_for
from .tasks import make_sleep

Any = typing.Any
_OK, _ERR = Keyword("ok"), Keyword("err")
_DEFAULT_TASKS = 8


def _cap(who: str, n) -> int:
    if n is None:
        return _DEFAULT_TASKS
    if n.__class__ is not int or n < 1:
        raise type_error(who, "a positive number of tasks", n)
    return n


def _run_bounded(interp, who: str, thunks: list, n: int) -> list:
    """Run THUNKS as tasks, at most N at a time; their values in input order."""
    sched = scheduler_for(interp)
    results: list = [None] * len(thunks)
    running: list = []
    for i, thunk in enumerate(thunks):
        if len(running) >= n:  # the oldest task first: the thunks never raise, so order is all that matters
            j, p = running.pop(0)
            results[j] = sched.wait_for(p, who)
        running.append((i, sched.spawn(thunk)))
    for j, p in running:
        results[j] = sched.wait_for(p, who)
    return results


def _settling(interp, f, args, settled: bool):
    """A thunk calling F on ARGS that returns ``{:ok v}``/``{:err e}`` (SETTLED) or v/nil."""
    def thunk():
        try:
            value = f(*args)
        except Exception as exc:  # a Lisp error of this item: it fails alone
            error = interp._catch_value(exc)
            return make_map([(_ERR, error)]) if settled else None
        return make_map([(_OK, value)]) if settled else value
    thunk.__name__ = thunk.__qualname__ = "lambda"
    return thunk


def _chain(stages):
    def run(x):
        for stage in stages:
            x = stage(x)
        return x
    return run


def _fan_out(interp, who: str, thunks, n, settled: bool) -> ListBase:
    items = seq_items(thunks, who)
    jobs = [_settling(interp, t, (), settled) for t in items]
    return make_list(_run_bounded(interp, who, jobs, _cap(who, n)))


@interp_builtin("parallel")
def make_parallel(interp):
    """Run the zero-argument functions THUNKS as concurrent tasks (at most N at once, 8 unless given) and
    wait for them all; their values in input order, nil for each one that raised.

    (parallel (list (fn () 1) (fn () (throw "boom")) (fn () 3))) ; => (1 nil 3)
    """
    def parallel(thunks: Any, n: Any = None) -> ListBase:
        return _fan_out(interp, "parallel", thunks, n, False)
    return parallel


@interp_builtin("parallel-settled")
def make_parallel_settled(interp):
    """Like parallel, but each slot is the settled result: ``{:ok value}``, or ``{:err error}`` with the
    error a catch would receive.

    (map (fn (r) (or (:ok r) (:value (:err r)))) (parallel-settled (list (fn () 1) (fn () (throw "boom"))))) ; => (1 "boom")
    """
    def parallel_settled(thunks: Any, n: Any = None) -> ListBase:
        return _fan_out(interp, "parallel-settled", thunks, n, True)
    return parallel_settled


def _pipe(interp, who: str, items, stages, settled: bool) -> ListBase:
    xs = seq_items(items, who)
    run = _chain(stages)
    jobs = [_settling(interp, run, (x,), settled) for x in xs]
    return make_list(_run_bounded(interp, who, jobs, _DEFAULT_TASKS))


@interp_builtin("pipeline")
def make_pipeline(interp):
    """Pass each of ITEMS through every STAGE function in turn, each item in its own task (no barrier between
    stages); the results in input order, nil for an item whose stage raised (its later stages are skipped).

    (pipeline (list 0 1 2) (fn (i) (if (= i 1) (throw "boom") i)) (fn (x) (* x 10))) ; => (0 nil 20)
    """
    def pipeline(items: Any, *stages: Any) -> ListBase:
        return _pipe(interp, "pipeline", items, stages, False)
    return pipeline


@interp_builtin("pipeline-settled")
def make_pipeline_settled(interp):
    """Like pipeline, but each slot is the settled result ``{:ok value}`` or ``{:err error}``.

    (map settled/ok? (pipeline-settled (list 1 0) (fn (x) (/ 10 x)))) ; => (#t #f)
    """
    def pipeline_settled(items: Any, *stages: Any) -> ListBase:
        return _pipe(interp, "pipeline-settled", items, stages, True)
    return pipeline_settled


@builtin("settled/ok?")
def settled_ok(result: Any) -> bool:
    """Whether RESULT is a successful settled result (a map with :ok).

    (settled/ok? {:ok 1}) ; => #t
    """
    return isinstance(result, Map) and result.get(_OK, _missing) is not _missing


@builtin("settled/err?")
def settled_err(result: Any) -> bool:
    """Whether RESULT is a failed settled result (a map with :err).

    (settled/err? {:err "boom"}) ; => #t
    """
    return isinstance(result, Map) and result.get(_ERR, _missing) is not _missing


_missing = object()


@builtin("settled-partition")
def settled_partition(results: Any) -> Map:
    """Split settled RESULTS into ``{:ok values :err errors}``, each unwrapped and in input order.

    (settled-partition (list {:ok 1} {:err "boom"} {:ok 3})) ; => {:err ("boom") :ok (1 3)}
    """
    ok, err = [], []
    for r in seq_items(results, "settled-partition"):
        if settled_ok(r):
            ok.append(r.get(_OK))
        elif settled_err(r):
            err.append(r.get(_ERR))
        else:
            raise type_error("settled-partition", "a list of {:ok v} or {:err e} maps", r)
    return make_map([(_OK, make_list(ok)), (_ERR, make_list(err))])


def _opt(opts: Map, key: str, default, check, what: str):
    value = opts.get(Keyword(key), default)
    if not check(value):
        raise type_error("with-retry", f":{key} {what}", value)
    return value


@interp_builtin("%with-retry-thunk")
def make_with_retry(interp):
    """(with-retry {opts} thunk) in Sema's form expands to this: call the zero-argument THUNK until it returns without raising, at most :max times (3), sleeping
    :base-ms (200) milliseconds after the first failure and :factor (2) times longer after each next one;
    :on, if given, is called with the error and the attempt number after each failure.  The last error
    is raised again when every attempt failed.  The sleeps let other tasks run.

    (%with-retry-thunk {:max 2 :base-ms 1} (fn () 42)) ; => 42
    """
    def with_retry(opts: Any, thunk: Any) -> Any:
        if not isinstance(opts, Map):
            raise type_error("with-retry", "an options map", opts)
        if not callable(thunk):
            raise type_error("with-retry", "a function of no arguments", thunk)
        number = (lambda v: v.__class__ in (int, float) and v >= 0)
        attempts = _opt(opts, "max", 3, lambda v: v.__class__ is int and v >= 1, "a positive integer")
        delay = _opt(opts, "base-ms", 200, number, "a number of milliseconds")
        factor = _opt(opts, "factor", 2, number, "a number")
        on_failure = opts.get(Keyword("on"))
        sleep = make_sleep(interp)
        for attempt in range(1, attempts + 1):
            try:
                return thunk()
            except Exception as exc:
                error = interp._catch_value(exc)  # raises at once when a timeout or cancel is under way
                if attempt == attempts:
                    raise
                if on_failure is not None:
                    on_failure(error, attempt)
                sleep(delay)
                delay = delay * factor
        return None
    return with_retry
