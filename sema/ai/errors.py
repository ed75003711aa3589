"""Errors of the AI layer, as Lisp ``catch`` sees them.

::

    BudgetError (LlmError)           :type :budget        a call that would exceed llm/with-budget or llm/set-budget
    CassetteMissError (LlmError)     :llm-error "cassette-miss"   a :replay cassette has no recording of a call
    ExtractionError (LlmError)       :llm-error "extract" the answer never matched the schema (:raw, :attempts)
    AgentError (SemaError)           :type :agent         too many consecutive tool errors (:messages, :tool-errors)
"""

from __future__ import annotations

from ..errors import SemaError
from ..llm.errors import LlmError


def _lisp(x):
    from ..convert import from_python
    return from_python(x)


class BudgetError(LlmError):
    """A call was refused (before it was sent) because it would take a budget past its limit.

    An LLM error (a batch reports it in place of the refused prompt) whose ``:type`` is ``:budget``.
    """

    kind = "budget"
    llm_kind = "budget"

    def __init__(self, message: str, *, limit=None, spent=None, estimate=None, unit: str = "usd"):
        super().__init__(message)
        self.limit, self.spent, self.estimate, self.unit = limit, spent, estimate, unit

    def extra_fields(self) -> dict:
        out = super().extra_fields()
        out.update({"limit": self.limit, "spent": self.spent, "estimate": self.estimate,
                    "unit": "usd" if self.unit == "usd" else "tokens"})
        return out


class CassetteMissError(LlmError):
    """A cassette in :replay mode has no recording for a call (it is not sent)."""

    llm_kind = "cassette-miss"

    def __init__(self, message: str, *, fingerprint: str = "", path: str = ""):
        super().__init__(message)
        self.fingerprint, self.path = fingerprint, path

    def extra_fields(self) -> dict:
        out = super().extra_fields()
        out.update({"fingerprint": self.fingerprint, "cassette": self.path})
        return out


class ExtractionError(LlmError):
    """The model's answer never matched the schema: every attempt (raw output and errors) is kept."""

    llm_kind = "extract"

    def __init__(self, message: str, *, raw: str = "", tries: list | None = None, provider=None):
        super().__init__(message, provider=provider)
        self.raw = raw
        self.tries = list(tries or ())   # [{"attempt": n, "raw": text, "errors": [...]}]

    def extra_fields(self) -> dict:
        out = super().extra_fields()
        out["raw"] = self.raw
        out["attempts"] = _lisp(self.tries)
        out["errors"] = _lisp(self.tries[-1]["errors"] if self.tries else [])
        return out


class AgentError(SemaError):
    """An agent run stopped: too many consecutive tool errors.  Carries the transcript."""

    kind = "agent"

    def __init__(self, message: str, *, messages=(), tool_errors=()):
        super().__init__(message)
        self.messages = list(messages)        # message maps (Lisp values)
        self.tool_errors = list(tool_errors)  # strings

    def extra_fields(self) -> dict:
        from ..values import make_list
        return {"messages": make_list(self.messages), "tool-errors": make_list(self.tool_errors)}


__all__ = ["BudgetError", "CassetteMissError", "ExtractionError", "AgentError"]
