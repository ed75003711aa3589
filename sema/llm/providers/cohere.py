"""Cohere: chat through its OpenAI compatibility API, embeddings through ``/v2/embed``.

One provider for both, on the native base URL ``https://api.cohere.com``:
chat goes to ``{base}/compatibility/v1/chat/completions`` (the catalog row's
``chat_path``), embeddings to ``{base}/v2/embed`` (see :mod:`.embeddings`).
"""

from __future__ import annotations

from .embeddings import cohere_embed
from .openai import OpenAIProvider


class CohereProvider(OpenAIProvider):
    """Cohere's chat (OpenAI-compatible) and embeddings."""

    adapter = "cohere"
    default_base_url = "https://api.cohere.com"
    default_chat_path = "/compatibility/v1/chat/completions"
    supports = frozenset({"chat", "stream", "tools", "embed"})

    def list_models(self, timeout: float | None = None) -> list[str]:
        return [self.default_model] if self.default_model else []

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        texts = [texts] if isinstance(texts, str) else list(texts)
        return cohere_embed(self, texts, model or self.embedding_model or "embed-english-v3.0")
