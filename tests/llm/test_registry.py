"""Provider specs as data, configuration from options and the environment, discovery of local servers."""

from __future__ import annotations

import pytest

from sema.llm import AuthError, LlmError, ProviderRegistry, SPECS, check_key, split_model
from sema.llm.providers.anthropic import AnthropicProvider
from sema.llm.providers.cohere import CohereProvider
from sema.llm.providers.embeddings import EmbeddingProvider
from sema.llm.providers.gemini import GeminiProvider
from sema.llm.providers.ollama import OllamaProvider
from sema.llm.providers.openai import OpenAIProvider
from sema.values import kw

from .fakeserver import FakeServer

CONTRACT_SERVICES = [
    "anthropic", "openai", "gemini", "ollama", "groq", "xai", "mistral", "moonshot", "jina", "voyage", "cohere",
    "deepseek", "openrouter", "together", "fireworks", "cerebras", "sambanova", "perplexity", "hyperbolic",
    "novita", "featherless", "requesty", "glama", "chutes", "cohere-compat", "gemini-compat", "glm", "doubao",
    "qwen", "zai", "01ai", "minimax", "hunyuan", "stepfun", "siliconflow", "opencode-zen",
    "lmstudio", "llamacpp", "localai", "litellm", "vllm", "sglang", "tgi", "mlx"]


class Sleep:
    def __call__(self, s):
        pass


class TestSpecs:
    def test_every_contract_service_has_a_row(self):
        """Every service named by the provider contract is a row of the table."""
        ids = {s.id for s in SPECS}
        reg = ProviderRegistry(environ={})
        assert all(reg.spec(name) is not None for name in CONTRACT_SERVICES)  # ids or aliases
        assert len(ids) == len(SPECS)

    def test_rows_are_complete(self):
        """Every row has an adapter, a base URL, a category and key variables when it needs a key."""
        from sema.llm.catalog import ADAPTERS, CATEGORIES
        for s in SPECS:
            assert s.adapter in ADAPTERS
            assert s.base_url.startswith(("http://", "https://")) or s.id == "azure"  # Azure: the user's endpoint
            assert s.category in CATEGORIES
            assert not s.needs_key or s.key_env, s.id
            assert s.base_url_env, s.id
            assert s.local == (s.category == "local"), s.id
            assert s.local or s.default_model, s.id

    def test_aliases_unique(self):
        """No alias is claimed twice or shadows an id."""
        ids = {s.id for s in SPECS}
        aliases = [a for s in SPECS for a in s.aliases]
        assert len(aliases) == len(set(aliases)) and not ids & set(aliases)

    @pytest.mark.parametrize("alias, target", [("claude", "anthropic"), ("kimi", "moonshot"), ("google", "gemini"),
                                               ("grok", "xai"), ("zhipu", "glm"), ("lm-studio", "lmstudio")])
    def test_alias(self, alias, target):
        """Aliases resolve to their provider id."""
        assert ProviderRegistry(environ={}).spec(alias).id == target


class TestKeyChecks:
    @pytest.mark.parametrize("provider, key, warns", [
        ("openai", "sk-proj-abc", False), ("openai", "sk-ant-abc", True), ("openai", "AIzaXYZ", True),
        ("anthropic", "sk-ant-api03-x", False), ("anthropic", "sk-abc", True),
        ("gemini", "AIzaSyX", False), ("gemini", "sk-abc", True), ("groq", "gsk_anything", False),
        ("openai", " sk-abc\n", True)])
    def test_format(self, provider, key, warns):
        """Keys of the wrong shape produce a warning that never quotes the key."""
        reg = ProviderRegistry(environ={})
        warning = check_key(reg.spec(provider), key)
        assert bool(warning) is warns
        if warning:
            assert key.strip() not in warning

    def test_configure_records_warning(self):
        """configure keeps going but records the warning."""
        reg = ProviderRegistry(environ={})
        reg.configure("anthropic", {"api-key": "sk-proj-oops"})
        assert reg.warnings and "looks like an OpenAI key" in reg.warnings[0]


