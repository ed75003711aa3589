"""HTTP for every provider: pooled clients, timeouts, retries, error mapping.

One :class:`HttpTransport` per provider owns one pooled ``httpx.Client``
(created on first use, thread-safe) and, for concurrent batches, an
``httpx.AsyncClient`` per event loop.  Tests and embedders inject a client or
an ``httpx`` transport (``httpx.MockTransport``).

Timeouts (seconds): connect, read (a non-streamed answer), write, pool, and
``idle``: the longest silence allowed between two chunks of a stream (httpx
applies its read timeout to every socket read, so it is the stream's read
timeout).  A request's ``timeout`` is a total deadline: it caps connect/read
and is checked between stream chunks.

Retries (one layer only): connection errors, timeouts and HTTP 408, 409,
429, 5xx and 529 are retried up to ``max_retries`` times (default 2) with
full-jitter exponential backoff, ``random() * min(base * 2**n, max_delay)``.
A ``retry-after-ms`` / ``retry-after`` header (seconds or an HTTP date) is
honoured when it is at most ``max_retry_after``; if the server asks for
longer, the error is raised at once.  ``x-should-retry: true|false``
overrides the decision.  Streams are retried only until the response
headers arrive; a failure mid-stream is a :class:`StreamError` or
:class:`LlmTimeoutError`.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx

from .errors import (AuthError, BadRequestError, ContextWindowError, LlmConnectionError, LlmError,
                     LlmTimeoutError, RateLimitError, ServerError, StreamError, redact)

DEFAULT_CONNECT = 10.0
DEFAULT_READ = 600.0   # a long non-streamed generation is normal; streams use IDLE instead
DEFAULT_WRITE = 30.0
DEFAULT_POOL = 30.0
DEFAULT_IDLE = 60.0

RETRY_STATUSES = frozenset({408, 409, 429})  # and every status >= 500 (529 is Anthropic's "overloaded")


def is_retry_status(status: int) -> bool:
    """Statuses worth retrying: 408, 409, 429 and 5xx."""
    return status >= 500 or status in RETRY_STATUSES

_CONTEXT_RE = re.compile(
    r"context[ _]length|context[ _]window|maximum context|prompt is too long|too many tokens|"
    r"exceeds the maximum number of tokens|input length and `?max_tokens`? exceed|"
    r"reduce the length of the messages", re.I)
_AUTH_RE = re.compile(r"API_KEY_INVALID|API key not valid|invalid x-api-key|invalid api key", re.I)


@dataclass
class RetryPolicy:
    """How often and how long to wait before retrying.  ``sleep`` is injectable for tests."""

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    sleep: Callable[[float], Any] = time.sleep
    random: Callable[[], float] = random.random
    async_sleep: Callable[[float], Any] | None = None

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry number ATTEMPT+1, or None when the server asks too much."""
        if retry_after is not None and retry_after >= 0:
            if retry_after > self.max_retry_after:
                return None
            return retry_after
        return self.random() * min(self.base_delay * (2 ** attempt), self.max_delay)

    async def asleep(self, seconds: float) -> None:
        if self.async_sleep is not None:
            await self.async_sleep(seconds)
        elif self.sleep is time.sleep:
            await asyncio.sleep(seconds)
        else:  # an injected (test) sleep
            self.sleep(seconds)


