"""Token usage bookkeeping, one tracker per interpreter (thread-safe: batches record concurrently)."""

from __future__ import annotations

import threading

from .types import ChatResponse, Usage


class UsageTracker:
    """The last call's usage, the session's totals, and totals per model."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last: tuple[str, Usage] | None = None
        self._total = Usage()
        self._per_model: dict[str, Usage] = {}
        self._calls = 0

    def record(self, usage: Usage | ChatResponse, model: str | None = None) -> None:
        """Add one call's usage (a Usage, or a ChatResponse whose usage and model are taken)."""
        if isinstance(usage, ChatResponse):
            model = model or usage.model
            usage = usage.usage
        model = model or ""
        with self._lock:
            self._last = (model, usage)
            self._total = self._total + usage
            self._per_model[model] = self._per_model.get(model, Usage()) + usage
            self._calls += 1

    @property
    def last(self) -> Usage | None:
        """The most recent call's usage, or None before any call."""
        with self._lock:
            return self._last[1] if self._last else None

    @property
    def last_model(self) -> str | None:
        with self._lock:
            return self._last[0] if self._last else None

    @property
    def total(self) -> Usage:
        with self._lock:
            return self._total

    @property
    def calls(self) -> int:
        with self._lock:
            return self._calls

    def per_model(self) -> dict[str, Usage]:
        """A copy of the totals per model."""
        with self._lock:
            return dict(self._per_model)

    def last_dict(self) -> dict | None:
        """``llm/last-usage`` as a dict with Lisp keys (``prompt-tokens`` ... ``model``), or None."""
        with self._lock:
            if self._last is None:
                return None
            model, usage = self._last
        return {**usage.to_dict(), "model": model}

    def session_dict(self) -> dict:
        """``llm/session-usage``: totals, the call count and ``per-model`` totals, with Lisp keys."""
        with self._lock:
            total, per_model, calls = self._total, dict(self._per_model), self._calls
        return {**total.to_dict(), "calls": calls,
                "per-model": {m: u.to_dict() for m, u in per_model.items()}}

    def reset(self) -> None:
        """Forget everything."""
        with self._lock:
            self._last = None
            self._total = Usage()
            self._per_model = {}
            self._calls = 0


__all__ = ["UsageTracker"]
