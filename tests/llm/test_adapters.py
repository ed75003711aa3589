"""The same behavioural suite for every HTTP adapter, each against a fake server speaking its wire format."""

from __future__ import annotations

import re
import socket

import pytest

from sema.llm import (AuthError, ChatRequest, ContextWindowError, LlmConnectionError, LlmTimeoutError, Message,
                      RateLimitError, ServerError, StreamError, ToolCall, ToolSpec, UnsupportedError, Usage,
                      batch_complete)

from .conftest import ADAPTERS, KEYS, build
from .wire import MODEL, WEATHER, WEATHER_ROME, Reply

WEATHER_TOOL = ToolSpec("get_weather", "Current weather for a city",
                        {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})


def ask(text="Weather in Paris?", **kw):
    return ChatRequest(model=None, messages=(Message("user", text),), **kw)


@pytest.fixture(params=ADAPTERS)
def adapter(request):
    return request.param


@pytest.fixture
def env(adapter, fake_server, sleeps):
    server = fake_server(adapter)
    provider = build(adapter, server, sleeps)
    yield server, provider, sleeps
    provider.close()


class TestText:
    def test_complete(self, env, adapter):
        """A plain answer comes back with content, role, model, stop reason and usage."""
        server, provider, _ = env
        server.push(Reply.say("Hello!"))
        r = provider.complete(ask())
        assert r.content == "Hello!"
        assert r.role == "assistant"
        assert r.model.startswith(MODEL[adapter])
        assert r.stop_reason == "end_turn"
        assert (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens) == (9, 2, 11)
        assert r.tool_calls == ()
        assert r.provider == adapter

    def test_stream(self, env):
        """Text deltas reach the callback in order; the assembled response carries usage and stop reason."""
        server, provider, _ = env
        server.push(Reply.say("Hello!", parts=("Hel", "lo!")))
        chunks = []
        r = provider.stream(ask(), chunks.append)
        assert chunks == ["Hel", "lo!"]
        assert r.content == "Hello!"
        assert r.stop_reason == "end_turn"
        assert (r.usage.prompt_tokens, r.usage.completion_tokens) == (9, 2)

    def test_max_tokens_stop_reason(self, env):
        """A length cut-off is normalised to "max_tokens", streamed or not."""
        server, provider, _ = env
        server.push(Reply.say("Hel", finish="length"), Reply.say("Hel", finish="length"))
        assert provider.complete(ask()).stop_reason == "max_tokens"
        assert provider.stream(ask()).stop_reason == "max_tokens"

    def test_request_model_wins(self, env, adapter):
        """The request's model is sent instead of the provider's default."""
        server, provider, _ = env
        provider.complete(ChatRequest(model="other-model", messages=(Message("user", "hi"),)))
        sent = server.last.path if adapter == "gemini" else server.last.body["model"]
        assert "other-model" in sent


class TestTools:
    def test_tool_call(self, env):
        """A tool call comes back as a ToolCall with a dict of arguments and stop reason tool_use."""
        server, provider, _ = env
        server.push(Reply.tools(WEATHER))
        r = provider.complete(ask(tools=(WEATHER_TOOL,)))
        assert [(c.name, c.arguments) for c in r.tool_calls] == [("get_weather", {"city": "Paris"})]
        assert r.tool_calls[0].id
        assert r.stop_reason == "tool_use"

    def test_streamed_tool_call(self, env):
        """Argument fragments spread over stream chunks are assembled into one call."""
        server, provider, _ = env
        server.push(Reply.tools(WEATHER))
        r = provider.stream(ask(tools=(WEATHER_TOOL,)))
        assert [(c.name, c.arguments) for c in r.tool_calls] == [("get_weather", {"city": "Paris"})]
        assert r.stop_reason == "tool_use"

    @pytest.mark.parametrize("streamed", [False, True])
    def test_two_parallel_calls(self, env, streamed):
        """Two calls in one answer stay two calls, in order, with their own arguments."""
        server, provider, _ = env
        server.push(Reply.tools(WEATHER, WEATHER_ROME))
        call = provider.stream if streamed else provider.complete
        r = call(ask(tools=(WEATHER_TOOL,)))
        assert [c.arguments["city"] for c in r.tool_calls] == ["Paris", "Rome"]
        assert len({c.id for c in r.tool_calls}) == 2

    def test_text_then_tool_call(self, env):
        """Text before a tool call is kept as content."""
        server, provider, _ = env
        server.push(Reply.tools(WEATHER, text="Let me check."))
        r = provider.stream(ask(tools=(WEATHER_TOOL,)))
        assert r.content == "Let me check."
        assert r.tool_calls[0].arguments == {"city": "Paris"}

    def test_round_trip_is_accepted(self, env):
        """A history with an assistant tool call and a tool result is sent and answered."""
        server, provider, _ = env
        history = (Message("user", "Weather in Paris?"),
                   Message("assistant", "", tool_calls=(ToolCall("call_A", "get_weather", {"city": "Paris"}),)),
                   Message("tool", "15 C, cloudy", tool_call_id="call_A"))
        server.push(Reply.say("It is 15 C."))
        r = provider.complete(ChatRequest(None, history, tools=(WEATHER_TOOL,)))
        assert r.content == "It is 15 C."
        assert "15 C, cloudy" in str(server.last.body)


