"""Provider specs as data, and the per-interpreter provider registry.

:data:`SPECS` is a table: one :class:`ProviderSpec` row per known service
(native APIs, OpenAI-compatible vendors, embeddings services, local
servers).  A new OpenAI-compatible vendor is a new row, not new code.

:class:`ProviderRegistry` holds one interpreter's providers: nothing here is
module-level mutable state, so two interpreters share nothing.  It builds
providers from rows (``configure``), from the environment
(``auto_configure``), and accepts any object following the provider protocol
(``register``: Lisp-defined and Python providers go through the same path).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import AuthError, LlmError
from .types import norm_key
from .usage import UsageTracker

CHAT = frozenset({"chat", "stream", "tools"})
CHAT_EMBED = CHAT | {"embed"}
EMBED = frozenset({"embed"})
CATEGORIES = ("local", "us-labs", "china-labs", "model-hosts", "other-labs")


@dataclass(frozen=True)
class ProviderSpec:
    """One known service.

    ``adapter`` is ``"openai"``, ``"anthropic"``, ``"gemini"``, ``"ollama"`` or
    ``"embeddings:<dialect>"``.  ``key_env``/``base_url_env`` list environment
    variables in order of preference.  ``auto`` rows are registered by
    ``auto_configure`` when their key (or, for keyless local servers, their
    base-URL variable) is in the environment.  ``key_prefix`` drives the
    key-format warning.
    """

    id: str
    adapter: str
    label: str
    base_url: str
    default_model: str = ""
    aliases: tuple = ()
    key_env: tuple = ()
    base_url_env: tuple = ()
    category: str = "model-hosts"
    needs_key: bool = True
    local: bool = False
    supports: frozenset = CHAT
    embedding_model: str | None = None
    key_prefix: str | None = None
    auto: bool = True

    def to_dict(self) -> dict:
        """The row with Lisp-style keys (for ``llm/providers``)."""
        return {"id": self.id, "label": self.label, "adapter": self.adapter, "aliases": list(self.aliases),
                "base-url": self.base_url, "default-model": self.default_model,
                "key-env": list(self.key_env), "base-url-env": list(self.base_url_env),
                "category": self.category, "needs-key": self.needs_key, "local": self.local,
                "supports": sorted(self.supports), "embedding-model": self.embedding_model}


def _oai(id, label, base_url, model, key_env, *, aliases=(), category="model-hosts", base_env=(), **kw):
    """An OpenAI-compatible hosted service."""
    return ProviderSpec(id, "openai", label, base_url, model, tuple(aliases), tuple(key_env),
                        tuple(base_env) or (f"{id.upper().replace('-', '_')}_BASE_URL",), category, **kw)


def _local(id, label, base_url, base_env, *, aliases=(), key_env=(), model="", adapter="openai",
           supports=CHAT_EMBED):
    """A keyless local server (configured from its base-URL variable, or found by discovery)."""
    return ProviderSpec(id, adapter, label, base_url, model, tuple(aliases), tuple(key_env), tuple(base_env),
                        "local", needs_key=False, local=True, supports=supports)


# Order matters: auto_configure makes the first configured chat row the default
# (Rust sema: Anthropic, OpenAI, Groq, xAI, Mistral, Moonshot, Gemini).
SPECS: tuple[ProviderSpec, ...] = (
    ProviderSpec("anthropic", "anthropic", "Anthropic", "https://api.anthropic.com", "claude-sonnet-4-6",
                 ("claude",), ("ANTHROPIC_API_KEY",), ("ANTHROPIC_BASE_URL",), "us-labs", key_prefix="sk-ant-"),
    ProviderSpec("openai", "openai", "OpenAI", "https://api.openai.com/v1", "gpt-5.5",
                 ("gpt", "chatgpt"), ("OPENAI_API_KEY",), ("OPENAI_BASE_URL", "OPENAI_API_BASE"), "us-labs",
                 supports=CHAT_EMBED, embedding_model="text-embedding-3-small", key_prefix="sk-"),
    _oai("groq", "Groq", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile", ("GROQ_API_KEY",)),
    _oai("xai", "xAI", "https://api.x.ai/v1", "grok-4.3", ("XAI_API_KEY",), aliases=("grok", "x-ai"),
         category="us-labs"),
    _oai("mistral", "Mistral", "https://api.mistral.ai/v1", "mistral-large-latest", ("MISTRAL_API_KEY",),
         category="other-labs"),
    _oai("moonshot", "Moonshot (Kimi)", "https://api.moonshot.ai/v1", "kimi-k2.6", ("MOONSHOT_API_KEY",),
         aliases=("kimi",), category="china-labs"),
    ProviderSpec("gemini", "gemini", "Google Gemini", "https://generativelanguage.googleapis.com/v1beta",
                 "gemini-3.5-flash", ("google",), ("GOOGLE_API_KEY", "GEMINI_API_KEY"),
                 ("GEMINI_BASE_URL", "GOOGLE_GEMINI_BASE_URL"), "us-labs", supports=CHAT_EMBED,
                 embedding_model="text-embedding-004", key_prefix="AIza"),
    ProviderSpec("ollama", "ollama", "Ollama", "http://localhost:11434", "gemma4", (), ("OLLAMA_API_KEY",),
                 ("OLLAMA_HOST", "OLLAMA_BASE_URL"), "local", needs_key=False, local=True, supports=CHAT_EMBED),
    # embeddings services
    ProviderSpec("jina", "embeddings:openai", "Jina AI", "https://api.jina.ai/v1", "jina-embeddings-v3",
                 ("jina-ai",), ("JINA_API_KEY",), ("JINA_BASE_URL",), "other-labs", supports=EMBED,
                 embedding_model="jina-embeddings-v3"),
    ProviderSpec("voyage", "embeddings:openai", "Voyage AI", "https://api.voyageai.com/v1", "voyage-3",
                 ("voyageai", "voyage-ai"), ("VOYAGE_API_KEY",), ("VOYAGE_BASE_URL",), "us-labs", supports=EMBED,
                 embedding_model="voyage-3"),
    ProviderSpec("cohere", "embeddings:cohere", "Cohere", "https://api.cohere.com", "embed-english-v3.0",
                 (), ("COHERE_API_KEY", "CO_API_KEY"), ("COHERE_BASE_URL",), "other-labs", supports=EMBED,
                 embedding_model="embed-english-v3.0"),
    # OpenAI-compatible hosts and labs
    _oai("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat", ("DEEPSEEK_API_KEY",),
         category="china-labs"),
    _oai("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "openrouter/auto", ("OPENROUTER_API_KEY",)),
    _oai("together", "Together AI", "https://api.together.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
         ("TOGETHER_API_KEY", "TOGETHERAI_API_KEY"), aliases=("togetherai", "together-ai"), supports=CHAT_EMBED),
    _oai("fireworks", "Fireworks AI", "https://api.fireworks.ai/inference/v1",
         "accounts/fireworks/models/llama-v3p3-70b-instruct", ("FIREWORKS_API_KEY",),
         aliases=("fireworks-ai", "fireworksai"), supports=CHAT_EMBED),
    _oai("cerebras", "Cerebras", "https://api.cerebras.ai/v1", "llama-3.3-70b", ("CEREBRAS_API_KEY",)),
    _oai("sambanova", "SambaNova", "https://api.sambanova.ai/v1", "Meta-Llama-3.3-70B-Instruct",
         ("SAMBANOVA_API_KEY",)),
    _oai("perplexity", "Perplexity", "https://api.perplexity.ai", "sonar", ("PERPLEXITY_API_KEY", "PPLX_API_KEY"),
         aliases=("pplx",), category="us-labs", supports=frozenset({"chat", "stream"})),
    _oai("hyperbolic", "Hyperbolic", "https://api.hyperbolic.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct",
         ("HYPERBOLIC_API_KEY",)),
    _oai("novita", "Novita AI", "https://api.novita.ai/v3/openai", "meta-llama/llama-3.3-70b-instruct",
         ("NOVITA_API_KEY",), aliases=("novita-ai",)),
    _oai("featherless", "Featherless", "https://api.featherless.ai/v1", "meta-llama/Meta-Llama-3.1-8B-Instruct",
         ("FEATHERLESS_API_KEY",)),
    _oai("requesty", "Requesty", "https://router.requesty.ai/v1", "openai/gpt-4o-mini", ("REQUESTY_API_KEY",)),
    _oai("glama", "Glama", "https://glama.ai/api/gateway/openai/v1", "openai/gpt-4o-mini", ("GLAMA_API_KEY",)),
    _oai("chutes", "Chutes", "https://llm.chutes.ai/v1", "deepseek-ai/DeepSeek-V3", ("CHUTES_API_KEY",)),
    _oai("cohere-compat", "Cohere (OpenAI compatibility)", "https://api.cohere.ai/compatibility/v1",
         "command-a-03-2025", ("COHERE_API_KEY", "CO_API_KEY"), aliases=("cohere-chat",), category="other-labs",
         base_env=("COHERE_COMPAT_BASE_URL",), auto=False),
    _oai("gemini-compat", "Gemini (OpenAI compatibility)", "https://generativelanguage.googleapis.com/v1beta/openai",
         "gemini-2.5-flash", ("GEMINI_API_KEY", "GOOGLE_API_KEY"), aliases=("google-compat",), category="us-labs",
         base_env=("GEMINI_COMPAT_BASE_URL",), key_prefix="AIza", auto=False, supports=CHAT_EMBED),
    _oai("glm", "GLM (Zhipu)", "https://open.bigmodel.cn/api/paas/v4", "glm-4.6", ("ZHIPUAI_API_KEY", "GLM_API_KEY"),
         aliases=("zhipu", "zhipuai", "bigmodel"), category="china-labs"),
    _oai("doubao", "Doubao (Volcengine Ark)", "https://ark.cn-beijing.volces.com/api/v3", "doubao-seed-1-6-250615",
         ("ARK_API_KEY", "DOUBAO_API_KEY"), aliases=("volcengine", "ark"), category="china-labs"),
    _oai("qwen", "Qwen (DashScope)", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "qwen-plus",
         ("DASHSCOPE_API_KEY", "QWEN_API_KEY"), aliases=("dashscope", "alibaba"), category="china-labs",
         supports=CHAT_EMBED),
    _oai("zai", "Z.AI", "https://api.z.ai/api/paas/v4", "glm-4.6", ("ZAI_API_KEY", "Z_AI_API_KEY"),
         aliases=("z-ai", "z.ai"), category="china-labs"),
    _oai("01ai", "01.AI (Yi)", "https://api.01.ai/v1", "yi-lightning", ("YI_API_KEY", "01AI_API_KEY"),
         aliases=("yi", "01-ai", "lingyiwanwu"), category="china-labs", base_env=("YI_BASE_URL",)),
    _oai("minimax", "MiniMax", "https://api.minimax.io/v1", "MiniMax-M2", ("MINIMAX_API_KEY",),
         category="china-labs"),
    _oai("hunyuan", "Hunyuan (Tencent)", "https://api.hunyuan.cloud.tencent.com/v1", "hunyuan-turbos-latest",
         ("HUNYUAN_API_KEY",), aliases=("tencent",), category="china-labs"),
    _oai("stepfun", "StepFun", "https://api.stepfun.com/v1", "step-2-16k", ("STEPFUN_API_KEY", "STEP_API_KEY"),
         aliases=("step",), category="china-labs"),
    _oai("siliconflow", "SiliconFlow", "https://api.siliconflow.cn/v1", "Qwen/Qwen2.5-72B-Instruct",
         ("SILICONFLOW_API_KEY",), aliases=("silicon-flow",), supports=CHAT_EMBED),
    _oai("opencode-zen", "OpenCode Zen", "https://opencode.ai/zen/v1", "qwen3-coder", ("OPENCODE_API_KEY",),
         aliases=("opencode", "zen"), category="other-labs", base_env=("OPENCODE_BASE_URL",)),
    # local servers (keyless; configured from their base-URL variable or found by discover_local)
    _local("lmstudio", "LM Studio", "http://localhost:1234/v1", ("LMSTUDIO_BASE_URL", "LM_STUDIO_API_BASE"),
           aliases=("lm-studio", "lm_studio"), key_env=("LMSTUDIO_API_KEY",)),
    _local("llamacpp", "llama.cpp server", "http://localhost:8080/v1", ("LLAMACPP_BASE_URL", "LLAMA_CPP_BASE_URL"),
           aliases=("llama.cpp", "llama-cpp", "llama_cpp"), key_env=("LLAMACPP_API_KEY",)),
    _local("localai", "LocalAI", "http://localhost:8080/v1", ("LOCALAI_BASE_URL",), aliases=("local-ai",),
           key_env=("LOCALAI_API_KEY",)),
    _local("litellm", "LiteLLM proxy", "http://localhost:4000/v1", ("LITELLM_BASE_URL", "LITELLM_PROXY_URL"),
           aliases=("litellm-proxy",), key_env=("LITELLM_API_KEY", "LITELLM_MASTER_KEY")),
    _local("vllm", "vLLM", "http://localhost:8000/v1", ("VLLM_BASE_URL", "HOSTED_VLLM_API_BASE"),
           aliases=("hosted-vllm",), key_env=("VLLM_API_KEY",)),
    _local("sglang", "SGLang", "http://localhost:30000/v1", ("SGLANG_BASE_URL",), key_env=("SGLANG_API_KEY",)),
    _local("tgi", "Text Generation Inference", "http://localhost:8080/v1", ("TGI_BASE_URL",),
           aliases=("huggingface-tgi", "text-generation-inference"), key_env=("TGI_API_KEY",)),
    _local("mlx", "MLX LM server", "http://localhost:8080/v1", ("MLX_BASE_URL",), aliases=("mlx-lm",),
           supports=CHAT),
)

_KEY_HINTS = {"sk-ant-": "an Anthropic", "AIza": "a Google", "sk-": "an OpenAI"}


def check_key(spec: ProviderSpec, key: str | None) -> str | None:
    """A warning when KEY does not look like SPEC's kind of key (never quoting the key), else None."""
    if not key:
        return None
    if key != key.strip():
        return f"the API key for :{spec.id} has leading or trailing whitespace"
    prefix = spec.key_prefix
    if prefix is None:
        return None
    other = next((label for p, label in _KEY_HINTS.items() if key.startswith(p)), None)
    if key.startswith(prefix) and not (prefix == "sk-" and key.startswith("sk-ant-")):
        return None
    looks = f"; it looks like {other} key" if other else ""
    return (f"the API key for :{spec.id} does not look like {spec.label} key "
            f"(expected it to start with {prefix!r}){looks}; requests will probably fail with 401")


