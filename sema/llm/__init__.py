"""sema's LLM layer: one request and one response for every provider.

::

    ChatRequest ──▶ provider.complete / .stream ──▶ ChatResponse
                    ├─ HTTP adapters (providers/): OpenAI (+ every compatible service),
                    │  Anthropic, Gemini, Ollama, embeddings (Jina, Voyage, Cohere)
                    └─ any object with name/default_model/complete (Python or Lisp)

- :mod:`.types`     the request/response attrs classes and converters (checked in one place)
- :mod:`.errors`    the LlmError tree and :func:`redact`
- :mod:`.catalog`   provider specs as data (every known vendor, its auth scheme, curated models)
- :mod:`.registry`  :class:`ProviderRegistry` (one per interpreter): names, configure, auto-configure
- :mod:`.options`   the checked options of ``llm/configure``
- :mod:`.router`    :class:`Router` (failover, circuit breaker), :func:`call_provider`, :func:`batch_complete`
- :mod:`.breaker`   :class:`Breaker`, the per-provider circuit breaker
- :mod:`.usage`     :class:`UsageTracker`: per-call records, summary, snapshot/delta, the SQLite log
- :mod:`.transport` pooled httpx clients, timeouts (a total deadline), retries; :mod:`.http_errors`
- :mod:`.auth`      auth schemes: keys, OAuth tokens, Copilot, device flow, SigV4, service accounts
- :mod:`.structured` response formats (JSON schema) checked on return
- :mod:`.sse`       SSE and NDJSON decoders
- :mod:`.fake`      :class:`FakeProvider`, a scripted provider with a recorder, for tests

From Python, the gateway is ``interp.llm.router`` (or ``ProviderRegistry().router``)::

    router.respond({"messages": "hi"})   # request map -> response map, with failover and usage

httpx is imported only when an HTTP provider is built or used.
"""

# Everything is imported on first use: `import sema.llm.setup` at start-up must stay cheap.
_LAZY = {
    **dict.fromkeys(("AuthError", "BadRequestError", "ContextWindowError", "LlmConnectionError", "LlmError",
                     "LlmTimeoutError", "RateLimitError", "ServerError", "StreamError", "UnsupportedError",
                     "ResponseFormatError", "redact"), ".errors"),
    "FakeProvider": ".fake",
    **dict.fromkeys(("SPECS", "ProviderSpec"), ".catalog"),
    **dict.fromkeys(("ProviderRegistry", "check_key", "split_model"), ".registry"),
    "ProviderOptions": ".options",
    **dict.fromkeys(("Router", "batch_complete", "call_provider", "complete_with_fallback"), ".router"),
    "Breaker": ".breaker",
    **dict.fromkeys(("ChatRequest", "ChatResponse", "Message", "ToolCall", "ToolSpec", "Usage", "ImagePart",
                     "ResponseFormat", "FieldError", "request_from_python", "response_from_python"), ".types"),
    **dict.fromkeys(("UsageTracker", "CallRecord", "usage_delta"), ".usage"),
    "HttpTransport": ".transport", "RetryPolicy": ".transport", "Timeouts": ".transport",
    "Provider": ".providers", "HttpProvider": ".providers", "make_provider": ".providers",
    "OpenAIProvider": ".providers.openai", "AnthropicProvider": ".providers.anthropic",
    "GeminiProvider": ".providers.gemini", "OllamaProvider": ".providers.ollama",
    "EmbeddingProvider": ".providers.embeddings",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sema.llm' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = sorted(_LAZY)
