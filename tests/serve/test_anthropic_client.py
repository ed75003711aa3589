"""Issue #9: the official anthropic client against sema serve's POST /v1/messages."""

from __future__ import annotations

import pytest

from ..llm.wire import WEATHER, Reply
from .conftest import CLIENT_KEY, configure

anthropic = pytest.importorskip("anthropic")


def client(served, **headers):
    return anthropic.Anthropic(base_url=served.url, api_key=CLIENT_KEY, max_retries=0, timeout=10,
                               http_client=anthropic.DefaultHttpxClient(verify=False),  # loopback: no CA bundle
                               default_headers=headers or None)


def ask(c, text, **kw):
    raw = c.messages.with_raw_response.create(model=kw.pop("model", "claude-sonnet-4-5"), max_tokens=100,
                                              messages=[{"role": "user", "content": text}], **kw)
    return raw.headers, raw.parse()


class TestThroughSemaProviders:
    @pytest.fixture
    def served(self, serve, echo_interp, fake_server):
        self.upstream = fake_server("anthropic")
        configure(echo_interp, "anthropic", self.upstream)
        return serve(echo_interp)

    def test_message_miss_then_hit(self, served):
        """A Messages request is answered by sema's Anthropic provider, then from the cache."""
        self.upstream.push(Reply.say("Bonjour!", usage=(11, 4)))
        c = client(served)
        headers, first = ask(c, "Say hello in French", system="Be brief.")
        assert headers["x-sema-cache"] == "miss"
        assert first.content[0].text == "Bonjour!" and first.stop_reason == "end_turn"
        assert (first.usage.input_tokens, first.usage.output_tokens) == (11, 4)
        headers, again = ask(c, "Say hello in French", system="Be brief.")
        assert headers["x-sema-cache"] == "hit" and again.content[0].text == "Bonjour!"
        assert again.usage.output_tokens == 0
        sent = self.upstream.last.body
        assert sent["system"] == "Be brief." and sent["max_tokens"] == 100 and len(self.upstream.requests) == 1

    def test_stream(self, served):
        """client.messages.stream works from the provider and from the cache."""
        self.upstream.push(Reply.say("streamed words here", parts=("streamed ", "words ", "here")))
        c = client(served)
        for expected in ("miss", "hit"):
            with c.messages.stream(model="claude-sonnet-4-5", max_tokens=50,
                                   messages=[{"role": "user", "content": "stream please"}]) as stream:
                assert stream.response.headers["x-sema-cache"] == expected
                text = "".join(stream.text_stream)
                final = stream.get_final_message()
            assert text == "streamed words here" and final.stop_reason == "end_turn"
        assert len(self.upstream.requests) == 1

    def test_tool_use(self, served):
        """tool_use blocks come back as Anthropic's client expects them."""
        self.upstream.push(Reply.tools(WEATHER))
        tools = [{"name": "get_weather", "description": "weather", "input_schema": {"type": "object"}}]
        for expected in ("miss", "hit"):
            headers, r = ask(client(served), "weather?", tools=tools)
            block = next(b for b in r.content if b.type == "tool_use")
            assert (headers["x-sema-cache"], block.name, block.input, r.stop_reason) == \
                (expected, "get_weather", {"city": "Paris"}, "tool_use")

    def test_openai_format_provider_behind_messages(self, serve, echo_interp):
        """An Anthropic-format client can be answered by any provider (here a Lisp one)."""
        echo_interp.eval_source("(llm/set-default :echo)")
        headers, r = ask(client(serve(echo_interp)), "ping")
        assert r.content[0].text == "echo: ping" and headers["x-sema-cache"] == "miss"

    def test_error_in_anthropic_shape(self, served):
        """A provider's 429 reaches the client as anthropic.RateLimitError."""
        self.upstream.push(Reply.error(429, "Number of requests has exceeded your rate limit", retry_after=30))
        with pytest.raises(anthropic.RateLimitError) as info:
            ask(client(served), "busy", model="anthropic/claude-sonnet-4-5")  # one provider: no failover
        assert info.value.response.json()["error"]["type"] == "rate_limit_error"
        assert info.value.response.headers["retry-after"] == "30"


class TestForwarded:
    def test_forwarded_with_the_clients_key(self, serve, fake_server):
        """X-LLM-Proxy-Upstream on /v1/messages relays with the client's key and version header."""
        upstream = fake_server("anthropic")
        upstream.push(Reply.say("relayed"))
        served = serve(allow_upstream=[upstream.url.split("//")[1]])   # HOST:PORT
        c = client(served, **{"X-LLM-Proxy-Upstream": upstream.url + "/v1/messages"})
        headers, r = ask(c, "relay")
        assert r.content[0].text == "relayed" and r.id == "msg_01XFDUDYJgAACzvnptvVoYEL"
        sent = upstream.last.headers  # the client's credential, as the client sent it (x-api-key or bearer)
        assert sent.get("x-api-key") == CLIENT_KEY or sent.get("authorization") == f"Bearer {CLIENT_KEY}"
        assert sent["anthropic-version"]
        headers, again = ask(c, "relay")
        assert headers["x-sema-cache"] == "hit" and again.content[0].text == "relayed"
        assert len(upstream.requests) == 1

    def test_forwarded_stream(self, serve, fake_server):
        """A forwarded Anthropic stream is relayed and cached."""
        upstream = fake_server("anthropic")
        upstream.push(Reply.say("all of it", parts=("all ", "of ", "it")))
        served = serve(allow_upstream=["127.0.0.1"])
        c = client(served, **{"X-LLM-Proxy-Upstream": upstream.url + "/v1/messages"})
        with c.messages.stream(model="claude-sonnet-4-5", max_tokens=50,
                               messages=[{"role": "user", "content": "s"}]) as stream:
            assert "".join(stream.text_stream) == "all of it"
        headers, again = ask(c, "s", model="claude-sonnet-4-5")
        assert headers["x-sema-cache"] == "miss"  # max_tokens 50 then 100: another request
        with c.messages.stream(model="claude-sonnet-4-5", max_tokens=50,
                               messages=[{"role": "user", "content": "s"}]) as stream:
            assert stream.response.headers["x-sema-cache"] == "hit"
            assert "".join(stream.text_stream) == "all of it"
