"""The semantic layer's embeddings: a provider of the registry, named ``provider`` or ``provider/model``.

Any provider with an ``embed`` method works: OpenAI, Ollama, llama.cpp and
the other OpenAI-compatible servers, Jina, Voyage, Cohere, a Lisp provider
defined with an ``:embed`` function, or a Python object registered with
``Interpreter.register_provider``.  A configured provider is used as it is;
a known provider that is not configured (``ollama``, whose server needs no
key) is built from the environment for the cache alone, without becoming a
chat provider of the interpreter.
"""

from __future__ import annotations

import threading

from ..llm.errors import LlmError, UnsupportedError


class Embedder:
    """One embedding model: ``embed(text) -> packed unit vector``; ``ident`` names it in scopes."""

    def __init__(self, provider, model: str | None, ident: str):
        self.provider = provider
        self.model = model
        self.ident = ident

    def __repr__(self) -> str:
        return f"Embedder({self.ident!r})"

    def embed(self, text: str) -> bytes:
        from .vectors import pack
        vectors = self.provider.embed([text], self.model)
        if not vectors:
            raise LlmError(f"embedding provider {self.ident} returned no vector")
        try:
            return pack(vectors[0])
        except (ValueError, TypeError) as exc:
            raise LlmError(f"embedding provider {self.ident} returned a bad vector: {exc}") from None


_lock = threading.Lock()


def resolve(registry, spec: str) -> Embedder:
    """The Embedder for SPEC (``"bow"``, ``"openai"``, ``"ollama/nomic-embed-text"``) in REGISTRY."""
    name, _, model = spec.partition("/")
    name = name.lstrip(":")
    model = model or None
    key = registry.canonical(name)
    if key in registry:
        provider = registry.get(key)
    elif key in registry.specs:
        from ..llm.registry import ProviderRegistry
        with _lock:  # a private registry: the provider does not join the interpreter's chat providers
            private = ProviderRegistry(environ=registry.environ, **registry.http_options)
            provider = private.configure(key, make_default=False)
    else:
        configured = ", ".join(f":{n}" for n in registry.list()) or "none"
        raise LlmError(f"cache: no embedding provider :{name} (configured: {configured}); define one with "
                       f"an :embed function or name a known provider such as \"openai/text-embedding-3-small\"")
    if (not hasattr(provider, "embed") or "embed" not in getattr(provider, "supports", ("embed",))
            or getattr(provider, "embed_fn", True) is None):  # a Lisp provider without :embed
        raise UnsupportedError(f"cache: provider :{key} does not compute embeddings", provider=key)
    model = model or getattr(provider, "embedding_model", None) or None
    return Embedder(provider, model, f"{key}/{model or 'default'}")


__all__ = ["Embedder", "resolve"]
