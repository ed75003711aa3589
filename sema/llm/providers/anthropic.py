"""Anthropic Messages API.

``POST {base}/v1/messages`` with ``x-api-key`` and ``anthropic-version:
2023-06-01``; an OAuth token (``sk-ant-oat…``, Claude Max) goes as
``Authorization: Bearer`` with ``anthropic-beta: oauth-2025-04-20`` instead
(:func:`~sema.llm.auth.keys.key_headers`).  Images are ``image`` blocks
(``base64`` or ``url`` sources).  ``:response-format`` forces a tool whose
input schema is the schema; its input becomes the answer's text (JSON).
``POST /v1/messages/count_tokens`` counts tokens.  ``max_tokens`` is required (default 4096 here); the system
prompt is a top-level field (the request's ``system`` and any system-role
messages, joined).  Assistant tool calls become ``tool_use`` blocks; tool
results become ``tool_result`` blocks in a user message (consecutive results
share one message, as the API requires).

Streams are SSE with ``event:`` names: ``message_start`` (model, input
tokens), ``content_block_start``/``_delta``/``_stop`` (``text_delta``,
``input_json_delta`` fragments per block index), ``message_delta`` (stop
reason, cumulative output tokens), ``message_stop``, ``ping``, ``error``.
A tool_use block that repeats the previous block's id continues that call
(litellm's proxy splits one call into a block per fragment).

Stop reasons: ``end_turn``/``pause_turn`` -> ``end_turn``, ``max_tokens`` and
``model_context_window_exceeded`` -> ``max_tokens``, ``tool_use``,
``stop_sequence``, ``refusal`` -> ``content_filter``.
"""

from __future__ import annotations

import json

from ..types import ChatRequest, ChatResponse, ToolCall, Usage
from . import HttpProvider, StreamAccumulator

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 4096
STOP_MAP = {"end_turn": "end_turn", "pause_turn": "end_turn", "max_tokens": "max_tokens",
            "model_context_window_exceeded": "max_tokens", "tool_use": "tool_use",
            "stop_sequence": "stop_sequence", "refusal": "content_filter"}


def stop_reason(reason) -> str:
    if reason is None:
        return "end_turn"
    return STOP_MAP.get(reason, str(reason).lower())


def anthropic_usage(u) -> Usage | None:
    if not isinstance(u, dict):
        return None
    return Usage(int(u.get("input_tokens") or 0), int(u.get("output_tokens") or 0), None,
                 int(u.get("cache_read_input_tokens") or 0), int(u.get("cache_creation_input_tokens") or 0))


