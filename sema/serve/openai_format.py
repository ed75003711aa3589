"""OpenAI's chat-completions format, as ``sema serve`` speaks it to clients.

Requests: ``model``, ``messages`` (roles ``system``/``developer``/``user``/
``assistant``/``tool``; text or ``text``/``image_url`` parts; assistant
``tool_calls``; ``tool_call_id``), ``max_tokens`` or
``max_completion_tokens``, ``temperature``, ``stop``, ``tools``,
``tool_choice``, ``response_format``, ``stream`` and
``stream_options.include_usage``.  Every other field (``top_p``, ``seed``,
``user`` ...) is passed to OpenAI-compatible providers as it is, and is part
of the cache key.

Answers: ``chat.completion`` objects, or ``chat.completion.chunk`` SSE
events ending in ``data: [DONE]`` (text deltas, then tool calls, then the
finish reason, then the usage chunk when asked for).
"""

from __future__ import annotations

import base64
import json
import struct
import time

from ..llm.types import ChatRequest, ChatResponse, FieldError, request_from_python
from .wire import BufferedReader, ClientError, Parsed, new_id, pieces, sse

NAME = "openai"
STREAM_END = b"[DONE]"
FINISH = {"end_turn": "stop", "max_tokens": "length", "tool_use": "tool_calls", "stop_sequence": "stop",
          "content_filter": "content_filter"}
_KNOWN = {"model", "messages", "max_tokens", "max_completion_tokens", "temperature", "stop", "tools",
          "tool_choice", "response_format", "stream", "stream_options"}


def _message(m) -> dict:
    if not isinstance(m, dict):
        raise ClientError(400, f"each message must be an object, got {json.dumps(m)[:80]}")
    d = dict(m)
    if d.get("role") == "developer":
        d["role"] = "system"
    if d.get("role") == "function":  # the legacy shape of a tool result
        d["role"] = "tool"
    return d


def _tool_choice(choice):
    if isinstance(choice, dict):
        fn = choice.get("function")
        return fn.get("name") if isinstance(fn, dict) else choice.get("name")
    return choice


def parse(body) -> Parsed:
    """The client's JSON BODY as a :class:`Parsed` request; a ClientError (400) says what is wrong."""
    if not isinstance(body, dict):
        raise ClientError(400, "the request body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ClientError(400, "'messages' must be a non-empty list of messages")
    extra = {k: v for k, v in body.items() if k not in _KNOWN}
    options = body.get("stream_options")
    try:
        request = request_from_python({
            "model": body.get("model"), "messages": [_message(m) for m in messages],
            "max_tokens": body.get("max_completion_tokens", body.get("max_tokens")),
            "temperature": body.get("temperature"), "stop": body.get("stop"), "tools": body.get("tools"),
            "tool_choice": _tool_choice(body.get("tool_choice")), "response_format": body.get("response_format"),
            "extra": extra})
    except FieldError as exc:
        raise ClientError(400, exc.message) from None
    include = isinstance(options, dict) and bool(options.get("include_usage"))
    return Parsed(request, bool(body.get("stream")), include, body.get("model"))


def _usage(response: ChatResponse) -> dict:
    u = response.usage
    return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
            "total_tokens": u.total_tokens, "prompt_tokens_details": {"cached_tokens": u.cache_read_tokens}}


def _calls(response: ChatResponse) -> list[dict]:
    return [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
            for c in response.tool_calls]


def render(response: ChatResponse, model: str | None) -> dict:
    """RESPONSE as a ``chat.completion`` object."""
    message = {"role": "assistant", "content": response.content if response.content or not response.tool_calls
               else None, "refusal": None}
    if response.tool_calls:
        message["tool_calls"] = _calls(response)
    return {"id": new_id("chatcmpl-"), "object": "chat.completion", "created": int(time.time()),
            "model": response.model or model or "", "choices": [
                {"index": 0, "message": message, "logprobs": None,
                 "finish_reason": FINISH.get(response.stop_reason, response.stop_reason)}],
            "usage": _usage(response)}


class StreamWriter:
    """The SSE events of one streamed answer, produced piece by piece."""

    def __init__(self, model: str | None, include_usage: bool):
        self.id = new_id("chatcmpl-")
        self.created = int(time.time())
        self.model = model or ""
        self.include_usage = include_usage

    def _chunk(self, delta: dict, finish=None) -> bytes:
        return sse({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]})

    def start(self) -> bytes:
        return self._chunk({"role": "assistant", "content": ""})

    def text(self, piece: str) -> bytes:
        return self._chunk({"content": piece})

    def end(self, response: ChatResponse) -> bytes:
        """The tool calls, the finish reason, the usage (when asked for) and ``[DONE]``."""
        if response.model:
            self.model = response.model
        out = b""
        if response.tool_calls:
            out += self._chunk({"tool_calls": [dict(c, index=i) for i, c in enumerate(_calls(response))]})
        out += self._chunk({}, FINISH.get(response.stop_reason, response.stop_reason))
        if self.include_usage:
            out += sse({"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                        "model": self.model, "choices": [], "usage": _usage(response)})
        return out + sse("[DONE]")

    def replay(self, response: ChatResponse) -> list[bytes]:
        """A whole (cached) answer as a stream."""
        return [self.start()] + [self.text(p) for p in pieces(response.content)] + [self.end(response)]


def error_body(status: int, message: str, kind: str | None = None, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": kind or ("invalid_request_error" if status < 500 else "api_error"),
                      "param": None, "code": code}}


# ---------------------------------------------------------------- the upstream's answers

_parser = None


def _adapter():
    global _parser
    if _parser is None:
        from ..llm.providers.openai import OpenAIProvider
        _parser = OpenAIProvider("upstream", base_url="http://upstream.invalid")
    return _parser


def parse_answer(data, request: ChatRequest) -> ChatResponse:
    """An upstream's ``chat.completion`` JSON as a ChatResponse (an LlmError if it is not one)."""
    adapter = _adapter()
    return adapter.checked(adapter.parse_chat, data, request, request.model or "")


def parse_stream(raw: bytes, request: ChatRequest) -> ChatResponse:
    """An upstream's whole SSE stream (the bytes relayed to the client) as a ChatResponse."""
    adapter = _adapter()
    return adapter.read_stream(BufferedReader("upstream", raw), request, request.model or "", None)


# ---------------------------------------------------------------- embeddings


def parse_embeddings(body) -> tuple[list[str], str | None, str]:
    """``(texts, model, encoding)`` of an embeddings request."""
    if not isinstance(body, dict):
        raise ClientError(400, "the request body must be a JSON object")
    texts = body.get("input")
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise ClientError(400, "'input' must be a string or a non-empty list of strings")
    encoding = body.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise ClientError(400, f"'encoding_format' must be \"float\" or \"base64\", got {json.dumps(encoding)}")
    return texts, body.get("model"), encoding


def render_embeddings(vectors, model: str, encoding: str) -> dict:
    def one(v):
        if encoding == "base64":  # little-endian float32, as OpenAI sends it
            return base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode("ascii")
        return [float(x) for x in v]
    return {"object": "list", "model": model or "",
            "data": [{"object": "embedding", "index": i, "embedding": one(v)} for i, v in enumerate(vectors)],
            "usage": {"prompt_tokens": 0, "total_tokens": 0}}


__all__ = ["parse", "render", "StreamWriter", "error_body", "parse_answer", "parse_stream", "parse_embeddings",
           "render_embeddings", "NAME"]
