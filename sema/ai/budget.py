"""Budgets: a limit on the cost (USD) and tokens of LLM calls, checked before each call is sent.

``(llm/set-budget 2.0)`` or ``(llm/set-budget {:max-cost-usd 2.0 :max-tokens 100000})``
sets the program's budget; ``(llm/with-budget {...} thunk)`` adds one for
the calls made inside THUNK (every enclosing budget applies to a call).

Before a call is sent, its size is estimated: the prompt at four characters
a token, plus its ``:max-tokens`` when given (the most it can answer), and
priced (:mod:`sema.ai.pricing`).  A call that would take a budget past its
limit is refused with a ``:budget`` error and not sent; so is any call once
a budget is spent.  After the call, its real usage is charged.  Concurrent
calls (``llm/batch``) reserve their estimate while in flight, so together
they cannot overshoot either.

A model with no known price cannot be counted against a cost limit: the
call goes ahead, its tokens are counted, and one warning per model says so
(never an exception).  Embeddings are not budgeted.
"""

from __future__ import annotations

import threading

from ..errors import LispTypeError, LispValueError
from ..llm.lisp_provider import lisp_options
from ..llm.usage import estimate_tokens
from ..llm.builtins import state_of  # noqa: E402  (registers the llm/* builtins first)
from ..runtime.registry import Any, Callable_, interp_builtin
from ..values import Keyword, Map, make_map
from .errors import BudgetError
from .pricing import pricing_of

_K = Keyword


class Budget:
    """A cost and/or token limit and what has been spent against it."""

    def __init__(self, max_cost_usd: float | None = None, max_tokens: int | None = None):
        self.max_cost_usd = max_cost_usd
        self.max_tokens = max_tokens
        self.spent_usd = 0.0
        self.spent_tokens = 0
        self.reserved_usd = 0.0
        self.reserved_tokens = 0

    def remaining(self) -> dict:
        out = {}
        if self.max_cost_usd is not None:
            out.update({"limit": self.max_cost_usd, "spent": round(self.spent_usd, 10),
                        "remaining": round(max(0.0, self.max_cost_usd - self.spent_usd), 10)})
        if self.max_tokens is not None:
            out.update({"token-limit": self.max_tokens, "tokens-spent": self.spent_tokens,
                        "tokens-remaining": max(0, self.max_tokens - self.spent_tokens)})
        return out


class BudgetLayer:
    """The pipeline's ``"budget"`` slot."""

    def __init__(self, state):
        self.state = state
        self.standing: Budget | None = None   # llm/set-budget
        self.scoped: list[Budget] = []        # enclosing llm/with-budget, innermost last
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self.standing is not None or bool(self.scoped)

    def budgets(self) -> list[Budget]:
        return ([self.standing] if self.standing is not None else []) + list(self.scoped)

    def _model_of(self, call):
        """``(provider, model)`` the call will most likely use (None, None when it cannot be known yet)."""
        try:
            entries, request = self.state.targets(call.who, dict(call.options), call.request)
        except Exception:  # nothing configured (a cassette may answer): the cost cannot be estimated
            return None, call.request.model
        provider, model = entries[0] if isinstance(entries[0], tuple) else (entries[0], None)
        name = getattr(provider, "name", None)
        return name, model or request.model or getattr(provider, "default_model", None)

    def handle(self, call, proceed):
        budgets = self.budgets()
        if not budgets:
            return proceed(call)
        request = call.request
        prompt = estimate_tokens(request.text())
        tokens = prompt + (request.max_tokens or 0)
        pricing = pricing_of(self.state)
        cost = None
        if any(b.max_cost_usd is not None for b in budgets):
            provider, model = self._model_of(call)
            cost = pricing.estimate(model, provider, prompt, request.max_tokens or 0)
            if cost is None:
                pricing.warn_unknown(model, "a cost budget cannot count its calls (their tokens are counted)")
        with self._lock:
            for b in budgets:
                self._check(call, b, tokens, cost)
            for b in budgets:
                b.reserved_tokens += tokens
                b.reserved_usd += cost or 0.0
        try:
            response = proceed(call)
        finally:
            with self._lock:
                for b in budgets:
                    b.reserved_tokens -= tokens
                    b.reserved_usd -= cost or 0.0
        used = response.usage
        with self._lock:
            for b in budgets:
                b.spent_tokens += used.total_tokens
                b.spent_usd += used.cost_usd or 0.0
        return response

    @staticmethod
    def _check(call, b: Budget, tokens: int, cost: float | None) -> None:
        how = "its prompt (estimated at 4 characters a token)" + (" and :max-tokens" if call.request.max_tokens
                                                                   else "")
        if b.max_tokens is not None:
            used = b.spent_tokens + b.reserved_tokens
            if used >= b.max_tokens or used + tokens > b.max_tokens:
                left = max(0, b.max_tokens - used)
                raise BudgetError(f"{call.who}: the call would exceed the token budget: {how} come to about "
                                  f"{tokens} tokens and {left} of {b.max_tokens} are left; it was not sent",
                                  limit=b.max_tokens, spent=b.spent_tokens, estimate=tokens, unit="tokens")
        if b.max_cost_usd is not None and cost is not None:
            used = b.spent_usd + b.reserved_usd
            if used >= b.max_cost_usd or used + cost > b.max_cost_usd:
                left = max(0.0, b.max_cost_usd - used)
                raise BudgetError(f"{call.who}: the call would exceed the cost budget: {how} come to about "
                                  f"${cost:.6f} and ${left:.6f} of ${b.max_cost_usd:g} is left; it was not sent",
                                  limit=b.max_cost_usd, spent=round(b.spent_usd, 10), estimate=cost)


