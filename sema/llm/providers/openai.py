"""OpenAI chat completions, and every OpenAI-compatible service (groq, vLLM, llama.cpp ...).

``POST {base}/chat/completions`` with ``Authorization: Bearer KEY``.  Streams
are SSE ending in ``data: [DONE]``; the request asks for
``stream_options.include_usage`` (an extra last chunk with ``choices: []``;
some servers put ``[{"delta": {}}]`` there, some send no usage at all).
Tool-call deltas are assembled by ``index``; ``id``/``name`` are set once,
because llama-cpp-python repeats them (and the full name) on every delta.

Stop reasons: ``stop`` -> ``end_turn``, ``length`` -> ``max_tokens``,
``tool_calls``/``function_call`` -> ``tool_use``, ``content_filter`` ->
``content_filter``; others pass through.  (OpenAI reports a stop sequence as
``stop``, so ``stop_sequence`` never appears here.)

A base URL without a default model (a local server) asks ``GET /models``
once and uses the first model listed.
"""

from __future__ import annotations

import json
import threading

from ..errors import BadRequestError, StreamError
from ..types import ChatRequest, ChatResponse, Message, ToolCall, Usage, parse_arguments
from . import HttpProvider, StreamAccumulator, mean_pool

STOP_MAP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use",
            "function_call": "tool_use", "content_filter": "content_filter"}


def stop_reason(reason, has_calls: bool) -> str:
    if reason is None:
        return "tool_use" if has_calls else "end_turn"
    mapped = STOP_MAP.get(reason, str(reason).lower())
    if mapped == "end_turn" and has_calls:
        return "tool_use"  # some servers say "stop" after a tool call
    return mapped


def openai_message(m: Message) -> dict:
    """A Message in OpenAI's shape (assistant tool calls carry JSON-text arguments)."""
    if m.role == "tool":
        return {"role": "tool", "tool_call_id": m.tool_call_id or "", "content": m.content}
    d: dict = {"role": m.role, "content": m.content}
    if m.tool_calls:
        d["content"] = m.content or None
        d["tool_calls"] = [{"id": tc.id, "type": "function",
                            "function": {"name": tc.name, "arguments": json.dumps(tc.arguments)}}
                           for tc in m.tool_calls]
    if m.name and m.role in ("user", "system"):
        d["name"] = m.name
    return d


def tool_choice(choice):
    if choice in ("auto", "none", "required"):
        return choice
    if choice == "any":
        return "required"
    return {"type": "function", "function": {"name": choice}}


