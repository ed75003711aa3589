"""Short-lived tokens: a cached, thread-safe source and the httpx auth that sends them.

A :class:`TokenSource` obtains a token (an exchange, a refresh, a signed
JWT) with :meth:`TokenSource.fetch`, caches it until :data:`REFRESH_MARGIN`
seconds before it expires, and fetches again after that, so a long-running
program never sends an expired token.  :class:`TokenAuth` puts the token in
the request's ``Authorization`` header; when the server still answers 401
(a token revoked early), it fetches a new one and retries once.

Tokens are secrets: :meth:`TokenSource.secrets` lists the current ones so
that errors redact them, and no repr shows them.  Token endpoints are
reached with their own small ``httpx.Client`` (built with the provider's
injected transport, so tests can point them at a fake server).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from ..errors import AuthError, LlmError

#: fetch a new token this many seconds before the old one expires
REFRESH_MARGIN = 60.0


class TokenSource:
    """Caches ``fetch()``'s token until shortly before it expires.  Subclasses implement ``fetch``."""

    #: the provider name used in error messages
    provider = "?"

    def __init__(self, *, transport: httpx.BaseTransport | None = None, timeout: float = 30.0,
                 clock=time.time):
        self._transport = transport
        self._timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetches = 0  # how many times a token was obtained (tests and llm/provider-health read it)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} :{self.provider}{' (token cached)' if self._token else ''}>"

    def fetch(self) -> tuple[str, float]:
        """Obtain a new token: ``(token, expires_at)`` in seconds since the epoch."""
        raise NotImplementedError

    def token(self, *, force: bool = False) -> str:
        """A valid token (cached, or fetched now)."""
        with self._lock:
            if force or self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN:
                self._token, self._expires_at = self.fetch()
                self.fetches += 1
            return self._token

    @property
    def expires_at(self) -> float:
        return self._expires_at

    def secrets(self) -> tuple:
        return (self._token,) if self._token else ()

    def headers(self, token: str) -> dict:
        """The headers that carry TOKEN (Bearer by default)."""
        return {"authorization": f"Bearer {token}"}

    # -- HTTP to the token endpoint

    def post(self, url: str, *, data=None, json=None, headers=None, what: str = "token request") -> dict:
        return self._call("POST", url, data=data, json=json, headers=headers, what=what)

    def get(self, url: str, *, headers=None, what: str = "token request") -> dict:
        return self._call("GET", url, headers=headers, what=what)

    def _call(self, method, url, *, what, **kw) -> dict:
        from ..http_errors import connection_detail, extract_error, snippet
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout) as client:
                response = client.request(method, url, **kw)
        except httpx.HTTPError as exc:
            raise AuthError(f"provider :{self.provider}: the {what} to {url} failed: {connection_detail(exc)}",
                            provider=self.provider, retriable=True) from None
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            message = None
            if isinstance(body, dict) and isinstance(body.get("error_description"), str):  # OAuth's error shape
                message = f"{body.get('error')}: {body['error_description']}" if body.get("error") \
                    else body["error_description"]
            if message is None:
                message, _, _ = extract_error(body)
            message = message or snippet(response.text)
            raise AuthError(f"provider :{self.provider}: the {what} was refused "
                            f"({response.status_code}): {message}", provider=self.provider,
                            status=response.status_code, secrets=self.secrets())
        if not isinstance(body, dict):
            raise AuthError(f"provider :{self.provider}: the {what} answered something that is not a JSON object",
                            provider=self.provider, status=response.status_code)
        return body


def expiry(body: dict, clock=time.time, *, default: float = 3600.0) -> float:
    """``expires_at`` (epoch seconds) from a token answer's ``expires_at`` or ``expires_in``."""
    at = body.get("expires_at")
    if isinstance(at, (int, float)) and not isinstance(at, bool):
        return float(at) / 1000.0 if at > 1e11 else float(at)  # some services answer in milliseconds
    seconds = body.get("expires_in")
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
        return clock() + float(seconds)
    return clock() + default


def required(body: dict, key: str, source: TokenSource, what: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise LlmError(f"provider :{source.provider}: the {what} answer has no \"{key}\"", provider=source.provider)
    return value


class TokenAuth(httpx.Auth):
    """httpx auth: the source's token in the headers; on a 401, one retry with a fresh token."""

    def __init__(self, source: TokenSource):
        self.source = source

    def secrets(self) -> tuple:
        return self.source.secrets()

    def _apply(self, request: httpx.Request, token: str) -> None:
        for name, value in self.source.headers(token).items():
            request.headers[name] = value

    def sync_auth_flow(self, request):
        self._apply(request, self.source.token())
        response = yield request
        if response.status_code == 401:
            response.read()
            self._apply(request, self.source.token(force=True))
            yield request

    async def async_auth_flow(self, request):
        import asyncio
        self._apply(request, await asyncio.to_thread(self.source.token))
        response = yield request
        if response.status_code == 401:
            await response.aread()
            self._apply(request, await asyncio.to_thread(self.source.token, force=True))
            yield request


__all__ = ["TokenSource", "TokenAuth", "expiry", "required", "REFRESH_MARGIN"]
