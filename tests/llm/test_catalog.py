"""Issue #8: the registry rows of the seed documents, aliases, env vars, the one-variable switch, key warnings."""

from __future__ import annotations

import httpx
import pytest

from sema.errors import SemaError
from sema.interpreter import Interpreter
from sema.llm import LlmError, ProviderRegistry
from sema.llm.catalog import SPECS
from sema.llm.options import ProviderOptions
from sema.llm.types import FieldError
from sema.values import Keyword

from .routeserver import RouteServer, openai_answer

K = Keyword

#: the gateway document's 32 OpenAI-compatible ids (with its own spellings)
GATEWAY_IDS = ["groq", "deepseek", "openrouter", "xai", "mistral", "perplexity", "together", "fireworks", "cerebras",
               "sambanova", "hyperbolic", "novita", "lepton", "corethink", "featherless", "requesty", "glama",
               "chutes", "cohere", "gemini", "moonshot", "glm", "doubao", "qwen", "zai", "yi", "minimax", "hunyuan",
               "stepfun", "lmstudio", "llamacpp", "localai", "litellm"]
#: the registry document's ids and aliases
REGISTRY_NAMES = {"ollama": ["local-ollama"], "lmstudio": ["lm-studio"], "vllm": ["vllm-server"], "sglang": ["sg-lang"],
                  "tgi": ["text-generation-inference"], "mlx": ["mlx-lm"], "llama-cpp": ["llamacpp", "llama_cpp"],
                  "openai-compatible": ["openai_compatible", "compatible"], "openai": ["gpt"], "anthropic": ["claude"],
                  "gemini": ["google"], "moonshot": ["kimi"], "alibaba": ["qwen", "dashscope"],
                  "opencode": ["opencode-zen"], "together": ["togetherai"], "siliconflow": ["silicon-flow"]}


