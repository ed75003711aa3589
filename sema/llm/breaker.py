"""A circuit breaker per provider: a provider that keeps failing is skipped for a cool-down.

States (``llm/provider-health`` shows them):

- ``closed``: calls go through.  Each retriable failure (rate limit, 5xx,
  timeout, connection: what the transport could not retry away) counts; a
  success resets the count.
- ``open``: after ``threshold`` consecutive failures (default **3**) the
  provider is skipped by failover for ``cool_down`` seconds (default **30**).
- ``half-open``: after the cool-down one call is let through; success closes
  the circuit, failure opens it for another cool-down.

Non-retriable errors (bad key, bad request) say nothing about the
provider's health and are not counted.  When every provider of a call is
open, the router tries them anyway rather than fail without trying.
"""

from __future__ import annotations

import threading
import time

DEFAULT_THRESHOLD = 3
DEFAULT_COOL_DOWN = 30.0


class _State:
    __slots__ = ("failures", "opened_at", "calls", "successes", "total_failures", "last_error", "last_success")

    def __init__(self):
        self.failures = 0
        self.opened_at: float | None = None
        self.calls = 0
        self.successes = 0
        self.total_failures = 0
        self.last_error: str | None = None
        self.last_success: float | None = None


class Breaker:
    """Per-provider failure counts and open/half-open/closed states.  Thread-safe."""

    def __init__(self, threshold: int = DEFAULT_THRESHOLD, cool_down: float = DEFAULT_COOL_DOWN, clock=time.monotonic):
        self.threshold = threshold
        self.cool_down = cool_down
        self.clock = clock
        self._states: dict[str, _State] = {}
        self._lock = threading.Lock()

    def _get(self, name: str) -> _State:
        state = self._states.get(name)
        if state is None:
            state = self._states[name] = _State()
        return state

    def state(self, name: str) -> str:
        with self._lock:
            return self._state_of(self._get(name))

    def _state_of(self, s: _State) -> str:
        if s.opened_at is None:
            return "closed"
        return "half-open" if self.clock() >= s.opened_at + self.cool_down else "open"

    def allows(self, name: str) -> bool:
        """False while NAME's circuit is open (cooling down)."""
        return self.state(name) != "open"

    def retry_in(self, name: str) -> float:
        with self._lock:
            s = self._get(name)
            if s.opened_at is None:
                return 0.0
            return max(0.0, s.opened_at + self.cool_down - self.clock())

    def success(self, name: str) -> None:
        with self._lock:
            s = self._get(name)
            s.calls += 1
            s.successes += 1
            s.failures = 0
            s.opened_at = None
            s.last_success = time.time()

    def failure(self, name: str, message: str) -> None:
        with self._lock:
            s = self._get(name)
            s.calls += 1
            s.total_failures += 1
            s.failures += 1
            s.last_error = message
            if s.opened_at is not None or s.failures >= self.threshold:
                s.opened_at = self.clock()  # open, or open again after a failed half-open trial

    def reset(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._states.clear()
            else:
                self._states.pop(name, None)

    def health(self, names) -> dict:
        """``{name: {"state", "consecutive-failures", "calls", "successes", "failures", "last-error", "retry-in"}}``."""
        out = {}
        with self._lock:
            for name in names:
                s = self._get(name)
                state = self._state_of(s)
                out[name] = {"state": state, "consecutive-failures": s.failures, "calls": s.calls,
                             "successes": s.successes, "failures": s.total_failures, "last-error": s.last_error,
                             "retry-in": round(max(0.0, s.opened_at + self.cool_down - self.clock()), 3)
                             if state == "open" else 0.0}
        return out


__all__ = ["Breaker", "DEFAULT_THRESHOLD", "DEFAULT_COOL_DOWN"]