def parse_retry_after(headers, now: float | None = None) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (a number or an HTTP date), else None."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def snippet(text: str, limit: int = 200) -> str:
    """The first LIMIT characters of TEXT on one line, for error messages."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "..."


def extract_error(body: Any) -> tuple[str | None, list[str], dict]:
    """The vendor's message, its type/code/status tags and the error object, from an error body.

    Shapes: OpenAI/Anthropic ``{"error": {"message", "type", "code"}}``, Gemini
    ``{"error": {"code", "message", "status", "details"}}``, Ollama ``{"error": "text"}``,
    vLLM/FastAPI ``{"message": ...}`` or ``{"detail": ...}``.
    """
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]  # Gemini without alt=sse wraps errors in an array
    if not isinstance(body, dict):
        return None, [], {}
    err = body.get("error")
    if isinstance(err, dict):
        tags = [str(err[k]) for k in ("type", "code", "status") if err.get(k) is not None]
        for detail in err.get("details") or ():
            if isinstance(detail, dict) and detail.get("reason"):
                tags.append(str(detail["reason"]))
        msg = err.get("message")
        return (str(msg) if msg is not None else None), tags, err
    if isinstance(err, str):
        return err, [], {}
    for key in ("message", "detail"):
        if isinstance(body.get(key), str):
            return body[key], [str(body[t]) for t in ("type", "code") if body.get(t) is not None], body
    return None, [], {}


def _gemini_retry_delay(err: dict) -> float | None:
    for detail in err.get("details") or ():
        if isinstance(detail, dict) and isinstance(detail.get("retryDelay"), str):
            m = re.fullmatch(r"([\d.]+)s", detail["retryDelay"])
            if m:
                return float(m.group(1))
    return None


def error_from_response(provider: str, status: int, text: str, headers=None, *, secrets=()) -> LlmError:
    """Map an HTTP error answer to the LLM error tree, keeping the provider's own message."""
    headers = headers if headers is not None else {}
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    message, tags, err = extract_error(body)
    if message is None and text:
        message = snippet(text)
    retry_after = parse_retry_after(headers)
    if retry_after is None and err:
        retry_after = _gemini_retry_delay(err)
    joined = " ".join(tags)
    kw = dict(provider=provider, status=status, provider_message=message, secrets=secrets)
    if status in (401, 403) or (status == 400 and _AUTH_RE.search(f"{joined} {message or ''}")):
        exc: LlmError = AuthError(**kw)
    elif status == 429 or "RESOURCE_EXHAUSTED" in tags:
        exc = RateLimitError(retry_after=retry_after, **kw)
    elif status in (400, 404, 413, 422) or (400 <= status < 500 and status not in RETRY_STATUSES):
        if "context_length_exceeded" in tags or _CONTEXT_RE.search(message or ""):
            exc = ContextWindowError(**kw)
        else:
            exc = BadRequestError(**kw)
    else:
        retry = is_retry_status(status) and status not in (501, 505)  # "not implemented" stays so
        exc = ServerError(retry_after=retry_after if retry else None, retriable=retry, **kw)
    should = headers.get("x-should-retry")
    if should in ("true", "false"):
        exc._retriable = should == "true"
    return exc


def _describe_url(request: httpx.Request | None) -> str:
    if request is None:
        return ""
    return f"{request.method} {redact(str(request.url))}"


def error_from_exception(provider: str, exc: Exception, request=None, *, secrets=(),
                         timeout: float | None = None) -> LlmError:
    """Map an httpx exception raised before a response arrived to the LLM error tree."""
    where = _describe_url(request) or "the request"
    if isinstance(exc, httpx.TimeoutException):
        phase, key = {httpx.ConnectTimeout: ("connecting", "connect"),
                      httpx.ReadTimeout: ("waiting for the answer", "read"),
                      httpx.WriteTimeout: ("sending the request", "write"),
                      httpx.PoolTimeout: ("waiting for a free connection", "pool"),
                      }.get(type(exc), ("waiting", "read"))
        if timeout is None and request is not None:
            timeout = (request.extensions.get("timeout") or {}).get(key)
        after = f" after {timeout:g}s" if timeout else ""
        return LlmTimeoutError(f"provider :{provider} timed out{after} {phase} ({where})",
                               provider=provider, secrets=secrets)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return LlmConnectionError(f"provider :{provider}: invalid base URL for {where}: {exc}",
                                  provider=provider, retriable=False, secrets=secrets)
    detail = str(exc) or type(exc).__name__
    return LlmConnectionError(f"provider :{provider}: cannot reach the server ({where}): {detail}",
                              provider=provider, secrets=secrets)


def not_json_error(provider: str, response: httpx.Response, text: str, *, secrets=()) -> LlmError:
    """A 2xx answer whose body is not the JSON the API promises (an HTML page from a proxy, ...)."""
    ctype = response.headers.get("content-type", "?")
    return ServerError(
        f"provider :{provider} returned a body that is not JSON "
        f"(status {response.status_code}, content-type {ctype}): {snippet(text)!r}",
        provider=provider, status=response.status_code, retriable=False, secrets=secrets)


@dataclass
class Timeouts:
    """Default timeouts in seconds; ``idle`` is the longest silence between stream chunks."""

    connect: float = DEFAULT_CONNECT
    read: float = DEFAULT_READ
    write: float = DEFAULT_WRITE
    pool: float = DEFAULT_POOL
    idle: float = DEFAULT_IDLE

    def httpx(self, *, stream: bool = False, total: float | None = None) -> httpx.Timeout:
        read = self.idle if stream else self.read
        connect, write = self.connect, self.write
        if total:
            read, connect, write = min(read, total), min(connect, total), min(write, total)
        return httpx.Timeout(connect=connect, read=read, write=write, pool=self.pool)