def split_model(model: str | None, known) -> tuple[str | None, str | None]:
    """``"anthropic/claude-sonnet-4"`` -> ``("anthropic", "claude-sonnet-4")`` when the prefix is in KNOWN.

    KNOWN is a container of provider names (aliases resolved by the caller).
    Only the first ``/`` counts, and only for a known prefix: ``"meta-llama/Llama-3"`` stays whole.
    """
    if not model or "/" not in model:
        return None, model
    prefix, rest = model.split("/", 1)
    if prefix in known and rest:
        return prefix, rest
    return None, model


def _name(name) -> str:
    """A provider name from a string, ``":name"`` or a keyword."""
    name = name if isinstance(name, str) else getattr(name, "name", str(name))
    return name[1:] if name.startswith(":") else name


class ProviderRegistry:
    """One interpreter's providers, default provider, embedding provider and usage tracker.

    ``environ`` (default ``os.environ``) is read by configure/auto_configure;
    ``http_options`` (e.g. ``transport=``, ``sleep=``, ``max_retries=``) are
    passed to every HTTP provider built here.
    """

    def __init__(self, specs=SPECS, environ: Mapping | None = None, **http_options):
        self.specs = {s.id: s for s in specs}
        self._aliases = {a: s.id for s in specs for a in s.aliases}
        self._providers: dict[str, object] = {}
        self._default: str | None = None
        self._embedder: str | None = None
        self._lock = threading.RLock()
        self.environ = os.environ if environ is None else environ
        self.http_options = http_options
        self.warnings: list[str] = []
        self.usage = UsageTracker()

    # -- names

    @property
    def aliases(self) -> dict[str, str]:
        """Alias -> provider id (``claude`` -> ``anthropic``)."""
        return dict(self._aliases)

    def canonical(self, name) -> str:
        """A registered name or spec id for NAME, resolving aliases; NAME itself if unknown."""
        name = _name(name)
        if name in self._providers or name in self.specs:
            return name
        return self._aliases.get(name, self._aliases.get(name.lower(), name))

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

    def resolve(self, model: str | None = None):
        """``(provider, model)`` for a model name; ``"anthropic/claude-x"`` selects :anthropic.

        A prefix naming a known but unconfigured provider is an error; an
        unknown prefix leaves the whole name to the default provider.
        """
        known = set(self._providers) | set(self.specs) | set(self._aliases)
        prefix, rest = split_model(model, known)
        if prefix is None:
            return self.get(), model
        return self.get(prefix), rest

    # -- building providers from specs

    def _env(self, names) -> str | None:
        for n in names:
            value = self.environ.get(n)
            if value and value.strip():
                return value.strip()
        return None

    def configure(self, name, opts: Mapping | None = None, *, make_default: bool = True):
        """Build and register a provider; returns it.

        NAME is a known provider (or alias) or, with ``api-key`` and ``base-url``
        in OPTS, any name for an OpenAI-compatible service.  OPTS keys (Lisp or
        underscore spelling): ``api-key``, ``base-url``, ``host`` (Ollama),
        ``default-model`` (or ``model``), ``embedding-model``, ``timeout``,
        ``connect-timeout``, ``idle-timeout``, ``max-retries``, ``headers``.
        Missing key and base URL are read from the spec's environment variables.
        A key of the wrong shape adds a warning to ``self.warnings``.
        """
        from .providers import make_provider

        o = {norm_key(k): v for k, v in (opts or {}).items()}
        raw = _name(name)
        spec = self.spec(raw)
        api_key = o.get("api_key")
        base_url = o.get("base_url") or o.get("host")
        if spec is None:
            if not (api_key and base_url):
                known = ", ".join(f":{s}" for s in self.specs)
                raise LlmError(f"llm/configure: unknown provider :{raw}; an OpenAI-compatible provider needs "
                               f":api-key and :base-url (known providers: {known})")
            spec = ProviderSpec(raw, "openai", raw, str(base_url), "default", needs_key=False,
                                supports=CHAT_EMBED)
        api_key = api_key or self._env(spec.key_env)
        if spec.needs_key and not api_key:
            env = " or ".join(spec.key_env) or "an API key"
            raise AuthError(f"provider :{spec.id} needs an API key: pass :api-key or set {env}",
                            provider=spec.id)
        base_url = base_url or self._env(spec.base_url_env) or spec.base_url
        warning = check_key(spec, api_key)
        if warning:
            self.warnings.append(warning)
            api_key = api_key.strip()
        options = dict(self.http_options)
        for key in ("timeout", "connect_timeout", "idle_timeout", "max_retries", "headers"):
            if o.get(key) is not None:
                options[key] = dict(o[key]) if key == "headers" else o[key]
        provider = make_provider(
            spec.adapter, spec.id, api_key=api_key, base_url=str(base_url),
            default_model=o.get("default_model") or o.get("model") or spec.default_model,
            embedding_model=o.get("embedding_model") or spec.embedding_model,
            supports=spec.supports, **options)
        self.register(spec.id, provider, make_default=make_default and "chat" in spec.supports)
        if "embed" in spec.supports and spec.adapter.startswith("embeddings") and self._embedder is None:
            self._embedder = spec.id
        return provider

    def auto_configure(self, environ: Mapping | None = None, *, include_ollama: bool = False) -> str | None:
        """Register every provider whose key (or local base URL) is in the environment.

        Returns the default provider's id, or None.  The default is
        ``SEMA_LLM_PROVIDER`` (or ``SEMA_CHAT_PROVIDER``) when set, else the first
        configured chat provider in table order.  ``SEMA_DEFAULT_MODEL`` (or
        ``SEMA_CHAT_MODEL``) sets the default provider's model; a
        ``provider/model`` value also selects the provider.  Ollama is
        registered when ``OLLAMA_HOST`` is set, or always with ``include_ollama``
        (Rust sema's behaviour).  ``SEMA_EMBEDDING_PROVIDER`` picks the
        embeddings provider (else Jina, Voyage, Cohere, then OpenAI).
        """
        if environ is not None:
            self.environ = environ
        first_chat = None
        for spec in self.specs.values():
            if not spec.auto:
                continue
            if spec.needs_key:
                wanted = self._env(spec.key_env) is not None
            else:
                wanted = self._env(spec.base_url_env) is not None or (include_ollama and spec.id == "ollama")
            if wanted and spec.id not in self._providers:
                self.configure(spec.id, make_default=False)
            if wanted and first_chat is None and "chat" in spec.supports:
                first_chat = spec.id
        model = self._env(("SEMA_DEFAULT_MODEL", "SEMA_CHAT_MODEL"))
        preferred = self._env(("SEMA_LLM_PROVIDER", "SEMA_CHAT_PROVIDER"))
        if model and not preferred:
            prefix, rest = split_model(model, set(self.specs) | set(self._aliases))
            if prefix is not None:
                preferred, model = prefix, rest
        if preferred:
            key = self.canonical(preferred)
            if key not in self._providers:
                spec = self.specs.get(key)
                if spec is None or spec.needs_key:
                    configured = ", ".join(f":{n}" for n in self._providers) or "none"
                    raise LlmError(f"SEMA_LLM_PROVIDER={preferred}: provider :{key} is not configured "
                                   f"(configured: {configured})")
                self.configure(key, make_default=False)
            self._default = key
        elif first_chat is not None and (self._default is None or self._default not in self._providers):
            self._default = first_chat
        if model and self._default:
            provider = self._providers[self._default]
            if hasattr(provider, "default_model"):
                provider.default_model = model
        embed_pref = self._env(("SEMA_EMBEDDING_PROVIDER",))
        if embed_pref:
            self.set_embedder(embed_pref)
        elif self._embedder is None:
            self._embedder = next((p for p in ("jina", "voyage", "cohere", "openai") if p in self._providers), None)
        return self._default

    def catalog(self, *, local: bool | None = None, category: str | None = None,
                supports: str | None = None, configured: bool | None = None) -> list[dict]:
        """Spec rows (as dicts with Lisp keys plus ``configured``), filtered; for ``llm/providers``."""
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

    def discover_local(self, timeout: float = 0.5) -> list[dict]:
        """Probe the known local servers; return those that answer, with their models.

        Ollama is asked ``GET /api/tags``, the others ``GET /v1/models``, each with
        TIMEOUT seconds.  Base URLs come from the environment overrides or the
        spec defaults; servers sharing a URL are reported once, under the first
        spec, with the others in ``also``.  Each result:
        ``{"id", "base-url", "models", "also", "needs-key"}`` (``needs-key``: the
        server answered 401/403, so its models are unknown).
        """
        import httpx

        by_url: dict[str, list[ProviderSpec]] = {}
        for spec in self.specs.values():
            if spec.local:
                url = self._env(spec.base_url_env) or spec.base_url
                if spec.adapter == "ollama":
                    from .providers.ollama import normalize_host
                    url = normalize_host(url)
                by_url.setdefault(url.rstrip("/"), []).append(spec)
        transport = self.http_options.get("transport")

        def probe(item):
            url, specs = item
            path = "/api/tags" if specs[0].adapter == "ollama" else "/models"
            try:
                with httpx.Client(transport=transport, timeout=timeout) as client:
                    response = client.get(url + path)
                if response.status_code in (401, 403):  # up, but wants a key (e.g. a LiteLLM proxy)
                    return {"id": specs[0].id, "base-url": url, "models": [], "also": [s.id for s in specs[1:]],
                            "needs-key": True}
                if response.status_code >= 400:
                    return None
                data = response.json()
            except (httpx.HTTPError, ValueError):
                return None
            if specs[0].adapter == "ollama":
                models = [m.get("name") for m in data.get("models") or () if isinstance(m, dict)]
            else:
                models = [m.get("id") for m in data.get("data") or () if isinstance(m, dict)]
            return {"id": specs[0].id, "base-url": url, "models": [m for m in models if m],
                    "also": [s.id for s in specs[1:]], "needs-key": False}

        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=max(1, len(by_url))) as pool:
            results = list(pool.map(probe, by_url.items()))
        return [r for r in results if r is not None]

    def close(self) -> None:
        """Close every provider's pooled connections."""
        for provider in list(self._providers.values()):
            if hasattr(provider, "close"):
                provider.close()


__all__ = ["ProviderSpec", "SPECS", "ProviderRegistry", "check_key", "split_model", "CATEGORIES"]
