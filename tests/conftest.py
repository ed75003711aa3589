"""Shared fixtures: a fresh interpreter per test, Lisp evaluation helpers, no real API keys."""

from __future__ import annotations

import os

import pytest

from sema.interpreter import Interpreter
from sema.printer import write_str

PROVIDER_KEYS = (
    "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "GROQ_API_KEY", "XAI_API_KEY",
    "MISTRAL_API_KEY", "MOONSHOT_API_KEY", "JINA_API_KEY", "VOYAGE_API_KEY", "COHERE_API_KEY",
    "DEEPSEEK_API_KEY", "OPENROUTER_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY",
    "SEMA_LLM_PROVIDER", "SEMA_DEFAULT_MODEL", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GEMINI_BASE_URL",
    "OLLAMA_HOST",
)


@pytest.fixture(autouse=True, scope="session")
def _private_code_cache(tmp_path_factory):
    """Compiled-code cache in a folder of this test session: no test depends on ~/.cache."""
    folder = tmp_path_factory.mktemp("sema-code-cache")
    saved = os.environ.get("SEMA_CACHE_DIR")
    os.environ["SEMA_CACHE_DIR"] = str(folder)
    yield
    if saved is None:
        os.environ.pop("SEMA_CACHE_DIR", None)
    else:
        os.environ["SEMA_CACHE_DIR"] = saved


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory):
    """A folder of this test session for the LLM response caches (each test gets its own file)."""
    return tmp_path_factory.mktemp("sema-llm-cache")


_cache_files = iter(range(1, 10**9))


@pytest.fixture(autouse=True)
def _private_llm_cache(monkeypatch, _cache_folder):
    """Each test's LLM response cache is a new file in the session's folder, never the user's cache."""
    monkeypatch.setenv("SEMA_CACHE_DB", str(_cache_folder / f"llm-cache-{next(_cache_files)}.sqlite3"))
    for name in ("SEMA_CACHE_EMBED", "SEMA_CACHE_TTL", "SEMA_CACHE_MAX_ENTRIES", "SEMA_CACHE_THRESHOLD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_provider_keys(monkeypatch):
    """No test can reach a real LLM API: every provider key and base URL is cleared."""
    for key in PROVIDER_KEYS:
        monkeypatch.delenv(key, raising=False)
    for key in list(os.environ):
        if key.endswith("_API_KEY"):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture
def interp():
    """A fresh interpreter with the standard library and no LLM auto-configuration."""
    return Interpreter(llm=False)


@pytest.fixture
def run(interp):
    """Evaluate Lisp source in a fresh interpreter and return the raw Lisp value."""
    return lambda src: interp.eval_source(src)


@pytest.fixture
def show(interp):
    """Evaluate Lisp source and return the result's printed (write) form."""
    return lambda src: write_str(interp.eval_source(src))


@pytest.fixture
def fake_server():
    """A factory: ``fake_server("openai")`` starts a fake wire-format server on 127.0.0.1, closed after the test."""
    from tests.llm.fakeserver import FakeServer

    made = []

    def make(dialect):
        server = FakeServer(dialect)
        made.append(server)
        return server
    yield make
    for server in made:
        server.close()
