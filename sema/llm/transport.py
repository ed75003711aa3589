"""HTTP for every provider: pooled clients, timeouts, retries, auth, error mapping.

One :class:`HttpTransport` per provider owns one pooled ``httpx.Client``
(created on first use, thread-safe) and, for concurrent batches, an
``httpx.AsyncClient`` per event loop.  Tests and embedders inject a client or
an ``httpx`` transport (``httpx.MockTransport``).  An ``auth`` (an
``httpx.Auth``: a token source, a request signer) is applied to every
attempt, so a retried request is signed again.

Timeouts (seconds; the defaults are :data:`DEFAULT_TIMEOUTS`):

=========  =======  ==========================================================
connect    10       opening the connection
read       180      waiting for a non-streamed answer (httpx's read timeout)
idle       90       the longest silence in a stream, before its first chunk too
total      300      the whole call, retries and backoff included
=========  =======  ==========================================================

A request's ``timeout`` replaces ``total``: it is the deadline of the whole
call.  Each attempt's connect/read timeouts are cut to the time left, a
backoff that would overrun the deadline is not slept, and a stream checks
the deadline between chunks.  So a server that never answers costs at most
``total`` (five minutes by default), not three times the read timeout.

Retries (one layer only): connection errors, timeouts and HTTP 408, 409,
429, 5xx and 529 are retried up to ``max_retries`` times (default 2) with
full-jitter exponential backoff, ``random() * min(base * 2**n, max_delay)``.
A ``retry-after-ms`` / ``retry-after`` header (seconds or an HTTP date) is
honoured when it is at most ``max_retry_after``; if the server asks for
longer, the error is raised at once.  ``x-should-retry: true|false``
overrides the decision.  Streams are retried only until the response
headers arrive; a failure mid-stream is a :class:`StreamError` or
:class:`LlmTimeoutError`.

Base URLs may carry a query string (Azure's ``...?api-version=...``): it is
kept after the path (:func:`join_url`).
"""

from __future__ import annotations

import json
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from .errors import LlmError, LlmTimeoutError, StreamError
from .http_errors import (RETRY_STATUSES, connection_detail, error_from_exception, error_from_response, extract_error,  # noqa: F401
                          is_retry_status, not_json_error, parse_retry_after, snippet)

DEFAULT_CONNECT = 10.0
DEFAULT_READ = 180.0
DEFAULT_WRITE = 30.0
DEFAULT_POOL = 30.0
DEFAULT_IDLE = 90.0
DEFAULT_TOTAL = 300.0
#: the documented defaults (docs/llm.md, "Timeouts")
DEFAULT_TIMEOUTS = {"connect": DEFAULT_CONNECT, "read": DEFAULT_READ, "idle": DEFAULT_IDLE, "total": DEFAULT_TOTAL}


def join_url(base: str, path: str) -> str:
    """BASE + PATH, keeping a query string of BASE after the path (and merging PATH's own query)."""
    if path.startswith(("http://", "https://")):
        return path
    if not path:
        return base
    parts = urlsplit(base)
    extra_path, _, extra_query = path.partition("?")
    joined = parts.path.rstrip("/") + "/" + extra_path.lstrip("/")
    query = parse_qsl(parts.query, keep_blank_values=True) + parse_qsl(extra_query, keep_blank_values=True)
    return urlunsplit((parts.scheme, parts.netloc, joined, urlencode(query, safe=":/"), ""))


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
            import asyncio  # async callers have it loaded; sync start-up does not pay ~13 ms
            await asyncio.sleep(seconds)
        else:  # an injected (test) sleep
            self.sleep(seconds)


@dataclass
class Timeouts:
    """Timeouts in seconds (see the module docstring); ``total`` is the deadline of a whole call."""

    connect: float = DEFAULT_CONNECT
    read: float = DEFAULT_READ
    write: float = DEFAULT_WRITE
    pool: float = DEFAULT_POOL
    idle: float = DEFAULT_IDLE
    total: float = DEFAULT_TOTAL

    def httpx(self, *, stream: bool = False, left: float | None = None) -> httpx.Timeout:
        """The httpx timeouts of one attempt, cut to LEFT seconds (the time to the deadline)."""
        read = self.idle if stream else self.read
        connect, write = self.connect, self.write
        if left is not None:
            left = max(left, 0.001)
            read, connect, write = min(read, left), min(connect, left), min(write, left)
        return httpx.Timeout(connect=connect, read=read, write=write, pool=self.pool)


