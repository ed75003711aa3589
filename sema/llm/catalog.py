"""Every known provider as data: :class:`ProviderSpec` rows and curated model lists.

A new OpenAI-compatible vendor is a new row, not new code.  Each row says
which wire format it speaks (``adapter``), how it authenticates (``auth``),
where it lives (``base_url``, ``chat_path``) and which environment
variables configure it.  The provider table of ``docs/llm.md`` is generated from this
table (``python -m sema.llm.doctable``), so the documentation cannot drift.

Order matters: ``auto_configure`` registers rows in table order, and that
order (after the default provider) is the standing failover order.
"""

from __future__ import annotations

import attrs
from attrs import field, frozen

from .types import FieldError

CHAT = frozenset({"chat", "stream", "tools"})
CHAT_EMBED = CHAT | {"embed"}
EMBED = frozenset({"embed"})
CATEGORIES = ("local", "us-labs", "china-labs", "model-hosts", "other-labs", "cloud")
ADAPTERS = ("openai", "anthropic", "gemini", "ollama", "bedrock", "vertex", "cohere", "embeddings:openai",
            "embeddings:cohere")

#: auth scheme -> how the documentation describes it
AUTH_METHODS = {
    "none": "none (local)",
    "bearer": "API key (`Authorization: Bearer`)",
    "x-api-key": "API key (`x-api-key`) or OAuth token (`sk-ant-oat…`, Bearer)",
    "x-goog-api-key": "API key (`x-goog-api-key`)",
    "api-key": "API key (`api-key` header)",
    "copilot": "GitHub token → Copilot API key exchange",
    "qwen-oauth": "OAuth device flow + PKCE (`sema login qwen`)",
    "sigv4": "AWS SigV4 request signing",
    "service-account": "service-account JWT (RS256) → access token",
}


def _strs(x):
    return tuple(x) if not isinstance(x, str) else (x,)


def _in(options, what):
    def check(inst, attribute, value):
        if value not in options:
            raise FieldError(attribute.name.replace("_", "-"), what, value)
    return check


@frozen
class ProviderSpec:
    """One known service.

    ``adapter`` is the wire format (see :data:`ADAPTERS`); ``auth`` the
    scheme (see :data:`AUTH_METHODS`).  ``key_env``/``base_url_env`` list
    environment variables in order of preference.  ``auto`` rows are
    registered by ``auto_configure`` when their key (or, for keyless local
    servers, their base-URL variable) is in the environment.
    ``key_prefix`` drives the key-format warning.  ``aggregator`` services
    take ``vendor/model`` names as they are (OpenRouter, Together ...).
    ``models`` is the curated catalog (``llm/models``).
    """

    id: str
    adapter: str = field(validator=_in(ADAPTERS, "a known adapter"))
    label: str
    base_url: str
    default_model: str = ""
    aliases: tuple = field(default=(), converter=_strs)
    key_env: tuple = field(default=(), converter=_strs)
    base_url_env: tuple = field(default=(), converter=_strs)
    category: str = field(default="model-hosts", validator=_in(CATEGORIES, "a known category"))
    needs_key: bool = True
    local: bool = False
    supports: frozenset = field(default=CHAT, converter=frozenset)
    embedding_model: str | None = None
    key_prefix: str | None = None
    auto: bool = True
    auth: str = field(default="bearer", validator=_in(tuple(AUTH_METHODS), "a known auth scheme"))
    chat_path: str = "/chat/completions"
    models: tuple = field(default=(), converter=_strs)
    aggregator: bool = False
    timeout_env: tuple = field(default=(), converter=_strs)

    def to_dict(self) -> dict:
        """The row with Lisp-style keys (for ``llm/providers``)."""
        return {"id": self.id, "label": self.label, "adapter": self.adapter, "aliases": list(self.aliases),
                "base-url": self.base_url, "default-model": self.default_model,
                "key-env": list(self.key_env), "base-url-env": list(self.base_url_env),
                "category": self.category, "needs-key": self.needs_key, "local": self.local,
                "supports": sorted(self.supports), "embedding-model": self.embedding_model,
                "auth": self.auth, "chat-path": self.chat_path, "models": list(self.models),
                "aggregator": self.aggregator}

    def evolve(self, **changes) -> "ProviderSpec":
        return attrs.evolve(self, **changes)


