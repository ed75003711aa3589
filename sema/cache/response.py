"""The response cache: look a request up (exact, then semantic), call the router on a miss, store the answer.

::

    request ──▶ probe (key, scope, prompt text) ──▶ exact hit? ──▶ semantic hit? ──▶ router ──▶ save
                                                      │              │
                                                      └──── answer from the store (zero usage) ◀┘

:class:`ResponseCache` belongs to one provider registry (``interp.llm.cache``)
and is used by every entry point: the ``llm/*`` builtins (``{:cache #t}``,
``llm/with-cache``), Python (``router.respond({... "cache": True})`` or
``interp.llm.cache.respond(...)``) and ``sema serve``, which drives
:meth:`probe`, :meth:`lookup` and :meth:`save` itself around its own
forwarding.

A hit costs nothing: its usage is zero and it is recorded as a call with
zero tokens and ``attempts`` 0, so ``llm/last-usage`` shows it and billing
counts nothing.  A streamed call answered from the cache replays the stored
text as a stream, a word at a time.  Only answers are stored, never errors.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Mapping

from ..llm.router import complete_with_fallback, provider_name
from ..llm.structured import check_response
from ..llm.types import ZERO_USAGE, ChatRequest, ChatResponse, norm_key, request_from_python, response_from_python
from .keys import LOCAL, exact_key, partition, semantic_scope, semantic_text
from .options import CacheOptions

_WORDS = re.compile(r"\s*\S+\s*|\s+")


class CacheInfo:
    """What the cache did for one call: ``status`` is ``"hit"``, ``"miss"`` or ``"off"``."""

    __slots__ = ("status", "layer", "similarity", "key")

    def __init__(self, status: str, layer: str | None = None, similarity: float | None = None,
                 key: str | None = None):
        self.status = status
        self.layer = layer          # "exact" or "semantic" for a hit
        self.similarity = similarity
        self.key = key

    def __repr__(self) -> str:
        extra = f" {self.layer}" if self.layer else ""
        sim = f" similarity={self.similarity:.4f}" if self.similarity is not None else ""
        return f"<cache {self.status}{extra}{sim}>"

    def to_dict(self) -> dict:
        d = {"status": self.status}
        if self.layer:
            d["layer"] = self.layer
        if self.similarity is not None:
            d["similarity"] = round(self.similarity, 4)
        return d


OFF = CacheInfo("off")


class Probe:
    """One request as the cache sees it: its key, partition, and (semantic layer) scope and text."""

    __slots__ = ("request", "options", "store", "tenant", "namespace", "key", "scope", "text", "embedder",
                 "vector")

    def __init__(self, request, options, store, tenant, key, scope, text, embedder):
        self.request = request
        self.options = options
        self.store = store
        self.tenant = tenant
        self.namespace = options.namespace
        self.key = key
        self.scope = scope
        self.text = text
        self.embedder = embedder
        self.vector: bytes | None = None


def pieces(content: str) -> list[str]:
    """CONTENT cut as a cached answer is replayed: a word (with its spaces) at a time."""
    return _WORDS.findall(content)


def replay(content: str, on_chunk) -> None:
    """Send CONTENT to ON_CHUNK as a stream (see :func:`pieces`)."""
    for piece in pieces(content):
        on_chunk(piece)


def target_of(entries, request: ChatRequest) -> str:
    """``provider/model``: who the router tries first for REQUEST, and with which model."""
    first = entries[0]
    provider, model = first if isinstance(first, tuple) else (first, None)
    model = model or request.model or getattr(provider, "default_model", None) or "default"
    return f"{provider_name(provider)}/{model}"


def cacheable(response: ChatResponse) -> bool:
    """Answers worth keeping: some text or a tool call (an empty answer is more likely a fault)."""
    return bool(response.content.strip() or response.tool_calls)


class ResponseCache:
    """The cache of one registry: its stores (one per file), embedders and vector indexes."""

    def __init__(self, registry, options: CacheOptions | None = None):
        self.registry = registry
        self._options = options
        self._lock = threading.Lock()
        self._stores: dict[str, object] = {}
        self._indexes: dict[str, object] = {}
        self._embedders: dict[str, object] = {}
        self._warned: set[str] = set()

    # -- settings and resources

    @property
    def options(self) -> CacheOptions:
        """The defaults: ``SEMA_CACHE_*`` from the registry's environment, read once."""
        if self._options is None:
            self._options = CacheOptions.from_env(self.registry.environ)
        return self._options

    @options.setter
    def options(self, value: CacheOptions) -> None:
        self._options = value

    def store(self, options: CacheOptions | None = None):
        """The :class:`~sema.cache.store.CacheStore` of OPTIONS' file (opened once), or None when off."""
        options = options or self.options
        if not options.enabled:
            return None
        from ..runtime.capabilities import require
        require("fs-write", "the LLM response cache", path=options.path)  # sandboxed code: only where it may write
        with self._lock:
            store = self._stores.get(options.path)
            if store is None:
                from .store import CacheStore
                store = self._stores[options.path] = CacheStore(options.path, max_entries=options.max_entries)
            store.max_entries = options.max_entries
            return store

    def embedder(self, options: CacheOptions):
        """The embedder named by OPTIONS (None: no semantic layer)."""
        if not options.uses_embeddings:
            return None
        with self._lock:
            emb = self._embedders.get(options.embed)
        if emb is None:
            from .embedder import resolve
            from .vectors import numpy
            numpy()  # say which extra is missing before anything is sent
            emb = resolve(self.registry, options.embed)
            with self._lock:
                self._embedders[options.embed] = emb
        return emb

    def forget_embedders(self) -> None:
        """Resolve embedder names again (after providers were redefined)."""
        with self._lock:
            self._embedders.clear()

    def _index(self, store):
        with self._lock:
            index = self._indexes.get(store.path)
            if index is None:
                from .vectors import VectorIndex
                index = self._indexes[store.path] = VectorIndex()
        return index

    def _warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            sys.stderr.write(f"sema: warning: {message}\n")

    # -- the three steps (used directly by sema serve)

    def probe(self, request: ChatRequest, target: str, *, options: CacheOptions | None = None,
              tenant: str = LOCAL) -> Probe | None:
        """How REQUEST (sent to TARGET) is looked up and stored; None when caching is off."""
        options = options or self.options
        store = self.store(options)
        if store is None:
            return None
        part = partition(tenant, options.namespace)
        embedder = self.embedder(options)
        text = semantic_text(request) if embedder is not None else None
        scope = semantic_scope(part, target, request, embedder.ident) if text is not None else None
        return Probe(request, options, store, tenant, exact_key(part, target, request), scope, text, embedder)

    def lookup(self, probe: Probe, now: float | None = None) -> tuple[ChatResponse | None, CacheInfo]:
        """The stored answer for PROBE (exact layer, then semantic), and what happened."""
        store = probe.store
        entry = store.get(probe.key, now)
        if entry is not None:
            store.note_hit(entry, now=now)
            return self._answer(entry, probe), CacheInfo("hit", "exact", None, probe.key)
        if probe.scope is not None:
            try:
                probe.vector = probe.embedder.embed(probe.text)
            except Exception as exc:  # an embedder that fails costs the semantic layer, not the call
                self._warn(f"cache: embedding with {probe.embedder.ident} failed, exact layer only: "
                           f"{getattr(exc, 'message', None) or exc}")
                probe.scope = None
            else:
                index = self._index(store)
                index.sync(store)
                for entry_id, similarity in index.search(probe.scope, probe.vector, probe.options.threshold):
                    entry = store.get_id(entry_id, now)
                    if entry is None:
                        index.forget(entry_id)
                        continue
                    store.note_hit(entry, semantic=True, now=now)
                    return self._answer(entry, probe), CacheInfo("hit", "semantic", similarity, probe.key)
        store.note_miss(probe.tenant, probe.namespace)
        return None, CacheInfo("miss", None, None, probe.key)

    def save(self, probe: Probe, response: ChatResponse) -> bool:
        """Store RESPONSE for PROBE (unless it is not worth keeping); True when stored."""
        if not cacheable(response):
            return False
        data = {"response": response.to_dict(), "provider": response.provider}
        data["response"].pop("parsed", None)  # derived again from the content on a hit
        probe.store.put(probe.key, probe.tenant, probe.namespace, json.dumps(data, ensure_ascii=False),
                        ttl=probe.options.ttl, scope=probe.scope if probe.vector is not None else None,
                        vector=probe.vector)
        return True

    def _answer(self, entry, probe: Probe) -> ChatResponse:
        data = json.loads(entry.response)
        stored = dict(data["response"])
        stored["usage"] = None  # a hit costs nothing
        response = response_from_python(stored, probe.request, provider=data.get("provider"))
        return check_response(response, probe.request)

    # -- whole calls (the builtins and the Python API)

    def key(self, request: ChatRequest, *, provider=None, order=None, options: CacheOptions | None = None,
            tenant: str = LOCAL) -> str:
        """The exact key REQUEST would be cached under (routed as the router would route it)."""
        options = options or self.options
        entries, request = self.registry.router.plan(request, provider, order)
        return exact_key(partition(tenant, options.namespace), target_of(entries, request), request)

    def call(self, request, *, provider=None, order=None, stream: bool = False, on_chunk=None,
             options: CacheOptions | None = None, tenant: str = LOCAL, miss=None) -> tuple[ChatResponse, CacheInfo]:
        """Answer REQUEST from the cache, or through the router (failover, breaker, usage) and store it.

        MISS(request), when given, answers a miss instead of the router (the llm/* builtins pass their
        request pipeline, so that budgets and cassettes apply to what the cache does not answer).
        """
        options = options or self.options
        router = self.registry.router
        if not isinstance(request, ChatRequest):
            request = request_from_python(request)
        started = time.monotonic()
        entries, request = router.plan(request, provider, order)
        probe = self.probe(request, target_of(entries, request), options=options, tenant=tenant)
        if probe is not None:
            hit, info = self.lookup(probe)
            if hit is not None:
                hit = hit.evolve(latency=time.monotonic() - started)
                record_hit(self.registry.usage, hit)
                if stream and on_chunk is not None:
                    replay(hit.content, on_chunk)
                return hit, info
        else:
            info = OFF
        if miss is not None:
            response = miss(request)
        else:
            response = complete_with_fallback(entries, request, on_chunk=on_chunk, stream=stream,
                                              usage=self.registry.usage, breaker=router.breaker)
        if probe is not None:
            self.save(probe, response)
        return response, info

    def respond(self, request: Mapping, *, on_chunk=None, options: CacheOptions | Mapping | None = None,
                tenant: str = LOCAL) -> dict:
        """Like :meth:`Router.respond`, through the cache: the response map plus ``cache`` (its status)."""
        d = {norm_key(k): v for k, v in request.items()}
        if isinstance(options, Mapping):
            options = self.options.merged(options)
        response, info = self.call(request_from_python(request), provider=d.get("provider"),
                                   stream=bool(d.get("stream")), on_chunk=on_chunk, options=options,
                                   tenant=tenant)
        out = response.to_dict()
        out["provider"] = response.provider
        out["latency-ms"] = round((response.latency or 0.0) * 1000.0, 3)
        out["cache"] = info.to_dict()
        return out

    def stats(self, options: CacheOptions | None = None, *, tenant: str | None = LOCAL,
              namespace: str | None = None) -> dict:
        """Entries, bytes, hits, semantic hits, misses and hit rate (of TENANT and NAMESPACE; None: all)."""
        options = options or self.options
        store = self.store(options)
        if store is None:
            return {"entries": 0, "bytes": 0, "hits": 0, "semantic-hits": 0, "misses": 0, "hit-rate": 0.0,
                    "max-entries": options.max_entries, "path": None}
        return {**store.stats(tenant, namespace), "path": options.path}

    def clear(self, options: CacheOptions | None = None, *, tenant: str | None = LOCAL,
              namespace: str | None = None) -> int:
        """Remove the entries of TENANT (and NAMESPACE when given; None: all); returns how many."""
        store = self.store(options or self.options)
        return 0 if store is None else store.clear(tenant, namespace)

    def close(self) -> None:
        with self._lock:
            stores, self._stores = list(self._stores.values()), {}
            self._indexes.clear()
        for store in stores:
            store.close()


def record_hit(usage, response: ChatResponse) -> None:
    """A hit is one user call with zero tokens (nested in another call: nothing to add)."""
    scope = usage.begin()
    try:
        if scope is not None:
            usage.record(response.evolve(usage=ZERO_USAGE), attempts=0)
    finally:
        usage.end(scope)


__all__ = ["ResponseCache", "CacheInfo", "Probe", "replay", "pieces", "target_of", "cacheable", "record_hit", "OFF"]
