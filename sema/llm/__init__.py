"""sema's LLM layer: one request and one response for every provider.

::

    ChatRequest ──▶ provider.complete / .stream ──▶ ChatResponse
                    ├─ HTTP adapters (providers/): OpenAI (+ every compatible service),
                    │  Anthropic, Gemini, Ollama, embeddings (Jina, Voyage, Cohere)
                    └─ any object with name/default_model/complete (Python or Lisp)

- :mod:`.types`     the request/response dataclasses and converters
- :mod:`.errors`    the LlmError tree and :func:`redact`
- :mod:`.registry`  provider specs as data; :class:`ProviderRegistry` (one per interpreter)
- :mod:`.transport` pooled httpx clients, timeouts, retries, error mapping
- :mod:`.sse`       SSE and NDJSON decoders
- :mod:`.router`    :func:`call_provider`, :func:`complete_with_fallback`, :func:`batch_complete`
- :mod:`.usage`     :class:`UsageTracker`
- :mod:`.fake`      :class:`FakeProvider`, a scripted provider with a recorder, for tests

httpx is imported only when an HTTP provider is built or used.
"""

# Everything is imported on first use: `import sema.llm.setup` at start-up must stay cheap.
_LAZY = {
    **dict.fromkeys(("AuthError", "BadRequestError", "ContextWindowError", "LlmConnectionError", "LlmError",
                     "LlmTimeoutError", "RateLimitError", "ServerError", "StreamError", "UnsupportedError",
                     "redact"), ".errors"),
    "FakeProvider": ".fake",
    **dict.fromkeys(("SPECS", "ProviderRegistry", "ProviderSpec", "check_key", "split_model"), ".registry"),
    **dict.fromkeys(("batch_complete", "call_provider", "complete_with_fallback"), ".router"),
    **dict.fromkeys(("ChatRequest", "ChatResponse", "Message", "ToolCall", "ToolSpec", "Usage",
                     "request_from_python", "response_from_python"), ".types"),
    "UsageTracker": ".usage",
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