class TestModelNames:
    def test_split(self):
        """provider/model splits only on a known prefix, at the first slash."""
        known = {"anthropic", "openrouter"}
        assert split_model("anthropic/claude-sonnet-4", known) == ("anthropic", "claude-sonnet-4")
        assert split_model("openrouter/meta-llama/llama-3", known) == ("openrouter", "meta-llama/llama-3")
        assert split_model("meta-llama/Llama-3", known) == (None, "meta-llama/Llama-3")
        assert split_model("gpt-4o", known) == (None, "gpt-4o") and split_model(None, known) == (None, None)

    def test_resolve(self):
        """resolve picks the provider named by the prefix (aliases too), else the default."""
        reg = ProviderRegistry(environ={"ANTHROPIC_API_KEY": "sk-ant-x", "OPENAI_API_KEY": "sk-x"})
        reg.auto_configure()
        assert reg.resolve("claude/claude-haiku") == ("anthropic", "claude-haiku")
        assert reg.resolve("gpt-4o") == ("anthropic", "gpt-4o")
        assert reg.resolve("Claude/claude-haiku") == ("anthropic", "claude-haiku")  # names are case-insensitive
        # issue #8: a failed lookup says which provider was tried and how to pick another
        with pytest.raises(LlmError, match=r"names provider :groq, which is not configured.*GROQ_API_KEY.*:provider"):
            reg.resolve("groq/llama")


class TestRegistry:
    def test_register_get_default(self):
        """The first provider registered becomes the default; set_default switches; unknown names list the known."""
        reg = ProviderRegistry(environ={})
        assert reg.default is None and reg.list() == []

        class P:
            name, default_model = "mock", "mock-v1"

            def complete(self, req):
                return "x"
        p, q = P(), P()
        reg.register(kw("mock"), p)
        reg.register(":other", q)
        assert reg.default == "mock" and reg.get() is p and reg.get("other") is q and reg.list() == ["mock", "other"]
        assert reg.set_default("other") == "other" and reg.default_provider() is q
        with pytest.raises(LlmError, match=r"provider not configured: nope \(configured: :mock, :other\)"):
            reg.set_default("nope")
        reg.register("third", P(), make_default=True)
        assert reg.default == "third"

    def test_no_default_error(self):
        """Asking for the default with nothing configured explains what to do."""
        with pytest.raises(LlmError, match="no LLM provider configured"):
            ProviderRegistry(environ={}).get()

    def test_registries_share_nothing(self):
        """Two registries (two interpreters) have separate providers, defaults and usage."""
        a, b = ProviderRegistry(environ={}), ProviderRegistry(environ={})
        a.configure("ollama", {})
        assert b.list() == [] and b.default is None and a.usage is not b.usage

    @pytest.mark.parametrize("name, cls", [("anthropic", AnthropicProvider), ("openai", OpenAIProvider),
                                           ("gemini", GeminiProvider), ("groq", OpenAIProvider),
                                           ("ollama", OllamaProvider), ("jina", EmbeddingProvider),
                                           ("cohere", CohereProvider), ("deepseek", OpenAIProvider)])
    def test_configure_known(self, name, cls):
        """Known providers are built from their row: adapter class, base URL, default model."""
        reg = ProviderRegistry(environ={})
        provider = reg.configure(name, {"api-key": "k-123456"})
        spec = reg.spec(name)
        assert isinstance(provider, cls) and provider.name == spec.id
        assert provider.base_url == spec.base_url.rstrip("/") and provider.default_model == spec.default_model
        assert reg.get(name) is provider

    def test_configure_options_and_aliases(self):
        """Options override the row; a configured alias registers under the provider id and becomes default."""
        reg = ProviderRegistry(environ={})
        p = reg.configure(kw("claude"), {kw("api-key"): "sk-ant-1", kw("base-url"): "http://127.0.0.1:9/",
                                          kw("default-model"): "claude-x", kw("max-retries"): 0})
        assert p.name == "anthropic" and p.base_url == "http://127.0.0.1:9" and p.default_model == "claude-x"
        assert p.http.retry.max_retries == 0 and reg.default == "anthropic"

    def test_configure_ollama_host(self):
        """Ollama takes :host and needs no key."""
        reg = ProviderRegistry(environ={})
        assert reg.configure("ollama", {"host": "box:11434"}).base_url == "http://box:11434"

    def test_configure_needs_key(self):
        """A keyed provider without a key is an AuthError naming the variable."""
        with pytest.raises(AuthError, match="needs an API key: pass :api-key or set GROQ_API_KEY"):
            ProviderRegistry(environ={}).configure("groq", {})

    def test_configure_unknown_openai_compatible(self):
        """Any other name with api-key and base-url is an OpenAI-compatible provider."""
        reg = ProviderRegistry(environ={})
        p = reg.configure("together-custom", {"api-key": "k", "base-url": "https://my.host/v1"})
        assert isinstance(p, OpenAIProvider) and p.name == "together-custom" and p.default_model == "default"
        with pytest.raises(LlmError, match="needs :api-key and :base-url"):
            reg.configure("mystery", {"api-key": "k"})

    def test_key_not_in_repr(self):
        """A configured provider's repr never shows the key."""
        p = ProviderRegistry(environ={}).configure("openai", {"api-key": "sk-secret-value-123456"})
        assert "sk-secret-value-123456" not in repr(p) and "sk-secret-value-123456" not in repr(p.http)