class Deadline:
    """The end of a call's total time: ``left()`` seconds remain."""

    __slots__ = ("seconds", "end")

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.end = time.monotonic() + seconds if seconds else None

    def left(self) -> float | None:
        return None if self.end is None else self.end - time.monotonic()

    def passed(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end


@dataclass
class HttpTransport:
    """The HTTP side of one provider: base URL, headers, auth, pooled clients, retries.

    ``secrets`` (the API key) are redacted from every error, as are the
    current secrets of ``auth`` (tokens it obtained).  ``client`` /
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
    auth: httpx.Auth | None = None

    def __post_init__(self):
        self._lock = threading.Lock()
        self._owns_client = self.client is None
        self._aclients: dict[int, httpx.AsyncClient] = {}

    def __repr__(self) -> str:  # never show headers: they hold the key
        return f"HttpTransport(provider={self.provider!r}, base_url={self.base_url!r})"

    def all_secrets(self) -> tuple:
        """The static secrets plus whatever tokens the auth holds now."""
        dynamic = getattr(self.auth, "secrets", None)
        return self.secrets + (tuple(dynamic()) if callable(dynamic) else ())

    # -- clients

    def sync_client(self) -> httpx.Client:
        """The pooled client, created on first use."""
        if self.client is None:
            with self._lock:
                if self.client is None:
                    self.client = httpx.Client(
                        transport=self.transport, timeout=self.timeouts.httpx(), verify=self._verify(),
                        limits=httpx.Limits(max_connections=self.max_connections,
                                            max_keepalive_connections=min(20, self.max_connections)))
        return self.client

    def _verify(self) -> bool:
        """Whether the pooled client sets up TLS verification: not for a plain http:// base URL without an
        auth scheme (loading the CA bundle costs ~25 ms of the first call).  A request to an absolute
        https:// path still goes through a verifying client (``_checked``)."""
        return not (self.base_url.startswith("http://") and self.auth is None)

    def _checked(self, client, request):
        """CLIENT, or a verifying client when REQUEST leaves plain http for https on an unverified one."""
        if request.url.scheme != "https" or self._verify():
            return client
        if isinstance(client, httpx.AsyncClient):
            return httpx.AsyncClient(transport=self.async_transport, timeout=self.timeouts.httpx())
        return httpx.Client(transport=self.transport, timeout=self.timeouts.httpx())

    def async_client(self) -> httpx.AsyncClient:
        """An AsyncClient for the running event loop (connections are bound to their loop)."""
        import asyncio
        loop = asyncio.get_running_loop()
        client = self._aclients.get(id(loop))
        if client is None:
            client = httpx.AsyncClient(
                transport=self.async_transport, timeout=self.timeouts.httpx(), verify=self._verify(),
                limits=httpx.Limits(max_connections=self.max_connections,
                                    max_keepalive_connections=self.max_connections))
            self._aclients[id(loop)] = client
        return client

    async def aclose(self) -> None:
        """Close the running loop's AsyncClient (call before the loop ends)."""
        import asyncio
        client = self._aclients.pop(id(asyncio.get_running_loop()), None)
        if client is not None:
            await client.aclose()

    def close(self) -> None:
        """Close the pooled client if this transport created it."""
        if self.client is not None and self._owns_client:
            self.client.close()
            self.client = None

    def url(self, path: str) -> str:
        return join_url(self.base_url, path)

    def _build(self, client, method, path, body, params, deadline: Deadline, stream):
        content = None if body is None else json.dumps(body).encode()  # the exact bytes a signer hashes
        return client.build_request(method, self.url(path), content=content, params=params, headers=self.headers,
                                    timeout=self.timeouts.httpx(stream=stream, left=deadline.left()))

    # -- one attempt's outcome -> response or error

    def _failure(self, response: httpx.Response, text: str) -> LlmError:
        return error_from_response(self.provider, response.status_code, text, response.headers,
                                   secrets=self.all_secrets())

    def _decide(self, err: LlmError, attempt: int, deadline: Deadline) -> float:
        """Seconds to wait before the next attempt; raises ERR (or a total-timeout error) when there is none."""
        if not err.retriable or attempt >= self.retry.max_retries:
            raise err
        delay = self.retry.delay(attempt, err.retry_after)
        if delay is None:
            raise err
        left = deadline.left()
        if left is not None and delay >= left:  # no time left for another attempt
            raise self._out_of_time(deadline, attempt + 1, err)
        return delay

    def _out_of_time(self, deadline: Deadline, attempts: int, last: LlmError | None) -> LlmTimeoutError:
        tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
        cause = f"; last error: {last.message}" if last is not None else ""
        return LlmTimeoutError(f"provider :{self.provider} exceeded its total timeout of {deadline.seconds:g}s"
                               f"{tries}{cause}", provider=self.provider, secrets=self.all_secrets())

    def deadline(self, timeout: float | None) -> Deadline:
        """The deadline of a call: its own TIMEOUT, else the transport's total."""
        return Deadline(timeout if timeout else self.timeouts.total)

    # -- sync

    def send(self, method: str, path: str, *, json: Any = None, params=None,
             timeout: float | None = None, stream: bool = False, deadline: Deadline | None = None) -> httpx.Response:
        """Send with retries; return a 2xx response (unread when STREAM: close it) or raise LlmError."""
        client = self.sync_client()
        deadline = deadline or self.deadline(timeout)
        attempt = 0
        last = None
        while True:
            if deadline.passed():
                raise self._out_of_time(deadline, attempt, last)
            request = self._build(client, method, path, json, params, deadline, stream)
            try:
                response = self._checked(client, request).send(request, stream=stream, auth=self.auth)
            except httpx.HTTPError as exc:
                err = error_from_exception(self.provider, exc, request, secrets=self.all_secrets())
                err.__cause__ = None
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
            last = err
            self.retry.sleep(self._decide(err, attempt, deadline))
            attempt += 1

    def request_json(self, method: str, path: str, *, json: Any = None, params=None,
                     timeout: float | None = None) -> Any:
        """Send (with retries) and decode the JSON answer."""
        response = self.send(method, path, json=json, params=params, timeout=timeout)
        return self._decode(response, response.text)

    def _decode(self, response: httpx.Response, text: str) -> Any:
        try:
            return json_loads(text)
        except ValueError:
            raise not_json_error(self.provider, response, text, secrets=self.all_secrets()) from None

    @contextmanager
    def stream(self, method: str, path: str, *, json: Any = None, params=None,
               timeout: float | None = None):
        """Open a streamed request; yields a :class:`StreamReader`.  The response is closed on exit."""
        deadline = self.deadline(timeout)
        response = self.send(method, path, json=json, params=params, stream=True, deadline=deadline)
        try:
            yield StreamReader(self, response, deadline)
        finally:
            response.close()

    # -- async (concurrent batches)

    async def asend(self, method: str, path: str, *, json: Any = None, params=None,
                    timeout: float | None = None) -> httpx.Response:
        """The async twin of :meth:`send` (no streaming); the body is read."""
        client = self.async_client()
        deadline = self.deadline(timeout)
        attempt = 0
        last = None
        while True:
            if deadline.passed():
                raise self._out_of_time(deadline, attempt, last)
            request = self._build(client, method, path, json, params, deadline, False)
            try:
                response = await self._checked(client, request).send(request, auth=self.auth)
            except httpx.HTTPError as exc:
                err = error_from_exception(self.provider, exc, request, secrets=self.all_secrets())
            else:
                if response.status_code < 400:
                    return response
                err = self._failure(response, response.text)
            last = err
            await self.retry.asleep(self._decide(err, attempt, deadline))
            attempt += 1

    async def arequest_json(self, method: str, path: str, *, json: Any = None, params=None,
                            timeout: float | None = None) -> Any:
        response = await self.asend(method, path, json=json, params=params, timeout=timeout)
        return self._decode(response, response.text)


def json_loads(text: str) -> Any:
    return json.loads(text)


class StreamReader:
    """Lines of a streamed 2xx response, with mid-stream failures mapped to LLM errors."""

    def __init__(self, transport: HttpTransport, response: httpx.Response, deadline: Deadline):
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
            if self.deadline.passed():
                raise LlmTimeoutError(f"provider :{self.transport.provider} stream exceeded its total timeout "
                                      f"of {self.deadline.seconds:g}s", provider=self.transport.provider)
            yield line

    def chunks(self):
        """Yield the body's raw bytes as they arrive (binary streams: Bedrock's event stream)."""
        it = self.response.iter_bytes()
        while True:
            data = self._guard(lambda: next(it, None))
            if data is None:
                return
            if self.deadline.passed():
                raise LlmTimeoutError(f"provider :{self.transport.provider} stream exceeded its total timeout "
                                      f"of {self.deadline.seconds:g}s", provider=self.transport.provider)
            yield data

    def _guard(self, fn):
        provider = self.transport.provider
        try:
            return fn()
        except httpx.TimeoutException as exc:
            idle = self.transport.timeouts.idle
            raise LlmTimeoutError(f"provider :{provider} stream stalled: no data for {idle:g}s",
                                  provider=provider) from exc
        except httpx.HTTPError as exc:
            raise StreamError(f"provider :{provider} stream was cut before it finished: {connection_detail(exc)}",
                              provider=provider, status=self.response.status_code,
                              secrets=self.transport.all_secrets()) from None

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
                           provider_message=message, secrets=self.transport.all_secrets())

    def bad_json(self, data: str) -> StreamError:
        return StreamError(f"provider :{self.transport.provider} sent a stream event that is not JSON: "
                           f"{json.dumps(snippet(data))}", provider=self.transport.provider,
                           status=self.response.status_code, secrets=self.transport.all_secrets())


__all__ = ["HttpTransport", "RetryPolicy", "Timeouts", "Deadline", "StreamReader", "parse_retry_after",
           "error_from_response", "error_from_exception", "extract_error", "snippet", "is_retry_status",
           "join_url", "DEFAULT_TIMEOUTS"]
