"""The provider protocol and the shared machinery of the HTTP adapters.

A provider is any object with ``name``, ``default_model`` and
``complete(request) -> ChatResponse``; ``stream(request, on_chunk)`` (text
chunks to a callback, the full response back), ``embed(texts, model)`` and
``acomplete(request)`` (used by concurrent batches) are optional.  Lisp
providers, Python classes and the HTTP adapters all fit.

The HTTP adapters subclass :class:`HttpProvider` and fill in three hooks:
``chat_body`` (request -> path + vendor JSON), ``parse_chat`` (vendor JSON ->
ChatResponse) and ``read_stream`` (a :class:`~sema.llm.transport.StreamReader`
-> ChatResponse, through a :class:`StreamAccumulator`).  Each adapter's
module docstring gives its stop-reason mapping.
"""

from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

from ..auth.keys import key_headers
from ..describe import got
from ..errors import BadRequestError, LlmError, ServerError, UnsupportedError
from ..transport import HttpTransport, RetryPolicy, Timeouts
from ..types import ChatRequest, ChatResponse, FieldError, ToolCall, Usage, parse_arguments

OnChunk = Callable[[str], object]


@runtime_checkable
class Provider(Protocol):
    """What every provider offers (stream/embed/acomplete are optional extras)."""

    name: str
    default_model: str

    def complete(self, request: ChatRequest) -> ChatResponse: ...