class TestAutoConfigure:
    def test_empty_environment(self):
        """With no keys nothing is registered and the default is None."""
        reg = ProviderRegistry(environ={})
        assert reg.auto_configure() is None and reg.list() == []

    def test_keys_and_priority(self):
        """Every keyed provider is registered; the default follows the table order (Anthropic first)."""
        env = {"OPENAI_API_KEY": "sk-1", "GROQ_API_KEY": "g", "ANTHROPIC_API_KEY": "sk-ant-1",
               "GOOGLE_API_KEY": "AIza1", "JINA_API_KEY": "j"}
        reg = ProviderRegistry(environ=env)
        assert reg.auto_configure() == "anthropic"
        assert set(reg.list()) == {"anthropic", "openai", "groq", "gemini", "jina"}
        assert reg.embedder == "jina"

    def test_gemini_key_alias(self):
        """GEMINI_API_KEY also configures Gemini (the compat row is not auto-configured)."""
        reg = ProviderRegistry(environ={"GEMINI_API_KEY": "AIza1"})
        assert reg.auto_configure() == "gemini" and reg.list() == ["gemini"]

    def test_base_url_overrides(self):
        """OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GEMINI_BASE_URL and OLLAMA_HOST point adapters elsewhere."""
        env = {"OPENAI_API_KEY": "sk-1", "OPENAI_BASE_URL": "http://127.0.0.1:8765/v1",
               "ANTHROPIC_API_KEY": "sk-ant-1", "ANTHROPIC_BASE_URL": "http://127.0.0.1:8766",
               "GOOGLE_API_KEY": "AIza1", "GEMINI_BASE_URL": "http://127.0.0.1:7/v1beta",
               "OLLAMA_HOST": "127.0.0.1:11500"}
        reg = ProviderRegistry(environ=env)
        reg.auto_configure()
        assert reg.get("openai").base_url == "http://127.0.0.1:8765/v1"
        assert reg.get("anthropic").base_url == "http://127.0.0.1:8766"
        assert reg.get("gemini").base_url == "http://127.0.0.1:7/v1beta"
        assert reg.get("ollama").base_url == "http://127.0.0.1:11500"

    def test_preferred_provider_and_model(self):
        """SEMA_LLM_PROVIDER picks the default; SEMA_DEFAULT_MODEL sets its model."""
        env = {"OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "sk-ant-1", "SEMA_LLM_PROVIDER": "openai",
               "SEMA_DEFAULT_MODEL": "gpt-4o-mini"}
        reg = ProviderRegistry(environ=env)
        assert reg.auto_configure() == "openai" and reg.get().default_model == "gpt-4o-mini"

    def test_model_with_provider_prefix(self):
        """SEMA_DEFAULT_MODEL=provider/model also selects the provider."""
        env = {"OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "sk-ant-1", "SEMA_DEFAULT_MODEL": "openai/gpt-x"}
        reg = ProviderRegistry(environ=env)
        assert reg.auto_configure() == "openai" and reg.get().default_model == "gpt-x"

    def test_preferred_local_provider_configured(self):
        """A keyless local provider named by SEMA_LLM_PROVIDER is configured on the spot."""
        reg = ProviderRegistry(environ={"SEMA_LLM_PROVIDER": "lm-studio"})
        assert reg.auto_configure() == "lmstudio" and reg.get().base_url == "http://localhost:1234/v1"

    def test_preferred_unconfigured_is_error(self):
        """Forcing a keyed provider without a key is an error naming what is configured."""
        reg = ProviderRegistry(environ={"SEMA_LLM_PROVIDER": "groq", "OPENAI_API_KEY": "sk-1"})
        with pytest.raises(LlmError, match=r"provider :groq is not configured \(configured: :openai\)"):
            reg.auto_configure()

    def test_ollama_only_when_asked(self):
        """Ollama is registered with OLLAMA_HOST, or always with include_ollama (Rust sema's way)."""
        assert ProviderRegistry(environ={}).auto_configure(include_ollama=True) == "ollama"
        reg = ProviderRegistry(environ={"OPENAI_API_KEY": "sk-1"})
        assert reg.auto_configure(include_ollama=True) == "openai" and "ollama" in reg.list()

    def test_local_server_from_base_url_variable(self):
        """A local server whose base-URL variable is set is registered."""
        reg = ProviderRegistry(environ={"VLLM_BASE_URL": "http://127.0.0.1:8000/v1"})
        assert reg.auto_configure() == "vllm"

    def test_catalog_filters(self):
        """catalog lists rows with Lisp keys, filtered by local, category, support and configured."""
        reg = ProviderRegistry(environ={"OPENAI_API_KEY": "sk-1"})
        reg.auto_configure()
        local = reg.catalog(local=True)
        assert {r["id"] for r in local} >= {"ollama", "lmstudio", "vllm"} and all(r["local"] for r in local)
        assert [r["id"] for r in reg.catalog(configured=True)] == ["openai"]
        assert {r["id"] for r in reg.catalog(supports="embed", category="other-labs")} >= {"jina", "cohere"}
        assert reg.catalog(configured=True)[0]["base-url"] == "https://api.openai.com/v1"


class TestDiscovery:
    def test_discover_local(self):
        """Local servers that answer are reported with their models; the others are skipped quickly."""
        ollama, lmstudio = FakeServer("ollama"), FakeServer("openai")
        try:
            env = {"OLLAMA_HOST": ollama.url, "LMSTUDIO_BASE_URL": lmstudio.url + "/v1",
                   # everything else points at a closed port
                   **{name: "http://127.0.0.1:9/v1" for name in ("LLAMACPP_BASE_URL", "LOCALAI_BASE_URL",
                                                                 "LITELLM_BASE_URL", "VLLM_BASE_URL",
                                                                 "SGLANG_BASE_URL", "TGI_BASE_URL", "MLX_BASE_URL")}}
            found = ProviderRegistry(environ=env).discover_local(timeout=0.3)
        finally:
            ollama.close()
            lmstudio.close()
        by_id = {r["id"]: r for r in found}
        assert set(by_id) == {"ollama", "lmstudio"}
        assert by_id["ollama"]["models"] == ["llama3.2:latest"]
        assert by_id["lmstudio"]["models"] == ["gpt-4o-mini"] and by_id["lmstudio"]["base-url"].endswith("/v1")

    def test_server_wanting_a_key(self):
        """A local server answering 401 (a LiteLLM proxy) is reported as needing a key."""
        import httpx

        def handler(request):
            if request.url.port == 4000:
                return httpx.Response(401, json={"error": {"message": "auth"}})
            raise httpx.ConnectError("refused", request=request)
        found = ProviderRegistry(environ={}, transport=httpx.MockTransport(handler)).discover_local()
        assert found == [{"id": "litellm", "base-url": "http://localhost:4000/v1", "models": [], "also": [],
                          "needs-key": True, "status": 401}]


class TestImportCost:
    def test_no_httpx_on_import(self):
        """Importing sema.llm and building a registry does not import httpx (it loads on first HTTP use)."""
        import subprocess
        import sys
        code = ("import sys, sema.llm as L; r = L.ProviderRegistry(environ={}); r.auto_configure(); "
                "print('httpx' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "False"

    def test_attrs_loads_with_the_llm_layer_only(self):
        """Issue #8: `import sema` and a non-LLM eval never import attrs (nor botocore, jwt); an LLM call does."""
        import subprocess
        import sys
        code = ("import sys, sema; i = sema.Interpreter(llm=False); i.eval('(+ 1 2)'); "
                "print(sorted(m for m in ('attrs', 'botocore', 'jwt', 'httpx') if m in sys.modules)); "
                "i.eval('(llm/define-provider :p {:complete (fn (r) \"x\")}) (llm/complete \"q\")'); "
                "print(sorted(m for m in ('attrs', 'botocore', 'jwt') if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.splitlines() == ["[]", "['attrs']"]
