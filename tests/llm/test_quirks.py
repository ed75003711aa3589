"""Real servers' quirks, reproduced from the captures of llama-cpp-python, litellm and the vendors' docs."""

from __future__ import annotations

import json

import httpx
import pytest

from sema.llm import AuthError, ChatRequest, Message, RateLimitError, ServerError, Usage
from sema.llm.providers import make_provider

from .test_requests import BASES

REQ = ChatRequest("m", (Message("user", "x"),))


def answering(adapter, body: bytes | dict, status=200, content_type="text/event-stream", headers=None, **opts):
    calls = []

    def handler(request):
        calls.append(request)
        if isinstance(body, (dict, list)):
            return httpx.Response(status, json=body, headers=headers)
        return httpx.Response(status, content=body, headers={"content-type": content_type, **(headers or {})})
    provider = make_provider(adapter, adapter, api_key="KEY-1234567", base_url=BASES[adapter],
                             default_model="m", transport=httpx.MockTransport(handler), **opts)
    return provider, calls


def sse_lines(*objs, sep="\n") -> bytes:
    out = []
    for obj in objs:
        out.append(("data: " + (obj if isinstance(obj, str) else json.dumps(obj, separators=(", ", ": ")))))
        out.append("")
    return (sep.join(out) + sep).encode()


LLAMACPP_ID = "call__0_get_weather_cmpl-8f7f6834"


def llamacpp_delta(args):
    return {"id": "chatcmpl-8f7f", "object": "chat.completion.chunk", "created": 1795238433,
            "model": "gemma-3-270m-tools", "choices": [{"index": 0, "finish_reason": None, "logprobs": None, "delta": {
                "role": None, "content": None, "function_call": {"name": "get_weather", "arguments": args},
                "tool_calls": [{"index": 0, "id": LLAMACPP_ID, "type": "function",
                                "function": {"name": "get_weather", "arguments": args}}]}}]}


