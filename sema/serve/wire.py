"""What the two wire formats of ``sema serve`` share: the parsed request, client errors, stream parsing.

Each format (:mod:`.openai_format`, :mod:`.anthropic_format`) turns a
client's JSON into a :class:`~sema.llm.types.ChatRequest`, renders a
:class:`~sema.llm.types.ChatResponse` as its JSON or its SSE events, and
reads an upstream's answer back (with the sema adapter of that format, so
the proxy parses exactly as ``llm/complete`` does).
"""

from __future__ import annotations

import json
import secrets

from ..cache.response import pieces  # noqa: F401  (re-exported for the two formats)
from ..llm.errors import StreamError


class ClientError(Exception):
    """A request the proxy refuses: HTTP STATUS with MESSAGE (and an error TYPE for the body)."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind


class Parsed:
    """A client's chat request: the contract's request, whether to stream, and the client's model name."""

    __slots__ = ("request", "stream", "include_usage", "model")

    def __init__(self, request, stream: bool, include_usage: bool, model: str | None):
        self.request = request
        self.stream = stream
        self.include_usage = include_usage
        self.model = model


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


def sse(data, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{head}data: {payload}\n\n".encode("utf-8")


class BufferedReader:
    """The body of a stream that was relayed to the client, as the adapters' ``read_stream`` reads it."""

    def __init__(self, provider: str, data: bytes):
        self.provider = provider
        self.data = data

    @property
    def content_type(self) -> str:
        return "text/event-stream"

    def lines(self):
        yield from self.data.decode("utf-8", "replace").splitlines()

    def cut(self, what: str) -> StreamError:
        return StreamError(f"upstream stream ended before {what}", provider=self.provider)

    def error_event(self, payload) -> StreamError:
        return StreamError("upstream sent an error mid-stream", provider=self.provider)

    def bad_json(self, data: str) -> StreamError:
        return StreamError("upstream sent a stream event that is not JSON", provider=self.provider)


__all__ = ["ClientError", "Parsed", "new_id", "sse", "pieces", "BufferedReader"]