class HttpProvider:
    """Base of the HTTP adapters: owns an :class:`HttpTransport`; keeps the key out of reprs.

    Keyword options: ``api_key``, ``base_url``, ``default_model``,
    ``embedding_model``, ``headers`` (extra HTTP headers), ``client`` (an
    ``httpx.Client``), ``transport`` / ``async_transport`` (httpx transports),
    ``timeout`` (the total deadline of a call, retries included, s),
    ``read_timeout`` (the wait for a non-streamed answer), ``connect_timeout``,
    ``idle_timeout`` (silence allowed in a stream, s), ``max_retries``,
    ``sleep`` (injectable for tests), ``retry`` (a RetryPolicy),
    ``auth_scheme`` (which header carries the key: see
    :func:`~sema.llm.auth.keys.key_headers`), ``auth`` (an ``httpx.Auth``:
    a token source or a request signer), ``chat_path``.
    """

    adapter = "?"
    default_base_url = ""
    default_auth = "bearer"
    default_chat_path = ""
    #: what a well-formed answer looks like, for the "malformed answer" error
    answer_shape = "a JSON object"
    supports = frozenset({"chat", "stream", "tools"})

    def __init__(self, name: str, *, api_key: str | None = None, base_url: str | None = None,
                 default_model: str | None = None, embedding_model: str | None = None,
                 headers: dict | None = None, client=None, transport=None, async_transport=None,
                 timeout: float | None = None, read_timeout: float | None = None,
                 connect_timeout: float | None = None, idle_timeout: float | None = None,
                 max_retries: int | None = None, sleep: Callable[[float], object] | None = None,
                 retry: RetryPolicy | None = None, supports=None, auth_scheme: str | None = None,
                 auth=None, chat_path: str | None = None):
        self.name = name
        self.default_model = default_model or ""
        self.embedding_model = embedding_model
        self._api_key = api_key
        self.auth_scheme = auth_scheme or self.default_auth
        self.chat_path = chat_path if chat_path else self.default_chat_path
        if supports is not None:
            self.supports = frozenset(supports)
        timeouts = Timeouts()
        if timeout is not None:
            timeouts.total = timeout
        if read_timeout is not None:
            timeouts.read = read_timeout
        elif timeout is not None:
            timeouts.read = min(timeouts.read, timeout)
        if connect_timeout is not None:
            timeouts.connect = connect_timeout
        if idle_timeout is not None:
            timeouts.idle = idle_timeout
        retry = retry or RetryPolicy()
        if max_retries is not None:
            retry.max_retries = max_retries
        if sleep is not None:
            retry.sleep = sleep
        all_headers = {"content-type": "application/json", "accept": "application/json"}
        all_headers.update(self.auth_headers(api_key))
        all_headers.update(headers or {})
        self.http = HttpTransport(name, (base_url or self.default_base_url).rstrip("/"), all_headers,
                                  secrets=(api_key,) if api_key else (), timeouts=timeouts, retry=retry,
                                  client=client, transport=transport, async_transport=async_transport,
                                  auth=auth)

    # -- hooks

    def auth_headers(self, api_key: str | None) -> dict:
        return key_headers(self.auth_scheme, api_key)

    def chat_body(self, request: ChatRequest, model: str, stream: bool) -> tuple[str, dict]:
        raise NotImplementedError

    def parse_chat(self, data, request: ChatRequest, model: str) -> ChatResponse:
        raise NotImplementedError

    def read_stream(self, reader, request: ChatRequest, model: str, on_chunk: OnChunk | None) -> ChatResponse:
        raise NotImplementedError

    # -- public

    @property
    def base_url(self) -> str:
        return self.http.base_url

    def model_for(self, request: ChatRequest) -> str:
        """The model to send: the request's, else this provider's default."""
        model = request.model or self.default_model
        if not model:
            raise BadRequestError(f"provider :{self.name}: no model given and no default model configured",
                                  provider=self.name)
        return model

    def complete(self, request: ChatRequest) -> ChatResponse:
        """One completion (retried on transient failures)."""
        self._require("chat")
        model = self.model_for(request)
        path, body = self.chat_body(request, model, False)
        data = self.http.request_json("POST", path, json=body, timeout=request.timeout)
        return with_usage(self.checked(self.parse_chat, data, request, model), request)

    async def acomplete(self, request: ChatRequest) -> ChatResponse:
        """The async twin of :meth:`complete` (for concurrent batches)."""
        self._require("chat")
        model = self.model_for(request)
        path, body = self.chat_body(request, model, False)
        data = await self.http.arequest_json("POST", path, json=body, timeout=request.timeout)
        return with_usage(self.checked(self.parse_chat, data, request, model), request)

    def stream(self, request: ChatRequest, on_chunk: OnChunk | None = None) -> ChatResponse:
        """Stream a completion: each text delta goes to ON_CHUNK; returns the assembled response."""
        self._require("stream")
        model = self.model_for(request)
        path, body = self.chat_body(request, model, True)
        with self.http.stream("POST", path, json=body, timeout=request.timeout) as reader:
            if reader.content_type == "application/json":
                # the server ignored the stream flag: one whole answer, one chunk
                response = self.checked(self.parse_chat, reader.read_json(), request, model)
                if on_chunk is not None and response.content:
                    on_chunk(response.content)
                return with_usage(response, request)
            return with_usage(self.checked(self.read_stream, reader, request, model, on_chunk, shown=None), request)

    def checked(self, parse, data, *args, shown=..., **kw):
        """PARSE(DATA, *ARGS): a vendor answer of the wrong shape is an error saying what was sent.

        Vendors and proxies do send ``null``, ``[]``, a bare string or an object
        without the expected keys; that must never surface as a Python
        AttributeError, but as "provider :x sent a malformed answer: ...".
        """
        shown = data if shown is ... else shown
        try:
            return parse(data, *args, **kw)
        except LlmError:
            raise
        except FieldError as exc:
            raise self.malformed(exc.message, shown) from None
        except (AttributeError, TypeError, KeyError, IndexError, ValueError):
            raise self.malformed(None, shown) from None

    def malformed(self, detail: str | None, data) -> ServerError:
        """The error for an answer that is JSON but not the shape the API promises."""
        what = f"expected {self.answer_shape}"
        text = f"{what}: {detail}; got {got(data)}" if detail else f"{what}, got {got(data)}"
        return ServerError(f"provider :{self.name} sent a malformed answer ({text})", provider=self.name,
                           status=200, retriable=False, secrets=self.http.all_secrets())

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        raise UnsupportedError(f"provider :{self.name} does not support embeddings", provider=self.name)

    def count_tokens(self, request: ChatRequest) -> int | None:
        """The vendor's own token count of REQUEST, or None when it has no endpoint for it."""
        return None

    async def aclose(self) -> None:
        await self.http.aclose()

    def close(self) -> None:
        self.http.close()

    def info(self) -> dict:
        """``{"name": ..., "model": ...}``: what ``llm/current-provider`` shows."""
        return {"name": self.name, "model": self.default_model}

    def _require(self, feature: str) -> None:
        if feature not in self.supports:
            raise UnsupportedError(f"provider :{self.name} does not support {feature}", provider=self.name)

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} :{self.name} {self.base_url} model={self.default_model!r}"
                f"{' key=***' if self._api_key else ''}>")


def with_usage(response: ChatResponse, request: ChatRequest) -> ChatResponse:
    """RESPONSE, with estimated (and so marked) token counts when the vendor reported none, and its
    structured output (``:response-format``) decoded and checked.

    llama.cpp ends a stream without a usage chunk, some servers omit ``usage``
    altogether: an answer is never recorded as a silent zero.
    """
    from ..structured import check_response
    if response.usage.is_zero:
        from ..usage import estimate_usage
        response = response.evolve(usage=estimate_usage(request, response))
    return check_response(response, request)


