"""Forwarding to ``X-LLM-Proxy-Upstream``: the allow-list, and a transparent relay.

The header names the URL to send the request to, with the client's own
credentials: an open door unless it is guarded.  Only these upstreams are
reachable (anything else is refused with 403, so the proxy cannot be used to
reach other machines or services on its network):

- the host and port of every configured provider's base URL;
- each ``--allow-upstream`` entry: ``HOST`` (any port) or ``HOST:PORT``.

Only ``http`` and ``https`` URLs without user info are accepted, and
redirects are not followed.  The relay is transparent: the client's body is
sent as it came, with the client's ``Authorization`` (or ``x-api-key``) and
the vendor's version headers; the upstream's status, body and rate-limit
headers come back unchanged, errors included.  A connection failure is
answered with semcache's shape: ``{"error": "Failed to connect to upstream:
..."}`` (502, or 504 for a timeout).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .wire import ClientError

#: request headers passed on to the upstream
FORWARD_HEADERS = ("authorization", "x-api-key", "api-key", "anthropic-version", "anthropic-beta",
                   "openai-organization", "openai-project", "content-type", "accept", "user-agent")
#: response headers passed back to the client (besides every ``*ratelimit*`` header)
RETURN_HEADERS = ("content-type", "retry-after", "retry-after-ms", "x-request-id", "request-id",
                  "openai-processing-ms", "x-should-retry")


def _host_port(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


class AllowList:
    """The upstreams X-LLM-Proxy-Upstream may name."""

    def __init__(self, hosts=(), ports=()):
        self.hosts: set[str] = set()            # any port
        self.ports: set[tuple[str, int]] = set(ports)
        for entry in hosts:
            self.add(entry)

    def add(self, entry: str) -> None:
        """``HOST`` (any port), ``HOST:PORT``, or a URL (its host and port)."""
        entry = entry.strip()
        if "://" in entry:
            hp = _host_port(entry)
            if hp is None:
                raise ValueError(f"--allow-upstream: not an http(s) URL: {entry!r}")
            self.ports.add(hp)
            return
        host, sep, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if sep:
            if not port.isdigit():
                raise ValueError(f"--allow-upstream: bad port in {entry!r}")
            self.ports.add((host.lower(), int(port)))
        else:
            self.hosts.add(entry.strip("[]").lower())

    @classmethod
    def of(cls, registry, extra=()) -> "AllowList":
        """The configured providers' hosts and ports, plus EXTRA."""
        allow = cls(extra)
        for name in registry.list():
            base = getattr(registry.get(name), "base_url", None)
            hp = _host_port(base) if isinstance(base, str) else None
            if hp is not None:
                allow.ports.add(hp)
        return allow

    def check(self, url: str) -> str:
        """URL itself when it may be reached; a ClientError (403) otherwise."""
        parts = urlsplit(url) if isinstance(url, str) else None
        hp = _host_port(url) if parts is not None else None
        if hp is None:
            raise ClientError(400, f"X-LLM-Proxy-Upstream must be an http:// or https:// URL, got {url!r}")
        if parts.username or parts.password:
            raise ClientError(400, "X-LLM-Proxy-Upstream must not carry user info")
        host, port = hp
        if host in self.hosts or hp in self.ports:
            return url
        raise ClientError(403, f"upstream {host}:{port} is not allowed: only configured providers and hosts "
                               f"given with --allow-upstream can be reached", "forbidden")

    def describe(self) -> list[str]:
        return sorted(self.hosts) + sorted(f"{h}:{p}" for h, p in self.ports)


def forward_headers(headers) -> dict:
    """The client's headers to pass on (its credentials and the vendor's version headers)."""
    return {k: v for k, v in ((k, headers.get(k)) for k in FORWARD_HEADERS) if v is not None}


def return_headers(headers) -> dict:
    """The upstream's headers to pass back: content type, rate limits, retry-after, request ids."""
    out = {}
    for k, v in headers.items():
        lk = k.lower()
        if lk in RETURN_HEADERS or "ratelimit" in lk:
            out[lk] = v
    return out


class Forwarder:
    """Pooled ``httpx.AsyncClient``s for the forwarded requests (created in the server's event loop).

    Several small pools rather than one large one: httpcore looks at every
    connection of a pool for each request it places, which costs more CPU
    than the rest of the proxy once dozens of connections are open.
    """

    POOLS = 8

    def __init__(self, timeout: float):
        import httpx
        self.httpx = httpx
        self.timeout = timeout
        self.clients: list = [None] * self.POOLS   # made on first use, sharing one TLS context
        self._tls = None
        self._turn = 0

    def _client(self):
        self._turn = (self._turn + 1) % self.POOLS
        client = self.clients[self._turn]
        if client is None:
            httpx = self.httpx
            if self._tls is None:  # loading the CA bundle takes tens of milliseconds: once
                import ssl

                import certifi
                self._tls = ssl.create_default_context(cafile=certifi.where())
            client = self.clients[self._turn] = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)), follow_redirects=False,
                verify=self._tls, limits=httpx.Limits(max_connections=32, max_keepalive_connections=16))
        return client

    async def open(self, method: str, url: str, body: bytes | None, headers: dict):
        """Send and return the streamed response (close it), or raise ClientError for a failed connection."""
        httpx = self.httpx
        client = self._client()
        request = client.build_request(method, url, content=body, headers=headers)
        try:
            return await client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise upstream_error(exc) from None
        except httpx.HTTPError as exc:
            raise upstream_error(exc) from None

    async def aclose(self) -> None:
        for client in self.clients:
            if client is not None:
                await client.aclose()


class UpstreamError(Exception):
    """The upstream could not be reached: STATUS and the semcache-shaped body."""

    def __init__(self, status: int, message: str, kind: str):
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind

    def body(self) -> dict:
        return {"error": self.message}


def upstream_error(exc) -> UpstreamError:
    import httpx
    if isinstance(exc, httpx.ConnectTimeout):
        return UpstreamError(504, "Failed to connect to upstream: Connection timeout", "timeout")
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamError(504, "Upstream timed out before it answered", "timeout")
    if isinstance(exc, httpx.ConnectError):
        return UpstreamError(502, f"Failed to connect to upstream: {_detail(exc)}", "connection")
    return UpstreamError(502, f"Upstream connection failed: {_detail(exc)}", "connection")


def _detail(exc) -> str:
    """What went wrong, from the most specific error in EXC's chain (anyio's "All connection attempts
    failed" hides the refused connection underneath)."""
    from ..llm.http_errors import connection_detail
    seen, cause = [], exc
    while cause is not None and cause not in seen and len(seen) < 8:
        seen.append(cause)
        cause = cause.__cause__ or cause.__context__
    for err in reversed(seen):
        if isinstance(err, OSError) or err is exc:
            return connection_detail(err)
    return connection_detail(exc)


__all__ = ["AllowList", "Forwarder", "UpstreamError", "forward_headers", "return_headers", "upstream_error"]