def anthropic_messages(messages) -> tuple[list[dict], list[str]]:
    """Translate messages; returns (messages, system texts found among them)."""
    out: list[dict] = []
    system: list[str] = []
    for m in messages:
        if m.role == "system":
            system.append(m.content)
            continue
        if m.role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.tool_call_id or "", "content": m.content}
            prev = out[-1] if out else None
            if prev and prev["role"] == "user" and isinstance(prev["content"], list) and \
                    all(b.get("type") == "tool_result" for b in prev["content"]):
                prev["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
            continue
        if m.role == "assistant" and m.tool_calls:
            blocks = [{"type": "text", "text": m.content}] if m.content else []
            blocks.extend({"type": "tool_use", "id": tc.id, "name": tc.name, "input": tc.arguments}
                          for tc in m.tool_calls)
            out.append({"role": "assistant", "content": blocks})
            continue
        out.append({"role": "assistant" if m.role == "assistant" else "user", "content": content_blocks(m)})
    return out, system


def image_block(image) -> dict:
    if image.url:
        return {"type": "image", "source": {"type": "url", "url": image.url}}
    return {"type": "image", "source": {"type": "base64", "media_type": image.media_type, "data": image.data}}


def content_blocks(m):
    """The message's content: a string, or image blocks then the text when it has images."""
    if not m.images:
        return m.content
    blocks = [image_block(i) for i in m.images]
    if m.content:
        blocks.append({"type": "text", "text": m.content})
    return blocks


def tool_choice(choice):
    if choice in ("auto", "none"):
        return {"type": choice}
    if choice in ("required", "any"):
        return {"type": "any"}
    return {"type": "tool", "name": choice}


class AnthropicProvider(HttpProvider):
    """Anthropic's Messages API (also Anthropic-format proxies such as litellm's)."""

    adapter = "anthropic"
    default_base_url = "https://api.anthropic.com"
    default_auth = "x-api-key"
    default_chat_path = "/v1/messages"
    answer_shape = 'a message (a JSON object with "content")'

    def auth_headers(self, api_key):
        return {"anthropic-version": API_VERSION, **super().auth_headers(api_key)}

    def chat_body(self, request: ChatRequest, model: str, stream: bool):
        messages, system = anthropic_messages(request.messages)
        if request.system:
            system.insert(0, request.system)
        body: dict = {"model": model, "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
                      "messages": messages}
        if system:
            body["system"] = "\n\n".join(system)
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.stop_sequences:
            body["stop_sequences"] = list(request.stop_sequences)
        if request.tools:
            body["tools"] = [{"name": t.name, "description": t.description, "input_schema": t.parameters}
                             for t in request.tools]
        if request.tool_choice is not None:
            body["tool_choice"] = tool_choice(request.tool_choice)
        fmt = request.response_format
        if fmt is not None:  # structured output: a forced tool whose input is the answer
            schema = fmt.schema or {"type": "object"}
            body.setdefault("tools", []).append({"name": fmt.name, "description": "Reply with the JSON value.",
                                                 "input_schema": schema})
            body["tool_choice"] = {"type": "tool", "name": fmt.name}
        if stream:
            body["stream"] = True
        body.update(request.extra)
        return self.chat_path, body

    def count_tokens(self, request: ChatRequest) -> int | None:
        """``POST /v1/messages/count_tokens`` (the vendor's own count of the prompt)."""
        model = self.model_for(request)
        _, body = self.chat_body(request, model, False)
        body.pop("max_tokens", None)
        body.pop("temperature", None)
        body.pop("stop_sequences", None)
        data = self.http.request_json("POST", self.chat_path.rstrip("/") + "/count_tokens", json=body)
        count = data.get("input_tokens") if isinstance(data, dict) else None
        if not isinstance(count, int):
            raise self.malformed('expected "input_tokens"', data)
        return count

    def _as_answer(self, response: ChatResponse, request: ChatRequest) -> ChatResponse:
        """The forced structured-output tool call turned into the answer's text."""
        fmt = request.response_format
        if fmt is None:
            return response
        for call in response.tool_calls:
            if call.name == fmt.name:
                rest = tuple(c for c in response.tool_calls if c is not call)
                return response.evolve(content=json.dumps(call.arguments), tool_calls=rest,
                                       stop_reason="end_turn" if not rest else response.stop_reason)
        return response

    def parse_chat(self, data, request: ChatRequest, model: str) -> ChatResponse:
        if not isinstance(data, dict) or not isinstance(data.get("content", []), list):
            raise self.malformed(None, data)
        text, calls = [], []
        for block in data.get("content") or ():
            kind = block.get("type")
            if kind == "text":
                text.append(block.get("text") or "")
            elif kind == "tool_use":
                args = block.get("input")
                calls.append(ToolCall(block.get("id") or f"call_{len(calls)}", block.get("name") or "",
                                      args if isinstance(args, dict) else {}))
        return self._as_answer(ChatResponse(
            "".join(text), "assistant", data.get("model") if isinstance(data.get("model"), str) else model,
            stop_reason(data.get("stop_reason")), anthropic_usage(data.get("usage")) or Usage(),
            tuple(calls), data, self.name), request)

    def read_stream(self, reader, request, model, on_chunk) -> ChatResponse:
        from ..sse import iter_sse

        acc = StreamAccumulator(on_chunk, model)
        prompt = completion = cache_read = cache_create = 0
        block_key: dict = {}      # block index -> call key (merges repeated ids)
        last_call = None          # (key, id) of the latest tool_use block
        stopped = False
        for event in iter_sse(reader.lines()):
            try:
                data = json.loads(event.data)
            except ValueError:
                raise reader.bad_json(event.data) from None
            kind = event.event if event.event != "message" else data.get("type")
            if kind == "error" or data.get("type") == "error":
                raise reader.error_event(data)
            if kind == "message_start":
                msg = data.get("message") or {}
                acc.model = msg.get("model") or acc.model
                u = msg.get("usage") or {}
                prompt = u.get("input_tokens") or prompt
                completion = u.get("output_tokens") or completion
                cache_read = u.get("cache_read_input_tokens") or cache_read
                cache_create = u.get("cache_creation_input_tokens") or cache_create
            elif kind == "content_block_start":
                block = data.get("content_block") or {}
                index = data.get("index")
                if block.get("type") == "tool_use":
                    if last_call is not None and block.get("id") and block.get("id") == last_call[1]:
                        key = last_call[0]
                    else:
                        key = index
                        last_call = (key, block.get("id"))
                    block_key[index] = key
                    acc.call(key, id=block.get("id"), name=block.get("name"))
                elif block.get("type") == "text":
                    acc.text(block.get("text"))
            elif kind == "content_block_delta":
                delta = data.get("delta") or {}
                dtype = delta.get("type")
                if dtype == "text_delta":
                    acc.text(delta.get("text"))
                elif dtype == "input_json_delta":
                    key = block_key.get(data.get("index"), data.get("index"))
                    acc.call(key, args_delta=delta.get("partial_json"))
            elif kind == "message_delta":
                reason = (data.get("delta") or {}).get("stop_reason")
                if reason:
                    acc.stop_reason = stop_reason(reason)
                u = data.get("usage") or {}
                completion = u.get("output_tokens") or completion
                prompt = u.get("input_tokens") or prompt   # litellm reports input here
            elif kind == "message_stop":
                stopped = True
                break
        if not stopped:
            raise reader.cut("message_stop")
        acc.usage = Usage(int(prompt), int(completion), None, int(cache_read), int(cache_create))
        response = self._as_answer(acc.response(self.name), request)
        if on_chunk is not None and response.content and not acc.parts:  # the forced tool's JSON, in one chunk
            on_chunk(response.content)
        return response
