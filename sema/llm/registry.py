"""The per-interpreter provider registry: names, configuration, the default, model names.

:class:`ProviderRegistry` holds one interpreter's providers: nothing here is
module-level mutable state, so two interpreters share nothing.  It builds
providers from catalog rows (``configure``), from the environment
(``auto_configure``), and accepts any object following the provider protocol
(``register``: Lisp-defined and Python providers go through the same path).
It also owns the interpreter's :class:`~sema.llm.router.Router` (failover,
circuit breaker) and :class:`~sema.llm.usage.UsageTracker`.

Names are case-insensitive and resolve aliases: ``:Anthropic``, ``:claude``
and ``"anthropic"`` are one provider.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping

from .auth.keys import BadKeyError, check_key, is_local_url, validate_key
from .catalog import CATEGORIES, CHAT_EMBED, SPECS, ProviderSpec
from .errors import AuthError, LlmError
from .options import ProviderOptions
from .types import FieldError
from .usage import UsageTracker

#: the seed service kit's one-variable switch (SEMA_* spellings take precedence)
PROVIDER_VARS = ("SEMA_LLM_PROVIDER", "SEMA_CHAT_PROVIDER", "LLM_PROVIDER")
MODEL_VARS = ("SEMA_DEFAULT_MODEL", "SEMA_CHAT_MODEL", "LLM_DEFAULT_MODEL")
BASE_URL_VARS = ("LLM_BASE_URL",)


def _name(name) -> str:
    """A provider name from a string, ``":name"`` or a keyword."""
    name = name if isinstance(name, str) else getattr(name, "name", str(name))
    return name[1:] if name.startswith(":") else name


def split_model(model: str | None, known) -> tuple[str | None, str | None]:
    """``"anthropic/claude-sonnet-4"`` -> ``("anthropic", "claude-sonnet-4")`` when the prefix is in KNOWN.

    KNOWN is a container of lower-case provider names (aliases resolved by the
    caller).  Only the first ``/`` counts, and only for a known prefix:
    ``"meta-llama/Llama-3"`` stays whole.
    """
    if not model or "/" not in model:
        return None, model
    prefix, rest = model.split("/", 1)
    if prefix.lower() in known and rest:
        return prefix, rest
    return None, model


class ProviderRegistry:
    """One interpreter's providers, default provider, embedding provider, router and usage tracker.

    ``environ`` (default ``os.environ``) is read by configure/auto_configure;
    ``http_options`` (e.g. ``transport=``, ``sleep=``, ``max_retries=``) are
    passed to every HTTP provider built here.
    """

    def __init__(self, specs=SPECS, environ: Mapping | None = None, **http_options):
        self.specs = {s.id: s for s in specs}
        self._aliases = {a.lower(): s.id for s in specs for a in s.aliases}
        self._providers: dict[str, object] = {}
        self._default: str | None = None
        self._embedder: str | None = None
        self._lock = threading.RLock()
        self.environ = os.environ if environ is None else environ
        self.http_options = http_options
        self.warnings: list[str] = []
        self.usage = UsageTracker()
        self._router = None
        self._cache = None

    @property
    def router(self):
        """This registry's :class:`~sema.llm.router.Router` (failover order, circuit breaker)."""
        if self._router is None:
            from .router import Router
            self._router = Router(self)
        return self._router

    @property
    def cache(self):
        """This registry's response cache (:class:`~sema.cache.response.ResponseCache`), made on first use."""
        if self._cache is None:
            from ..cache.response import ResponseCache
            self._cache = ResponseCache(self)
        return self._cache

    # -- names

    @property
    def aliases(self) -> dict[str, str]:
        """Alias -> provider id (``claude`` -> ``anthropic``)."""
        return dict(self._aliases)

    def canonical(self, name) -> str:
        """A registered name or spec id for NAME (case-insensitive, aliases resolved); NAME itself if unknown."""
        name = _name(name)
        if name in self._providers or name in self.specs:
            return name
        lower = name.lower()
        for registered in self._providers:
            if registered.lower() == lower:
                return registered
        if lower in self.specs:
            return lower
        return self._aliases.get(lower, name)

    def known_names(self) -> set[str]:
        """Every lower-case name that can prefix a model: registered names, ids and aliases."""
        return {n.lower() for n in self._providers} | set(self.specs) | set(self._aliases)

    def spec(self, name) -> ProviderSpec | None:
        """The spec row for NAME (or an alias), or None."""
        return self.specs.get(self.canonical(name))

    # -- registration

    def register(self, name, provider, *, make_default: bool = False) -> str:
        """Register PROVIDER under NAME (replacing one of that name); returns the name.

        The first provider registered becomes the default; ``make_default`` forces it.
        """
        name = _name(name)
        with self._lock:
            old = self._providers.get(name)
            self._providers[name] = provider
            if make_default or self._default is None:
                self._default = name
        if old is not None and old is not provider and hasattr(old, "close"):
            old.close()
        return name

    def unregister(self, name) -> None:
        name = self.canonical(name)
        with self._lock:
            provider = self._providers.pop(name, None)
            if self._default == name:
                self._default = next(iter(self._providers), None)
            if self._embedder == name:
                self._embedder = None
        if provider is not None and hasattr(provider, "close"):
            provider.close()

    def __contains__(self, name) -> bool:
        return self.canonical(name) in self._providers

    def get(self, name=None):
        """The provider NAME (alias-aware), or the default one when NAME is None."""
        with self._lock:
            key = self._default if name is None else self.canonical(name)
            provider = self._providers.get(key) if key is not None else None
        if provider is None:
            raise LlmError(self._not_configured(name))
        return provider

    def _not_configured(self, name) -> str:
        configured = ", ".join(f":{n}" for n in self._providers) or "none"
        if name is None:
            return f"no LLM provider configured (configured: {configured}); set an API key or call llm/configure"
        return f"provider not configured: {_name(name)} (configured: {configured})"

    def list(self) -> list[str]:
        """Registered provider names, in registration order."""
        with self._lock:
            return list(self._providers)

    @property
    def default(self) -> str | None:
        """The default provider's name, or None."""
        return self._default

    def default_provider(self):
        """The default provider object, or None."""
        with self._lock:
            return self._providers.get(self._default) if self._default else None

    def set_default(self, name) -> str:
        """Make NAME the default; an unknown name is an error naming the configured ones."""
        key = self.canonical(name)
        with self._lock:
            if key not in self._providers:
                raise LlmError(self._not_configured(name))
            self._default = key
        return key

    def chat_names(self) -> list[str]:
        """Registered providers that can chat, the default first, then in registration order."""
        with self._lock:
            names = [n for n, p in self._providers.items()
                     if "chat" in getattr(p, "supports", ("chat",))]
            default = self._default
        if default in names:
            names.remove(default)
            names.insert(0, default)
        return names

    @property
    def embedder(self) -> str | None:
        """The provider used for embeddings by default, or None."""
        return self._embedder

    def set_embedder(self, name) -> str:
        key = self.canonical(name)
        with self._lock:
            if key not in self._providers:
                raise LlmError(self._not_configured(name))
            self._embedder = key
        return key

    def embedding_provider(self):
        """The embeddings provider: the one set, else the default if it can embed."""
        if self._embedder:
            return self.get(self._embedder)
        provider = self.default_provider()
        if provider is not None and hasattr(provider, "embed"):
            return provider
        raise LlmError("no embeddings provider configured; set JINA_API_KEY, VOYAGE_API_KEY, "
                       "COHERE_API_KEY or OPENAI_API_KEY, or call llm/configure")

    # -- model names

    def resolve(self, model: str | None = None, provider=None):
        """``(provider_name, model)`` for a call: who answers and the model name it is sent.

        - with PROVIDER given, a redundant prefix naming it is stripped
          (``:provider :anthropic :model "anthropic/claude-x"`` sends ``claude-x``);
        - a ``vendor/model`` name goes unchanged to an aggregator (OpenRouter,
          Together ...) when that is the provider in use;
        - otherwise a prefix naming a known provider selects it (an error if it
          is not configured, saying how to configure it or pick another);
        - an unknown prefix leaves the whole name to the default provider.
        """
        if provider is not None:
            name = self.canonical(provider)
            if name not in self._providers:
                raise LlmError(self._not_configured(provider))
            return name, self.normalize_model(name, model)
        default = self._default
        prefix, rest = split_model(model, self.known_names())
        if prefix is None:
            return default, model
        target = self.canonical(prefix)
        if default is not None and self._is_aggregator(default) and target != default:
            return default, model  # "anthropic/claude-3" is OpenRouter's own model name
        if target not in self._providers:
            spec = self.specs.get(target)
            how = (f"set {' or '.join(spec.key_env)} or call (llm/configure :{spec.id} ...)"
                   if spec is not None and spec.key_env else f"call (llm/configure :{target} ...)")
            configured = ", ".join(f":{n}" for n in self._providers) or "none"
            raise LlmError(f"model \"{model}\" names provider :{target}, which is not configured "
                           f"(configured: {configured}); {how}, or pass :provider to choose another")
        return target, rest

    def normalize_model(self, provider, model: str | None) -> str | None:
        """MODEL without a redundant ``provider/`` prefix naming PROVIDER (or one of its aliases)."""
        prefix, rest = split_model(model, self.known_names())
        if prefix is not None and self.canonical(prefix) == self.canonical(provider):
            return rest
        return model

    def _is_aggregator(self, name) -> bool:
        spec = self.specs.get(name)
        return spec is not None and spec.aggregator and name in self._providers

    # -- building providers from specs

    def _env(self, names) -> str | None:
        for n in names:
            value = self.environ.get(n)
            if value and value.strip():
                return value.strip()
        return None

    def configure(self, name, opts: Mapping | ProviderOptions | None = None, *, make_default: bool = True):
        """Build and register a provider; returns it.

        NAME is a known provider (or alias, case-insensitive) or, with ``api-key``
        and ``base-url`` in OPTS, any name for an OpenAI-compatible service.
        OPTS are :class:`~sema.llm.options.ProviderOptions` (Lisp or underscore
        keys), checked here.  Missing key and base URL are read from the spec's
        environment variables.  A key of the wrong shape adds a warning to
        ``self.warnings``.
        """
        from .providers import build_provider

        o = ProviderOptions.from_mapping(opts)
        raw = _name(name)
        spec = self.spec(raw)
        if spec is None:
            if not (o.api_key and o.base_url):
                known = ", ".join(f":{s}" for s in self.specs)
                raise LlmError(f"llm/configure: unknown provider :{raw}; an OpenAI-compatible provider needs "
                               f":api-key and :base-url (known providers: {known})")
            spec = ProviderSpec(raw, "openai", raw, o.base_url, "default", needs_key=False, supports=CHAT_EMBED)
        api_key = validate_key(spec.id, o.api_key if o.api_key is not None else self._env(spec.key_env))
        if spec.needs_key and not api_key:
            env = " or ".join(spec.key_env) or "an API key"
            raise AuthError(f"provider :{spec.id} needs an API key: pass :api-key or set {env}",
                            provider=spec.id)
        base_url = o.base_url or self._env(spec.base_url_env) or spec.base_url
        if not base_url:
            env = " or ".join(spec.base_url_env)
            raise LlmError(f"provider :{spec.id} needs a base URL: pass :base-url or set {env}", provider=spec.id)
        warning = check_key(spec, api_key, base_url)
        if warning:
            self.warnings.append(warning)
        options = {**self.http_options, **o.transport_options()}
        if "timeout" not in options and spec.timeout_env:
            env_timeout = self._env(spec.timeout_env)
            if env_timeout:
                try:
                    options["timeout"] = float(env_timeout)
                except ValueError:
                    self.warnings.append(f"{spec.timeout_env[0]}=\"{env_timeout}\" is not a number of seconds")
        provider = build_provider(spec, o, api_key=api_key, base_url=str(base_url), environ=self.environ,
                                  **options)
        self.register(spec.id, provider, make_default=make_default and "chat" in spec.supports)
        if "embed" in spec.supports and spec.adapter.startswith("embeddings") and self._embedder is None:
            self._embedder = spec.id
        return provider

    def _wanted(self, spec: ProviderSpec) -> bool:
        if not spec.auto:
            return False
        if spec.needs_key or spec.auth == "copilot":
            return self._env(spec.key_env) is not None
        return self._env(spec.base_url_env) is not None

    def auto_configure(self, environ: Mapping | None = None, *, include_ollama: bool = False) -> str | None:
        """Register every provider whose key (or local base URL) is in the environment.

        Returns the default provider's id, or None.  Rows are registered in
        catalog order, which is the standing failover order after the default.
        The default is ``SEMA_LLM_PROVIDER`` (or ``LLM_PROVIDER``, the service
        kit's switch) when set, else the first configured chat provider.
        ``LLM_BASE_URL`` is that provider's base URL; ``SEMA_DEFAULT_MODEL`` (or
        ``LLM_DEFAULT_MODEL``) its model, and a ``provider/model`` value selects
        the provider.  With ``LLM_PROVIDER=openai_compatible`` the key is read
        from ``OPENAI_API_KEY`` too, and that key then configures nothing else.
        Ollama is registered when ``OLLAMA_HOST`` is set, or always with
        ``include_ollama`` (Rust sema's behaviour).  ``SEMA_EMBEDDING_PROVIDER``
        picks the embeddings provider (else Jina, Voyage, Cohere, then OpenAI).
        """
        if environ is not None:
            self.environ = environ
        model = self._env(MODEL_VARS)
        preferred = self._env(PROVIDER_VARS)
        if model and not preferred:
            prefix, rest = split_model(model, set(self.specs) | set(self._aliases))
            if prefix is not None:
                preferred, model = prefix, rest
        switch = self.canonical(preferred) if preferred else None
        switch_opts, claimed = self._switch_options(switch) if switch is not None else (None, set())
        first_chat = None
        switch_done = False
        for spec in self.specs.values():
            wanted = self._wanted(spec) or (include_ollama and spec.id == "ollama")
            if not wanted or (spec.key_env and set(spec.key_env) <= claimed):
                continue
            if spec.id not in self._providers:
                # the switched-to provider gets LLM_BASE_URL now, not after a first build that would check its
                # key against the wrong (remote) URL and warn about OPENAI_API_KEY=ollama
                opts = switch_opts if spec.id == switch else None
                try:
                    self.configure(spec.id, opts, make_default=False)
                except (LlmError, BadKeyError, FieldError) as exc:  # one bad variable must not stop the others
                    self.warnings.append(exc.message)
                    continue
                if spec.id == switch:
                    switch_done = True
            if first_chat is None and "chat" in spec.supports:
                first_chat = spec.id
        if switch is not None:
            if not switch_done:
                self._configure_switch(preferred, switch, switch_opts)
            self._default = switch
        elif first_chat is not None and (self._default is None or self._default not in self._providers):
            self._default = first_chat
        if model and self._default:
            provider = self._providers[self._default]
            if hasattr(provider, "default_model"):
                provider.default_model = self.normalize_model(self._default, model)
        embed_pref = self._env(("SEMA_EMBEDDING_PROVIDER",))
        if embed_pref:
            self.set_embedder(embed_pref)
        elif self._embedder is None:
            self._embedder = next((p for p in ("jina", "voyage", "cohere", "openai") if p in self._providers), None)
        return self._default

    def _switch_options(self, key: str) -> tuple[dict, set[str]]:
        """The options for the provider named by the switch, and the key variables it takes for itself."""
        spec = self.specs.get(key)
        opts: dict = {}
        claimed: set[str] = set()
        base_url = self._env(BASE_URL_VARS)
        if base_url:
            opts["base_url"] = base_url
        if spec is not None and (spec.id == "openai-compatible" or (spec.local and not self._env(spec.key_env))):
            key_value = self._env(spec.key_env) or self._env(("OPENAI_API_KEY",))
            if key_value:  # the service kit's recipe: OPENAI_API_KEY=ollama for a local server
                opts["api_key"] = key_value
                claimed.add("OPENAI_API_KEY")
        return opts, claimed

    def _configure_switch(self, preferred: str, key: str, opts: dict) -> None:
        """Configure the provider named by SEMA_LLM_PROVIDER/LLM_PROVIDER (unless it already is)."""
        if key in self._providers and not opts.get("base_url"):
            return
        spec = self.specs.get(key)
        configured = ", ".join(f":{n}" for n in self._providers) or "none"
        if spec is None:
            raise LlmError(f"{self._switch_var()}={preferred}: unknown provider :{key} (configured: {configured})")
        if spec.needs_key and not (opts.get("api_key") or self._env(spec.key_env)):
            raise LlmError(f"{self._switch_var()}={preferred}: provider :{key} is not configured "
                           f"(configured: {configured}); it needs an API key: set " + " or ".join(spec.key_env))
        self.configure(key, opts, make_default=False)

    def _switch_var(self) -> str:
        return next((n for n in PROVIDER_VARS if (self.environ.get(n) or "").strip()), "LLM_PROVIDER")

    def catalog(self, *, local: bool | None = None, category: str | None = None,
                supports: str | None = None, configured: bool | None = None) -> list[dict]:
        """Spec rows (as dicts with Lisp keys plus ``configured``), filtered; for ``llm/providers``."""
        if category is not None and category not in CATEGORIES:
            raise LlmError(f"unknown category :{category} (known: {', '.join(':' + c for c in CATEGORIES)})")
        out = []
        for spec in self.specs.values():
            is_conf = spec.id in self._providers
            if local is not None and spec.local != local:
                continue
            if category is not None and spec.category != category:
                continue
            if supports is not None and supports not in spec.supports:
                continue
            if configured is not None and is_conf != configured:
                continue
            out.append({**spec.to_dict(), "configured": is_conf})
        return out

    def models(self, name) -> list[str]:
        """The models of provider NAME: a local server's own list, else the curated catalog."""
        from .discovery import models_of
        return models_of(self, name)

    def discover_local(self, timeout: float = 0.5) -> list[dict]:
        """Probe the known local servers (see :func:`sema.llm.discovery.discover_local`)."""
        from .discovery import discover_local
        return discover_local(self, timeout)

    def close(self) -> None:
        """Close every provider's pooled connections (and the cache's files)."""
        if self._cache is not None:
            self._cache.close()
        for provider in list(self._providers.values()):
            if hasattr(provider, "close"):
                provider.close()


__all__ = ["ProviderSpec", "SPECS", "ProviderRegistry", "check_key", "split_model", "CATEGORIES", "is_local_url"]