@dataclass
class HttpTransport:
    """The HTTP side of one provider: base URL, auth headers, pooled clients, retries.

    ``secrets`` (the API key) are redacted from every error.  ``client`` /
    ``transport`` / ``async_transport`` inject httpx objects (for tests, proxies).
    """

    provider: str
    base_url: str
    headers: dict = field(default_factory=dict)
    secrets: tuple = ()
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    client: httpx.Client | None = None
    transport: httpx.BaseTransport | None = None
    async_transport: httpx.AsyncBaseTransport | None = None
    max_connections: int = 100

    def __post_init__(self):
        self._lock = threading.Lock()
        self._owns_client = self.client is None
        self._aclients: dict[int, httpx.AsyncClient] = {}

    def __repr__(self) -> str:  # never show headers: they hold the key
        return f"HttpTransport(provider={self.provider!r}, base_url={self.base_url!r})"

    # -- clients

    def sync_client(self) -> httpx.Client:
        """The pooled client, created on first use."""
        if self.client is None:
            with self._lock:
                if self.client is None:
                    self.client = httpx.Client(
                        transport=self.transport, timeout=self.timeouts.httpx(),
                        limits=httpx.Limits(max_connections=self.max_connections,
                                            max_keepalive_connections=min(20, self.max_connections)))
        return self.client

    def async_client(self) -> httpx.AsyncClient:
        """An AsyncClient for the running event loop (connections are bound to their loop)."""
        loop = asyncio.get_running_loop()
        client = self._aclients.get(id(loop))
        if client is None:
            client = httpx.AsyncClient(
                transport=self.async_transport, timeout=self.timeouts.httpx(),
                limits=httpx.Limits(max_connections=self.max_connections,
                                    max_keepalive_connections=self.max_connections))
            self._aclients[id(loop)] = client
        return client

    async def aclose(self) -> None:
        """Close the running loop's AsyncClient (call before the loop ends)."""
        client = self._aclients.pop(id(asyncio.get_running_loop()), None)
        if client is not None:
            await client.aclose()

    def close(self) -> None:
        """Close the pooled client if this transport created it."""
        if self.client is not None and self._owns_client:
            self.client.close()
            self.client = None

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def _build(self, client, method, path, json_body, params, timeout, stream):
        return client.build_request(method, self.url(path), json=json_body, params=params,
                                    headers=self.headers, timeout=self.timeouts.httpx(stream=stream, total=timeout))

    # -- one attempt's outcome -> response or error

    def _failure(self, response: httpx.Response, text: str) -> LlmError:
        return error_from_response(self.provider, response.status_code, text, response.headers,
                                   secrets=self.secrets)

    def _decide(self, err: LlmError, attempt: int) -> float | None:
        if not err.retriable or attempt >= self.retry.max_retries:
            return None
        return self.retry.delay(attempt, err.retry_after)

    # -- sync

    def send(self, method: str, path: str, *, json: Any = None, params=None,
             timeout: float | None = None, stream: bool = False) -> httpx.Response:
        """Send with retries; return a 2xx response (unread when STREAM: close it) or raise LlmError."""
        client = self.sync_client()
        attempt = 0
        while True:
            request = self._build(client, method, path, json, params, timeout, stream)
            try:
                response = client.send(request, stream=stream)
            except httpx.HTTPError as exc:
                err = error_from_exception(self.provider, exc, request, secrets=self.secrets)
                err.__cause__ = exc
            else:
                if response.status_code < 400:
                    return response
                try:
                    text = response.read().decode("utf-8", "replace")
                except httpx.HTTPError:
                    text = ""
                finally:
                    response.close()
                err = self._failure(response, text)
            delay = self._decide(err, attempt)
            if delay is None:
                raise err
            self.retry.sleep(delay)
            attempt += 1

    def request_json(self, method: str, path: str, *, json: Any = None, params=None,
                     timeout: float | None = None) -> Any:
        """Send (with retries) and decode the JSON answer."""
        response = self.send(method, path, json=json, params=params, timeout=timeout)
        return self._decode(response, response.text)

    def _decode(self, response: httpx.Response, text: str) -> Any:
        try:
            return json_loads(text)
        except ValueError as exc:
            raise not_json_error(self.provider, response, text, secrets=self.secrets) from exc

    @contextmanager
    def stream(self, method: str, path: str, *, json: Any = None, params=None,
               timeout: float | None = None):
        """Open a streamed request; yields a :class:`StreamReader`.  The response is closed on exit."""
        deadline = time.monotonic() + timeout if timeout else None
        response = self.send(method, path, json=json, params=params, timeout=timeout, stream=True)
        try:
            yield StreamReader(self, response, deadline)
        finally:
            response.close()

    # -- async (concurrent batches)

    async def asend(self, method: str, path: str, *, json: Any = None, params=None,
                    timeout: float | None = None) -> httpx.Response:
        """The async twin of :meth:`send` (no streaming); the body is read."""
        client = self.async_client()
        attempt = 0
        while True:
            request = self._build(client, method, path, json, params, timeout, False)
            try:
                response = await client.send(request)
            except httpx.HTTPError as exc:
                err = error_from_exception(self.provider, exc, request, secrets=self.secrets)
                err.__cause__ = exc
            else:
                if response.status_code < 400:
                    return response
                err = self._failure(response, response.text)
            delay = self._decide(err, attempt)
            if delay is None:
                raise err
            await self.retry.asleep(delay)
            attempt += 1

    async def arequest_json(self, method: str, path: str, *, json: Any = None, params=None,
                            timeout: float | None = None) -> Any:
        response = await self.asend(method, path, json=json, params=params, timeout=timeout)
        return self._decode(response, response.text)


