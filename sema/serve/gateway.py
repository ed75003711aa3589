"""The synchronous core of ``sema serve``: routing, the cache's three steps, the router, usage.

The ASGI layer (:mod:`.app`) parses and renders; everything that may block
(SQLite, embeddings, providers, Lisp) is here and runs on worker threads.
One :class:`Gateway` per server process holds the interpreter (its
providers, router, usage tracker and response cache), the routing function,
the upstream allow-list and the metrics.
"""

from __future__ import annotations

import time

from ..cache.keys import tenant_of
from ..cache.response import OFF, CacheInfo, Probe, record_hit, target_of
from ..llm.router import complete_with_fallback
from ..llm.types import ChatResponse
from .metrics import Metrics
from .routing import Routing
from .upstream import AllowList
from .wire import ClientError


class Plan:
    """One chat request, decided: what to send, where, and how it is cached."""

    __slots__ = ("request", "entries", "upstream", "probe", "tenant", "started")

    def __init__(self, request, entries, upstream, probe, tenant, started):
        self.request = request
        self.entries = entries        # the router's entries (None when forwarding)
        self.upstream = upstream      # the upstream URL (None: sema's providers)
        self.probe: Probe | None = probe
        self.tenant = tenant
        self.started = started


def credential(headers) -> str | None:
    """The client's credential: a bearer token, ``x-api-key`` or Azure's ``api-key``."""
    auth = headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else auth.strip()
    return headers.get("x-api-key") or headers.get("api-key")


