"""Fixtures for the LLM layer: no API keys in the environment, fake servers, a recording sleep."""

from __future__ import annotations

import os

import pytest

from sema.llm.registry import SPECS

from .wire import MODEL

ADAPTERS = ("openai", "anthropic", "gemini", "ollama")
KEYS = {"openai": "sk-test-openai-0123456789abcdef", "anthropic": "sk-ant-test-0123456789abcdef",
        "gemini": "AIzaTest0123456789abcdefghijklmn", "ollama": None}
#: the path prefix each adapter's base URL carries
PREFIX = {"openai": "/v1", "anthropic": "", "gemini": "/v1beta", "ollama": ""}

_ENV_NAMES = sorted({n for s in SPECS for n in (*s.key_env, *s.base_url_env)} | {
    "SEMA_LLM_PROVIDER", "SEMA_DEFAULT_MODEL", "SEMA_CHAT_PROVIDER", "SEMA_CHAT_MODEL",
    "SEMA_EMBEDDING_PROVIDER"})


@pytest.fixture(autouse=True)
def _no_provider_keys(monkeypatch):
    """Clear every provider key and base URL so that no test can reach a real API."""
    for name in _ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)


class Sleeps(list):
    """A sleep function that records its delays instead of sleeping."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()




def build(adapter, server, sleeps=None, **options):
    """An HTTP provider of ADAPTER pointed at SERVER, with short timeouts and no real sleeps."""
    import httpx

    from sema.llm.providers import make_provider

    # plain-http loopback servers: skip loading the CA bundle (80 ms per client)
    opts = dict(transport=httpx.HTTPTransport(verify=False), async_transport=httpx.AsyncHTTPTransport(verify=False),
                api_key=KEYS[adapter], base_url=server.url + PREFIX[adapter], default_model=MODEL[adapter],
                read_timeout=2.0, idle_timeout=2.0, connect_timeout=1.0, max_retries=2)
    if sleeps is not None:
        opts["sleep"] = sleeps
    opts.update(options)
    return make_provider(adapter, adapter, **opts)
