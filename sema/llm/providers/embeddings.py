"""Embeddings-only providers: Jina, Voyage (OpenAI dialect) and Cohere.

Dialects:

- ``openai``: ``POST {base}/embeddings`` ``{"model", "input": [...]}`` ->
  ``{"data": [{"index", "embedding"}]}`` (OpenAI, Jina, Voyage, most hosts);
- ``cohere``: ``POST {base}/v2/embed`` ``{"model", "texts", "input_type",
  "embedding_types": ["float"]}`` -> ``{"embeddings": {"float": [[...]]}}``
  (v1's ``{"embeddings": [[...]]}`` is read too).

``complete`` raises :class:`UnsupportedError`: these providers do not chat.
"""

from __future__ import annotations

from ..errors import UnsupportedError
from ..types import ChatRequest, ChatResponse
from . import HttpProvider, mean_pool
from .openai import parse_embeddings


class EmbeddingProvider(HttpProvider):
    """An embeddings endpoint in the ``openai`` or ``cohere`` dialect."""

    adapter = "embeddings"
    supports = frozenset({"embed"})

    def __init__(self, name: str, *, dialect: str = "openai", input_type: str = "search_document", **options):
        if dialect not in ("openai", "cohere"):
            raise ValueError(f"unknown embeddings dialect {dialect!r}")
        self.dialect = dialect
        self.input_type = input_type
        super().__init__(name, **options)
        if not self.embedding_model:
            self.embedding_model = self.default_model

    def complete(self, request: ChatRequest) -> ChatResponse:
        raise UnsupportedError(f"provider :{self.name} only computes embeddings; it cannot chat",
                               provider=self.name)

    async def acomplete(self, request: ChatRequest) -> ChatResponse:
        return self.complete(request)

    def stream(self, request: ChatRequest, on_chunk=None) -> ChatResponse:
        return self.complete(request)

    answer_shape = 'an embeddings answer (a JSON object with "data" or "embeddings")'

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        """Vectors for TEXTS (a string or a list of strings), one per text, in order."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        model = model or self.embedding_model
        if self.dialect == "cohere":
            return cohere_embed(self, texts, model, self.input_type)
        return self.checked(parse_embeddings, self.http.request_json("POST", "/embeddings",
                                                                     json={"model": model, "input": texts}))


def cohere_vectors(data) -> list[list[float]]:
    vectors = data.get("embeddings")
    if isinstance(vectors, dict):
        vectors = vectors.get("float") or []
    return [mean_pool(v) for v in vectors or ()]


def cohere_embed(provider: HttpProvider, texts: list, model: str, input_type: str = "search_document"):
    """Cohere's ``POST /v2/embed`` through PROVIDER's transport."""
    data = provider.http.request_json("POST", "/v2/embed", json={
        "model": model, "texts": texts, "input_type": input_type, "embedding_types": ["float"]})
    return provider.checked(cohere_vectors, data)
