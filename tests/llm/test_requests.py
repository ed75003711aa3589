"""The exact request each adapter sends (httpx.MockTransport, no sockets)."""

from __future__ import annotations

import json

import httpx
import pytest

from sema.llm import ChatRequest, Message, ToolCall, ToolSpec
from sema.llm.providers import make_provider

SCHEMA = {"type": "object", "properties": {"city": {"type": "string", "default": "Paris"}},
          "required": ["city"], "additionalProperties": False}
TOOL = ToolSpec("get_weather", "Current weather", SCHEMA)
HISTORY = (
    Message("user", "Weather in Paris?"),
    Message("assistant", "Let me check.", tool_calls=(ToolCall("call_1", "get_weather", {"city": "Paris"}),)),
    Message("tool", "15 C", tool_call_id="call_1"),
)
FULL = ChatRequest(model="m-1", messages=HISTORY, max_tokens=50, temperature=0.2, system="You are terse.",
                   tools=(TOOL,), stop_sequences=("END",), tool_choice="auto")
ANSWERS = {
    "openai": {"model": "m-1", "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"},
                                            "finish_reason": "stop"}]},
    "anthropic": {"model": "m-1", "role": "assistant", "content": [{"type": "text", "text": "ok"}],
                  "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}},
    "gemini": {"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}]},
    "ollama": {"model": "m-1", "message": {"role": "assistant", "content": "ok"}, "done": True,
               "done_reason": "stop"},
}
BASES = {"openai": "https://api.example/v1", "anthropic": "https://api.example", "gemini": "https://api.example/v1beta",
         "ollama": "http://ollama.example:11434"}


class Capture:
    def __init__(self, answer):
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request):
        self.requests.append(request)
        return httpx.Response(200, json=self.answer)

    @property
    def body(self):
        return json.loads(self.requests[-1].content)

    @property
    def request(self):
        return self.requests[-1]


def provider_for(adapter, key="KEY-123456", answer=None, **options):
    capture = Capture(answer if answer is not None else ANSWERS.get(adapter, {}))
    provider = make_provider(adapter, adapter, api_key=key, base_url=BASES.get(adapter, "https://api.example"),
                             default_model="m-1", transport=httpx.MockTransport(capture), **options)
    return provider, capture


class TestOpenAIRequest:
    def test_full_request(self):
        """System first, tool calls with JSON-text arguments, tool results by id, tools and options."""
        provider, cap = provider_for("openai")
        provider.complete(FULL)
        assert cap.request.url == "https://api.example/v1/chat/completions"
        assert cap.request.headers["authorization"] == "Bearer KEY-123456"
        assert cap.body == {
            "model": "m-1",
            "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": "Let me check.", "tool_calls": [
                    {"id": "call_1", "type": "function",
                     "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "15 C"}],
            "max_tokens": 50, "temperature": 0.2, "stop": ["END"],
            "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
                                                        "parameters": SCHEMA}}],
            "tool_choice": "auto"}

    def test_stream_asks_for_usage(self):
        """A stream request sets stream and stream_options.include_usage."""
        provider, cap = provider_for("openai")
        provider.stream(ChatRequest("m-1", (Message("user", "hi"),)))
        assert cap.body == {"model": "m-1", "messages": [{"role": "user", "content": "hi"}], "stream": True,
                            "stream_options": {"include_usage": True}}

    def test_minimal_and_no_key(self):
        """Unset options are not sent, and without a key there is no Authorization header."""
        provider, cap = provider_for("openai", key=None)
        provider.complete(ChatRequest(None, (Message("user", "hi"),)))
        assert cap.body == {"model": "m-1", "messages": [{"role": "user", "content": "hi"}]}
        assert "authorization" not in cap.request.headers

    @pytest.mark.parametrize("choice, sent", [
        ("none", "none"), ("required", "required"), ("any", "required"),
        ("get_weather", {"type": "function", "function": {"name": "get_weather"}})])
    def test_tool_choice(self, choice, sent):
        """tool_choice values translate to OpenAI's forms; a tool name forces that tool."""
        provider, cap = provider_for("openai")
        provider.complete(ChatRequest("m", (Message("user", "x"),), tools=(TOOL,), tool_choice=choice))
        assert cap.body["tool_choice"] == sent

    def test_extra_passthrough(self):
        """Provider-specific options in extra are merged into the body."""
        provider, cap = provider_for("openai")
        provider.complete(ChatRequest("m", (Message("user", "x"),), extra={"seed": 7, "top_p": 0.5}))
        assert cap.body["seed"] == 7 and cap.body["top_p"] == 0.5

    def test_embeddings_request(self):
        """Embeddings POST /embeddings with model and a list input."""
        provider, cap = provider_for("openai", answer={"data": [{"index": 0, "embedding": [1, 2]}]})
        assert provider.embed("hello", model="text-embedding-3-small") == [[1.0, 2.0]]
        assert cap.request.url.path == "/v1/embeddings"
        assert cap.body == {"model": "text-embedding-3-small", "input": ["hello"]}