class TestOpenAIQuirks:
    def test_llamacpp_tool_stream(self):
        """Repeated ids and names, explicit nulls, no usage chunk: one call, arguments joined once."""
        first = {"id": "chatcmpl-8f7f", "object": "chat.completion.chunk", "model": "gemma-3-270m-tools",
                 "choices": [{"index": 0, "finish_reason": None, "logprobs": None, "delta": {
                     "role": "assistant", "content": None, "function_call": None, "tool_calls": None}}]}
        last = {"id": "chatcmpl-8f7f", "object": "chat.completion.chunk", "model": "gemma-3-270m-tools",
                "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": None, "delta": {
                    "role": None, "content": None, "function_call": None, "tool_calls": None}}]}
        pieces = ["{", " \"", "city", "\":", " \"", "Paris", "\"", " }", " "]
        body = sse_lines(first, *[llamacpp_delta(p) for p in pieces], last, "[DONE]")
        provider, _ = answering("openai", body)
        r = provider.stream(REQ)
        assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [(LLAMACPP_ID, "get_weather", {"city": "Paris"})]
        assert r.stop_reason == "tool_use" and r.content == ""
        assert r.model == "gemma-3-270m-tools"
        # issue #8: no usage chunk -> estimated tokens, marked so, never a silent zero
        assert r.usage.estimated and r.usage.prompt_tokens > 0 and r.usage.completion_tokens > 0

    def test_litellm_usage_chunk_with_empty_delta(self):
        """litellm's final usage chunk has choices [{"delta": {}}] instead of []: usage is still read."""
        body = sse_lines(
            {"model": "gemma-3-270m", "choices": [{"index": 0, "delta": {"role": "assistant"}}]},
            {"model": "gemma-3-270m", "choices": [{"index": 0, "delta": {"content": "H"}}]},
            {"model": "gemma-3-270m", "choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]},
            {"model": "gemma-3-270m", "choices": [{"index": 0, "delta": {}}],
             "usage": {"completion_tokens": 3, "prompt_tokens": 8, "total_tokens": 11}},
            "[DONE]")
        provider, _ = answering("openai", body)
        r = provider.stream(REQ)
        assert r.content == "H" and r.stop_reason == "max_tokens"
        assert r.usage == Usage(8, 3, 11)

    def test_crlf_and_keepalive_comments(self):
        """CRLF line endings and ': keep-alive' comments do not disturb the decoder."""
        body = (b": keep-alive\r\n\r\n" +
                sse_lines({"choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": "stop"}]},
                          "[DONE]", sep="\r\n"))
        provider, _ = answering("openai", body)
        assert provider.stream(REQ).content == "Hi"

    def test_server_ignoring_stream_flag(self):
        """A JSON answer to a stream request is used whole and sent as one chunk."""
        provider, _ = answering("openai", {"model": "m", "choices": [{"index": 0, "finish_reason": "stop",
                                                                      "message": {"role": "assistant", "content": "Hey"}}]})
        chunks = []
        assert provider.stream(REQ, chunks.append).content == "Hey"
        assert chunks == ["Hey"]

    def test_invalid_argument_json_is_kept_raw(self):
        """Arguments that are not a JSON object leave arguments empty and keep the raw text."""
        provider, _ = answering("openai", {"model": "m", "choices": [{"index": 0, "finish_reason": "tool_calls",
                                "message": {"role": "assistant", "content": None, "tool_calls": [
                                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{oops"}}]}}]})
        call = provider.complete(REQ).tool_calls[0]
        assert call.arguments == {} and call.raw_arguments == "{oops"

    def test_tool_deltas_without_index(self):
        """Deltas without an index are grouped by call id."""
        body = sse_lines(
            {"choices": [{"delta": {"tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "{\"x\":"}}]}}]},
            {"choices": [{"delta": {"tool_calls": [{"id": "a", "function": {"arguments": "1}"}}]}}]},
            {"choices": [{"delta": {"tool_calls": [{"id": "b", "function": {"name": "g", "arguments": "{}"}}]}}]},
            {"choices": [{"delta": {}, "finish_reason": "tool_calls"}]}, "[DONE]")
        provider, _ = answering("openai", body)
        r = provider.stream(REQ)
        assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [("a", "f", {"x": 1}), ("b", "g", {})]

    def test_per_token_embeddings_are_pooled(self):
        """llama-cpp-python returns a vector per token; they are averaged into one vector."""
        provider, _ = answering("openai", {"data": [{"index": 0, "embedding": [[1.0, 2.0], [3.0, 4.0]]}]})
        assert provider.embed(["x"]) == [[2.0, 3.0]]

    def test_local_server_model_discovered(self):
        """Without a model anywhere, the first model of GET /models is used."""
        seen = []

        def handler(request):
            seen.append(request.url.path)
            if request.url.path.endswith("/models"):
                return httpx.Response(200, json={"data": [{"id": "local-7b"}]})
            return httpx.Response(200, json={"model": json.loads(request.content)["model"], "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}]})
        provider = make_provider("openai", "lmstudio", base_url="http://localhost:1234/v1",
                                 transport=httpx.MockTransport(handler))
        assert provider.complete(ChatRequest(None, (Message("user", "x"),))).model == "local-7b"
        provider.complete(ChatRequest(None, (Message("user", "x"),)))
        assert seen == ["/v1/models", "/v1/chat/completions", "/v1/chat/completions"]


class TestAnthropicQuirks:
    def _events(self, *pairs) -> bytes:
        return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in pairs).encode()

    def test_litellm_broken_tool_stream_is_merged(self):
        """litellm opens a tool_use block per fragment with the same id; they form one call."""
        cid = "call__0_get_weather_cmpl-e2c3"
        events = [("message_start", {"type": "message_start", "message": {"model": "gemma-3-270m-tools",
                                     "usage": {"input_tokens": 0, "output_tokens": 0}}})]
        for i, piece in enumerate(["{", " \"", "city", "\":", " \"Paris\"", " }"]):
            events += [("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                           "type": "tool_use", "id": cid, "name": "get_weather", "input": {}}}),
                       ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {
                           "type": "input_json_delta", "partial_json": piece}}),
                       ("content_block_stop", {"type": "content_block_stop", "index": i})]
        events += [("message_delta", {"type": "message_delta", "delta": {"stop_reason": "tool_use"},
                                      "usage": {"input_tokens": 14, "output_tokens": 74}}),
                   ("message_stop", {"type": "message_stop"})]
        provider, _ = answering("anthropic", self._events(*events))
        r = provider.stream(REQ)
        assert [(c.id, c.arguments) for c in r.tool_calls] == [(cid, {"city": "Paris"})]
        assert r.usage == Usage(14, 74) and r.stop_reason == "tool_use"

    def test_two_distinct_tool_blocks_stay_two(self):
        """Consecutive tool_use blocks with different ids remain separate calls."""
        events = [("message_start", {"type": "message_start", "message": {"model": "m", "usage": {}}})]
        for i, (cid, city) in enumerate([("a", "Paris"), ("b", "Rome")]):
            events += [("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                           "type": "tool_use", "id": cid, "name": "w", "input": {}}}),
                       ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {
                           "type": "input_json_delta", "partial_json": json.dumps({"city": city})}})]
        events += [("message_delta", {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {}}),
                   ("message_stop", {"type": "message_stop"})]
        provider, _ = answering("anthropic", self._events(*events))
        assert [c.arguments["city"] for c in provider.stream(REQ).tool_calls] == ["Paris", "Rome"]

    def test_overloaded_529(self):
        """529 overloaded_error is a retriable ServerError with Anthropic's message."""
        provider, calls = answering("anthropic", {"type": "error", "error": {"type": "overloaded_error",
                                                                             "message": "Overloaded"}},
                                    status=529, max_retries=0)
        with pytest.raises(ServerError, match="529 Overloaded: Overloaded") as info:
            provider.complete(REQ)
        assert info.value.retriable

    def test_refusal_is_content_filter(self):
        """stop_reason refusal maps to content_filter."""
        provider, _ = answering("anthropic", {"content": [], "stop_reason": "refusal", "usage": {}})
        assert provider.complete(REQ).stop_reason == "content_filter"


class TestGeminiQuirks:
    def test_snake_case_answer(self):
        """Answers written in snake_case (function_call, usage_metadata) are read too."""
        provider, _ = answering("gemini", {"candidates": [{"content": {"role": "model", "parts": [
            {"function_call": {"name": "f", "args": {"a": 1}}, "thought_signature": "sig"}]}, "finish_reason": "STOP"}],
            "usage_metadata": {"prompt_token_count": 4, "candidates_token_count": 2}})
        r = provider.complete(REQ)
        assert [(c.name, c.arguments, c.thought_signature) for c in r.tool_calls] == [("f", {"a": 1}, "sig")]
        assert r.stop_reason == "tool_use" and r.usage == Usage(4, 2)

    def test_blocked_prompt(self):
        """A blocked prompt (no candidates, promptFeedback) is an empty answer stopped by content_filter."""
        provider, _ = answering("gemini", {"promptFeedback": {"blockReason": "SAFETY"},
                                           "usageMetadata": {"promptTokenCount": 5, "totalTokenCount": 5}})
        r = provider.complete(REQ)
        assert r.content == "" and r.stop_reason == "content_filter"

    def test_json_array_stream(self):
        """A stream answered as a JSON array (no alt=sse) is folded into one answer."""
        provider, _ = answering("gemini", [
            {"candidates": [{"content": {"parts": [{"text": "Hel"}]}}]},
            {"candidates": [{"content": {"parts": [{"text": "lo"}]}, "finishReason": "STOP"}],
             "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7}}])
        r = provider.stream(REQ)
        assert r.content == "Hello" and r.usage == Usage(5, 2, 7)

    def test_retry_delay_from_error_details(self):
        """RESOURCE_EXHAUSTED with a RetryInfo detail gives retry_after."""
        provider, _ = answering("gemini", {"error": {"code": 429, "message": "Resource has been exhausted",
                                                     "status": "RESOURCE_EXHAUSTED", "details": [
                                                         {"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                                          "retryDelay": "7s"}]}}, status=429, max_retries=0)
        with pytest.raises(RateLimitError) as info:
            provider.complete(REQ)
        assert info.value.retry_after == 7.0

    def test_invalid_key_400_is_auth(self):
        """Gemini answers a bad key with 400 API_KEY_INVALID: that is an AuthError."""
        provider, _ = answering("gemini", {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                                                     "status": "INVALID_ARGUMENT", "details": [
                                                         {"reason": "API_KEY_INVALID"}]}}, status=400)
        with pytest.raises(AuthError, match="API key not valid"):
            provider.complete(REQ)

    def test_thinking_parts_skipped(self):
        """Parts marked thought are not part of the answer text."""
        provider, _ = answering("gemini", {"candidates": [{"content": {"parts": [
            {"text": "pondering", "thought": True}, {"text": "42"}]}, "finishReason": "STOP"}]})
        assert provider.complete(REQ).content == "42"


class TestOllamaQuirks:
    def test_tool_call_without_id(self):
        """Ollama's tool calls have no id: ids are made up, arguments are objects."""
        provider, _ = answering("ollama", {"model": "llama3.2", "message": {"role": "assistant", "content": "",
                                "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                                "done": True, "done_reason": "stop", "prompt_eval_count": 122, "eval_count": 33})
        r = provider.complete(REQ)
        assert [(c.id, c.arguments) for c in r.tool_calls] == [("call_0", {"city": "Paris"})]
        assert r.stop_reason == "tool_use" and r.usage == Usage(122, 33)

    def test_error_line_mid_stream(self):
        """An {"error": ...} line after some output is a StreamError with Ollama's text."""
        from sema.llm import StreamError
        body = b'{"message":{"role":"assistant","content":"Hi"},"done":false}\n{"error":"model crashed"}\n'
        provider, _ = answering("ollama", body, content_type="application/x-ndjson")
        with pytest.raises(StreamError, match="model crashed"):
            provider.stream(REQ)

    def test_model_not_found(self):
        """A 404 {"error": "..."} keeps Ollama's message."""
        from sema.llm import BadRequestError
        provider, _ = answering("ollama", {"error": 'model "llama9" not found, try pulling it first'}, status=404)
        with pytest.raises(BadRequestError, match='404 Not Found: model "llama9" not found'):
            provider.complete(REQ)


class TestRetryHeaders:
    def test_should_retry_false(self):
        """x-should-retry: false stops retries even on a 500."""
        provider, calls = answering("openai", {"error": {"message": "no"}}, status=500,
                                    headers={"x-should-retry": "false"}, sleep=lambda s: None)
        with pytest.raises(ServerError):
            provider.complete(REQ)
        assert len(calls) == 1

    def test_retry_after_ms(self):
        """retry-after-ms wins over retry-after."""
        slept = []
        provider, calls = answering("openai", {"error": {"message": "slow"}}, status=429,
                                    headers={"retry-after-ms": "250", "retry-after": "9"}, sleep=slept.append,
                                    max_retries=1)
        with pytest.raises(RateLimitError):
            provider.complete(REQ)
        assert slept == [0.25] and len(calls) == 2
