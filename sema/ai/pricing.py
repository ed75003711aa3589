"""Prices of models, and the cost of each call (``:cost-usd`` in usage).

Where a price comes from, first match wins:

1. the user's prices, ``(llm/set-pricing "pattern" input-per-M output-per-M)``:
   an exact model name, or a glob (``"gpt-4o*"``, ``"*/llama-3*"``), latest first;
2. the bundled table ``pricing-data.json`` (dated, with its source: see
   :mod:`sema.ai.pricing_snapshot`), by exact name, then without a date or
   ``-latest`` suffix, then by the table's name prefixes, then by the longest
   known name the model starts with (``gpt-4o-mini-2024-07-18`` is
   ``gpt-4o-mini``); the calling provider's own rows are preferred;
3. a model served by a local server (Ollama, llama.cpp, LM Studio, vLLM ...)
   costs nothing;
4. otherwise the price is unknown: the call's ``:cost-usd`` is nil, never an
   exception.  :meth:`Pricing.warn_unknown` prints one warning per model when
   a cost is needed (a cost budget, ``conversation/cost``).

Prices are USD per million tokens: input, output and cached input reads
(cached reads cost the input price when the table has no cache price).
Vendors count cached tokens differently: OpenAI's ``prompt_tokens`` include
them, Anthropic's ``input_tokens`` do not; :meth:`Pricing.cost` follows the
provider's wire format.
"""

from __future__ import annotations

import fnmatch
import json
import re
import threading
from pathlib import Path

from attrs import frozen

DATA_FILE = Path(__file__).with_name("pricing-data.json")
_DATE_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{4}|-latest|@\d{8}|:latest)$")


@frozen
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cache_read: float | None = None
    source: str = "table"

    def to_dict(self) -> dict:
        d = {"input": self.input, "output": self.output, "source": self.source}
        if self.cache_read is not None:
            d["cache-read"] = self.cache_read
        return d


class PriceTable:
    """The bundled table, loaded once per process."""

    _loaded: "PriceTable | None" = None
    _lock = threading.Lock()

    def __init__(self, data: dict):
        self.source = data.get("source", "")
        self.updated_at = data.get("updated-at", "")
        self.exact: dict[str, dict[str, Price]] = {}      # name -> provider -> price
        self.prefixes: list[tuple[str, str, Price]] = []  # (prefix, provider, price), longest first
        for row in data.get("models", ()):
            price = Price(float(row["input"]), float(row["output"]),
                          None if row.get("cache-read") is None else float(row["cache-read"]))
            for name in row.get("names", ()):
                self.exact.setdefault(name.lower(), {}).setdefault(row["provider"], price)
            for prefix in row.get("prefixes", ()):
                self.prefixes.append((prefix.lower(), row["provider"], price))
        self.prefixes.sort(key=lambda p: -len(p[0]))
        self._names_by_length = sorted(self.exact, key=len, reverse=True)
        self._memo: dict = {}

    @classmethod
    def bundled(cls) -> "PriceTable":
        with cls._lock:
            if cls._loaded is None:
                cls._loaded = cls(json.loads(DATA_FILE.read_text(encoding="utf-8")))
            return cls._loaded

    def __len__(self) -> int:
        return len(self.exact)

    @staticmethod
    def _pick(rows: dict[str, Price], provider: str | None) -> Price:
        return rows.get(provider) if provider in rows else next(iter(rows.values()))

    def lookup(self, model: str, provider: str | None = None) -> Price | None:
        """The price of MODEL (as the vendor names it), or None.  Answers are remembered (the table is fixed)."""
        key = (model, provider)
        try:
            return self._memo[key]
        except KeyError:
            pass
        price = self._lookup(model, provider)
        if len(self._memo) > 4096:
            self._memo.clear()
        self._memo[key] = price
        return price

    def _lookup(self, model: str, provider: str | None) -> Price | None:
        for name in _candidates(model.lower()):
            rows = self.exact.get(name)
            if rows:
                return self._pick(rows, provider)
            matches = [(p, price) for prefix, p, price in self.prefixes if name.startswith(prefix)]
            if matches:
                own = [price for p, price in matches if p == provider]
                return own[0] if own else matches[0][1]
        name = model.lower().rsplit("/", 1)[-1]
        for known in self._names_by_length:  # the longest known name MODEL extends: gpt-4o-mini-2024-07-18
            if name.startswith(known) and len(name) > len(known) and name[len(known)] in "-.:@":
                return self._pick(self.exact[known], provider)
        return None