class TestRows:
    @pytest.mark.parametrize("name", GATEWAY_IDS)
    def test_gateway_ids_resolve(self, name):
        """Every id of the gateway document names a provider (the documents' names work)."""
        assert ProviderRegistry(environ={}).spec(name) is not None

    @pytest.mark.parametrize("name, aliases", sorted(REGISTRY_NAMES.items()))
    def test_registry_ids_and_aliases(self, name, aliases):
        """The registry document's ids and aliases all land on one row."""
        reg = ProviderRegistry(environ={})
        target = reg.spec(name)
        assert target is not None and all(reg.spec(a) is target for a in aliases)

    def test_case_insensitive(self):
        """:Anthropic, :CLAUDE and "Anthropic" are the anthropic provider."""
        reg = ProviderRegistry(environ={})
        assert {reg.canonical(n) for n in (K("Anthropic"), K("CLAUDE"), "Anthropic", ":anthropic")} == {"anthropic"}
        interp = Interpreter(llm=False)
        interp.eval_source('(llm/configure :Anthropic {:api-key "sk-ant-1234567" :base-url "http://127.0.0.1:9"})')
        assert interp.eval_source("(llm/default-provider)") == K("anthropic")
        assert interp.eval_source("(:id (first (filter (fn (p) (= (:id p) :anthropic)) (llm/providers))))") == K("anthropic")

    @pytest.mark.parametrize("var, provider", [("KIMI_API_KEY", "moonshot"), ("SILICON_API_KEY", "siliconflow"),
                                               ("LEPTON_API_KEY", "lepton"), ("CORETHINK_API_KEY", "corethink"),
                                               ("COHERE_API_KEY", "cohere")])
    def test_env_vars(self, var, provider):
        """The documents' variables configure their providers."""
        reg = ProviderRegistry(environ={var: "key-0123456789"})
        reg.auto_configure()
        assert provider in reg.list()

    def test_openai_compatible_generic_row(self):
        """openai-compatible: local, keyless, OPENAI_COMPATIBLE_BASE_URL."""
        reg = ProviderRegistry(environ={"OPENAI_COMPATIBLE_BASE_URL": "http://127.0.0.1:9/v1"})
        reg.auto_configure()
        assert reg.default == "openai-compatible" and reg.get("compatible").base_url == "http://127.0.0.1:9/v1"

    def test_ollama_http_timeout(self):
        """OLLAMA_HTTP_TIMEOUT sets Ollama's timeout."""
        reg = ProviderRegistry(environ={"OLLAMA_HOST": "127.0.0.1:9", "OLLAMA_HTTP_TIMEOUT": "42"})
        reg.auto_configure()
        assert reg.get("ollama").http.timeouts.total == 42.0

    def test_cohere_chats_and_embeds(self, monkeypatch):
        """cohere is a chat provider (compatibility API) and an embeddings provider (v2/embed)."""
        seen = []

        def handler(request):
            seen.append(request.url.path)
            if request.url.path == "/compatibility/v1/chat/completions":
                return httpx.Response(200, json=openai_answer("cohere says hi"))
            return httpx.Response(200, json={"embeddings": {"float": [[0.5, 0.25]]}})
        reg = ProviderRegistry(environ={"COHERE_API_KEY": "co-key-0123456"}, transport=httpx.MockTransport(handler))
        reg.auto_configure()
        from sema.llm import ChatRequest, Message
        assert reg.get("cohere").complete(ChatRequest(None, (Message("user", "hi"),))).content == "cohere says hi"
        assert reg.embedding_provider().embed(["x"]) == [[0.5, 0.25]]
        assert seen == ["/compatibility/v1/chat/completions", "/v2/embed"]

    def test_cohere_from_lisp_against_a_loopback_server(self, monkeypatch):
        """Issue 8: COHERE_API_KEY gives a chat provider and an embeddings provider; the server checks the key."""
        key = "co-key-0123456789"

        def authorized(req):
            return req.headers.get("authorization") == f"Bearer {key}"

        def chat(req):
            if not authorized(req):
                return 401, {"message": "invalid api token"}
            return 200, openai_answer("cohere says hi", req.json()["model"])

        def embed(req):
            body = req.json()
            if not authorized(req):
                return 401, {"message": "invalid api token"}
            if body.get("embedding_types") != ["float"] or not body.get("input_type"):
                return 400, {"message": "embedding_types and input_type are required"}
            return 200, {"id": "e1", "embeddings": {"float": [[0.5, 0.25] for _ in body["texts"]]},
                         "texts": body["texts"]}
        server = RouteServer({("POST", "/compatibility/v1/chat/completions"): chat, ("POST", "/v2/embed"): embed})
        try:
            monkeypatch.setenv("COHERE_API_KEY", key)
            monkeypatch.setenv("COHERE_BASE_URL", server.url)
            interp = Interpreter(llm=False)
            interp.llm.auto_configure()
            assert interp.eval_source('(llm/complete "hi" {:provider :cohere})') == "cohere says hi"
            assert list(interp.eval_source('(llm/embed "x")')) == [0.5, 0.25]
        finally:
            server.close()
        assert server.requests[0].json()["model"] == "command-r-plus-08-2024"
        assert [r.path for r in server.requests] == ["/compatibility/v1/chat/completions", "/v2/embed"]

    def test_every_row_is_checked_by_attrs(self):
        """Rows are attrs classes: a bad adapter or category is refused with a Lisp-level message."""
        with pytest.raises(FieldError, match="adapter must be a known adapter"):
            SPECS[0].evolve(adapter="soap")


class TestModelNames:
    def registry(self, *names):
        reg = ProviderRegistry(environ={})
        for n in names:
            reg.configure(n, {"api-key": "sk-or-v1-0123456789abcdef" if n == "openrouter" else "sk-ant-0123456789"})
        return reg

    def test_aggregator_keeps_vendor_model_names(self):
        """With OpenRouter active, anthropic/claude-3 is OpenRouter's own model name."""
        reg = self.registry("anthropic", "openrouter")
        reg.set_default("openrouter")
        assert reg.resolve("anthropic/claude-sonnet-4") == ("openrouter", "anthropic/claude-sonnet-4")
        reg.set_default("anthropic")
        assert reg.resolve("anthropic/claude-sonnet-4") == ("anthropic", "claude-sonnet-4")

    def test_redundant_prefix_stripped_with_provider(self):
        """:provider :anthropic with "anthropic/claude-x" (or "claude/claude-x") sends "claude-x"."""
        reg = self.registry("anthropic")
        assert reg.resolve("anthropic/claude-x", "anthropic") == ("anthropic", "claude-x")
        assert reg.resolve("Claude/claude-x", K("anthropic")) == ("anthropic", "claude-x")
        assert reg.resolve("meta-llama/Llama-3", "anthropic") == ("anthropic", "meta-llama/Llama-3")

    def test_failed_lookup_says_what_was_tried_and_how_to_pick(self):
        """An unconfigured prefix names the provider and both ways out."""
        interp = Interpreter(llm=False)
        interp.eval_source('(llm/define-provider :mine {:complete (fn (r) "x")})')
        with pytest.raises(SemaError) as info:
            interp.eval_source('(llm/complete "hi" {:model "groq/llama-3.3-70b-versatile"})')
        msg = info.value.message
        assert "names provider :groq, which is not configured (configured: :mine)" in msg
        assert "GROQ_API_KEY" in msg and "(llm/configure :groq" in msg and ":provider" in msg