def layer_of(state) -> BudgetLayer:
    return state.pipeline.layer("budget", lambda pipeline: BudgetLayer(pipeline.state))


def _budget_from(who: str, spec) -> Budget:
    """A Budget from a number (USD) or {:max-cost-usd N :max-tokens N}."""
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        if spec < 0:
            raise LispValueError(f"{who}: a budget must not be negative, got {spec}")
        return Budget(float(spec))
    if not isinstance(spec, Map):
        raise LispTypeError(f"{who}: expected a number of USD or a map {{:max-cost-usd :max-tokens}}")
    o = lisp_options(who, spec)
    unknown = sorted(set(o) - {"max-cost-usd", "max-tokens"})
    if unknown:
        raise LispValueError(f"{who}: unknown budget key :{unknown[0]} (expected :max-cost-usd or :max-tokens)")
    cost, tokens = o.get("max-cost-usd"), o.get("max-tokens")
    if cost is not None and (isinstance(cost, bool) or not isinstance(cost, (int, float)) or cost < 0):
        raise LispTypeError(f"{who}: :max-cost-usd must be a non-negative number")
    if tokens is not None and (tokens.__class__ is not int or tokens < 0):
        raise LispTypeError(f"{who}: :max-tokens must be a non-negative integer")
    if cost is None and tokens is None:
        raise LispValueError(f"{who}: a budget needs :max-cost-usd or :max-tokens")
    return Budget(None if cost is None else float(cost), tokens)


def _state(interp):
    return state_of(interp)


def _remaining_map(b: Budget | None):
    if b is None:
        return None
    return make_map((_K(k), v) for k, v in b.remaining().items())


@interp_builtin("llm/set-budget", needs="llm")
def make_set_budget(interp):
    """Set the program's LLM budget: a number of USD, or {:max-cost-usd N :max-tokens N}; nil removes it.

    A call that would take the budget past its limit is refused before it is sent (a :budget error);
    see llm/with-budget. Returns what llm/budget-remaining returns.

    (llm/set-budget {:max-tokens 1000}) ; => {:token-limit 1000 :tokens-remaining 1000 :tokens-spent 0}
    (llm/define-provider :m {:complete (fn (r) {:content "ok" :usage {:prompt-tokens 8 :completion-tokens 2}})}) (llm/set-budget {:max-tokens 10}) (llm/complete "hi") (:type (try (llm/complete "hi") (catch e e))) ; => :budget
    """
    state = _state(interp)

    def llm_set_budget(spec: Any) -> Any:
        layer = layer_of(state)
        layer.standing = None if spec is None else _budget_from("llm/set-budget", spec)
        return _remaining_map(layer.standing)
    return llm_set_budget


@interp_builtin("llm/clear-budget", needs="llm")
def make_clear_budget(interp):
    """Remove the program's budget (set by llm/set-budget); scoped llm/with-budget limits stay.

    (llm/set-budget 1.0) (llm/clear-budget) (llm/budget-remaining) ; => nil
    """
    state = _state(interp)

    def llm_clear_budget() -> Any:
        layer_of(state).standing = None
        return None
    return llm_clear_budget


@interp_builtin("llm/budget-remaining", needs="llm")
def make_budget_remaining(interp):
    """The innermost budget in force: {:limit :spent :remaining} in USD and/or {:token-limit :tokens-spent
    :tokens-remaining}; nil when there is none.

    (llm/budget-remaining) ; => nil
    (llm/with-budget {:max-cost-usd 0.5} (fn () (llm/budget-remaining))) ; => {:limit 0.5 :remaining 0.5 :spent 0.0}
    """
    state = _state(interp)

    def llm_budget_remaining() -> Any:
        budgets = layer_of(state).budgets()
        return _remaining_map(budgets[-1] if budgets else None)
    return llm_budget_remaining


@interp_builtin("llm/with-budget", needs="llm")
def make_with_budget(interp):
    """Call THUNK with a budget {:max-cost-usd N :max-tokens N} (or a number of USD) on its LLM calls.

    Before each call is sent, its prompt (4 characters a token) plus its :max-tokens is priced; a call
    that would exceed the budget, or any call once it is spent, raises a :budget error (with :limit
    :spent :estimate :unit) and is not sent. Real usage is charged after each call. Enclosing budgets
    (and llm/set-budget's) apply too. A model without a known price is counted in tokens only, with a
    warning.

    (llm/define-provider :m {:complete (fn (r) "ok")}) (llm/with-budget {:max-tokens 100} (fn () (llm/complete "hi"))) ; => "ok"
    (llm/define-provider :m {:complete (fn (r) "ok")}) (:unit (try (llm/with-budget {:max-tokens 2} (fn () (llm/complete "a prompt far longer than two tokens"))) (catch e e))) ; => "tokens"
    """
    state = _state(interp)

    def llm_with_budget(spec: Any, thunk: Callable_) -> Any:
        who = "llm/with-budget"
        budget = _budget_from(who, spec)
        layer = layer_of(state)
        layer.scoped.append(budget)
        try:
            return thunk()
        finally:
            layer.scoped.remove(budget)
    return llm_with_budget


__all__ = ["Budget", "BudgetLayer", "layer_of"]
