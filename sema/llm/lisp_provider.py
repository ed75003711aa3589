"""The Lisp side of the provider contract: request and response maps, and providers written in Lisp.

- Lisp values -> the request: :func:`messages_of` and :func:`build_request`
  turn prompts, message maps and call options into a
  :class:`~sema.llm.types.ChatRequest`, with errors naming the builtin.
- The response -> Lisp values: :func:`response_map`, :func:`usage_map`.
- Providers: :class:`LispProvider` (``llm/define-provider``),
  :class:`CallableProvider` (a plain Python function) and
  :class:`NamedProvider` (a Python object without ``name``), so that
  :func:`as_provider` can hand the router any registered provider.

A :class:`LispProvider` wraps the ``:complete`` closure: it turns the
:class:`~sema.llm.types.ChatRequest` into the contract's request map (string
roles, keyword keys), calls the closure, and reads back a string or a
response map.  It has no ``stream`` method, so the router streams its answer
as one chunk.

An error raised inside the closure becomes an :class:`LlmError` naming the
provider.  Its class follows what failed, so that failover works with Lisp
providers too: an HTTP error from ``http/post`` (or a thrown map with
``:status``) maps through the status (429 rate limit, 5xx server error, 401
auth ...), a connection failure or timeout is retriable, and a thrown map
with ``:retriable #t`` is retriable.  Anything else is a plain, non-retriable
LlmError.

Lisp code is not thread-safe (the tail-call state lives in the
interpreter's namespace), so calls are serialised by a lock; ``llm/batch``
calls Lisp providers one after the other on the calling thread.
"""

from __future__ import annotations

import numbers
import threading

from ..builtins.argcheck import short
from ..errors import LispTypeError
from ..printer import display_str
from ..values import EMPTY, ArrayList, EmptyList, Keyword, Map, Pair, Symbol, iter_list, make_list, make_map, map_items
from .describe import got
from .errors import (
    AuthError,
    BadRequestError,
    LlmConnectionError,
    LlmError,
    LlmTimeoutError,
    RateLimitError,
    ServerError,
)
from .types import ROLES, ChatRequest, ChatResponse, FieldError, Message, response_from_python

_K = Keyword
_K_STATUS, _K_RETRIABLE, _K_MESSAGE = _K("status"), _K("retriable"), _K("message")


# ---------------------------------------------------------------- Lisp values -> the request


def lisp_name(x, who: str, what: str = "a provider name") -> str:
    """A name from a keyword, symbol or string (``:openai``, ``"openai"``)."""
    if x.__class__ is Keyword or x.__class__ is Symbol:
        return x.name
    if isinstance(x, str) and x:
        return x[1:] if x.startswith(":") else x
    raise LispTypeError(f"{who}: expected {what} (a keyword or string), got {got(x)}")


def lisp_options(who: str, opts) -> dict:
    """A Lisp options map as ``{name: lisp value}``."""
    if opts is None:
        return {}
    if not isinstance(opts, Map):
        raise LispTypeError(f"{who}: options must be a map, got {got(opts)}")
    out = {}
    for k, v in map_items(opts):
        out[k.name if k.__class__ is Keyword else str(k)] = v
    return out


def _py(x):
    from ..convert import to_python
    return to_python(x)


def lisp_items(who: str, x, what: str) -> list:
    """The elements of a Lisp list or vector X (else a type error describing WHAT was expected)."""
    if isinstance(x, (Pair, ArrayList, EmptyList)):
        return list(iter_list(x))
    if x.__class__ is tuple:
        return list(x)
    raise LispTypeError(f"{who}: expected {what} (a list or vector), got {got(x)}")


def _text(value) -> str:
    """Message content: strings as they are, data as JSON, anything else in display form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (Map, Pair, ArrayList, EmptyList, tuple)):
        import json

        from ..builtins.jsonfmt import to_json_value
        return json.dumps(to_json_value(value), ensure_ascii=False)
    return display_str(value)


def _is_parts(value) -> bool:
    """A list of content parts: every item a map with a :type (text and image parts)."""
    if not isinstance(value, (Pair, ArrayList, tuple)):
        return False
    items = list(iter_list(value)) if not isinstance(value, tuple) else list(value)
    return bool(items) and all(isinstance(x, Map) and x.get(_K("type")) is not None for x in items)


def _message(who: str, m) -> Message:
    if not isinstance(m, Map):
        raise LispTypeError(f"{who}: each message must be a map with :role and :content, got {got(m)}")
    d = {k: _py(v) for k, v in lisp_options(who, m).items()}
    if d.get("role") is None:
        d["role"] = "user"
    content = lisp_options(who, m).get("content")
    if not _is_parts(content):
        d["content"] = _text(content)
    with blame(who):
        return Message.from_python(d)


def messages_of(who: str, value) -> list[Message]:
    """A prompt string (one user message), a list of message maps, or a value with ``llm_messages()``
    (a prompt or a conversation of :mod:`sema.ai`) giving message maps."""
    if isinstance(value, str):
        return [Message("user", value)]
    as_messages = getattr(value, "llm_messages", None)
    if as_messages is not None:
        return [_message(who, m) for m in as_messages()]
    return [_message(who, m) for m in lisp_items(who, value, "a prompt string or a list of messages")]


class blame:
    """``with blame("llm/complete"):`` turns a FieldError of the request types into ``llm/complete: ...``."""

    __slots__ = ("who",)

    def __init__(self, who: str):
        self.who = who

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, FieldError):
            raise LispTypeError(f"{self.who}: {exc.message}") from None
        return False


def lisp_int(who, key, v):
    """Option KEY's value V as an integer (or None): for options that are not part of the request."""
    if v is None:
        return None
    if v.__class__ is not int:
        raise LispTypeError(f"{who}: :{key} must be an integer, got {got(v)}")
    return v