class TestServiceKitSwitch:
    """Seed 004's three-line recipes work as written."""

    def test_openai(self):
        reg = ProviderRegistry(environ={"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-abcdef0123456789",
                                        "LLM_DEFAULT_MODEL": "gpt-4o"})
        assert reg.auto_configure() == "openai" and reg.get().default_model == "gpt-4o"
        assert reg.warnings == []

    def test_anthropic(self):
        reg = ProviderRegistry(environ={"LLM_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": "sk-ant-0123456789",
                                        "LLM_DEFAULT_MODEL": "claude-3-5-sonnet-20241022"})
        assert reg.auto_configure() == "anthropic" and reg.get().default_model == "claude-3-5-sonnet-20241022"

    def test_local_openai_compatible(self):
        """openai_compatible + LLM_BASE_URL + OPENAI_API_KEY=ollama: a local server, no key warning, no :openai."""
        server = RouteServer({("POST", "/v1/chat/completions"): lambda r: (
            200 if r.headers.get("authorization") == "Bearer ollama" else 401, openai_answer("local!", "llama3.2"))})
        try:
            env = {"LLM_PROVIDER": "openai_compatible", "LLM_BASE_URL": server.url + "/v1",
                   "LLM_DEFAULT_MODEL": "llama3.2", "OPENAI_API_KEY": "ollama"}
            reg = ProviderRegistry(environ=env)
            assert reg.auto_configure() == "openai-compatible"
            assert reg.list() == ["openai-compatible"] and reg.warnings == []
            interp = Interpreter(llm=False)
            assert interp.llm.auto_configure(environ=env) == "openai-compatible"
            assert interp.eval_source('(llm/complete "hi")') == "local!"
            assert server.requests[0].json()["model"] == "llama3.2"
        finally:
            server.close()

    def test_openai_switch_to_a_local_base_url_does_not_warn(self):
        """Issue 8: LLM_PROVIDER=openai + LLM_BASE_URL on loopback + OPENAI_API_KEY=ollama: no key warning
        (it used to be checked against api.openai.com before LLM_BASE_URL applied), and the call goes there."""
        server = RouteServer({("POST", "/v1/chat/completions"): lambda r: (
            200 if r.headers.get("authorization") == "Bearer ollama" else 401, openai_answer("local!", "llama3.2"))})
        try:
            reg = ProviderRegistry(environ={"LLM_PROVIDER": "openai", "LLM_BASE_URL": server.url + "/v1",
                                            "OPENAI_API_KEY": "ollama", "LLM_DEFAULT_MODEL": "llama3.2"})
            assert reg.auto_configure() == "openai" and reg.warnings == []
            from sema.llm import ChatRequest, Message
            assert reg.get().complete(ChatRequest(None, (Message("user", "hi"),))).content == "local!"
        finally:
            server.close()
        assert server.requests[0].json()["model"] == "llama3.2"

    def test_sema_variable_wins(self):
        """SEMA_LLM_PROVIDER takes precedence over LLM_PROVIDER."""
        reg = ProviderRegistry(environ={"SEMA_LLM_PROVIDER": "anthropic", "LLM_PROVIDER": "openai",
                                        "ANTHROPIC_API_KEY": "sk-ant-0123456789", "OPENAI_API_KEY": "sk-0123456789ab"})
        assert reg.auto_configure() == "anthropic"

    def test_switch_to_unconfigurable_provider(self):
        """LLM_PROVIDER naming a provider without its key says which variable is missing."""
        reg = ProviderRegistry(environ={"LLM_PROVIDER": "groq", "OPENAI_API_KEY": "sk-1234567890ab"})
        with pytest.raises(LlmError, match=r"LLM_PROVIDER=groq: provider :groq is not configured "
                                           r"\(configured: :openai\).*GROQ_API_KEY"):
            reg.auto_configure()


