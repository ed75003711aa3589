"""The example agent with two tools (examples/llm_agent.scm): offline from its cassette, live opt-in (issue 10).

The cassette was recorded against the real llama.cpp server of the project's shared tools
(``real-llm.sh start``; the ``gemma-3-270m-tools`` alias forces tool calls by grammar) with
``SEMA_LLM_CASSETTE_MODE=record``; the live test runs the same script against that server.
"""

from __future__ import annotations

import io
import os
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from sema.interpreter import Interpreter

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPT = EXAMPLES / "llm_agent.scm"
CASSETTE = EXAMPLES / "cassettes" / "llm_agent.ndjson"


def run_script(**env) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        Interpreter(llm=bool(env.pop("_llm", False))).load_file(str(SCRIPT))
    return out.getvalue()


def test_offline_from_the_cassette(monkeypatch):
    """With no provider and no network the agent replays its recorded turns; its two tools really run."""
    monkeypatch.setenv("SEMA_LLM_CASSETTE", str(CASSETTE))
    monkeypatch.setenv("SEMA_LLM_CASSETTE_MODE", "replay")
    out = run_script()
    assert out == (EXAMPLES / "cassettes" / "llm_agent.out").read_text()
    assert 'get-weather {"city":"Paris"} -> ok: {"celsius": 18, "city": "Paris"}' in out
    assert "turns: 3, stopped: :done" in out


@pytest.mark.skipif(os.environ.get("SEMA_REAL_LLM") != "1",
                    reason="real-LLM tests are opt-in: set SEMA_REAL_LLM=1 and run tools/real-llm.sh start")
def test_live_against_llama_cpp(monkeypatch, tmp_path):
    """The same script against the real server: both tools called, three turns; its recording replays."""
    base = os.environ.get("REALLLM_OPENAI_BASE_URL", "http://127.0.0.1:8765/v1")
    tape = tmp_path / "live.ndjson"
    monkeypatch.setenv("OPENAI_BASE_URL", base)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-live-test-key-0123456789")
    monkeypatch.setenv("SEMA_DEFAULT_MODEL", "gemma-3-270m-tools")
    monkeypatch.setenv("SEMA_LLM_CASSETTE", str(tape))
    monkeypatch.setenv("SEMA_LLM_CASSETTE_MODE", "record")
    live = run_script(_llm=True)
    lines = live.splitlines()
    assert lines[0].startswith("get-weather ") and lines[1].startswith("to-fahrenheit ")
    assert "turns: 3, stopped: :done" in live and "tool messages: 2" in live
    assert any(line.startswith("answer: ") for line in lines[2:])   # the model's words are not checked
    assert "sk-local-live-test-key" not in tape.read_text()
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "SEMA_DEFAULT_MODEL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("SEMA_LLM_CASSETTE_MODE", "replay")
    assert run_script() == live
