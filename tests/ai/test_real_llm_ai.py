"""Opt-in (SEMA_REAL_LLM=1): extraction, a conversation and a budget against the real llama.cpp server.

The model is a tiny base model: these tests check shapes and accounting, never words.
"""

from __future__ import annotations

import os

import pytest

from sema.interpreter import Interpreter

pytestmark = pytest.mark.skipif(os.environ.get("SEMA_REAL_LLM") != "1",
                                reason="real-LLM tests are opt-in: set SEMA_REAL_LLM=1 and run tools/real-llm.sh start")


@pytest.fixture
def live(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", os.environ.get("REALLLM_OPENAI_BASE_URL", "http://127.0.0.1:8765/v1"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-unused")
    monkeypatch.setenv("SEMA_DEFAULT_MODEL", "gemma-3-270m")
    interp = Interpreter()
    interp.eval('(llm/configure :openai {:timeout 120 :max-retries 0 :default-model "gemma-3-270m"})')
    return interp


def test_extract_uses_native_structured_output(live):
    """The schema-constrained answer comes back checked: a string and an integer."""
    got = live.eval('(llm/extract {:name :string :age :int} "Ada Lovelace was 36." {:max-tokens 60 :temperature 0})')
    assert isinstance(got["name"], str) and isinstance(got["age"], int)


def test_conversation_and_budget(live):
    """Two turns keep their usage; a token budget refuses a prompt larger than itself without sending it."""
    stats = live.eval('(conversation/stats (conversation/say (conversation/say (conversation/new) "Hi" '
                      '{:max-tokens 8}) "Again" {:max-tokens 8}))')
    assert stats["turns"] == 2 and stats["tokens"]["prompt"] > 0 and stats["cost"] is None
    calls = live.eval("(:total-calls (llm/usage-snapshot))")
    err = live.eval('(try (llm/with-budget {:max-tokens 5} (fn () (llm/complete (string/repeat "many words " 20)))) '
                    '(catch e (:unit e)))')
    assert err == "tokens" and live.eval("(:total-calls (llm/usage-snapshot))") == calls