class TestKeyWarnings:
    def test_local_base_url_never_warns(self):
        """OPENAI_API_KEY=ollama with a local base URL: the documents' own recipe, no warning."""
        for url in ("http://localhost:11434/v1", "http://127.0.0.1:8080/v1", "http://192.168.1.20:8000/v1",
                    "http://gpu-box.local:8000/v1"):
            reg = ProviderRegistry(environ={"OPENAI_API_KEY": "ollama", "OPENAI_BASE_URL": url})
            reg.auto_configure()
            assert reg.warnings == [], url

    def test_remote_wrong_key_still_warns(self):
        """A Google key sent to api.openai.com is still reported (without quoting it)."""
        reg = ProviderRegistry(environ={"OPENAI_API_KEY": "AIzaSyNotAnOpenAIKey0123456789"})
        reg.auto_configure()
        assert len(reg.warnings) == 1 and "looks like a Google key" in reg.warnings[0]
        assert "does not look like a key for OpenAI (expected" in reg.warnings[0]  # not "like OpenAI key"
        assert "NotAnOpenAI" not in reg.warnings[0]

    def test_options_class_rejects_unknown(self):
        with pytest.raises(FieldError, match="unknown option :api-kee"):
            ProviderOptions.from_mapping({"api-kee": "x"})


class TestDiscoverLocal:
    def test_any_http_answer_means_something_is_there(self):
        """401/403 (needs a key) and 500 (a proxy refusing an unauthenticated probe) are reported."""
        def handler(request):
            port = request.url.port
            if port == 4000:
                return httpx.Response(500, json={"error": "no key"})
            if port == 1234:
                return httpx.Response(403, text="forbidden")
            if port == 11434:
                return httpx.Response(200, json={"models": [{"name": "qwen3:8b"}]})
            raise httpx.ConnectError("refused", request=request)
        found = {r["id"]: r for r in ProviderRegistry(environ={}, transport=httpx.MockTransport(handler)).discover_local()}
        assert set(found) == {"litellm", "lmstudio", "ollama"}
        assert (found["litellm"]["status"], found["litellm"]["needs-key"]) == (500, False)
        assert (found["lmstudio"]["status"], found["lmstudio"]["needs-key"]) == (403, True)
        assert found["ollama"]["models"] == ["qwen3:8b"]

    def test_from_lisp_against_servers_that_refuse_the_probe(self, monkeypatch):
        """Issue 8: (llm/discover-local) reports real loopback servers answering 401 and 500 (with :status,
        as docs/llm.md says), next to one that lists its models; closed ports are skipped."""
        litellm = RouteServer({("GET", "/v1/models"): lambda r: (401, {"error": {"message": "no key"}})})
        vllm = RouteServer({("GET", "/v1/models"): lambda r: (500, {"detail": "Internal Server Error"})})
        lmstudio = RouteServer({("GET", "/v1/models"): lambda r: (200, {"object": "list", "data": [
            {"id": "qwen2.5-7b-instruct", "object": "model"}]})})
        try:
            monkeypatch.setenv("LITELLM_BASE_URL", litellm.url + "/v1")
            monkeypatch.setenv("VLLM_BASE_URL", vllm.url + "/v1")
            monkeypatch.setenv("LMSTUDIO_BASE_URL", lmstudio.url + "/v1")
            for var in ("OLLAMA_HOST", "LLAMACPP_BASE_URL", "LOCALAI_BASE_URL", "SGLANG_BASE_URL", "TGI_BASE_URL",
                        "MLX_BASE_URL", "OPENAI_COMPATIBLE_BASE_URL"):
                monkeypatch.setenv(var, "http://127.0.0.1:9/v1")
            interp = Interpreter(llm=False)
            found = {r[K("id")]: r for r in interp.eval_source("(llm/discover-local {:timeout 0.5})")}
        finally:
            for s in (litellm, vllm, lmstudio):
                s.close()
        assert set(found) == {K("litellm"), K("vllm"), K("lmstudio")}
        assert (found[K("litellm")][K("needs-key")], found[K("litellm")][K("status")]) == (True, 401)
        assert (found[K("vllm")][K("needs-key")], found[K("vllm")][K("status")]) == (False, 500)
        assert list(found[K("lmstudio")][K("models")]) == ["qwen2.5-7b-instruct"]
        assert found[K("lmstudio")][K("status")] == 200
