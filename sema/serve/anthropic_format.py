"""Anthropic's Messages format, as ``sema serve`` speaks it to clients (``POST /v1/messages``).

Requests: ``model``, ``max_tokens``, ``system`` (a string or text blocks),
``messages`` (``text``, ``image``, ``tool_use`` and ``tool_result``
blocks), ``temperature``, ``stop_sequences``, ``tools``
(``input_schema``), ``tool_choice`` and ``stream``; other fields (``top_p``,
``top_k``, ``metadata`` ...) go to the provider as they are.

Answers: ``message`` objects, or the SSE events ``message_start``,
``content_block_start`` / ``_delta`` / ``_stop``, ``message_delta`` and
``message_stop``.
"""

from __future__ import annotations

import json

from ..llm.types import ChatRequest, ChatResponse, FieldError, Message, request_from_python
from .wire import BufferedReader, ClientError, Parsed, new_id, pieces, sse

NAME = "anthropic"
STREAM_END = b"message_stop"
STOP = {"end_turn": "end_turn", "max_tokens": "max_tokens", "tool_use": "tool_use", "stop_sequence": "stop_sequence",
        "content_filter": "refusal"}
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 529: "overloaded_error"}
_KNOWN = {"model", "max_tokens", "system", "messages", "temperature", "stop_sequences", "tools", "tool_choice",
          "stream"}


def _text(blocks) -> str:
    if isinstance(blocks, str):
        return blocks
    if isinstance(blocks, list):
        return "".join(b.get("text") or "" for b in blocks if isinstance(b, dict) and b.get("type") == "text")
    return ""


def _messages(raw) -> list[Message]:
    out: list[Message] = []
    for m in raw:
        if not isinstance(m, dict):
            raise ClientError(400, f"each message must be an object, got {json.dumps(m)[:80]}")
        role, content = m.get("role"), m.get("content")
        if isinstance(content, str):
            out.append(Message.from_python({"role": role, "content": content}))
            continue
        if not isinstance(content, list):
            raise ClientError(400, "a message's 'content' must be a string or a list of blocks")
        parts, calls = [], []
        for block in content:
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "tool_result":
                out.append(Message("tool", _text(block.get("content")), tool_call_id=block.get("tool_use_id")))
            elif kind == "tool_use":
                calls.append({"id": block.get("id"), "name": block.get("name"), "arguments": block.get("input") or {}})
            elif kind in ("text", "image"):
                parts.append(block)
        if parts or calls or not content:
            out.append(Message.from_python({"role": role, "content": parts, "tool_calls": calls}))
    return out


def _tool_choice(choice):
    if isinstance(choice, dict):
        kind = choice.get("type")
        return {"any": "required", "tool": choice.get("name")}.get(kind, kind)
    return choice


def parse(body) -> Parsed:
    """The client's JSON BODY as a :class:`Parsed` request; a ClientError (400) says what is wrong."""
    if not isinstance(body, dict):
        raise ClientError(400, "the request body must be a JSON object")
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        raise ClientError(400, "messages: must be a non-empty list")
    tools = body.get("tools")
    try:
        request = request_from_python({
            "model": body.get("model"), "messages": _messages(body["messages"]),
            "system": _text(body.get("system")) or None, "max_tokens": body.get("max_tokens"),
            "temperature": body.get("temperature"), "stop_sequences": body.get("stop_sequences"),
            "tools": [{"name": t.get("name"), "description": t.get("description"),
                       "parameters": t.get("input_schema")} for t in tools if isinstance(t, dict)] if tools else None,
            "tool_choice": _tool_choice(body.get("tool_choice")),
            "extra": {k: v for k, v in body.items() if k not in _KNOWN}})
    except FieldError as exc:
        raise ClientError(400, exc.message) from None
    return Parsed(request, bool(body.get("stream")), True, body.get("model"))


def _usage(response: ChatResponse) -> dict:
    u = response.usage
    return {"input_tokens": u.prompt_tokens, "output_tokens": u.completion_tokens,
            "cache_creation_input_tokens": u.cache_creation_tokens, "cache_read_input_tokens": u.cache_read_tokens}


def render(response: ChatResponse, model: str | None) -> dict:
    """RESPONSE as a ``message`` object."""
    content = [{"type": "text", "text": response.content}] if response.content else []
    content += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in response.tool_calls]
    return {"id": new_id("msg_"), "type": "message", "role": "assistant", "model": response.model or model or "",
            "content": content, "stop_reason": STOP.get(response.stop_reason, response.stop_reason),
            "stop_sequence": None, "usage": _usage(response)}


class StreamWriter:
    """The SSE events of one streamed answer, produced piece by piece."""

    def __init__(self, model: str | None, include_usage: bool = True):
        self.id = new_id("msg_")
        self.model = model or ""
        self.index = 0
        self.text_open = False

    def start(self) -> bytes:
        return sse({"type": "message_start", "message": {
            "id": self.id, "type": "message", "role": "assistant", "model": self.model, "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0}}}, "message_start")

    def text(self, piece: str) -> bytes:
        out = b""
        if not self.text_open:
            self.text_open = True
            out += sse({"type": "content_block_start", "index": self.index,
                        "content_block": {"type": "text", "text": ""}}, "content_block_start")
        return out + sse({"type": "content_block_delta", "index": self.index,
                          "delta": {"type": "text_delta", "text": piece}}, "content_block_delta")

    def end(self, response: ChatResponse) -> bytes:
        out = b""
        if self.text_open:
            out += sse({"type": "content_block_stop", "index": self.index}, "content_block_stop")
            self.index += 1
        for c in response.tool_calls:
            out += sse({"type": "content_block_start", "index": self.index,
                        "content_block": {"type": "tool_use", "id": c.id, "name": c.name, "input": {}}},
                       "content_block_start")
            out += sse({"type": "content_block_delta", "index": self.index,
                        "delta": {"type": "input_json_delta", "partial_json": json.dumps(c.arguments)}},
                       "content_block_delta")
            out += sse({"type": "content_block_stop", "index": self.index}, "content_block_stop")
            self.index += 1
        out += sse({"type": "message_delta", "delta": {"stop_reason": STOP.get(response.stop_reason,
                                                                               response.stop_reason),
                                                       "stop_sequence": None},
                    "usage": _usage(response)}, "message_delta")
        return out + sse({"type": "message_stop"}, "message_stop")

    def replay(self, response: ChatResponse) -> list[bytes]:
        return [self.start()] + [self.text(p) for p in pieces(response.content)] + [self.end(response)]


def error_body(status: int, message: str, kind: str | None = None, code: str | None = None) -> dict:
    return {"type": "error", "error": {"type": kind or ERROR_TYPES.get(status, "api_error"), "message": message}}


# ---------------------------------------------------------------- the upstream's answers

_parser = None


def _adapter():
    global _parser
    if _parser is None:
        from ..llm.providers.anthropic import AnthropicProvider
        _parser = AnthropicProvider("upstream", base_url="http://upstream.invalid")
    return _parser


def parse_answer(data, request: ChatRequest) -> ChatResponse:
    adapter = _adapter()
    return adapter.checked(adapter.parse_chat, data, request, request.model or "")


def parse_stream(raw: bytes, request: ChatRequest) -> ChatResponse:
    adapter = _adapter()
    return adapter.read_stream(BufferedReader("upstream", raw), request, request.model or "", None)


__all__ = ["parse", "render", "StreamWriter", "error_body", "parse_answer", "parse_stream", "NAME"]