class _CallBuilder:
    __slots__ = ("id", "name", "args", "obj", "signature")

    def __init__(self):
        self.id = None
        self.name = None
        self.args: list[str] = []
        self.obj = None
        self.signature = None


class StreamAccumulator:
    """Assembles a streamed answer: text deltas, tool calls by key, usage, stop reason.

    Tool-call ``id`` and ``name`` are set once (servers repeat them on every
    delta); only argument fragments are concatenated; ``None`` values are ignored.
    """

    def __init__(self, on_chunk: OnChunk | None, model: str):
        self.on_chunk = on_chunk
        self.parts: list[str] = []
        self.calls: dict = {}
        self._by_index: dict = {}   # a delta's index -> the call it last meant (call_delta)
        self._last_key = None
        self.usage: Usage | None = None
        self.stop_reason: str | None = None
        self.model = model
        self.finished = False

    def text(self, delta) -> None:
        if delta:
            self.parts.append(delta)
            if self.on_chunk is not None:
                self.on_chunk(delta)

    def call(self, key, *, id=None, name=None, args_delta=None, args=None, signature=None) -> None:
        b = self.calls.get(key)
        if b is None:
            b = self.calls[key] = _CallBuilder()
        if id and not b.id:
            b.id = id
        if name and not b.name:
            b.name = name
        if args_delta:
            b.args.append(args_delta)
        if args is not None:
            b.obj = args
        if signature:
            b.signature = signature

    def call_delta(self, index=None, id=None, name=None, args_delta=None) -> None:
        """A streamed tool-call fragment keyed by its call id, falling back to its index.

        A fragment with an id belongs to that call (a new id starts a new call,
        even at an index already used: servers that repeat index 0 for every
        call); one without an id continues the call last seen at its index, or,
        without an index either, the call last seen at all.  Arguments are only
        concatenated here and parsed once the stream is complete.
        """
        if id:
            key = ("id", id)
        elif index is not None and index in self._by_index:
            key = self._by_index[index]
        elif index is not None:
            key = ("index", index)
        else:
            key = self._last_key if self._last_key is not None else ("index", 0)
        if index is not None:
            self._by_index[index] = key
        self._last_key = key
        self.call(key, id=id, name=name, args_delta=args_delta)

    def tool_calls(self) -> tuple:
        out = []
        for n, b in enumerate(self.calls.values()):
            raw = None
            if b.obj is not None:
                args = b.obj if isinstance(b.obj, dict) else {}
            else:
                args, raw = parse_arguments("".join(b.args))
            out.append(ToolCall(b.id or f"call_{n}", b.name or "", args, raw, b.signature))
        return tuple(out)

    def response(self, provider: str, raw=None) -> ChatResponse:
        calls = self.tool_calls()
        stop = self.stop_reason or ("tool_use" if calls else "end_turn")
        return ChatResponse("".join(self.parts), "assistant", self.model, stop,
                            self.usage or Usage(), calls, raw, provider)


def mean_pool(vector) -> list[float]:
    """A flat vector; per-token vectors (a list of lists, llama-cpp-python without pooling) are averaged."""
    if vector and isinstance(vector[0], list):
        n = len(vector)
        return [sum(col) / n for col in zip(*vector)]
    return [float(x) for x in vector]


def make_provider(adapter: str, name: str, **options) -> HttpProvider:
    """Build an HTTP provider for an adapter id of the catalog (``"openai"``, ``"embeddings:cohere"`` ...).

    Only the wire format is chosen here; :func:`.factory.build_provider` adds a row's auth scheme.
    """
    if adapter == "openai":
        from .openai import OpenAIProvider as cls
    elif adapter == "anthropic":
        from .anthropic import AnthropicProvider as cls
    elif adapter == "gemini":
        from .gemini import GeminiProvider as cls
    elif adapter == "ollama":
        from .ollama import OllamaProvider as cls
    elif adapter == "cohere":
        from .cohere import CohereProvider as cls
    elif adapter == "bedrock":
        from .bedrock import BedrockProvider as cls
    elif adapter == "vertex":
        from .vertex import VertexProvider as cls
    elif adapter.startswith("embeddings"):
        from .embeddings import EmbeddingProvider

        dialect = adapter.partition(":")[2] or "openai"
        return EmbeddingProvider(name, dialect=dialect, **options)
    else:
        raise LlmError(f"unknown adapter {adapter!r}")
    return cls(name, **options)


def build_provider(spec, options, **kw) -> HttpProvider:
    """The provider for a catalog row SPEC with its auth scheme (see :mod:`.factory`)."""
    from .factory import build
    return build(spec, options, **kw)


__all__ = ["Provider", "HttpProvider", "StreamAccumulator", "OnChunk", "make_provider", "build_provider",
           "mean_pool"]
