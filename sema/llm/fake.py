"""A scripted provider for tests: canned replies, stream chunks, tool calls and errors, plus a recorder."""

from __future__ import annotations

import threading

from .types import ChatRequest, ChatResponse, ToolCall, Usage, response_from_python


class FakeProvider:
    """Answers from a script and records every request (Rust sema's ``FakeProvider``).

    Each script item is a string (the reply), a ChatResponse, a dict in the
    contract's shape, a list of strings (stream chunks of one reply), or an
    exception (raised).  When the script runs out, ``default`` is answered.
    Thread-safe, so it can serve concurrent batches.
    """

    def __init__(self, name: str = "fake", replies=(), *, default_model: str = "fake-model",
                 default: str = "fake response", usage: Usage = Usage(10, 5)):
        self.name = name
        self.default_model = default_model
        self.script = list(replies)
        self.default = default
        self.usage = usage
        self.requests: list[ChatRequest] = []
        self._lock = threading.Lock()

    def push(self, *replies) -> "FakeProvider":
        with self._lock:
            self.script.extend(replies)
        return self

    def _next(self, request: ChatRequest):
        with self._lock:
            self.requests.append(request)
            item = self.script.pop(0) if self.script else self.default
        if isinstance(item, BaseException):
            raise item
        return item

    def _response(self, item, request) -> ChatResponse:
        if isinstance(item, list):
            item = "".join(item)
        if isinstance(item, str):
            return ChatResponse(item, model=request.model or self.default_model, usage=self.usage,
                                provider=self.name)
        return response_from_python(item, request, provider=self.name)

    def complete(self, request: ChatRequest) -> ChatResponse:
        return self._response(self._next(request), request)

    def stream(self, request: ChatRequest, on_chunk=None) -> ChatResponse:
        item = self._next(request)
        response = self._response(item, request)
        chunks = item if isinstance(item, list) else ([response.content] if response.content else [])
        if on_chunk is not None:
            for chunk in chunks:
                on_chunk(chunk)
        return response

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        """Deterministic 3-dimensional vectors derived from each text."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        return [[float(len(t)), float(sum(map(ord, t)) % 97), 1.0] for t in texts]

    @staticmethod
    def tool_reply(*calls, content: str = "") -> ChatResponse:
        """A reply asking for tool calls: ``tool_reply(("id", "name", {"arg": 1}), ...)``."""
        return ChatResponse(content, stop_reason="tool_use",
                            tool_calls=tuple(ToolCall(i, n, dict(a)) for i, n, a in calls))


__all__ = ["FakeProvider"]
