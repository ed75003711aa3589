"""Routing written in Lisp: ``sema serve -l config.scm`` and its ``(define (route req) ...)``.

The config file runs once at start-up in the server's interpreter: it may
configure providers (``llm/configure``, ``llm/define-provider``), set the
failover order, and define ``route``.  For each request that is not
forwarded with ``X-LLM-Proxy-Upstream``, ``route`` receives the request map
(the contract's keys) plus ``:endpoint``, ``:stream``, ``:tenant`` (the hash
of the client's credential) and ``:headers`` (lower-case names; credentials
left out), and returns

- nil: sema's own routing (``provider/model`` in the model name, else the
  failover order);
- a provider name (``:groq``, ``"ollama"``): that provider only;
- a map of changes: any of ``:provider :model :system :temperature
  :max-tokens :messages :stop-sequences``, and ``:cache`` (``#f`` not to
  cache this request, or a map of cache options such as ``{:namespace
  "team-a" :ttl 60}``).

One interpreter runs one evaluation at a time, so every Lisp call the
server makes (the routing function, Lisp providers, Lisp embedders) holds
one lock.
"""

from __future__ import annotations

import threading

from ..llm.types import FieldError, Message
from .wire import ClientError

#: request headers never shown to the routing function
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "proxy-authorization", "cookie"})
CHANGES = ("provider", "model", "system", "temperature", "max-tokens", "messages", "stop-sequences", "cache")


class RouteError(Exception):
    """The routing function failed or answered something it may not: a 500 naming the problem."""


class Decision:
    """What routing decided: the (maybe rewritten) request, one provider or None, cache changes or None."""

    __slots__ = ("request", "provider", "cache")

    def __init__(self, request, provider=None, cache=None):
        self.request = request
        self.provider = provider
        self.cache = cache        # None: as configured; False: not cached; a dict: option changes


class Routing:
    """The interpreter the server runs its Lisp in, and its ``route`` function (if the config defines one)."""

    def __init__(self, interp, files=()):
        self.interp = interp
        self.lock = threading.RLock()
        for path in files:
            interp.load_file(path)
        self._share_lock()
        from ..runtime.names import mangle
        fn = interp.namespace.get(mangle("route"))
        self.fn = fn if callable(fn) else None

    def _share_lock(self) -> None:
        """Make the Lisp providers of the config take the server's one Lisp lock."""
        from ..llm.lisp_provider import LispProvider
        registry = self.interp.llm
        for name in registry.list():
            provider = registry.get(name)
            if isinstance(provider, LispProvider):
                provider._lock = self.lock

    def decide(self, request, *, endpoint: str, stream: bool, tenant: str, headers) -> Decision:
        """Run ``route`` (when defined) for REQUEST; returns the Decision."""
        if self.fn is None:
            return Decision(request)
        from ..convert import to_python
        from ..llm.lisp_provider import request_map
        from ..values import Keyword, Map, make_map, map_items
        shown = make_map((k, v) for k, v in headers.items() if k.lower() not in SECRET_HEADERS)
        req = request_map(request).set(Keyword("endpoint"), endpoint).set(Keyword("stream"), bool(stream)) \
            .set(Keyword("tenant"), tenant).set(Keyword("headers"), shown)
        with self.lock:
            try:
                result = self.interp.apply(self.fn, [req])
            except Exception as exc:
                raise RouteError(f"the routing function failed: {getattr(exc, 'message', None) or exc}") from None
        if result is None:
            return Decision(request)
        if isinstance(result, (str, Keyword)):
            return Decision(request, _name(result))
        if not isinstance(result, Map):
            from ..llm.describe import got
            raise RouteError(f"the routing function must return nil, a provider name or a map, got {got(result)}")
        changes = {(k.name if isinstance(k, Keyword) else str(k)): v for k, v in map_items(result)}
        unknown = sorted(set(changes) - set(CHANGES))
        if unknown:
            raise RouteError(f"the routing function returned an unknown key :{unknown[0]} "
                             f"(expected {', '.join(':' + c for c in CHANGES)})")
        provider = _name(changes["provider"]) if changes.get("provider") is not None else None
        cache = changes.get("cache")
        if cache is not None and cache is not False:
            cache = to_python(cache) if isinstance(cache, Map) else None
        fields = {}
        for key in ("model", "system", "temperature", "max-tokens", "stop-sequences"):
            if key in changes:
                value = changes[key]
                fields[key.replace("-", "_")] = to_python(value) if not isinstance(value, (str, int, float)) \
                    else value
        if "messages" in changes:
            try:
                fields["messages"] = tuple(Message.from_python(m) for m in to_python(changes["messages"]))
            except (FieldError, TypeError) as exc:
                raise RouteError(f"the routing function returned bad :messages: {exc}") from None
        try:
            request = request.evolve(**fields) if fields else request
        except FieldError as exc:
            raise RouteError(f"the routing function returned a bad request: {exc.message}") from None
        return Decision(request, provider, cache)


def _name(x) -> str:
    name = getattr(x, "name", x)
    if not isinstance(name, str) or not name:
        raise ClientError(500, f"the routing function returned a bad provider name: {x!r}", "api_error")
    return name.lstrip(":")


__all__ = ["Routing", "Decision", "RouteError", "SECRET_HEADERS"]
