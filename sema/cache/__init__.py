"""The response cache: exact and semantic layers over one SQLite store.

::

    request ──▶ keys (exact key, semantic scope) ──▶ store (SQLite) ──▶ vectors (numpy, semantic layer)
                               response (the policy: lookup, router on a miss, save)

- :mod:`.keys`      the normalised request, its hash, the semantic scope, tenants
- :mod:`.options`   :class:`CacheOptions`: path, ttl, max entries, namespace, threshold, embedder
- :mod:`.store`     :class:`CacheStore`: the SQLite file (WAL; threads and processes share it)
- :mod:`.vectors`   :class:`VectorIndex`: cosine search with numpy (``sema[cache]``)
- :mod:`.embedder`  embeddings from any provider of the registry
- :mod:`.response`  :class:`ResponseCache`: the cache of one registry (``interp.llm.cache``)

Nothing here is imported by ``import sema``: the cache loads on first use.
"""

_LAZY = {
    "CacheOptions": ".options", "OptionError": ".options", "default_path": ".options",
    "CacheStore": ".store",
    "VectorIndex": ".vectors",
    "ResponseCache": ".response", "CacheInfo": ".response",
    **dict.fromkeys(("tenant_of", "exact_key", "semantic_scope", "semantic_text", "LOCAL", "ANONYMOUS"), ".keys"),
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sema.cache' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = sorted(_LAZY)
