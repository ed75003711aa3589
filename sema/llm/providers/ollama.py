"""Ollama's native ``/api/chat`` (NDJSON streams) and ``/api/embed``.

No key (a key, if given, is sent as a Bearer token for hosted Ollama).  The
base URL comes from ``OLLAMA_HOST``, which may lack a scheme
(``localhost:11434``) or name the bind-all address (``0.0.0.0``).
``stream`` defaults to true in Ollama, so it is always sent.  Options use
Ollama's names (``num_predict``, ``stop``, ``temperature``).  Tool calls
carry arguments as objects and usually no id (``call_N`` is made up).

Images go in a message's ``images`` (base64 only: Ollama cannot fetch a
URL); ``:response-format`` becomes ``format`` (``"json"`` or the schema).
``POST /api/tokenize`` counts tokens where the server has it.

Stop reasons: ``stop`` -> ``end_turn`` (``tool_use`` when tool calls came
back), ``length`` -> ``max_tokens``.  A stream ends with a ``done: true``
line carrying ``prompt_eval_count``/``eval_count``; an ``{"error": ...}``
line is a :class:`StreamError`.
"""

from __future__ import annotations

from ..errors import LlmError, UnsupportedError
from ..types import ChatRequest, ChatResponse, Usage
from . import HttpProvider, StreamAccumulator, mean_pool

STOP_MAP = {"stop": "end_turn", "length": "max_tokens", "load": "end_turn", "unload": "end_turn"}


def normalize_host(host: str) -> str:
    """``localhost:11434`` -> ``http://localhost:11434``; ``0.0.0.0`` -> ``127.0.0.1``."""
    host = host.strip().rstrip("/")
    bare = "://" not in host
    if bare:
        host = "http://" + host
    scheme, _, rest = host.partition("://")
    if rest.startswith("0.0.0.0"):
        rest = "127.0.0.1" + rest[len("0.0.0.0"):]
    if bare and ":" not in rest.split("/")[0]:  # OLLAMA_HOST=myhost means port 11434
        rest = rest.replace("/", ":11434/", 1) if "/" in rest else rest + ":11434"
    return f"{scheme}://{rest}"


def stop_reason(reason, has_calls: bool) -> str:
    mapped = STOP_MAP.get(reason, str(reason).lower()) if reason else "end_turn"
    return "tool_use" if has_calls and mapped == "end_turn" else mapped


def ollama_messages(request: ChatRequest) -> list[dict]:
    out = []
    if request.system:
        out.append({"role": "system", "content": request.system})
    names: dict[str, str] = {}
    for m in request.messages:
        d: dict = {"role": m.role, "content": m.content}
        if m.tool_calls:
            d["tool_calls"] = [{"function": {"name": tc.name, "arguments": tc.arguments}} for tc in m.tool_calls]
            names.update((tc.id, tc.name) for tc in m.tool_calls)
        if m.role == "tool":
            name = m.name or names.get(m.tool_call_id or "")
            if name:
                d["tool_name"] = name
        if m.images:
            if any(i.url for i in m.images):
                raise UnsupportedError("provider :ollama takes images as data, not URLs: give the image's "
                                       ":data (base64) or :path", provider="ollama")
            d["images"] = [i.data for i in m.images]
        out.append(d)
    return out


def ollama_usage(d: dict) -> Usage:
    return Usage(int(d.get("prompt_eval_count") or 0), int(d.get("eval_count") or 0))


class OllamaProvider(HttpProvider):
    """A local (or hosted) Ollama server."""

    adapter = "ollama"
    default_base_url = "http://localhost:11434"
    default_chat_path = "/api/chat"
    answer_shape = 'an Ollama chat answer (a JSON object with "message")'
    supports = frozenset({"chat", "stream", "tools", "embed"})

    def __init__(self, name: str = "ollama", *, base_url: str | None = None, host: str | None = None, **options):
        super().__init__(name, base_url=normalize_host(base_url or host or self.default_base_url), **options)

    def chat_body(self, request: ChatRequest, model: str, stream: bool):
        body: dict = {"model": model, "messages": ollama_messages(request), "stream": stream}
        options: dict = {}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        if request.max_tokens is not None:
            options["num_predict"] = request.max_tokens
        if request.stop_sequences:
            options["stop"] = list(request.stop_sequences)
        if options:
            body["options"] = options
        if request.tools:
            body["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": t.parameters}}
                for t in request.tools]
        if request.response_format is not None:
            body["format"] = request.response_format.schema or "json"
        body.update(request.extra)
        return self.chat_path, body

    def count_tokens(self, request: ChatRequest) -> int | None:
        """``POST /api/tokenize`` where the server offers it (else None: the caller estimates)."""
        try:
            data = self.http.request_json("POST", "/api/tokenize", json={
                "model": self.model_for(request), "content": request.text()})
        except LlmError:
            return None
        tokens = data.get("tokens") if isinstance(data, dict) else None
        return len(tokens) if isinstance(tokens, list) else None

    def _absorb(self, data: dict, acc: StreamAccumulator) -> None:
        msg = data.get("message") or {}
        acc.text(msg.get("content"))
        for tc in msg.get("tool_calls") or ():
            fn = tc.get("function") or {}
            key = len(acc.calls)
            args = fn.get("arguments")
            if isinstance(args, str):
                acc.call(key, id=tc.get("id") or f"call_{key}", name=fn.get("name"), args_delta=args)
            else:
                acc.call(key, id=tc.get("id") or f"call_{key}", name=fn.get("name"), args=args or {})
        if data.get("model"):
            acc.model = data["model"]
        if data.get("done"):
            acc.finished = True
            acc.usage = ollama_usage(data)
            acc.stop_reason = stop_reason(data.get("done_reason"), bool(acc.calls))

    def parse_chat(self, data, request: ChatRequest, model: str) -> ChatResponse:
        if not isinstance(data, dict):
            raise self.malformed(None, data)
        acc = StreamAccumulator(None, model)
        self._absorb(data, acc)
        if acc.stop_reason is None:
            acc.stop_reason = stop_reason(data.get("done_reason"), bool(acc.calls))
        return acc.response(self.name, data)

    def read_stream(self, reader, request, model, on_chunk) -> ChatResponse:
        import json

        acc = StreamAccumulator(on_chunk, model)
        for line in reader.lines():
            line = line.strip()
            if not line:
                continue
            try:
                data = json.loads(line)
            except ValueError:
                raise reader.bad_json(line) from None
            if data.get("error"):
                raise reader.error_event(data)
            self._absorb(data, acc)
            if acc.finished:
                break
        if not acc.finished:
            raise reader.cut('a "done": true line')
        return acc.response(self.name)

    def list_models(self, timeout: float | None = None) -> list[str]:
        """The names of ``GET /api/tags``."""
        data = self.http.request_json("GET", "/api/tags", timeout=timeout)
        return [m.get("name") for m in data.get("models") or () if m.get("name")]

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        """Vectors from ``POST /api/embed``."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        model = model or self.embedding_model or self.default_model
        data = self.http.request_json("POST", "/api/embed", json={"model": model, "input": texts})
        return [mean_pool(v) for v in data.get("embeddings") or ()]