def json_loads(text: str) -> Any:
    return json.loads(text)


class StreamReader:
    """Lines of a streamed 2xx response, with mid-stream failures mapped to LLM errors."""

    def __init__(self, transport: HttpTransport, response: httpx.Response, deadline: float | None):
        self.transport = transport
        self.response = response
        self.deadline = deadline

    @property
    def content_type(self) -> str:
        return self.response.headers.get("content-type", "").split(";")[0].strip().lower()

    def read_json(self) -> Any:
        """Read the whole body as JSON (a server that ignored ``stream: true``)."""
        text = self._guard(lambda: self.response.read().decode("utf-8", "replace"))
        return self.transport._decode(self.response, text)

    def lines(self):
        """Yield the body's lines; raise LlmTimeoutError on silence, StreamError on a cut."""
        it = self.response.iter_lines()
        while True:
            line = self._guard(lambda: next(it, None))
            if line is None:
                return
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise LlmTimeoutError(f"provider :{self.transport.provider} stream exceeded its total timeout",
                                      provider=self.transport.provider)
            yield line

    def _guard(self, fn):
        provider = self.transport.provider
        try:
            return fn()
        except httpx.TimeoutException as exc:
            idle = self.transport.timeouts.idle
            raise LlmTimeoutError(f"provider :{provider} stream stalled: no data for {idle:g}s",
                                  provider=provider) from exc
        except httpx.HTTPError as exc:
            raise StreamError(f"provider :{provider} stream was cut before it finished: {exc}",
                              provider=provider, status=self.response.status_code,
                              secrets=self.transport.secrets) from exc

    def cut(self, what: str) -> StreamError:
        """The error for a body that ended cleanly but before the stream's end marker."""
        return StreamError(f"provider :{self.transport.provider} stream ended before {what}",
                           provider=self.transport.provider, status=self.response.status_code)

    def error_event(self, payload: Any) -> StreamError:
        """The error for an error event sent after HTTP 200 (the vendor's message kept)."""
        message, tags, _ = extract_error(payload)
        provider = self.transport.provider
        text = message or snippet(json.dumps(payload) if not isinstance(payload, str) else payload)
        kind = f" ({tags[0]})" if tags else ""
        return StreamError(f"provider :{provider} sent an error mid-stream{kind}: {text}",
                           provider=provider, status=self.response.status_code,
                           provider_message=message, secrets=self.transport.secrets)

    def bad_json(self, data: str) -> StreamError:
        return StreamError(f"provider :{self.transport.provider} sent a stream event that is not JSON: "
                           f"{snippet(data)!r}", provider=self.transport.provider,
                           status=self.response.status_code, secrets=self.transport.secrets)


__all__ = ["HttpTransport", "RetryPolicy", "Timeouts", "StreamReader", "parse_retry_after",
           "error_from_response", "error_from_exception", "extract_error", "snippet", "is_retry_status"]
