"""Usage accounting: one record per user call, totals, snapshots, and an optional SQLite log.

Each call the router completes is one :class:`CallRecord`: provider, model,
prompt / completion / total tokens, cached tokens (where the vendor reports
them), latency, timestamp, and whether the numbers were ``reported`` by the
vendor or ``estimated`` (a stream that ended without a usage chunk, as
llama.cpp's does; the estimate is one token per four characters).

One user call is counted once.  A call made while another is in progress
on the same thread (a Lisp provider whose ``:complete`` calls
``llm/complete`` on another provider) is *nested*: it is not a record of
its own; its tokens are added to the outer call's record when the outer
provider reports none (so a forwarding provider is billed what the real
provider used), and the outer record names the outer provider.

The registry document's API: :meth:`UsageTracker.summary` (totals,
``by-model`` keyed ``provider/model`` with call counts, the last call),
:meth:`UsageTracker.snapshot` and :func:`usage_delta` (compact counters to
subtract around a task).

The persistent log (``SEMA_USAGE_DB=path`` or :meth:`UsageTracker.open_log`)
is an SQLite file (stdlib ``sqlite3``) with one row per call::

    CREATE TABLE llm_usage (
        id                INTEGER PRIMARY KEY,
        ts                TEXT    NOT NULL,  -- UTC, ISO 8601 ("2026-01-31T12:00:00.123Z")
        provider          TEXT    NOT NULL,
        model             TEXT    NOT NULL,
        prompt_tokens     INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        total_tokens      INTEGER NOT NULL,
        cached_tokens     INTEGER NOT NULL,  -- prompt tokens read from the vendor's cache
        latency_ms        REAL    NOT NULL,
        estimated         INTEGER NOT NULL,  -- 1 when the tokens were estimated, 0 when reported
        attempts          INTEGER NOT NULL   -- providers tried (failover), 1 without
    )

Several processes may write one file (SQLite locks it).
"""

from __future__ import annotations

import contextvars
import math
import threading
import time
from datetime import datetime, timezone

from attrs import frozen

from .types import ChatRequest, ChatResponse, Usage

#: counters of a snapshot, in the order usage_delta reports them
COUNTERS = ("total-calls", "prompt-tokens", "completion-tokens", "total-tokens", "cached-tokens",
            "estimated-calls")

SCHEMA = """CREATE TABLE IF NOT EXISTS llm_usage (
    id                INTEGER PRIMARY KEY,
    ts                TEXT    NOT NULL,
    provider          TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    total_tokens      INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL,
    latency_ms        REAL    NOT NULL,
    estimated         INTEGER NOT NULL,
    attempts          INTEGER NOT NULL
)"""


def estimate_tokens(text: str) -> int:
    """About one token per four characters (at least 1 for non-empty text)."""
    return math.ceil(len(text) / 4) if text else 0


def estimate_usage(request: ChatRequest | None, response: ChatResponse) -> Usage:
    """Estimated token counts of a call whose vendor reported none (marked ``estimated``)."""
    import json
    prompt = estimate_tokens(request.text()) if request is not None else 0
    out = response.content + "".join(json.dumps(c.arguments) + c.name for c in response.tool_calls)
    return Usage(prompt, estimate_tokens(out), estimated=True)


def _now_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@frozen
class CallRecord:
    """One user call's usage."""

    provider: str
    model: str
    usage: Usage
    latency: float          # seconds
    timestamp: float        # time.time()
    attempts: int = 1

    @property
    def estimated(self) -> bool:
        return self.usage.estimated

    def to_dict(self) -> dict:
        """Lisp-style keys: what ``(llm/usage-summary)`` shows as ``:last-call``."""
        u = self.usage
        return {"provider": self.provider, "model": self.model, "prompt-tokens": u.prompt_tokens,
                "completion-tokens": u.completion_tokens, "total-tokens": u.total_tokens,
                "cached-tokens": u.cache_read_tokens, "latency-ms": round(self.latency * 1000.0, 3),
                "timestamp": _now_iso(self.timestamp), "estimated": u.estimated,
                "source": "estimated" if u.estimated else "reported", "attempts": self.attempts,
                "cost-usd": u.cost_usd}


