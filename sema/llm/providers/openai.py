"""OpenAI chat completions, and every OpenAI-compatible service (groq, vLLM, llama.cpp ...).

``POST {base}{chat_path}`` (``/chat/completions`` unless the catalog row says
otherwise) with ``Authorization: Bearer KEY`` (Azure: ``api-key``).  Streams
are SSE ending in ``data: [DONE]``; the request asks for
``stream_options.include_usage`` (an extra last chunk with ``choices: []``;
some servers put ``[{"delta": {}}]`` there, some send no usage at all: then
the router estimates the tokens and marks them so).  Tool-call deltas are
assembled by ``index``; ``id``/``name`` are set once, because
llama-cpp-python repeats them (and the full name) on every delta.

Wire details learnt from real servers:

- an assistant turn that carries tool calls sends ``"content": ""``, never
  ``null`` (llama.cpp answers 500 to ``null``);
- reasoning models (``o1``, ``o3``, ``o4``, the ``gpt-5`` family) take
  ``max_completion_tokens`` instead of ``max_tokens``; a 400 that names the
  parameter is retried once with the other one, and the choice is kept for
  that model;
- images go as ``image_url`` parts (a URL or a ``data:`` URL);
- ``:response-format`` becomes ``response_format`` (``json_object``, or
  ``json_schema`` with the schema); a server that answers that it only knows
  ``json_object`` (llama-cpp-python, with a 500) is sent llama.cpp's
  ``{"type": "json_object", "schema": ...}`` instead, once, and remembered.

Stop reasons: ``stop`` -> ``end_turn``, ``length`` -> ``max_tokens``,
``tool_calls``/``function_call`` -> ``tool_use``, ``content_filter`` ->
``content_filter``; others pass through.

A base URL without a default model (a local server) asks ``GET /models``
once and uses the first model listed.
"""

from __future__ import annotations

import json
import re
import threading

from ..errors import BadRequestError, ServerError, StreamError
from ..types import ChatRequest, ChatResponse, Message, ToolCall, Usage, parse_arguments
from . import HttpProvider, StreamAccumulator, mean_pool

STOP_MAP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use",
            "function_call": "tool_use", "content_filter": "content_filter"}
_REASONING = re.compile(r"^(?:[\w.-]+/)?(?:o\d|gpt-5)", re.I)
_TOKEN_PARAMS = ("max_tokens", "max_completion_tokens")


def stop_reason(reason, has_calls: bool) -> str:
    if reason is None:
        return "tool_use" if has_calls else "end_turn"
    mapped = STOP_MAP.get(reason, str(reason).lower())
    if mapped == "end_turn" and has_calls:
        return "tool_use"  # some servers say "stop" after a tool call
    return mapped


def content_parts(m: Message):
    """The message's content: a string, or text and ``image_url`` parts when it has images."""
    if not m.images:
        return m.content
    parts = [{"type": "text", "text": m.content}] if m.content else []
    parts += [{"type": "image_url", "image_url": {"url": i.data_url}} for i in m.images]
    return parts


def openai_message(m: Message) -> dict:
    """A Message in OpenAI's shape (assistant tool calls carry JSON-text arguments)."""
    if m.role == "tool":
        return {"role": "tool", "tool_call_id": m.tool_call_id or "", "content": m.content}
    d: dict = {"role": m.role, "content": content_parts(m)}
    if m.tool_calls:
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


def response_format(fmt, *, legacy: bool = False) -> dict:
    """OpenAI's ``response_format``; LEGACY is llama.cpp's ``json_object`` with a ``schema``."""
    if fmt.schema is None:
        return {"type": "json_object"}
    if legacy:
        return {"type": "json_object", "schema": fmt.schema}
    return {"type": "json_schema", "json_schema": {"name": fmt.name, "schema": fmt.schema, "strict": fmt.strict}}


def _count(x) -> int:
    return x if isinstance(x, int) and not isinstance(x, bool) and x >= 0 else 0


def openai_usage(u) -> Usage | None:
    if not isinstance(u, dict):
        return None
    details = u.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, dict) else 0
    total = u.get("total_tokens")
    return Usage(_count(u.get("prompt_tokens")), _count(u.get("completion_tokens")),
                 total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None,
                 _count(cached), 0)


def parse_embeddings(data) -> list[list[float]]:
    """Vectors from an OpenAI-style embeddings answer (``data[].embedding``, in ``index`` order)."""
    items = sorted(data.get("data") or (), key=lambda d: d.get("index", 0))
    return [mean_pool(item["embedding"]) for item in items]