def _candidates(name: str):
    """MODEL, then without a vendor path (``openai/gpt-4o``), then without a date or tag suffix."""
    seen = []
    for base in (name, name.rsplit("/", 1)[-1]):
        for candidate in (base, _DATE_SUFFIX.sub("", base)):
            if candidate and candidate not in seen:
                seen.append(candidate)
                yield candidate


class Pricing:
    """One interpreter's prices: the user's patterns over the bundled table; prices each call."""

    def __init__(self, registry=None, warn=None):
        self.registry = registry
        self.custom: list[tuple[str, Price]] = []   # latest first
        self._warn = warn
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    @property
    def table(self) -> PriceTable:
        return PriceTable.bundled()

    def set_price(self, pattern: str, input_per_m: float, output_per_m: float,
                  cache_read_per_m: float | None = None) -> None:
        with self._lock:
            self.custom = [(p, x) for p, x in self.custom if p != pattern]
            self.custom.insert(0, (pattern, Price(input_per_m, output_per_m, cache_read_per_m, "custom")))

    def price(self, model: str | None, provider: str | None = None) -> Price | None:
        """MODEL's price (see the module docstring), or None when it is unknown."""
        if not model:
            return None
        lower = model.lower()
        with self._lock:
            custom = list(self.custom)
        for pattern, price in custom:
            p = pattern.lower()
            if p == lower or fnmatch.fnmatchcase(lower, p):
                return price
        price = self.table.lookup(model, provider)
        if price is not None:
            return price
        if provider and self._is_local(provider):
            return Price(0.0, 0.0, 0.0, "local")
        return None

    def _is_local(self, provider: str) -> bool:
        reg = self.registry
        if reg is None or provider not in reg:
            return False
        spec = reg.spec(provider)
        try:
            native = provider in reg and hasattr(reg.get(provider), "base_url")
        except Exception:
            native = False
        return bool(spec is not None and spec.local and native)

    def _excludes_cached(self, provider: str) -> bool:
        """Anthropic-format usage counts cached reads apart from ``input_tokens``."""
        spec = self.registry.spec(provider) if self.registry is not None and provider else None
        return spec is not None and spec.adapter in ("anthropic", "bedrock")

    def cost(self, provider: str, model: str, usage) -> float | None:
        """USD for USAGE on MODEL (None when the price is unknown)."""
        price = self.price(model, provider)
        if price is None:
            return None
        cached = usage.cache_read_tokens
        fresh = usage.prompt_tokens if self._excludes_cached(provider) else max(0, usage.prompt_tokens - cached)
        cache_price = price.cache_read if price.cache_read is not None else price.input
        total = fresh * price.input + cached * cache_price + usage.completion_tokens * price.output
        return round(total / 1_000_000, 10)

    def estimate(self, model: str | None, provider: str | None, prompt_tokens: int, completion_tokens: int):
        """USD for a call not made yet (None when the price is unknown)."""
        price = self.price(model, provider)
        if price is None:
            return None
        return (prompt_tokens * price.input + completion_tokens * price.output) / 1_000_000

    def warn_unknown(self, model: str | None, why: str) -> None:
        """Warn once per model that its price is unknown (its calls have no :cost-usd)."""
        key = model or "?"
        with self._lock:
            if key in self._warned:
                return
            self._warned.add(key)
        if self._warn is not None:
            self._warn(f"no price known for model \"{key}\": {why}; set one with "
                       f"(llm/set-pricing \"{key}\" input-usd-per-million output-usd-per-million)")

    def status(self) -> dict:
        t = self.table
        return {"source": t.source, "updated-at": t.updated_at, "models": len(t),
                "custom": [{"pattern": p, **x.to_dict()} for p, x in self.custom]}