class TestAnthropicRequest:
    def test_full_request(self):
        """Top-level system, tool_use blocks, tool_result in a user turn, input_schema, auth headers."""
        provider, cap = provider_for("anthropic")
        provider.complete(FULL)
        assert cap.request.url == "https://api.example/v1/messages"
        assert cap.request.headers["x-api-key"] == "KEY-123456"
        assert cap.request.headers["anthropic-version"] == "2023-06-01"
        assert "authorization" not in cap.request.headers
        assert cap.body == {
            "model": "m-1", "max_tokens": 50,
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": [
                    {"type": "text", "text": "Let me check."},
                    {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_1", "content": "15 C"}]}],
            "system": "You are terse.", "temperature": 0.2, "stop_sequences": ["END"],
            "tools": [{"name": "get_weather", "description": "Current weather", "input_schema": SCHEMA}],
            "tool_choice": {"type": "auto"}}

    def test_default_max_tokens_and_system_messages(self):
        """max_tokens defaults to 4096; system-role messages join the system field."""
        provider, cap = provider_for("anthropic")
        provider.complete(ChatRequest("m", (Message("system", "Be brief."), Message("user", "hi")),
                                      system="You are terse."))
        assert cap.body["max_tokens"] == 4096
        assert cap.body["system"] == "You are terse.\n\nBe brief."
        assert cap.body["messages"] == [{"role": "user", "content": "hi"}]

    def test_parallel_results_share_one_user_turn(self):
        """Two tool results in a row become two tool_result blocks of one user message."""
        provider, cap = provider_for("anthropic")
        calls = (ToolCall("a", "get_weather", {"city": "Paris"}), ToolCall("b", "get_weather", {"city": "Rome"}))
        provider.complete(ChatRequest("m", (Message("user", "x"), Message("assistant", "", tool_calls=calls),
                                            Message("tool", "15 C", tool_call_id="a"),
                                            Message("tool", "20 C", tool_call_id="b"))))
        assert cap.body["messages"][1]["content"] == [
            {"type": "tool_use", "id": "a", "name": "get_weather", "input": {"city": "Paris"}},
            {"type": "tool_use", "id": "b", "name": "get_weather", "input": {"city": "Rome"}}]
        assert cap.body["messages"][2] == {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "a", "content": "15 C"},
            {"type": "tool_result", "tool_use_id": "b", "content": "20 C"}]}

    @pytest.mark.parametrize("choice, sent", [("none", {"type": "none"}), ("required", {"type": "any"}),
                                              ("get_weather", {"type": "tool", "name": "get_weather"})])
    def test_tool_choice(self, choice, sent):
        """tool_choice values translate to Anthropic's objects."""
        provider, cap = provider_for("anthropic")
        provider.complete(ChatRequest("m", (Message("user", "x"),), tools=(TOOL,), tool_choice=choice))
        assert cap.body["tool_choice"] == sent