class TestFaults:
    def test_401_fails_at_once(self, env, adapter):
        """A wrong key is an AuthError with the provider's message, not retried, the key never shown."""
        server, provider, sleeps = env
        server.push(Reply.error(401, f"Incorrect API key provided: {KEYS[adapter]}"))
        with pytest.raises(AuthError) as info:
            provider.complete(ask())
        err = info.value
        assert err.status == 401 and err.provider == adapter and not err.retriable
        assert "401 Unauthorized" in str(err) and "Incorrect API key provided" in str(err)
        if KEYS[adapter]:
            assert KEYS[adapter] not in str(err) and KEYS[adapter] not in repr(err)
        assert len(server.requests) == 1 and sleeps == []

    def test_429_retry_after_then_success(self, env):
        """A 429 with retry-after is retried after exactly that delay."""
        server, provider, sleeps = env
        server.push(Reply.error(429, "Rate limit reached for requests", retry_after=2), Reply.say("ok!"))
        assert provider.complete(ask()).content == "ok!"
        assert sleeps == [2.0]
        assert len(server.requests) == 2

    def test_429_exhausted(self, env, adapter):
        """Persistent 429s raise RateLimitError carrying retry-after after max_retries retries."""
        server, provider, sleeps = env
        server.push(*[Reply.error(429, "Rate limit reached for requests", retry_after=2)] * 3)
        with pytest.raises(RateLimitError) as info:
            provider.complete(ask())
        assert info.value.retry_after == 2.0 and info.value.retriable
        assert str(info.value) == (f"provider :{adapter} returned 429 Too Many Requests: "
                                   "Rate limit reached for requests (retry after 2s)")
        assert sleeps == [2.0, 2.0] and len(server.requests) == 3

    def test_retry_after_too_long_is_not_waited(self, env):
        """A retry-after beyond the cap is raised at once instead of sleeping for minutes."""
        server, provider, sleeps = env
        server.push(Reply.error(429, "slow down", retry_after=3600))
        with pytest.raises(RateLimitError):
            provider.complete(ask())
        assert sleeps == [] and len(server.requests) == 1

    @pytest.mark.parametrize("status", [500, 503, 529])
    def test_5xx_retried_with_jitter(self, env, status):
        """Server errors are retried with full-jitter backoff (0 <= delay <= 0.5 s first)."""
        server, provider, sleeps = env
        server.push(Reply.error(status, "Overloaded"), Reply.say("ok!"))
        assert provider.complete(ask()).content == "ok!"
        assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.5

    def test_5xx_exhausted(self, env):
        """Persistent 500s end in a retriable ServerError with the provider's message."""
        server, provider, sleeps = env
        server.push(*[Reply.error(500, "internal boom")] * 3)
        with pytest.raises(ServerError, match="500 Internal Server Error: internal boom") as info:
            provider.complete(ask())
        assert info.value.retriable and len(sleeps) == 2

    def test_context_window(self, env):
        """A 400 about the context length is a ContextWindowError, not retried."""
        server, provider, sleeps = env
        server.push(Reply.error(400, "This model's maximum context length is 4096 tokens. "
                                     "Please reduce the length of the messages."))
        with pytest.raises(ContextWindowError, match="maximum context length"):
            provider.complete(ask())
        assert sleeps == []

    def test_not_json_body(self, env):
        """A 200 whose body is not JSON is a clear error quoting the body, not retried."""
        server, provider, sleeps = env
        server.push(Reply.raw(200, "<html><body>Captive portal</body></html>"))
        with pytest.raises(ServerError, match="not JSON.*Captive portal") as info:
            provider.complete(ask())
        assert not info.value.retriable and sleeps == []

    def test_html_502_is_retried(self, env):
        """An HTML 502 from a proxy is a retriable server error whose message quotes the page."""
        server, provider, sleeps = env
        server.push(Reply.raw(502, "<html>Bad Gateway</html>"), Reply.say("ok!"))
        assert provider.complete(ask()).content == "ok!"
        assert len(sleeps) == 1

    def test_stream_cut_halfway(self, env):
        """A connection dropped mid-stream is a StreamError; chunks already received were delivered."""
        server, provider, _ = env
        server.push(Reply("cut", "Hello world!", ("Hel", "lo ", "wor", "ld!")))
        chunks = []
        with pytest.raises(StreamError, match="cut before it finished"):
            provider.stream(ask(), chunks.append)
        got = "".join(chunks)
        assert "Hello world!".startswith(got) and got != "Hello world!"

    def test_stream_ends_early(self, env):
        """A body that ends cleanly before the stream's end marker is a StreamError."""
        server, provider, _ = env
        server.push(Reply("truncated", "Hello world!", ("Hel", "lo ", "wor", "ld!")))
        with pytest.raises(StreamError, match="ended before"):
            provider.stream(ask())

    def test_mid_stream_error_event(self, env):
        """An error sent after HTTP 200 is a StreamError with the provider's message."""
        server, provider, _ = env
        server.push(Reply("stream_error", message="Overloaded right now"))
        with pytest.raises(StreamError, match="Overloaded right now"):
            provider.stream(ask())

    def test_server_never_answers(self, adapter, fake_server, sleeps):
        """A server that never answers raises LlmTimeoutError after the read timeout."""
        server = fake_server(adapter)
        provider = build(adapter, server, sleeps, read_timeout=0.2, max_retries=1)
        server.push(Reply("hang"), Reply("hang"))
        with pytest.raises(LlmTimeoutError, match="timed out after 0.2s") as info:
            provider.complete(ask())
        assert info.value.retriable and len(sleeps) == 1

    def test_total_deadline_includes_retries(self, adapter, fake_server):
        """Issue #8: the provider's :timeout is the deadline of the whole call, not of each of the 3 attempts."""
        server = fake_server(adapter)
        from sema.llm.transport import RetryPolicy
        provider = build(adapter, server, read_timeout=0.3, timeout=0.5, max_retries=2,
                         retry=RetryPolicy(sleep=lambda s: None, random=lambda: 0.0))
        server.push(Reply("hang"), Reply("hang"), Reply("hang"))
        with pytest.raises(LlmTimeoutError, match="exceeded its total timeout of 0.5s after 2 attempts"):
            provider.complete(ask())
        assert len(server.requests) == 2  # the third attempt would start after the deadline

    def test_stream_stalls(self, adapter, fake_server):
        """A stream that goes silent after a chunk raises LlmTimeoutError after the idle timeout."""
        server = fake_server(adapter)
        provider = build(adapter, server, idle_timeout=0.2)
        server.push(Reply("stall", "Hello world!", ("Hel", "lo ", "wor", "ld!")))
        with pytest.raises(LlmTimeoutError, match="no data for 0.2s"):
            provider.stream(ask())

    def test_total_timeout_of_request(self, adapter, fake_server):
        """The request's own timeout caps the wait even when the provider's read timeout is long."""
        server = fake_server(adapter)
        provider = build(adapter, server, read_timeout=30, max_retries=0)
        server.push(Reply("hang"))
        with pytest.raises(LlmTimeoutError) as info:
            provider.complete(ask(timeout=0.2))
        # issue 8: the attempt's timeout, cut to the time left, is shown rounded (not "after 0.199954s")
        assert re.search(r"timed out after 0\.2s waiting", info.value.message), info.value.message

    def test_connection_refused(self, adapter, sleeps):
        """An unreachable server is a retriable LlmConnectionError after the retries."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()

        class Nowhere:
            url = f"http://127.0.0.1:{port}"
        provider = build(adapter, Nowhere, sleeps)
        with pytest.raises(LlmConnectionError, match="cannot reach the server") as info:
            provider.complete(ask())
        assert info.value.retriable and len(sleeps) == 2


class TestEmbeddingsAndBatch:
    def test_embed(self, env, adapter):
        """Providers with embeddings return one vector per text; Anthropic says it has none."""
        server, provider, _ = env
        if adapter == "anthropic":
            with pytest.raises(UnsupportedError):
                provider.embed(["hello", "world"])
            return
        vectors = provider.embed(["hello", "world"], model="embed-model")
        assert vectors == [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]

    def test_batch_in_order(self, env):
        """A concurrent batch over the async client returns answers in input order."""
        server, provider, _ = env
        server.push(*[Reply.say(f"answer {i}") for i in range(10)])
        results = batch_complete(provider, [ask(f"q{i}") for i in range(10)], max_concurrency=1)
        assert [r.content for r in results] == [f"answer {i}" for i in range(10)]
        assert all(r.usage == Usage(9, 2) for r in results)

    def test_batch_concurrent_errors(self, env):
        """A failing request in a batch is reported in place with return_exceptions."""
        server, provider, _ = env
        server.push(Reply.error(401, "bad key"))
        results = batch_complete(provider, [ask("a")], return_exceptions=True)
        assert isinstance(results[0], AuthError)