def lisp_real(who, key, v):
    """Option KEY's value V as a float (or None); any real number is accepted."""
    if v is None:
        return None
    if v.__class__ is bool or not isinstance(v, numbers.Real):
        raise LispTypeError(f"{who}: :{key} must be a number, got {got(v)}")
    return float(v)


def lisp_str(who, key, v):
    """Option KEY's value V, which must be a string (or None)."""
    if v is None or isinstance(v, str):
        return v
    raise LispTypeError(f"{who}: :{key} must be a string, got {got(v)}")


def build_request(who: str, messages: list[Message], o: dict) -> ChatRequest:
    """A ChatRequest from messages and call options (the options of ``llm/complete``, see sema.llm.builtins).

    The values are checked by the request type itself; a bad one is a type error naming WHO.
    """
    def opt(key):
        v = o.get(key)
        return v if v is None or isinstance(v, (str, int, float, Keyword)) else _py(v)
    extra = o.get("extra")
    with blame(who):
        return ChatRequest(
            model=opt("model"), messages=tuple(messages), max_tokens=opt("max-tokens"),
            temperature=opt("temperature"), system=opt("system"), tools=opt("tools"),
            stop_sequences=opt("stop-sequences"), timeout=opt("timeout"), tool_choice=opt("tool-choice"),
            extra=_py(extra) if extra is not None else {}, response_format=opt("response-format"))


# ---------------------------------------------------------------- the response -> Lisp values


def response_map(response: ChatResponse) -> Map:
    """The contract's response map (keyword keys), plus ``:provider``."""
    from ..convert import from_python
    m = from_python(response.to_dict())
    if response.provider:
        m = m.set(_K("provider"), _K(response.provider))
    return m


def usage_map(d: dict | None):
    """A usage dict with Lisp keys as a keyword map (None stays nil)."""
    if d is None:
        return None
    return make_map((_K(k), v) for k, v in d.items())


# ---------------------------------------------------------------- providers


def lisp_value(x):
    """Python data (dicts, lists) as Lisp values: dicts with string keys become keyword maps."""
    from ..convert import from_python
    return from_python(x)


def request_map(request: ChatRequest):
    """The contract's request map for a Lisp provider.

    Every key of the contract is present (nil when unset); messages carry
    string roles, and ``:tool-calls`` / ``:tool-call-id`` when they have them.
    """
    pairs = [
        (_K("model"), request.model),
        (_K("messages"), make_list([lisp_value(m.to_dict()) for m in request.messages])),
        (_K("max-tokens"), request.max_tokens),
        (_K("temperature"), float(request.temperature) if request.temperature is not None else None),
        (_K("system"), request.system),
        (_K("tools"), make_list([lisp_value(t.to_dict()) for t in request.tools]) if request.tools else None),
        (_K("stop-sequences"), make_list(list(request.stop_sequences)) if request.stop_sequences else None),
    ]
    if request.tool_choice is not None:
        pairs.append((_K("tool-choice"), request.tool_choice))
    if request.response_format is not None:
        pairs.append((_K("response-format"), lisp_value(request.response_format.to_dict())))
    return make_map(pairs)


def _status_error(name: str, status: int, message: str, retriable=None, retry_after=None) -> LlmError:
    kw = dict(provider=name, status=status, provider_message=message, retriable=retriable)
    if status in (401, 403):
        return AuthError(**kw)
    if status == 429:
        return RateLimitError(retry_after=retry_after, **kw)
    if status >= 500 or status in (408, 409):
        return ServerError(**kw)
    if 400 <= status < 500:
        return BadRequestError(**kw)
    return LlmError(f"provider :{name} failed: {message}", **kw)