class OpenAIProvider(HttpProvider):
    """OpenAI chat completions; any OpenAI-compatible server with another ``base_url``."""

    adapter = "openai"
    default_base_url = "https://api.openai.com/v1"
    default_chat_path = "/chat/completions"
    answer_shape = 'a chat completion (a JSON object with "choices")'
    supports = frozenset({"chat", "stream", "tools", "embed"})

    def __init__(self, name: str = "openai", **options):
        super().__init__(name, **options)
        self._model_lock = threading.Lock()
        self._token_param: dict[str, str] = {}   # model -> the max-tokens parameter it accepts
        self._legacy_schema = False              # the server takes json_object + schema, not json_schema

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
        return self.checked(lambda d: [m.get("id") for m in (d.get("data") or ()) if isinstance(m, dict)
                                       and isinstance(m.get("id"), str)], data)

    def token_param(self, model: str) -> str:
        """``max_tokens``, or ``max_completion_tokens`` for reasoning models (or what a 400 taught)."""
        learnt = self._token_param.get(model)
        if learnt:
            return learnt
        return "max_completion_tokens" if _REASONING.match(model) else "max_tokens"

    def chat_body(self, request: ChatRequest, model: str, stream: bool):
        messages = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.extend(openai_message(m) for m in request.messages)
        body: dict = {"model": model, "messages": messages}
        if request.max_tokens is not None:
            body[self.token_param(model)] = request.max_tokens
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
        if request.response_format is not None:
            body["response_format"] = response_format(request.response_format, legacy=self._legacy_schema)
        if stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        body.update(request.extra)
        return self.chat_path, body

    def _other_param(self, err, request: ChatRequest, model: str) -> bool:
        """True when ERR names a parameter this server spells otherwise: the other spelling is learnt.

        A 400 naming the max-tokens parameter (for MODEL), or an error refusing the
        ``json_schema`` response format (for this server).
        """
        text = f"{err.provider_message or ''} {err.message}"
        if (request.response_format is not None and request.response_format.schema is not None
                and not self._legacy_schema and "response_format" in text and "json_schema" in text
                and getattr(err, "status", None) in (400, 422, 500)):
            self._legacy_schema = True
            return True
        if request.max_tokens is None or getattr(err, "status", None) != 400:
            return False
        used = self.token_param(model)
        if used not in text:
            return False
        self._token_param[model] = _TOKEN_PARAMS[1] if used == _TOKEN_PARAMS[0] else _TOKEN_PARAMS[0]
        return True

    def complete(self, request: ChatRequest) -> ChatResponse:
        try:
            return super().complete(request)
        except (BadRequestError, ServerError) as err:
            if not self._other_param(err, request, self.model_for(request)):
                raise
            return super().complete(request)

    async def acomplete(self, request: ChatRequest) -> ChatResponse:
        try:
            return await super().acomplete(request)
        except (BadRequestError, ServerError) as err:
            if not self._other_param(err, request, self.model_for(request)):
                raise
            return await super().acomplete(request)

    def stream(self, request: ChatRequest, on_chunk=None) -> ChatResponse:
        try:
            return super().stream(request, on_chunk)
        except (BadRequestError, ServerError) as err:
            if not self._other_param(err, request, self.model_for(request)):
                raise
            return super().stream(request, on_chunk)

    def parse_chat(self, data, request: ChatRequest, model: str) -> ChatResponse:
        if not isinstance(data, dict):
            raise self.malformed(None, data)
        choices = data.get("choices")
        if not choices:
            if data.get("error"):
                err = data["error"]
                raise StreamError(f"provider :{self.name} answered 200 with an error: "
                                  f"{err.get('message') if isinstance(err, dict) else err}",
                                  provider=self.name, status=200)
            raise self.malformed('the "choices" list is missing or empty', data)
        choice = choices[0]
        if not isinstance(choice, dict):
            raise self.malformed('"choices" must be a list of maps', data)
        msg = choice.get("message") or {}
        calls = tuple(self._call(tc, n) for n, tc in enumerate(msg.get("tool_calls") or ()))
        content = msg.get("content")
        return ChatResponse(
            content=content if isinstance(content, str) else "",
            model=data.get("model") if isinstance(data.get("model"), str) else model,
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
            parsed, raw = parse_arguments(args if isinstance(args, str) else "")
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
            if isinstance(chunk.get("model"), str) and chunk["model"]:
                acc.model = chunk["model"]
            usage = openai_usage(chunk.get("usage"))
            if usage is not None:
                acc.usage = usage
            for choice in chunk.get("choices") or ():
                delta = choice.get("delta") or {}
                acc.text(delta.get("content"))
                for tc in delta.get("tool_calls") or ():
                    fn = tc.get("function") or {}  # by id, else index: some servers omit or repeat index
                    acc.call_delta(tc.get("index"), tc.get("id"), fn.get("name"), fn.get("arguments"))
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
        return self.checked(parse_embeddings, data)

    def count_tokens(self, request: ChatRequest) -> int | None:
        """llama.cpp's ``POST /tokenize`` or llama-cpp-python's ``/extras/tokenize`` (local servers only)."""
        from ..auth.keys import is_local_url
        from ..errors import LlmError
        if not is_local_url(self.base_url):
            return None
        root = self.base_url[:-3] if self.base_url.rstrip("/").endswith("/v1") else self.base_url
        text = request.text()
        for path, body in (("/extras/tokenize", {"input": text, "model": request.model or self.default_model}),
                           ("/tokenize", {"content": text})):
            try:
                data = self.http.request_json("POST", root.rstrip("/") + path, json=body)
            except LlmError:
                continue
            tokens = data.get("tokens") if isinstance(data, dict) else None
            if isinstance(tokens, list):
                return len(tokens)
        return None
