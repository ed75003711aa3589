"""Opt-in integration tests against a real local model (``SEMA_REAL_LLM=1``).

Start the servers first: ``tools/real-llm.sh start`` (from the project's shared
tools) runs llama-cpp-python (Gemma 3 270M, OpenAI-compatible, port 8765)
and a litellm proxy with an Anthropic-format ``/v1/messages`` (port 8766).
The model is a tiny base model: these tests check shapes, token counts and
stop reasons, never words.  Override the URLs with ``REALLLM_OPENAI_BASE_URL``,
``REALLLM_ANTHROPIC_BASE_URL`` and ``REALLLM_PROXY_KEY``.
"""

from __future__ import annotations

import os

import pytest

from sema.llm import ChatRequest, Message, ProviderRegistry, ToolSpec

pytestmark = pytest.mark.skipif(os.environ.get("SEMA_REAL_LLM") != "1",
                                reason="real-LLM tests are opt-in: set SEMA_REAL_LLM=1 and run tools/real-llm.sh start")

OPENAI_URL = os.environ.get("REALLLM_OPENAI_BASE_URL", "http://127.0.0.1:8765/v1")
ANTHROPIC_URL = os.environ.get("REALLLM_ANTHROPIC_BASE_URL", "http://127.0.0.1:8766")
PROXY_KEY = os.environ.get("REALLLM_PROXY_KEY", "sk-test-master")
WEATHER = ToolSpec("get_weather", "Current weather for a city",
                   {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
SLOW = {"timeout": 180, "idle-timeout": 180, "max-retries": 0}  # a 2-core box under load is slow


def hello(model=None, **kw):
    return ChatRequest(model, (Message("user", "Name three colors."),), max_tokens=8, temperature=0, **kw)


@pytest.fixture(scope="module")
def registry():
    # configured the way users do it: base URLs from the environment
    reg = ProviderRegistry(environ={"OPENAI_API_KEY": "sk-local-unused", "OPENAI_BASE_URL": OPENAI_URL,
                                    "ANTHROPIC_API_KEY": PROXY_KEY, "ANTHROPIC_BASE_URL": ANTHROPIC_URL})
    reg.auto_configure()
    for name in ("openai", "anthropic"):
        reg.configure(name, SLOW, make_default=False)
    reg.get("openai").default_model = "gemma-3-270m"
    reg.get("anthropic").default_model = "gemma-3-270m"
    yield reg
    reg.close()


def check_text(r, model_prefix="gemma-3-270m"):
    assert isinstance(r.content, str)
    assert r.role == "assistant" and r.model.startswith(model_prefix)
    assert r.stop_reason in ("end_turn", "max_tokens")
    assert r.usage.prompt_tokens > 0 and 0 < r.usage.completion_tokens <= 8
    assert r.tool_calls == ()


class TestOpenAICompatible:
    def test_chat(self, registry):
        """A chat completion returns text, a stop reason and real token counts."""
        check_text(registry.get("openai").complete(hello()))

    def test_stream(self, registry):
        """Streamed chunks join to the content; the stop reason arrives."""
        chunks = []
        r = registry.get("openai").stream(hello(), chunks.append)
        assert chunks and "".join(chunks) == r.content
        assert r.stop_reason in ("end_turn", "max_tokens")

    def test_embeddings(self, registry):
        """Embeddings come back as one flat float vector per text (per-token vectors pooled)."""
        vectors = registry.get("openai").embed(["hello", "world"], model="gemma-3-270m")
        assert len(vectors) == 2 and len(vectors[0]) == len(vectors[1]) > 0
        assert all(isinstance(x, float) for x in vectors[0])

    @pytest.mark.parametrize("streamed", [False, True])
    def test_forced_tool_call(self, registry, streamed):
        """A forced tool call comes back as one ToolCall with object arguments."""
        provider = registry.get("openai")
        req = ChatRequest("gemma-3-270m-tools", (Message("user", "What is the weather in Paris?"),),
                          max_tokens=64, temperature=0, tools=(WEATHER,), tool_choice="get_weather")
        r = provider.stream(req) if streamed else provider.complete(req)
        assert len(r.tool_calls) == 1
        call = r.tool_calls[0]
        assert call.name == "get_weather" and call.id and isinstance(call.arguments, dict)
        assert call.raw_arguments is None and "city" in call.arguments
        assert r.stop_reason == "tool_use"


class TestAnthropicFormat:
    def test_chat(self, registry):
        """The Anthropic adapter talks to the proxy's /v1/messages."""
        check_text(registry.get("anthropic").complete(hello()))

    def test_stream(self, registry):
        """Anthropic SSE events assemble into the response; usage comes from message_delta."""
        chunks = []
        r = registry.get("anthropic").stream(hello(), chunks.append)
        assert "".join(chunks) == r.content
        assert r.stop_reason in ("end_turn", "max_tokens") and r.usage.completion_tokens > 0


# ---------------------------------------------------------------- issue #8: wire details against real servers


def _tools_request(**kw):
    return ChatRequest("gemma-3-270m-tools", (Message("user", "What is the weather in Paris?"),), max_tokens=64,
                       temperature=0, tools=(WEATHER,), tool_choice="get_weather", **kw)


class TestWireDetails:
    def test_tool_result_round_trip(self, registry):
        """Sending a tool result back works on llama.cpp (the assistant turn carries "content": "", not null)."""
        provider = registry.get("openai")
        first = provider.complete(_tools_request())
        call = first.tool_calls[0]
        follow = ChatRequest("gemma-3-270m", (Message("user", "What is the weather in Paris?"),
                                              Message("assistant", "", (call,)),
                                              Message("tool", "18C and sunny", tool_call_id=call.id, name=call.name)),
                             max_tokens=8, temperature=0)
        r = provider.complete(follow)
        assert isinstance(r.content, str) and r.stop_reason in ("end_turn", "max_tokens")

    def test_streamed_tool_calls_and_estimated_usage(self, registry):
        """A streamed tool call comes back whole; llama.cpp sends no usage chunk, so the tokens are estimated."""
        r = registry.get("openai").stream(_tools_request())
        assert len(r.tool_calls) == 1 and r.tool_calls[0].name == "get_weather"
        assert isinstance(r.tool_calls[0].arguments, dict) and r.stop_reason == "tool_use"
        assert r.usage.estimated and r.usage.prompt_tokens > 0

    def test_response_format_json_schema(self, registry):
        """response_format json_schema on llama.cpp (grammar-constrained): the answer decodes and matches."""
        schema = {"type": "object", "properties": {"color": {"type": "string"}}, "required": ["color"]}
        req = ChatRequest("gemma-3-270m", (Message("user", "Name a color as JSON."),), max_tokens=40, temperature=0,
                          response_format={"name": "color", "schema": schema})
        r = registry.router.call(req, provider="openai")
        assert isinstance(r.parsed, dict) and isinstance(r.parsed["color"], str)

    def test_count_tokens_with_the_servers_tokenizer(self, registry):
        """llama-cpp-python's /extras/tokenize counts the tokens (no estimate)."""
        count = registry.get("openai").count_tokens(hello("gemma-3-270m"))
        assert isinstance(count, int) and count > 2

    def test_batch_keeps_answers_of_the_others(self, registry):
        """One bad prompt (longer than the 4096-token context) does not discard the others' answers."""
        from sema.llm import ContextWindowError
        from sema.llm.router import batch_complete
        good = hello("gemma-3-270m")
        too_long = ChatRequest("gemma-3-270m", (Message("user", "word " * 12000),), max_tokens=4)
        results = batch_complete(registry.get("openai"), [good, too_long, good], return_exceptions=True,
                                 max_concurrency=1)
        assert isinstance(results[0].content, str) and isinstance(results[2].content, str)
        assert isinstance(results[1], ContextWindowError)

    def test_total_timeout(self, registry):
        """:timeout is a total deadline: a 0.05 s budget fails fast with a timeout error."""
        from sema.llm import LlmTimeoutError
        import time
        started = time.monotonic()
        with pytest.raises(LlmTimeoutError):
            registry.get("openai").complete(hello("gemma-3-270m", timeout=0.05).evolve(max_tokens=64))
        assert time.monotonic() - started < 5

    def test_failover_from_a_dead_provider_to_the_real_one(self, registry):
        """The router fails over from a refused connection to the real server, recording one call."""
        from sema.llm.providers import make_provider
        reg = ProviderRegistry(environ={})
        reg.register("dead", make_provider("openai", "dead", api_key="x", base_url="http://127.0.0.1:9/v1",
                                           default_model="m", max_retries=0))
        reg.register("openai", registry.get("openai"))
        r = reg.router.call(hello())
        assert r.provider == "openai" and reg.usage.summary()["last-call"]["attempts"] == 2

    def test_anthropic_response_format_by_tool_forcing(self, registry):
        """Through the Anthropic-format proxy: structured output by a forced tool comes back as :parsed JSON."""
        schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
        req = ChatRequest("gemma-3-270m-tools", (Message("user", "Which city is the capital of France?"),),
                          max_tokens=64, temperature=0, response_format={"name": "answer", "schema": schema})
        r = registry.router.call(req, provider="anthropic")
        assert isinstance(r.parsed, dict)
