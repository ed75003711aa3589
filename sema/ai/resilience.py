"""Rate limits on LLM calls, and a generic retry.

``(llm/with-rate-limit rps thunk)``: the LLM calls made inside THUNK start at
most RPS per second on average (a token bucket holding up to ``max(1, rps)``
calls, so a short burst goes at once); a call waits for its turn, in slices
short enough for Ctrl-C and ``cancel()``.  Nested limits all apply; batches
share the bucket.  A replayed cassette call is not limited (the cassette
sits outside this layer).

``(retry thunk {:max-attempts 3 :base-delay-ms 100 :backoff 2.0 :max-delay-ms 30000 :retry-if pred})``
calls THUNK until it returns, waiting ``base * backoff**n`` ms between
attempts, and re-raises the last error.  By default every error is retried
except those that waiting cannot cure: a :budget error, a cassette miss, and
LLM errors that are not retriable (a bad key, a bad request).  ``:retry-if``
receives the error map and decides.  ``(with-retry body ...)`` and
``(with-retry {opts} body ...)`` wrap a body the same way.
"""

from __future__ import annotations

import threading
import time

from ..errors import LispTypeError, LispValueError
from ..llm.lisp_provider import lisp_options
from ..llm.builtins import state_of  # noqa: E402  (registers the llm/* builtins first)
from ..runtime.registry import Any, Callable_, interp_builtin
from ..runtime.worker import interruptible_sleep


#: the group of docs/stdlib.md its builtins without a prefix are listed in
DOC_GROUP = "retry"
class TokenBucket:
    """RATE tokens a second, at most CAPACITY saved up.  ``clock`` and ``sleep`` are injectable."""

    def __init__(self, rate: float, capacity: float | None = None, *, clock=time.monotonic,
                 sleep=interruptible_sleep):
        self.rate = float(rate)
        self.capacity = float(capacity if capacity is not None else max(1.0, rate))
        self.tokens = self.capacity
        self.clock = clock
        self.sleep = sleep
        self.waited = 0.0          # seconds spent waiting, in total
        self._stamp = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def acquire(self) -> float:
        """Take one token, waiting for it; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                self._refill()
                if self.tokens >= 1.0:
                    self.tokens -= 1.0
                    self.waited += waited
                    return waited
                need = (1.0 - self.tokens) / self.rate
            self.sleep(need)
            waited += need


class RateLimitLayer:
    """The pipeline's ``"rate-limit"`` slot: every enclosing llm/with-rate-limit applies."""

    def __init__(self, state):
        self.state = state
        self.buckets: list[TokenBucket] = []

    @property
    def active(self) -> bool:
        return bool(self.buckets)

    def handle(self, call, proceed):
        for bucket in list(self.buckets):
            bucket.acquire()
        return proceed(call)

    def embed(self, call, proceed):
        return self.handle(call, proceed)


def layer_of(state) -> RateLimitLayer:
    return state.pipeline.layer("rate-limit", lambda pipeline: RateLimitLayer(pipeline.state))


def _number(who, key, v, default):
    if v is None:
        return default
    if v.__class__ is bool or not isinstance(v, (int, float)):
        from ..llm.describe import got
        raise LispTypeError(f"{who}: :{key} must be a number, got {got(v)}")
    return v


@interp_builtin("llm/with-rate-limit", needs="llm")
def make_with_rate_limit(interp):
    """Call THUNK with its LLM calls limited to RPS per second (a token bucket; bursts up to max(1, RPS)).

    A call waits for its turn (Ctrl-C still stops it); nested limits all apply; concurrent batches share
    the bucket. RPS may be fractional: 0.5 is one call every two seconds.

    (llm/define-provider :m {:complete (fn (r) "ok")}) (llm/with-rate-limit 100 (fn () (list (llm/complete "a") (llm/complete "b")))) ; => ("ok" "ok")
    """
    state = state_of(interp)

    def llm_with_rate_limit(rps: Any, thunk: Callable_) -> Any:
        who = "llm/with-rate-limit"
        rate = _number(who, "rps", rps, None)
        if rate is None or rate <= 0:
            raise LispValueError(f"{who}: the rate must be a positive number of calls per second, got {rps}")
        layer = layer_of(state)
        bucket = TokenBucket(rate)
        layer.buckets.append(bucket)
        try:
            return thunk()
        finally:
            layer.buckets.remove(bucket)
    return llm_with_rate_limit


def _default_retry_if(exc: BaseException) -> bool:
    from ..llm.errors import LlmError
    from .errors import BudgetError, CassetteMissError
    if isinstance(exc, (BudgetError, CassetteMissError)):
        return False
    if isinstance(exc, LlmError):
        return exc.retriable
    return True


@interp_builtin("retry")
def make_retry(interp):
    """Call THUNK until it succeeds, at most :max-attempts times (default 3); re-raise the last error.

    OPTS: :base-delay-ms (100) then multiplied by :backoff (2.0) after each failure, at most
    :max-delay-ms (30000); :retry-if, a function of the error map deciding whether to try again (by
    default every error but a :budget error, a cassette miss or an LLM error that is not retriable).
    (with-retry {opts} body ...) is the same around a body.

    (define n (atom 0)) (retry (fn () (swap! n inc) (if (< @n 3) (error "flaky") @n)) {:base-delay-ms 1}) ; => 3
    (define n (atom 0)) (try (retry (fn () (swap! n inc) (error "always")) {:max-attempts 2 :base-delay-ms 1}) (catch e (list @n (:message e)))) ; => (2 "always")
    """
    def retry(thunk: Callable_, opts: Any = None) -> Any:
        who = "retry"
        if not callable(thunk):
            from ..llm.describe import got
            raise LispTypeError(f"{who}: expected a function of no arguments, got {got(thunk)}")
        o = lisp_options(who, opts)
        unknown = sorted(set(o) - {"max-attempts", "base-delay-ms", "backoff", "max-delay-ms", "retry-if"})
        if unknown:
            raise LispValueError(f"{who}: unknown option :{unknown[0]} (expected :max-attempts, :base-delay-ms, "
                                 f":backoff, :max-delay-ms or :retry-if)")
        attempts = o.get("max-attempts", 3)
        if attempts.__class__ is not int or attempts < 1:
            raise LispTypeError(f"{who}: :max-attempts must be a positive integer")
        delay = float(_number(who, "base-delay-ms", o.get("base-delay-ms"), 100)) / 1000.0
        backoff = float(_number(who, "backoff", o.get("backoff"), 2.0))
        cap = float(_number(who, "max-delay-ms", o.get("max-delay-ms"), 30000)) / 1000.0
        retry_if = o.get("retry-if")
        if retry_if is not None and not callable(retry_if):
            raise LispTypeError(f"{who}: :retry-if must be a function of the error map")
        for attempt in range(1, attempts + 1):
            try:
                return thunk()
            except Exception as exc:
                error = interp._catch_value(exc)  # as a catch sees it (an internal error is not retried)
                if attempt == attempts:
                    raise
                wanted = _default_retry_if(exc) if retry_if is None else retry_if(error) not in (False, None)
                if not wanted:
                    raise
            interruptible_sleep(min(delay, cap))
            delay *= backoff
        return None  # not reached
    return retry


__all__ = ["TokenBucket", "RateLimitLayer", "layer_of"]