def _oai(id, label, base_url, model, key_env, *, aliases=(), category="model-hosts", base_env=(), **kw):
    """An OpenAI-compatible hosted service."""
    return ProviderSpec(id, "openai", label, base_url, model, aliases, key_env,
                        tuple(base_env) or (f"{id.upper().replace('-', '_')}_BASE_URL",), category, **kw)


def _local(id, label, base_url, base_env, *, aliases=(), key_env=(), model="", adapter="openai",
           supports=CHAT_EMBED, **kw):
    """A keyless local server (configured from its base-URL variable, or found by discovery)."""
    return ProviderSpec(id, adapter, label, base_url, model, aliases, key_env, base_env,
                        "local", needs_key=False, local=True, supports=supports, auth="none", **kw)


SPECS: tuple[ProviderSpec, ...] = (
    # -- native APIs (Rust sema's order: Anthropic, OpenAI, Groq, xAI, Mistral, Moonshot, Gemini)
    ProviderSpec("anthropic", "anthropic", "Anthropic", "https://api.anthropic.com", "claude-sonnet-4-6",
                 ("claude",), ("ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"), ("ANTHROPIC_BASE_URL",), "us-labs",
                 key_prefix="sk-ant-", auth="x-api-key", chat_path="/v1/messages",
                 models=("claude-opus-4-6", "claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929",
                         "claude-haiku-4-5-20251001", "claude-sonnet-4-20250514", "claude-opus-4-20250514",
                         "claude-haiku-4-20250514")),
    ProviderSpec("openai", "openai", "OpenAI", "https://api.openai.com/v1", "gpt-5.5",
                 ("gpt", "chatgpt"), ("OPENAI_API_KEY",), ("OPENAI_BASE_URL", "OPENAI_API_BASE"), "us-labs",
                 supports=CHAT_EMBED, embedding_model="text-embedding-3-small", key_prefix="sk-",
                 models=("gpt-5.3-codex", "gpt-5.2", "gpt-5.2-pro", "gpt-5.2-codex", "gpt-5.1", "gpt-5.1-codex",
                         "gpt-5.1-codex-mini", "gpt-4o-2024-11-20", "gpt-4o", "gpt-4o-mini", "o1", "o1-mini")),
    _oai("groq", "Groq", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile", ("GROQ_API_KEY",),
         models=("llama-3.3-70b-versatile", "llama-3.1-8b-instant", "mixtral-8x7b-32768", "gemma2-9b-it")),
    _oai("xai", "xAI", "https://api.x.ai/v1", "grok-4.3", ("XAI_API_KEY",), aliases=("grok", "x-ai"),
         category="us-labs", models=("grok-3", "grok-3-mini", "grok-2", "grok-beta", "grok-2-latest")),
    _oai("mistral", "Mistral", "https://api.mistral.ai/v1", "mistral-large-latest", ("MISTRAL_API_KEY",),
         category="other-labs", models=("mistral-large-2411", "mistral-medium-2505", "mistral-nemo",
                                        "codestral-latest", "mistral-small-latest", "mistral-large-latest")),
    _oai("moonshot", "Moonshot (Kimi)", "https://api.moonshot.ai/v1", "kimi-k2.6",
         ("MOONSHOT_API_KEY", "KIMI_API_KEY"), aliases=("kimi",), category="china-labs",
         models=("moonshot-v1-128k", "moonshot-v1-32k", "moonshot-v1-8k", "kimi-k2")),
    ProviderSpec("gemini", "gemini", "Google Gemini", "https://generativelanguage.googleapis.com/v1beta",
                 "gemini-3.5-flash", ("google",), ("GOOGLE_API_KEY", "GEMINI_API_KEY"),
                 ("GEMINI_BASE_URL", "GOOGLE_GEMINI_BASE_URL"), "us-labs", supports=CHAT_EMBED,
                 embedding_model="text-embedding-004", key_prefix="AIza", auth="x-goog-api-key", chat_path="",
                 models=("gemini-3-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro", "gemini-2.5-flash",
                         "gemini-2.0-flash", "gemini-flash-latest")),
    ProviderSpec("ollama", "ollama", "Ollama", "http://localhost:11434", "gemma4", ("local-ollama",),
                 ("OLLAMA_API_KEY",), ("OLLAMA_HOST", "OLLAMA_BASE_URL"), "local", needs_key=False, local=True,
                 supports=CHAT_EMBED, auth="none", chat_path="/api/chat", timeout_env=("OLLAMA_HTTP_TIMEOUT",)),
    # -- native APIs with their own auth schemes (seed 002's native providers)
    ProviderSpec("azure", "openai", "Azure OpenAI", "", "gpt-4o", ("azure-openai", "azure_openai"),
                 ("AZURE_OPENAI_API_KEY", "AZURE_API_KEY"), ("AZURE_OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"),
                 "cloud", supports=CHAT_EMBED, auth="api-key", embedding_model="text-embedding-3-small"),
    ProviderSpec("copilot", "openai", "GitHub Copilot", "https://api.githubcopilot.com", "gpt-4o",
                 ("github-copilot", "github_copilot"), ("GITHUB_COPILOT_TOKEN", "GH_COPILOT_TOKEN"),
                 ("COPILOT_BASE_URL",), "cloud", auth="copilot", needs_key=False,
                 models=("gpt-4o", "gpt-4.1", "claude-sonnet-4", "o3-mini", "gemini-2.0-flash-001")),
    ProviderSpec("qwen-oauth", "openai", "Qwen (OAuth, chat.qwen.ai)", "https://portal.qwen.ai/v1", "qwen3-coder-plus",
                 ("qwen_oauth", "qwen-code"), (), ("QWEN_OAUTH_BASE_URL",), "china-labs", needs_key=False,
                 auth="qwen-oauth", auto=False, models=("qwen3-coder-plus", "qwen3-coder-flash")),
    ProviderSpec("bedrock", "bedrock", "AWS Bedrock", "https://bedrock-runtime.{region}.amazonaws.com",
                 "anthropic.claude-3-5-sonnet-20241022-v2:0", ("aws-bedrock", "aws_bedrock", "aws"),
                 ("AWS_ACCESS_KEY_ID",), ("BEDROCK_BASE_URL", "AWS_BEDROCK_ENDPOINT"), "cloud", auth="sigv4",
                 chat_path="/model/{model}/converse", needs_key=False, auto=False,
                 models=("anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic.claude-3-5-haiku-20241022-v1:0",
                         "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0", "meta.llama3-3-70b-instruct-v1:0",
                         "mistral.mistral-large-2407-v1:0")),
    ProviderSpec("vertex", "vertex", "Google Vertex AI", "https://{location}-aiplatform.googleapis.com/v1",
                 "gemini-2.5-flash", ("vertex-ai", "vertexai", "google-vertex"), ("GOOGLE_APPLICATION_CREDENTIALS",),
                 ("VERTEX_BASE_URL",), "cloud", auth="service-account", needs_key=False, auto=False, chat_path="",
                 models=("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash", "gemini-1.5-pro")),
    # -- embeddings services
    ProviderSpec("jina", "embeddings:openai", "Jina AI", "https://api.jina.ai/v1", "jina-embeddings-v3",
                 ("jina-ai",), ("JINA_API_KEY",), ("JINA_BASE_URL",), "other-labs", supports=EMBED,
                 embedding_model="jina-embeddings-v3", models=("jina-embeddings-v3",)),
    ProviderSpec("voyage", "embeddings:openai", "Voyage AI", "https://api.voyageai.com/v1", "voyage-3",
                 ("voyageai", "voyage-ai"), ("VOYAGE_API_KEY",), ("VOYAGE_BASE_URL",), "us-labs", supports=EMBED,
                 embedding_model="voyage-3", models=("voyage-3", "voyage-3-lite")),
    ProviderSpec("cohere", "cohere", "Cohere", "https://api.cohere.com", "command-r-plus-08-2024",
                 ("cohere-chat", "cohere-compat", "co"), ("COHERE_API_KEY", "CO_API_KEY"), ("COHERE_BASE_URL",),
                 "other-labs", supports=CHAT_EMBED, embedding_model="embed-english-v3.0",
                 chat_path="/compatibility/v1/chat/completions",
                 models=("command-a-03-2025", "command-r-plus-08-2024", "command-r-08-2024",
                         "embed-english-v3.0")),
    # -- OpenAI-compatible hosts and labs (the gateway document's registry)
    _oai("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat", ("DEEPSEEK_API_KEY",),
         category="china-labs", models=("deepseek-ai/DeepSeek-V3.2", "deepseek-ai/DeepSeek-R1", "deepseek-chat",
                                        "deepseek-coder", "deepseek-reasoner")),
    _oai("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "openrouter/auto", ("OPENROUTER_API_KEY",),
         aggregator=True, key_prefix="sk-or-", models=("anthropic/claude-sonnet-4", "openai/gpt-4o",
                                                       "google/gemini-2.0-flash", "meta-llama/llama-3.3-70b-instruct")),
    _oai("together", "Together AI", "https://api.together.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
         ("TOGETHER_API_KEY", "TOGETHERAI_API_KEY"), aliases=("togetherai", "together-ai"), supports=CHAT_EMBED,
         aggregator=True, models=("meta-llama/Llama-3.3-70B-Instruct-Turbo", "Qwen/Qwen2.5-Coder-32B-Instruct",
                                  "deepseek-ai/DeepSeek-R1", "mistralai/Mixtral-8x22B-Instruct-v0.1")),
    _oai("fireworks", "Fireworks AI", "https://api.fireworks.ai/inference/v1",
         "accounts/fireworks/models/llama-v3p3-70b-instruct", ("FIREWORKS_API_KEY",),
         aliases=("fireworks-ai", "fireworksai"), supports=CHAT_EMBED, aggregator=True,
         models=("accounts/fireworks/models/llama-v3p3-70b-instruct",)),
    _oai("cerebras", "Cerebras", "https://api.cerebras.ai/v1", "llama-3.3-70b", ("CEREBRAS_API_KEY",),
         models=("llama-3.3-70b", "qwen-3-coder-480b", "llama3.3-70b")),
    _oai("sambanova", "SambaNova", "https://api.sambanova.ai/v1", "Meta-Llama-3.3-70B-Instruct",
         ("SAMBANOVA_API_KEY",), models=("Meta-Llama-3.3-70B-Instruct", "Meta-Llama-3.1-405B-Instruct")),
    _oai("perplexity", "Perplexity", "https://api.perplexity.ai", "sonar", ("PERPLEXITY_API_KEY", "PPLX_API_KEY"),
         aliases=("pplx",), category="us-labs", supports=frozenset({"chat", "stream"}),
         models=("sonar-pro", "sonar", "sonar-reasoning")),
    _oai("hyperbolic", "Hyperbolic", "https://api.hyperbolic.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct",
         ("HYPERBOLIC_API_KEY",), aggregator=True, models=("meta-llama/Llama-3.3-70B-Instruct",)),
    _oai("novita", "Novita AI", "https://api.novita.ai/v3/openai", "meta-llama/llama-3.3-70b-instruct",
         ("NOVITA_API_KEY",), aliases=("novita-ai",), aggregator=True,
         models=("meta-llama/llama-3.3-70b-instruct", "meta-llama/llama-3.1-70b-instruct")),
    _oai("lepton", "Lepton AI", "https://llama3-3-70b.lepton.run/api/v1", "llama3-3-70b", ("LEPTON_API_KEY",),
         aliases=("lepton-ai",), models=("llama3-3-70b",)),
    _oai("corethink", "CoreThink", "https://api.corethink.ai/v1", "deepseek-r1", ("CORETHINK_API_KEY",),
         category="other-labs", models=("deepseek-r1",)),
    _oai("featherless", "Featherless", "https://api.featherless.ai/v1", "meta-llama/Meta-Llama-3.1-8B-Instruct",
         ("FEATHERLESS_API_KEY",), aliases=("featherless-ai",), aggregator=True,
         models=("meta-llama/Meta-Llama-3.1-70B-Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct")),
    _oai("requesty", "Requesty", "https://router.requesty.ai/v1", "openai/gpt-4o-mini", ("REQUESTY_API_KEY",),
         aggregator=True, models=("openai/gpt-4o", "openai/gpt-4o-mini")),
    _oai("glama", "Glama", "https://glama.ai/api/gateway/openai/v1", "openai/gpt-4o-mini", ("GLAMA_API_KEY",),
         aggregator=True, models=("openai/gpt-4o", "openai/gpt-4o-mini")),
    _oai("chutes", "Chutes", "https://llm.chutes.ai/v1", "deepseek-ai/DeepSeek-V3", ("CHUTES_API_KEY",),
         aliases=("chutes-ai",), aggregator=True, models=("deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-V3")),
    _oai("gemini-compat", "Gemini (OpenAI compatibility)", "https://generativelanguage.googleapis.com/v1beta/openai",
         "gemini-2.5-flash", ("GEMINI_API_KEY", "GOOGLE_API_KEY"), aliases=("google-compat",), category="us-labs",
         base_env=("GEMINI_COMPAT_BASE_URL",), key_prefix="AIza", auto=False, supports=CHAT_EMBED,
         models=("gemini-2.5-flash", "gemini-2.0-flash")),
    _oai("glm", "GLM (Zhipu)", "https://open.bigmodel.cn/api/paas/v4", "glm-4.6", ("ZHIPUAI_API_KEY", "GLM_API_KEY"),
         aliases=("zhipu", "zhipuai", "bigmodel"), category="china-labs", models=("glm-4.6", "glm-4-flash")),
    _oai("doubao", "Doubao (Volcengine Ark)", "https://ark.cn-beijing.volces.com/api/v3", "doubao-seed-1-6-250615",
         ("ARK_API_KEY", "DOUBAO_API_KEY"), aliases=("volcengine", "ark", "bytedance"), category="china-labs",
         models=("doubao-seed-1-6-250615", "doubao-pro-4k")),
    _oai("qwen", "Qwen (DashScope)", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "qwen-plus",
         ("DASHSCOPE_API_KEY", "QWEN_API_KEY"), aliases=("dashscope", "alibaba"), category="china-labs",
         supports=CHAT_EMBED, models=("qwen-max", "qwen-plus", "qwen-turbo", "qwen2.5-coder-32b-instruct",
                                      "qwen2.5-72b-instruct")),
    _oai("zai", "Z.AI", "https://api.z.ai/api/paas/v4", "glm-4.6", ("ZAI_API_KEY", "Z_AI_API_KEY"),
         aliases=("z-ai", "z.ai"), category="china-labs", models=("glm-4.6", "z1-preview")),
    _oai("01ai", "01.AI (Yi)", "https://api.01.ai/v1", "yi-lightning", ("YI_API_KEY", "01AI_API_KEY"),
         aliases=("yi", "01-ai", "lingyiwanwu"), category="china-labs", base_env=("YI_BASE_URL",),
         models=("yi-lightning", "yi-large")),
    _oai("minimax", "MiniMax", "https://api.minimax.io/v1", "MiniMax-M2", ("MINIMAX_API_KEY",),
         category="china-labs", models=("MiniMax-M2", "MiniMax-Text-01")),
    _oai("hunyuan", "Hunyuan (Tencent)", "https://api.hunyuan.cloud.tencent.com/v1", "hunyuan-turbos-latest",
         ("HUNYUAN_API_KEY",), aliases=("tencent",), category="china-labs",
         models=("hunyuan-turbos-latest", "hunyuan-turbo")),
    _oai("stepfun", "StepFun", "https://api.stepfun.com/v1", "step-2-16k", ("STEPFUN_API_KEY", "STEP_API_KEY"),
         aliases=("step",), category="china-labs", models=("step-2-16k", "step-1-8k")),
    _oai("siliconflow", "SiliconFlow", "https://api.siliconflow.cn/v1", "Qwen/Qwen2.5-72B-Instruct",
         ("SILICONFLOW_API_KEY", "SILICON_API_KEY"), aliases=("silicon-flow",), supports=CHAT_EMBED,
         aggregator=True, models=("Qwen/Qwen2.5-72B-Instruct", "deepseek-ai/DeepSeek-V3")),
    # the registry document gives https://api.opencode.ai/v1; OpenCode's own docs serve Zen at opencode.ai/zen/v1
    _oai("opencode-zen", "OpenCode Zen", "https://opencode.ai/zen/v1", "qwen3-coder", ("OPENCODE_API_KEY",),
         aliases=("opencode", "zen"), category="other-labs", base_env=("OPENCODE_BASE_URL",),
         models=("glm-4.7-free", "grok-code", "kimi-k2.5-free", "gpt-5-nano", "minimax-m2.1-free", "big-pickle")),
    # -- local servers (keyless; configured from their base-URL variable or found by discover_local)
    _local("lmstudio", "LM Studio", "http://localhost:1234/v1", ("LMSTUDIO_BASE_URL", "LM_STUDIO_API_BASE"),
           aliases=("lm-studio", "lm_studio"), key_env=("LMSTUDIO_API_KEY",)),
    _local("llamacpp", "llama.cpp server", "http://localhost:8080/v1", ("LLAMACPP_BASE_URL", "LLAMA_CPP_BASE_URL"),
           aliases=("llama.cpp", "llama-cpp", "llama_cpp"), key_env=("LLAMACPP_API_KEY",)),
    _local("localai", "LocalAI", "http://localhost:8080/v1", ("LOCALAI_BASE_URL",), aliases=("local-ai",),
           key_env=("LOCALAI_API_KEY",)),
    _local("litellm", "LiteLLM proxy", "http://localhost:4000/v1", ("LITELLM_BASE_URL", "LITELLM_PROXY_URL"),
           aliases=("litellm-proxy",), key_env=("LITELLM_API_KEY", "LITELLM_MASTER_KEY"), aggregator=True),
    _local("vllm", "vLLM", "http://localhost:8000/v1", ("VLLM_BASE_URL", "HOSTED_VLLM_API_BASE"),
           aliases=("hosted-vllm", "vllm-server"), key_env=("VLLM_API_KEY",)),
    _local("sglang", "SGLang", "http://localhost:30000/v1", ("SGLANG_BASE_URL",), aliases=("sg-lang",),
           key_env=("SGLANG_API_KEY",)),
    _local("tgi", "Text Generation Inference", "http://localhost:8080/v1", ("TGI_BASE_URL",),
           aliases=("huggingface-tgi", "text-generation-inference"), key_env=("TGI_API_KEY",)),
    _local("mlx", "MLX LM server", "http://localhost:8080/v1", ("MLX_BASE_URL",), aliases=("mlx-lm",),
           supports=CHAT),
    _local("openai-compatible", "OpenAI-compatible server", "http://localhost:8000/v1",
           ("OPENAI_COMPATIBLE_BASE_URL",), aliases=("openai_compatible", "compatible"),
           key_env=("OPENAI_COMPATIBLE_API_KEY",)),
)


__all__ = ["ProviderSpec", "SPECS", "CATEGORIES", "ADAPTERS", "AUTH_METHODS", "CHAT", "CHAT_EMBED", "EMBED"]