def pricing_of(state) -> Pricing:
    """The Pricing of an interpreter's LlmState (made on first use)."""
    pricing = getattr(state, "pricing", None)
    if pricing is None:
        pricing = state.pricing = Pricing(state.registry, warn=state.interp._warn)
    return pricing


def make_pricer(pipeline):
    """The usage tracker's pricer for PIPELINE's interpreter (see :data:`sema.llm.pipeline.PRICER`)."""
    return pricing_of(pipeline.state).cost



# ---------------------------------------------------------------- builtins

from ..llm.builtins import state_of  # noqa: E402  (registers the llm/* builtins first)
from ..runtime.registry import Any, interp_builtin  # noqa: E402  (the builtins need the registry, the table does not)


def _state(interp):
    return state_of(interp)


def _real(who: str, what: str, x) -> float:
    from ..errors import LispTypeError, LispValueError
    from ..llm.describe import got
    if x.__class__ is bool or not isinstance(x, (int, float)) and type(x).__name__ != "Fraction":
        raise LispTypeError(f"{who}: {what} must be a number (USD per million tokens), got {got(x)}")
    if x < 0:
        raise LispValueError(f"{who}: {what} must not be negative, got {x}")
    return float(x)


@interp_builtin("llm/set-pricing", needs="llm")
def make_set_pricing(interp):
    """Set the price of the models matching PATTERN: INPUT and OUTPUT USD per million tokens.

    PATTERN is a model name or a glob ("gpt-4o*", "my-*"); your prices win over the bundled table
    (see llm/pricing-status). CACHE-READ (optional) prices cached input tokens. Calls are priced when
    recorded: (:cost-usd (llm/last-usage)).

    (llm/define-provider :m {:complete (fn (r) {:content "ok" :usage {:prompt-tokens 1000000 :completion-tokens 1000000}}) :default-model "m-1"}) (llm/set-pricing "m-*" 1.5 4) (llm/complete "hi") (:cost-usd (llm/last-usage)) ; => 5.5
    """
    state = _state(interp)

    def llm_set_pricing(pattern: str, input_per_m: Any, output_per_m: Any, cache_read_per_m: Any = None) -> Any:
        who = "llm/set-pricing"
        from ..errors import LispTypeError
        if not isinstance(pattern, str) or not pattern:
            raise LispTypeError(f"{who}: the pattern must be a model name or glob (a string)")
        cache = None if cache_read_per_m is None else _real(who, "the cache-read price", cache_read_per_m)
        pricing_of(state).set_price(pattern, _real(who, "the input price", input_per_m),
                                    _real(who, "the output price", output_per_m), cache)
        return None
    return llm_set_pricing


@interp_builtin("llm/pricing-status", needs="llm")
def make_pricing_status(interp):
    """Where prices come from: {:source :updated-at :models N :custom [...]}, and with MODEL that model's price.

    The bundled table is a dated snapshot (its source and date are shown); your llm/set-pricing
    patterns come first. With a model name: {:input :output :cache-read :source} in USD per million
    tokens, or nil when the price is unknown.

    (:updated-at (llm/pricing-status)) ; => "2026-12-07"
    (:input (llm/pricing-status "gpt-4o-mini-2024-07-18")) ; => 0.15
    (llm/pricing-status "my-own-model") ; => nil
    """
    state = _state(interp)

    def llm_pricing_status(model: Any = None) -> Any:
        from ..convert import from_python
        pricing = pricing_of(state)
        if model is not None:
            if not isinstance(model, str):
                from ..errors import LispTypeError
                raise LispTypeError("llm/pricing-status: the model must be a string")
            price = pricing.price(model)
            return None if price is None else from_python(price.to_dict())
        return from_python(pricing.status())
    return llm_pricing_status


__all__ = ["Price", "PriceTable", "Pricing", "DATA_FILE", "pricing_of", "make_pricer"]