def error_from_lisp(name: str, exc: BaseException) -> LlmError:
    """The LlmError for an exception raised inside provider NAME's Lisp code."""
    if isinstance(exc, LlmError):
        return exc
    message = getattr(exc, "message", None) or str(exc) or "an error"
    status = getattr(exc, "status", None)
    retriable = None
    value = getattr(exc, "value", None)  # (throw {:status 503 :message "..."})
    if isinstance(value, Map):
        s = value.get(_K_STATUS)
        if isinstance(s, int) and not isinstance(s, bool):
            status = s
        if value.get(_K_RETRIABLE) is not None:
            retriable = value.get(_K_RETRIABLE) is not False
        text = value.get(_K_MESSAGE)
        if isinstance(text, str):
            message = text
    if isinstance(status, int) and getattr(exc, "method", None) and getattr(exc, "url", None):
        # an http/* error: keep the call that failed and the start of the body, not the whole message
        body = " ".join((getattr(exc, "body", None) or "").split())
        message = f"{exc.method} {exc.url}" + (f": {body[:200]}" if body else "")
    if isinstance(status, int) and status >= 400:
        err = _status_error(name, status, message, retriable, getattr(exc, "retry_after", None))
    elif getattr(exc, "timeout", False):
        err = LlmTimeoutError(f"provider :{name} failed: {message}", provider=name, retriable=retriable)
    elif getattr(exc, "connection", False):
        err = LlmConnectionError(f"provider :{name} failed: {message}", provider=name, retriable=retriable)
    else:
        err = LlmError(f"provider :{name} failed: {message}", provider=name, retriable=retriable)
    err.__cause__ = exc
    return err


class LispProvider:
    """A provider whose ``complete`` (and optionally ``embed``) are Lisp functions.

    ``interp`` is the interpreter the closures belong to (used to reset its
    tail-call state after an error, as ``catch`` does).
    """

    def __init__(self, name: str, complete, default_model: str = "default", *, embed=None, interp=None):
        self.name = name
        self.default_model = default_model
        self.complete_fn = complete
        self.embed_fn = embed
        self.interp = interp
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"<LispProvider :{self.name} model={self.default_model!r}>"

    def info(self) -> dict:
        return {"name": self.name, "model": self.default_model}

    def _call(self, fn, arg):
        with self._lock:
            try:
                return fn(arg)
            except Exception as exc:
                if self.interp is not None:
                    self.interp._reset_tail_state()
                raise error_from_lisp(self.name, exc) from exc

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Call the ``:complete`` closure with the request map; read back a string or a response map."""
        result = self._call(self.complete_fn, request_map(request))
        if isinstance(result, Map):
            from ..convert import to_python
            result = to_python(result)
        elif result is not None and not isinstance(result, str):
            raise LlmError(f"provider :{self.name}: :complete must return a string or a response map, "
                           f"got {got(result)}", provider=self.name)
        try:
            return response_from_python(result, request, provider=self.name)
        except FieldError as exc:
            raise LlmError(f"provider :{self.name} returned a bad response map: {exc.message}",
                           provider=self.name) from None

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        """Call the ``:embed`` closure with a list of strings; it returns one vector per string."""
        from .errors import UnsupportedError
        if self.embed_fn is None:
            raise UnsupportedError(f"provider :{self.name} does not support embeddings "
                                   f"(give llm/define-provider an :embed function)", provider=self.name)
        texts = [texts] if isinstance(texts, str) else list(texts)
        result = self._call(self.embed_fn, make_list(list(texts)))
        try:
            vectors = [[float(x) for x in v] for v in (result if result is not None else EMPTY)]
        except TypeError:
            raise LlmError(f"provider :{self.name}: :embed must return a list of vectors, "
                           f"got {got(result)}", provider=self.name) from None
        if len(vectors) != len(texts):
            raise LlmError(f"provider :{self.name}: :embed returned {len(vectors)} vectors "
                           f"for {len(texts)} texts", provider=self.name)
        return vectors


class CallableProvider:
    """A plain Python callable ``fn(request) -> str | dict | ChatResponse`` as a provider."""

    def __init__(self, name: str, fn, default_model: str | None = None):
        self.name = name
        self.fn = fn
        self.default_model = default_model or getattr(fn, "default_model", None) or "default"

    def __repr__(self) -> str:
        return f"<CallableProvider :{self.name}>"

    def complete(self, request: ChatRequest):
        return self.fn(request)


class NamedProvider:
    """A provider object without ``name``/``default_model``, seen under its registered name."""

    def __init__(self, name: str, provider):
        self.name = name
        self.provider = provider
        self.default_model = getattr(provider, "default_model", None) or "default"

    def __getattr__(self, attr):  # complete, stream, embed, acomplete ... of the wrapped object
        return getattr(self.provider, attr)

    def __repr__(self) -> str:
        return f"<provider :{self.name} {type(self.provider).__name__}>"


def as_provider(name: str, provider):
    """PROVIDER as an object with ``name``/``default_model``/``complete`` (callables get wrapped)."""
    if hasattr(provider, "complete"):
        if getattr(provider, "name", None) and hasattr(provider, "default_model"):
            return provider
        return NamedProvider(name, provider)
    if callable(provider):
        return CallableProvider(name, provider)
    raise LlmError(f"provider :{name} is neither a provider object nor a function")


__all__ = ["LispProvider", "CallableProvider", "NamedProvider", "as_provider", "request_map", "error_from_lisp",
           "lisp_value", "build_request", "messages_of", "response_map", "usage_map", "lisp_name", "lisp_options",
           "lisp_items", "lisp_str", "lisp_int", "lisp_real", "short", "ROLES", "blame"]