class _Totals:
    __slots__ = ("calls", "usage", "estimated_calls", "latency")

    def __init__(self):
        self.calls = 0
        self.usage = Usage()
        self.estimated_calls = 0
        self.latency = 0.0

    def add(self, record: CallRecord) -> None:
        self.calls += 1
        self.usage = self.usage + record.usage
        self.estimated_calls += record.usage.estimated
        self.latency += record.latency

    def to_dict(self, calls_key: str = "calls") -> dict:
        u = self.usage
        return {calls_key: self.calls, "prompt-tokens": u.prompt_tokens, "completion-tokens": u.completion_tokens,
                "total-tokens": u.total_tokens, "cached-tokens": u.cache_read_tokens,
                "estimated-calls": self.estimated_calls, "latency-ms": round(self.latency * 1000.0, 3),
                "cost-usd": u.cost_usd}


_depth: contextvars.ContextVar[list | None] = contextvars.ContextVar("sema_llm_call", default=None)


class CallScope:
    """An outermost call in progress (see :meth:`UsageTracker.begin`)."""

    __slots__ = ("token", "done")

    def __init__(self, token):
        self.token = token
        self.done = False


class UsageTracker:
    """The usage of one interpreter's calls: the last call, totals, totals per provider/model, the log.

    Thread-safe: batches record concurrently.
    """

    def __init__(self, log_path: str | None = None):
        #: ``pricer(provider, model, usage) -> USD or None``: prices each call as it is recorded
        #: (installed by the request pipeline, see :mod:`sema.ai.pricing`)
        self.pricer = None
        self._lock = threading.Lock()
        self._reset()
        self._db = None
        self._db_path = None
        if log_path:
            self.open_log(log_path)

    def _reset(self):
        self._last: CallRecord | None = None
        self._total = _Totals()
        self._by_model: dict[tuple[str, str], _Totals] = {}

    # -- nesting: one user call is one record

    def begin(self) -> "CallScope | None":
        """Start a call; returns a scope for :meth:`end`, or None when this call is nested in another."""
        if _depth.get() is not None:
            return None
        return CallScope(_depth.set([]))

    def end(self, scope: "CallScope | None") -> Usage | None:
        """Finish an outermost call (idempotent); returns the summed usage of the calls nested in it."""
        if scope is None or scope.done:
            return None
        scope.done = True
        nested = _depth.get()
        _depth.reset(scope.token)
        if not nested:
            return None
        total = Usage()
        for u in nested:
            total = total + u
        return total

    def nested(self, usage: Usage) -> None:
        """Note the usage of a nested call (added to the outer call when it reports none)."""
        inner = _depth.get()
        if inner is not None:
            inner.append(usage)

    # -- recording

    def record(self, usage: Usage | ChatResponse, model: str | None = None, *, provider: str | None = None,
               latency: float = 0.0, attempts: int = 1, timestamp: float | None = None) -> CallRecord:
        """Add one call (a Usage, or a ChatResponse whose usage, model and provider are taken)."""
        if isinstance(usage, ChatResponse):
            model = model or usage.model
            provider = provider or usage.provider
            latency = latency or (usage.latency or 0.0)
            usage = usage.usage
        if self.pricer is not None and usage.cost_usd is None:
            cost = self.pricer(provider or "", model or "", usage)
            if cost is not None:
                usage = usage.with_cost(cost)
        record = CallRecord(provider or "", model or "", usage, float(latency),
                            time.time() if timestamp is None else timestamp, attempts)
        with self._lock:
            self._last = record
            self._total.add(record)
            self._by_model.setdefault((record.provider, record.model), _Totals()).add(record)
            db = self._db
        if db is not None:
            self._write(db, record)
        return record

    # -- reading

    @property
    def last(self) -> Usage | None:
        """The most recent call's usage, or None before any call."""
        with self._lock:
            return self._last.usage if self._last else None

    @property
    def last_record(self) -> CallRecord | None:
        with self._lock:
            return self._last

    @property
    def last_model(self) -> str | None:
        with self._lock:
            return self._last.model if self._last else None

    @property
    def total(self) -> Usage:
        with self._lock:
            return self._total.usage

    @property
    def calls(self) -> int:
        with self._lock:
            return self._total.calls

    def per_model(self) -> dict[str, Usage]:
        """Totals per model name (all providers together)."""
        out: dict[str, Usage] = {}
        with self._lock:
            for (_, model), totals in self._by_model.items():
                out[model] = out.get(model, Usage()) + totals.usage
        return out

    def last_dict(self) -> dict | None:
        """``llm/last-usage`` as a dict with Lisp keys (``prompt-tokens`` ... ``model``), or None."""
        record = self.last_record
        if record is None:
            return None
        return {**record.usage.to_dict(), "model": record.model, "provider": record.provider,
                "latency-ms": round(record.latency * 1000.0, 3)}

    def session_dict(self) -> dict:
        """``llm/session-usage``: totals, the call count and ``per-model`` totals, with Lisp keys."""
        with self._lock:
            total, calls = self._total.usage, self._total.calls
        return {**total.to_dict(), "calls": calls, "per-model": {m: u.to_dict() for m, u in self.per_model().items()}}

    def summary(self) -> dict:
        """``{"totals", "by-model": {"provider/model": {...}}, "last-call"}`` (the registry document's shape)."""
        with self._lock:
            totals = self._total.to_dict("total-calls")
            by_model = {f"{p}/{m}" if p else m: t.to_dict() for (p, m), t in self._by_model.items()}
            last = self._last.to_dict() if self._last else None
        return {"totals": totals, "by-model": by_model, "last-call": last}

    def snapshot(self) -> dict:
        """Compact counters (:data:`COUNTERS`) for :func:`usage_delta`."""
        with self._lock:
            t = self._total
            u = t.usage
            return {"total-calls": t.calls, "prompt-tokens": u.prompt_tokens,
                    "completion-tokens": u.completion_tokens, "total-tokens": u.total_tokens,
                    "cached-tokens": u.cache_read_tokens, "estimated-calls": t.estimated_calls}

    def reset(self) -> None:
        """Forget everything in memory (the SQLite log keeps its rows)."""
        with self._lock:
            self._reset()

    # -- the SQLite log

    def open_log(self, path: str) -> None:
        """Append one row per call to the SQLite file PATH (created with :data:`SCHEMA` if new)."""
        import sqlite3
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10.0)
        db.execute(SCHEMA)
        with self._lock:
            old, self._db, self._db_path = self._db, db, path
        if old is not None:
            old.close()

    @property
    def log_path(self) -> str | None:
        return self._db_path

    def close_log(self) -> None:
        with self._lock:
            db, self._db, self._db_path = self._db, None, None
        if db is not None:
            db.close()

    def _write(self, db, r: CallRecord) -> None:
        u = r.usage
        with self._lock:  # one connection shared by threads: serialise its use
            db.execute("INSERT INTO llm_usage (ts, provider, model, prompt_tokens, completion_tokens, total_tokens, "
                       "cached_tokens, latency_ms, estimated, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (_now_iso(r.timestamp), r.provider, r.model, u.prompt_tokens, u.completion_tokens,
                        u.total_tokens, u.cache_read_tokens, r.latency * 1000.0, int(u.estimated), r.attempts))


def usage_delta(before: dict, after: dict) -> dict:
    """AFTER minus BEFORE, counter by counter (snapshots from :meth:`UsageTracker.snapshot`)."""
    return {k: int(after.get(k, 0)) - int(before.get(k, 0)) for k in COUNTERS if k in after or k in before}


__all__ = ["UsageTracker", "CallRecord", "usage_delta", "estimate_usage", "estimate_tokens", "SCHEMA", "COUNTERS"]