class Gateway:
    """What one server process shares between requests."""

    def __init__(self, config, interp=None):
        from ..cache.options import OptionError
        from ..interpreter import Interpreter
        self.config = config
        self.interp = interp if interp is not None else Interpreter(llm=True)
        self.routing = Routing(self.interp, config.load)
        registry = self.interp.llm
        self.cache = registry.cache
        try:
            self.options = self.cache.options.merged(config.cache_changes())
        except OptionError as exc:
            raise ValueError(f"cache settings: {exc.message}") from None
        self.cache.embedder(self.options)  # an unknown embedder or a missing numpy fails at start-up
        self.allow = AllowList.of(registry, config.allow_upstream)
        self.metrics = Metrics()

    @property
    def registry(self):
        return self.interp.llm

    # -- deciding

    def plan(self, parsed, *, endpoint: str, headers, upstream: str | None) -> Plan:
        """Route PARSED (maybe through the Lisp routing function) and prepare its cache probe."""
        started = time.monotonic()
        tenant = tenant_of(credential(headers))
        request = parsed.request
        options = self.options
        cache_mode = (headers.get("x-sema-cache") or "").strip().lower()
        namespace = (headers.get("x-sema-cache-namespace") or "").strip()
        if namespace:
            options = options.merged({"namespace": namespace})
        entries = None
        if upstream is not None:
            url = self.allow.check(upstream)
            target = f"upstream {url} {request.model or ''}"
        else:
            url = None
            decision = self.routing.decide(request, endpoint=endpoint, stream=parsed.stream, tenant=tenant,
                                           headers=headers)
            request = decision.request
            if decision.cache is False:
                cache_mode = "off"
            elif decision.cache:
                options = options.merged(decision.cache)
            try:
                entries, request = self.registry.router.plan(request, decision.provider)
            except Exception as exc:
                raise ClientError(400, getattr(exc, "message", None) or str(exc)) from None
            target = target_of(entries, request)
        probe = None
        if cache_mode not in ("off", "bypass", "no-store"):
            probe = self.cache.probe(request, target, options=options, tenant=tenant)
        return Plan(request, entries, url, probe, tenant, started)

    def prepare(self, parsed, *, endpoint: str, headers, upstream: str | None):
        """``(plan, hit, info)``: :meth:`plan` and :meth:`lookup` in one go (one trip to a worker thread)."""
        plan = self.plan(parsed, endpoint=endpoint, headers=headers, upstream=upstream)
        hit, info = self.lookup(plan)
        return plan, hit, info

    # -- the cache

    def lookup(self, plan: Plan) -> tuple[ChatResponse | None, CacheInfo]:
        if plan.probe is None:
            return None, OFF
        hit, info = self.cache.lookup(plan.probe)
        if hit is not None:
            hit = hit.evolve(latency=time.monotonic() - plan.started)
            record_hit(self.registry.usage, hit)
        return hit, info

    def save(self, plan: Plan, response: ChatResponse) -> None:
        if plan.probe is not None:
            self.cache.save(plan.probe, response)

    # -- calling

    def call(self, plan: Plan, *, stream: bool = False, on_chunk=None) -> ChatResponse:
        """Sema's providers: failover, breaker, usage (as ``llm/complete``); :meth:`save` stores the answer."""
        started = time.monotonic()
        try:
            response = complete_with_fallback(plan.entries, plan.request, on_chunk=on_chunk, stream=stream,
                                              usage=self.registry.usage, breaker=self.registry.router.breaker)
        finally:
            self.metrics.observe("sema_upstream_latency_seconds", time.monotonic() - started, route="provider")
        return response

    def call_and_save(self, plan: Plan) -> ChatResponse:
        """:meth:`call`, then :meth:`save`: the answer is stored before the client gets it."""
        response = self.call(plan)
        self.save(plan, response)
        return response

    def forwarded(self, plan: Plan, parse, data, seconds: float) -> None:
        """A forwarded answer DATA, read with PARSE: usage recorded (provider ``upstream``), the answer stored.

        An answer the adapter cannot read is simply not cached.
        """
        from ..llm.errors import LlmError
        try:
            response = parse(data, plan.request)
        except (ValueError, LlmError):
            self.metrics.inc("sema_errors_total", type="unparsed-upstream-answer")
            return
        self.metrics.observe("sema_upstream_latency_seconds", seconds, route="upstream")
        usage = self.registry.usage
        scope = usage.begin()
        try:
            if scope is not None:
                from ..llm.usage import estimate_usage
                if response.usage.is_zero:
                    response = response.evolve(usage=estimate_usage(plan.request, response))
                usage.record(response.evolve(provider="upstream", latency=seconds))
        finally:
            usage.end(scope)
        self.save(plan, response)

    def embed(self, texts: list[str], model: str | None) -> tuple[list, str]:
        """Vectors for TEXTS from the embeddings provider (``provider/model`` in MODEL picks one)."""
        registry = self.registry
        provider, name = None, model
        if model and "/" in model:
            prefix, _, rest = model.partition("/")
            if registry.canonical(prefix) in registry:
                provider, name = registry.get(prefix), rest or None
        if provider is None:
            provider = registry.embedding_provider()
        if not hasattr(provider, "embed"):
            raise ClientError(400, "the embeddings provider cannot compute embeddings")
        started = time.monotonic()
        vectors = provider.embed(texts, name)
        self.metrics.observe("sema_upstream_latency_seconds", time.monotonic() - started, route="provider")
        return vectors, name or getattr(provider, "embedding_model", None) or model or ""

    def models(self) -> list[dict]:
        """``provider/model`` for every chat provider (its default model), as OpenAI lists models."""
        registry = self.registry
        out = []
        for name in registry.chat_names():
            provider = registry.get(name)
            model = getattr(provider, "default_model", None) or "default"
            out.append({"id": f"{name}/{model}", "object": "model", "created": 0, "owned_by": name})
        return out

    def health(self) -> dict:
        store = self.cache.store(self.options)
        return {"status": "ok", "cache": "on" if store is not None else "off",
                "semantic": self.options.uses_embeddings, "providers": self.registry.router.health()}

    def stats(self) -> dict:
        o = self.options
        stats = self.cache.stats(o, tenant=None)
        return {**stats, "ttl": o.ttl, "threshold": o.threshold, "embed": o.embed if o.uses_embeddings else None}

    def clear(self, namespace: str | None = None) -> int:
        return self.cache.clear(self.options, tenant=None, namespace=namespace)

    def close(self) -> None:
        self.cache.close()
        self.registry.close()


__all__ = ["Gateway", "Plan", "credential"]