class TestGeminiRequest:
    def test_full_request(self):
        """contents/parts, functionCall and functionResponse by name, systemInstruction, cleaned schema."""
        provider, cap = provider_for("gemini")
        provider.complete(FULL)
        assert cap.request.url == "https://api.example/v1beta/models/m-1:generateContent"
        assert cap.request.headers["x-goog-api-key"] == "KEY-123456"
        assert "key=" not in str(cap.request.url)
        assert cap.body == {
            "contents": [
                {"role": "user", "parts": [{"text": "Weather in Paris?"}]},
                {"role": "model", "parts": [{"text": "Let me check."},
                                            {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "get_weather",
                                                                 "response": {"result": "15 C"}}}]}],
            "systemInstruction": {"parts": [{"text": "You are terse."}]},
            "tools": [{"functionDeclarations": [{
                "name": "get_weather", "description": "Current weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]}],
            "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
            "generationConfig": {"temperature": 0.2, "maxOutputTokens": 50, "stopSequences": ["END"]}}

    def test_stream_path(self):
        """A stream uses :streamGenerateContent?alt=sse."""
        provider, cap = provider_for("gemini")
        provider.stream(ChatRequest("gemini-x", (Message("user", "hi"),)))
        assert cap.request.url.path == "/v1beta/models/gemini-x:streamGenerateContent"
        assert cap.request.url.params["alt"] == "sse"

    def test_thought_signature_echoed(self):
        """A call's thoughtSignature is sent back on its functionCall part."""
        provider, cap = provider_for("gemini")
        call = ToolCall("c", "f", {}, thought_signature="c2ln")
        provider.complete(ChatRequest("m", (Message("user", "x"), Message("assistant", "", tool_calls=(call,)),
                                            Message("tool", "r", tool_call_id="c"))))
        assert cap.body["contents"][1]["parts"] == [{"functionCall": {"name": "f", "args": {}},
                                                     "thoughtSignature": "c2ln"}]
        assert cap.body["contents"][2]["parts"][0]["functionResponse"]["name"] == "f"

    def test_forced_tool(self):
        """A tool name as tool_choice means mode ANY restricted to that function."""
        provider, cap = provider_for("gemini")
        provider.complete(ChatRequest("m", (Message("user", "x"),), tools=(TOOL,), tool_choice="get_weather"))
        assert cap.body["toolConfig"] == {"functionCallingConfig": {"mode": "ANY",
                                                                    "allowedFunctionNames": ["get_weather"]}}

    def test_embeddings_request(self):
        """Embeddings use :batchEmbedContents with one request per text."""
        provider, cap = provider_for("gemini", answer={"embeddings": [{"values": [1, 2]}, {"values": [3, 4]}]})
        assert provider.embed(["a", "b"]) == [[1.0, 2.0], [3.0, 4.0]]
        assert cap.request.url.path == "/v1beta/models/text-embedding-004:batchEmbedContents"
        assert cap.body["requests"][1] == {"model": "models/text-embedding-004", "content": {"parts": [{"text": "b"}]}}


class TestOllamaRequest:
    def test_full_request(self):
        """System message first, options with Ollama names, object arguments, stream false, no auth."""
        provider, cap = provider_for("ollama", key=None)
        provider.complete(FULL)
        assert cap.request.url == "http://ollama.example:11434/api/chat"
        assert "authorization" not in cap.request.headers
        assert cap.body == {
            "model": "m-1",
            "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": "Let me check.",
                 "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                {"role": "tool", "content": "15 C", "tool_name": "get_weather"}],
            "stream": False,
            "options": {"temperature": 0.2, "num_predict": 50, "stop": ["END"]},
            "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
                                                        "parameters": SCHEMA}}]}

    @pytest.mark.parametrize("host, url", [
        ("localhost:11434", "http://localhost:11434"), ("0.0.0.0:11434", "http://127.0.0.1:11434"),
        ("myhost", "http://myhost:11434"), ("https://ollama.example.com", "https://ollama.example.com"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000")])
    def test_host_normalised(self, host, url):
        """OLLAMA_HOST values without scheme or port, or with 0.0.0.0, become usable URLs."""
        from sema.llm.providers.ollama import normalize_host
        assert normalize_host(host) == url


class TestEmbeddingProviders:
    @pytest.mark.parametrize("adapter, path, body", [
        ("embeddings:openai", "/v1/embeddings", {"model": "jina-embeddings-v3", "input": ["a", "b"]}),
        ("embeddings:cohere", "/v2/embed", {"model": "jina-embeddings-v3", "texts": ["a", "b"],
                                            "input_type": "search_document", "embedding_types": ["float"]}),
    ])
    def test_dialects(self, adapter, path, body):
        """Jina/Voyage use the OpenAI dialect, Cohere its v2 embed endpoint; both return float vectors."""
        answer = ({"data": [{"index": 1, "embedding": [3, 4]}, {"index": 0, "embedding": [1, 2]}]}
                  if adapter.endswith("openai") else {"embeddings": {"float": [[1, 2], [3, 4]]}})
        capture = Capture(answer)
        provider = make_provider(adapter, "jina", api_key="jina_KEY", base_url="https://api.example/v1"
                                 if adapter.endswith("openai") else "https://api.example",
                                 default_model="jina-embeddings-v3", transport=httpx.MockTransport(capture))
        assert provider.embed(["a", "b"]) == [[1.0, 2.0], [3.0, 4.0]]
        assert capture.request.url.path == path
        assert capture.body == body
        assert capture.request.headers["authorization"] == "Bearer jina_KEY"

    def test_no_chat(self):
        """An embeddings-only provider refuses to chat with UnsupportedError."""
        from sema.llm import UnsupportedError
        provider = make_provider("embeddings:cohere", "cohere", api_key="k", base_url="https://x")
        with pytest.raises(UnsupportedError, match="only computes embeddings"):
            provider.complete(ChatRequest("m", (Message("user", "x"),)))
