"""Local servers and model lists: ``llm/discover-local`` and ``llm/models``.

:func:`discover_local` probes every known local server (Ollama's
``GET /api/tags``, the others' ``GET {base}/models``) with a short timeout.
Any HTTP answer means a server is there: 200 lists its models; 401/403 mean
it wants a key (``needs-key``); any other status (a proxy answering 500 to
an unauthenticated probe) is reported with its ``status`` and no models.
Only refused connections and timeouts mean "nothing there".

:func:`models_of` answers ``llm/models``: a configured local server is asked
for the models it serves; other providers give the catalog's curated list
(the default model first).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .errors import LlmError


def _local_urls(registry) -> dict:
    from .providers.ollama import normalize_host

    by_url: dict[str, list] = {}
    for spec in registry.specs.values():
        if spec.local:
            url = registry._env(spec.base_url_env) or spec.base_url
            if spec.adapter == "ollama":
                url = normalize_host(url)
            by_url.setdefault(url.rstrip("/"), []).append(spec)
    return by_url


def _model_ids(data, ollama: bool) -> list[str]:
    if not isinstance(data, dict):
        return []
    if ollama:
        return [m["name"] for m in data.get("models") or () if isinstance(m, dict) and isinstance(m.get("name"), str)]
    return [m["id"] for m in data.get("data") or () if isinstance(m, dict) and isinstance(m.get("id"), str)]


def discover_local(registry, timeout: float = 0.5) -> list[dict]:
    """Local servers that answer, each ``{"id", "base-url", "models", "also", "needs-key", "status"}``.

    Servers sharing a URL are reported once, under the first spec, with the others in ``also``.
    """
    import httpx

    transport = registry.http_options.get("transport")

    def probe(item):
        url, specs = item
        ollama = specs[0].adapter == "ollama"
        try:
            with httpx.Client(transport=transport, timeout=timeout) as client:
                response = client.get(url + ("/api/tags" if ollama else "/models"))
        except httpx.HTTPError:
            return None
        models: list[str] = []
        if response.status_code < 400:
            try:
                models = _model_ids(response.json(), ollama)
            except ValueError:
                models = []
        return {"id": specs[0].id, "base-url": url, "models": models, "also": [s.id for s in specs[1:]],
                "needs-key": response.status_code in (401, 403), "status": response.status_code}

    by_url = _local_urls(registry)
    with ThreadPoolExecutor(max_workers=max(1, len(by_url))) as pool:
        results = list(pool.map(probe, by_url.items()))
    return [r for r in results if r is not None]


def models_of(registry, name) -> list[str]:
    """The models of provider NAME: asked from a configured local server, else the curated catalog."""
    key = registry.canonical(name)
    spec = registry.specs.get(key)
    provider = registry._providers.get(key)
    if provider is not None and hasattr(provider, "list_models") and (spec is None or spec.local):
        return list(provider.list_models())
    if spec is None:
        if provider is not None:
            model = getattr(provider, "default_model", None)
            return [model] if model else []
        known = ", ".join(f":{s}" for s in registry.specs)
        raise LlmError(f"unknown provider :{key} (known: {known})")
    models = list(spec.models)
    if spec.default_model and spec.default_model not in models:
        models.insert(0, spec.default_model)
    return models


__all__ = ["discover_local", "models_of"]