def openai_usage(u) -> Usage | None:
    if not isinstance(u, dict):
        return None
    cached = (u.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    return Usage(int(u.get("prompt_tokens") or 0), int(u.get("completion_tokens") or 0),
                 u.get("total_tokens"), int(cached), 0)


def parse_embeddings(data) -> list[list[float]]:
    """Vectors from an OpenAI-style embeddings answer (``data[].embedding``, in ``index`` order)."""
    items = sorted(data.get("data") or (), key=lambda d: d.get("index", 0))
    return [mean_pool(item["embedding"]) for item in items]


class OpenAIProvider(HttpProvider):
    """OpenAI chat completions; any OpenAI-compatible server with another ``base_url``."""

    adapter = "openai"
    default_base_url = "https://api.openai.com/v1"
    supports = frozenset({"chat", "stream", "tools", "embed"})

    def __init__(self, name: str = "openai", **options):
        super().__init__(name, **options)
        self._model_lock = threading.Lock()

    def model_for(self, request: ChatRequest) -> str:
        if request.model or self.default_model:
            return request.model or self.default_model
        with self._model_lock:
            if not self.default_model:
                models = self.list_models()
                if not models:
                    raise BadRequestError(f"provider :{self.name}: no model given and the server lists none",
                                          provider=self.name)
                self.default_model = models[0]
        return self.default_model

    def list_models(self, timeout: float | None = None) -> list[str]:
        """The ids of ``GET /models``."""
        data = self.http.request_json("GET", "/models", timeout=timeout)
        return [m.get("id") for m in (data.get("data") or ()) if isinstance(m, dict) and m.get("id")]

    def chat_body(self, request: ChatRequest, model: str, stream: bool):
        messages = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.extend(openai_message(m) for m in request.messages)
        body: dict = {"model": model, "messages": messages}
        if request.max_tokens is not None:
            body["max_tokens"] = request.max_tokens
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.stop_sequences:
            body["stop"] = list(request.stop_sequences)
        if request.tools:
            body["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": t.parameters}}
                for t in request.tools]
        if request.tool_choice is not None:
            body["tool_choice"] = tool_choice(request.tool_choice)
        if stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        body.update(request.extra)
        return "/chat/completions", body

    def parse_chat(self, data, request: ChatRequest, model: str) -> ChatResponse:
        choices = data.get("choices") if isinstance(data, dict) else None
        if not choices:
            if isinstance(data, dict) and data.get("error"):
                raise StreamError(f"provider :{self.name} answered 200 with an error: "
                                  f"{data['error'].get('message') if isinstance(data['error'], dict) else data['error']}",
                                  provider=self.name, status=200)
            raise StreamError(f"provider :{self.name} answered without choices", provider=self.name, status=200)
        choice = choices[0]
        msg = choice.get("message") or {}
        calls = tuple(self._call(tc, n) for n, tc in enumerate(msg.get("tool_calls") or ()))
        return ChatResponse(
            content=msg.get("content") or "",
            model=data.get("model") or model,
            stop_reason=stop_reason(choice.get("finish_reason"), bool(calls)),
            usage=openai_usage(data.get("usage")) or Usage(),
            tool_calls=calls, raw=data, provider=self.name)

    @staticmethod
    def _call(tc: dict, n: int) -> ToolCall:
        fn = tc.get("function") or {}
        args = fn.get("arguments")
        if isinstance(args, dict):
            parsed, raw = args, None
        else:
            parsed, raw = parse_arguments(args or "")
        return ToolCall(tc.get("id") or f"call_{n}", fn.get("name") or "", parsed, raw)

    def read_stream(self, reader, request, model, on_chunk) -> ChatResponse:
        from ..sse import iter_sse

        acc = StreamAccumulator(on_chunk, model)
        done = False
        for event in iter_sse(reader.lines()):
            if event.data.strip() == "[DONE]":
                done = True
                break
            try:
                chunk = json.loads(event.data)
            except ValueError:
                raise reader.bad_json(event.data) from None
            if not isinstance(chunk, dict):
                continue
            if chunk.get("error"):
                raise reader.error_event(chunk)
            if chunk.get("model"):
                acc.model = chunk["model"]
            usage = openai_usage(chunk.get("usage"))
            if usage is not None:
                acc.usage = usage
            for choice in chunk.get("choices") or ():
                delta = choice.get("delta") or {}
                acc.text(delta.get("content"))
                for pos, tc in enumerate(delta.get("tool_calls") or ()):
                    key = tc.get("index")
                    if key is None:  # servers that omit index: one call per id
                        key = tc.get("id") or pos
                    fn = tc.get("function") or {}
                    acc.call(key, id=tc.get("id"), name=fn.get("name"), args_delta=fn.get("arguments"))
                if choice.get("finish_reason"):
                    acc.stop_reason = choice["finish_reason"]
        if not done and acc.stop_reason is None:
            raise reader.cut("[DONE]")
        calls = acc.tool_calls()
        acc.stop_reason = stop_reason(acc.stop_reason, bool(calls))
        return acc.response(self.name)

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        """Vectors for TEXTS (a string or a list of strings) from ``POST /embeddings``."""
        single = isinstance(texts, str)
        model = model or self.embedding_model or "text-embedding-3-small"
        data = self.http.request_json("POST", "/embeddings",
                                      json={"model": model, "input": [texts] if single else list(texts)})
        return parse_embeddings(data)
