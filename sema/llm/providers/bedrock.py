"""AWS Bedrock's Converse API, signed with SigV4 (``pip install 'sema[bedrock]'``).

``POST {base}/model/{modelId}/converse`` (``/converse-stream`` for streams)
where ``base`` is ``https://bedrock-runtime.{region}.amazonaws.com`` unless
overridden (``:base-url``, ``BEDROCK_BASE_URL``).  The model id is
percent-encoded in the path (ids contain ``:``).  Every attempt is signed by
:class:`~sema.llm.auth.sigv4.SigV4Auth` over the exact body bytes.

Request: ``messages`` with content blocks (``text``, ``image`` with base64
``bytes``, ``toolUse``, ``toolResult`` in a user turn), ``system`` blocks,
``inferenceConfig`` (``maxTokens``, ``temperature``, ``stopSequences``),
``toolConfig`` (``toolSpec`` with ``inputSchema.json``; ``toolChoice``
``auto``/``any``/``tool``).  ``:response-format`` forces a tool, as with
Anthropic.  Answer: ``output.message.content``, ``stopReason``, ``usage``
(``inputTokens``, ``outputTokens``, ``cacheReadInputTokens``).

Streams are AWS event streams (``application/vnd.amazon.eventstream``,
binary frames decoded by botocore): ``messageStart``, ``contentBlockStart``
(a ``toolUse`` start), ``contentBlockDelta`` (``text`` or ``toolUse.input``
JSON fragments), ``contentBlockStop``, ``messageStop`` (``stopReason``),
``metadata`` (``usage``); an ``exception`` frame is a StreamError.

Stop reasons: ``end_turn``, ``tool_use``, ``max_tokens``, ``stop_sequence``;
``guardrail_intervened`` and ``content_filtered`` -> ``content_filter``.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from ..auth import need_extra
from ..errors import StreamError, UnsupportedError
from ..types import ChatRequest, ChatResponse, ToolCall, Usage
from . import HttpProvider, StreamAccumulator

STOP_MAP = {"end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens",
            "stop_sequence": "stop_sequence", "guardrail_intervened": "content_filter",
            "content_filtered": "content_filter"}
_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}


def stop_reason(reason) -> str:
    return STOP_MAP.get(reason, str(reason).lower()) if reason else "end_turn"


def _count(x) -> int:
    return x if isinstance(x, int) and not isinstance(x, bool) and x >= 0 else 0


def bedrock_usage(u) -> Usage | None:
    if not isinstance(u, dict):
        return None
    return Usage(_count(u.get("inputTokens")), _count(u.get("outputTokens")), None,
                 _count(u.get("cacheReadInputTokens")), _count(u.get("cacheWriteInputTokens")))


def _blocks(m) -> list[dict]:
    blocks = []
    for image in m.images:
        if image.url:
            raise UnsupportedError("provider :bedrock takes images as data, not URLs: give :data or :path",
                                   provider="bedrock")
        blocks.append({"image": {"format": _FORMATS.get(image.media_type, "png"), "source": {"bytes": image.data}}})
    if m.content:
        blocks.append({"text": m.content})
    return blocks


def converse_messages(messages) -> tuple[list[dict], list[dict]]:
    """``(messages, system blocks)`` in Converse's shape."""
    out: list[dict] = []
    system: list[dict] = []
    for m in messages:
        if m.role == "system":
            system.append({"text": m.content})
            continue
        if m.role == "tool":
            block = {"toolResult": {"toolUseId": m.tool_call_id or "", "content": [{"text": m.content}]}}
            prev = out[-1] if out else None
            if prev and prev["role"] == "user" and all("toolResult" in b for b in prev["content"]):
                prev["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
            continue
        blocks = _blocks(m)
        for tc in m.tool_calls:
            blocks.append({"toolUse": {"toolUseId": tc.id, "name": tc.name, "input": tc.arguments}})
        out.append({"role": "assistant" if m.role == "assistant" else "user", "content": blocks or [{"text": ""}]})
    return out, system


class BedrockProvider(HttpProvider):
    """Bedrock Converse (chat, streams, tools) with SigV4-signed requests."""

    adapter = "bedrock"
    default_base_url = "https://bedrock-runtime.us-east-1.amazonaws.com"
    default_chat_path = "/model/{model}/converse"
    answer_shape = 'a Converse answer (a JSON object with "output")'
    supports = frozenset({"chat", "stream", "tools"})

    def auth_headers(self, api_key):
        return {}  # the SigV4 signer adds the Authorization header per attempt

    def chat_body(self, request: ChatRequest, model: str, stream: bool):
        messages, system = converse_messages(request.messages)
        if request.system:
            system.insert(0, {"text": request.system})
        body: dict = {"messages": messages}
        if system:
            body["system"] = system
        inference: dict = {}
        if request.max_tokens is not None:
            inference["maxTokens"] = request.max_tokens
        if request.temperature is not None:
            inference["temperature"] = request.temperature
        if request.stop_sequences:
            inference["stopSequences"] = list(request.stop_sequences)
        if inference:
            body["inferenceConfig"] = inference
        tools = [{"toolSpec": {"name": t.name, "description": t.description or t.name,
                               "inputSchema": {"json": t.parameters}}} for t in request.tools or ()]
        choice = None
        if request.tool_choice in ("required", "any"):
            choice = {"any": {}}
        elif request.tool_choice == "auto":
            choice = {"auto": {}}
        elif request.tool_choice == "none":
            tools = []
        elif request.tool_choice is not None:
            choice = {"tool": {"name": request.tool_choice}}
        fmt = request.response_format
        if fmt is not None:
            tools.append({"toolSpec": {"name": fmt.name, "description": "Reply with the JSON value.",
                                       "inputSchema": {"json": fmt.schema or {"type": "object"}}}})
            choice = {"tool": {"name": fmt.name}}
        if tools:
            body["toolConfig"] = {"tools": tools, **({"toolChoice": choice} if choice else {})}
        body.update(request.extra)
        path = self.chat_path.replace("{model}", quote(model, safe=""))
        if stream:
            path = path.replace("/converse", "/converse-stream", 1)
        return path, body

    def _as_answer(self, response: ChatResponse, request: ChatRequest) -> ChatResponse:
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
        if not isinstance(data, dict) or not isinstance(data.get("output"), dict):
            raise self.malformed(None, data)
        message = data["output"].get("message") or {}
        text, calls = [], []
        for block in message.get("content") or ():
            if isinstance(block.get("text"), str):
                text.append(block["text"])
            elif isinstance(block.get("toolUse"), dict):
                use = block["toolUse"]
                args = use.get("input")
                calls.append(ToolCall(use.get("toolUseId") or f"call_{len(calls)}", use.get("name") or "",
                                      args if isinstance(args, dict) else {}))
        return self._as_answer(ChatResponse("".join(text), "assistant", model, stop_reason(data.get("stopReason")),
                                            bedrock_usage(data.get("usage")) or Usage(), tuple(calls), data,
                                            self.name), request)

    def read_stream(self, reader, request, model, on_chunk) -> ChatResponse:
        eventstream = need_extra("botocore.eventstream", "bedrock", "AWS Bedrock")
        acc = StreamAccumulator(on_chunk, model)
        buffer = eventstream.EventStreamBuffer()
        for data in reader.chunks():
            try:
                buffer.add_data(data)
                frames = list(buffer)
            except eventstream.ParserError:
                raise StreamError(f"provider :{self.name} sent a corrupt event-stream frame", provider=self.name,
                                  status=200) from None
            for frame in frames:
                headers = frame.headers
                try:
                    payload = json.loads(frame.payload or b"{}")
                except ValueError:
                    raise reader.bad_json(frame.payload.decode("utf-8", "replace")) from None
                if headers.get(":message-type") != "event":
                    kind = headers.get(":exception-type") or headers.get(":error-code") or "error"
                    message = payload.get("message") or payload.get("Message") or kind
                    raise StreamError(f"provider :{self.name} sent an error mid-stream ({kind}): {message}",
                                      provider=self.name, status=200, provider_message=message)
                self._absorb(headers.get(":event-type"), payload, acc)
        if acc.stop_reason is None:
            raise reader.cut("messageStop")
        response = self._as_answer(acc.response(self.name), request)
        if on_chunk is not None and response.content and not acc.parts:
            on_chunk(response.content)
        return response

    @staticmethod
    def _absorb(kind, payload: dict, acc: StreamAccumulator) -> None:
        index = payload.get("contentBlockIndex")
        if kind == "contentBlockStart":
            use = (payload.get("start") or {}).get("toolUse")
            if isinstance(use, dict):
                acc.call(index, id=use.get("toolUseId"), name=use.get("name"))
        elif kind == "contentBlockDelta":
            delta = payload.get("delta") or {}
            if isinstance(delta.get("text"), str):
                acc.text(delta["text"])
            elif isinstance(delta.get("toolUse"), dict):
                acc.call(index, args_delta=delta["toolUse"].get("input"))
        elif kind == "messageStop":
            acc.stop_reason = stop_reason(payload.get("stopReason"))
        elif kind == "metadata":
            usage = bedrock_usage(payload.get("usage"))
            if usage is not None:
                acc.usage = usage
