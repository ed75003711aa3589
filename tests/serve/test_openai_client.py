"""Issue #9: the official openai client pointed at sema serve (base URL http://127.0.0.1:PORT/v1)."""

from __future__ import annotations

import pytest

from ..cache.bow import BagOfWords
from ..llm.wire import WEATHER, Reply
from .conftest import CLIENT_KEY, configure

openai = pytest.importorskip("openai")


def client(served, **headers):
    return openai.OpenAI(base_url=served.url + "/v1", api_key=CLIENT_KEY, max_retries=0, timeout=10,
                         http_client=openai.DefaultHttpxClient(verify=False),  # loopback: no CA bundle to load
                         default_headers=headers or None)


def ask(c, text, **kw):
    raw = c.chat.completions.with_raw_response.create(model=kw.pop("model", "gpt-4o-mini"),
                                                      messages=[{"role": "user", "content": text}], **kw)
    return raw.headers, raw.parse()


class TestThroughSemaProviders:
    @pytest.fixture
    def served(self, serve, echo_interp, fake_server):
        self.upstream = fake_server("openai")
        configure(echo_interp, "openai", self.upstream)
        return serve(echo_interp)

    def test_chat_miss_then_hit(self, served):
        """The first request goes to the provider; the same request again is a hit with zero usage."""
        self.upstream.push(Reply.say("Paris is the capital.", usage=(12, 5)))
        c = client(served)
        headers, first = ask(c, "What is the capital of France?")
        assert headers["x-sema-cache"] == "miss"
        assert first.choices[0].message.content == "Paris is the capital."
        assert first.usage.total_tokens == 17 and first.choices[0].finish_reason == "stop"
        headers, again = ask(c, "What is the capital of France?")
        assert headers["x-sema-cache"] == "hit" and "x-sema-cache-similarity" not in headers
        assert again.choices[0].message.content == "Paris is the capital." and again.usage.total_tokens == 0
        assert len(self.upstream.requests) == 1
        sent = self.upstream.last
        assert sent.headers["authorization"] == "Bearer sk-test-openai-0123456789abcdef"  # sema's key, not the client's
        assert sent.body["messages"] == [{"role": "user", "content": "What is the capital of France?"}]

    def test_stream_miss_then_replayed_hit(self, served):
        """A stream is relayed chunk by chunk and stored; the next stream replays it from the cache."""
        self.upstream.push(Reply.say("one two three", parts=("one ", "two ", "three")))
        c = client(served)
        chunks = c.chat.completions.create(model="gpt-4o-mini", stream=True, stream_options={"include_usage": True},
                                           messages=[{"role": "user", "content": "count"}])
        parts = [ch.choices[0].delta.content for ch in chunks if ch.choices and ch.choices[0].delta.content]
        assert "".join(parts) == "one two three"
        with c.chat.completions.with_streaming_response.create(
                model="gpt-4o-mini", stream=True, stream_options={"include_usage": True},
                messages=[{"role": "user", "content": "count"}]) as response:
            assert response.headers["x-sema-cache"] == "hit"
            events = list(response.parse())
        replayed = [e.choices[0].delta.content for e in events if e.choices and e.choices[0].delta.content]
        assert "".join(replayed) == "one two three" and len(replayed) == 3
        assert events[-1].usage.total_tokens == 0 and events[-2].choices[0].finish_reason == "stop"
        assert len(self.upstream.requests) == 1

    def test_stream_then_plain_share_the_entry(self, served):
        """A streamed answer serves a later plain request for the same thing."""
        self.upstream.push(Reply.say("shared"))
        c = client(served)
        list(c.chat.completions.create(model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "s"}]))
        headers, plain = ask(c, "s")
        assert headers["x-sema-cache"] == "hit" and plain.choices[0].message.content == "shared"

    def test_tool_calls(self, served):
        """Tool calls come back in OpenAI's shape, from the provider and from the cache."""
        self.upstream.push(Reply.tools(WEATHER))
        c = client(served)
        tools = [{"type": "function", "function": {"name": "get_weather", "description": "weather",
                                                   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
        for expected in ("miss", "hit"):
            headers, r = ask(c, "weather in Paris?", tools=tools)
            call = r.choices[0].message.tool_calls[0]
            assert (headers["x-sema-cache"], call.id, call.function.name, call.function.arguments) == \
                (expected, "call_A", "get_weather", '{"city": "Paris"}')
            assert r.choices[0].finish_reason == "tool_calls"
        assert self.upstream.last.body["tools"][0]["function"]["name"] == "get_weather"

    def test_parameters_are_part_of_the_key(self, served):
        """Another temperature or seed is another request: it goes to the provider."""
        c = client(served)
        ask(c, "p", temperature=0.1)
        ask(c, "p", temperature=0.1)
        headers, _ = ask(c, "p", temperature=0.9)
        assert headers["x-sema-cache"] == "miss"
        headers, _ = ask(c, "p", temperature=0.1, seed=7)
        assert headers["x-sema-cache"] == "miss"
        assert len(self.upstream.requests) == 3 and self.upstream.last.body["seed"] == 7

    def test_provider_prefix_picks_the_provider(self, served):
        """model "echo/echo-1" goes to the Lisp provider :echo, whatever the default."""
        _, r = ask(client(served), "hi", model="echo/echo-1")
        assert r.choices[0].message.content == "echo: hi" and not self.upstream.requests

    def test_embeddings(self, served):
        """client.embeddings.create works (its default base64 encoding and plain floats)."""
        self.upstream.push(Reply(vectors=((0.5, -0.25, 1.0),)), Reply(vectors=((0.5, -0.25, 1.0),)))
        c = client(served)
        got = c.embeddings.create(model="openai/text-embedding-3-small", input="hello")
        assert got.data[0].embedding == [0.5, -0.25, 1.0]
        floats = c.embeddings.create(model="openai/text-embedding-3-small", input=["hello"], encoding_format="float")
        assert floats.data[0].embedding == [0.5, -0.25, 1.0]
        assert self.upstream.last.body == {"model": "text-embedding-3-small", "input": ["hello"]}

    def test_models(self, served):
        """client.models.list() lists provider/model for every chat provider."""
        ids = [m.id for m in client(served).models.list()]
        assert ids == ["openai/gpt-4o-mini", "echo/echo-1"]

    def test_provider_error_is_the_clients_error(self, served):
        """A provider's 400 reaches the client as openai.BadRequestError with the vendor's message."""
        self.upstream.push(Reply.error(400, "Invalid value for 'temperature'"))
        with pytest.raises(openai.BadRequestError) as info:
            ask(client(served), "bad")
        assert "Invalid value for 'temperature'" in str(info.value)
        assert info.value.response.headers["x-sema-cache"] == "miss"

    def test_rate_limit_carries_retry_after(self, served):
        """A rate limit that outlasts failover is a 429 with retry-after."""
        self.upstream.push(Reply.error(429, "Rate limit reached", retry_after=120))
        with pytest.raises(openai.RateLimitError) as info:
            ask(client(served), "busy", model="openai/gpt-4o-mini")
        assert info.value.response.headers["retry-after"] == "120"

    def test_failover_to_the_next_provider(self, served):
        """Issue #9: without the upstream header a 503 from the first provider fails over to the next one."""
        served.interp.eval_source("(llm/set-fallback [:openai :echo])")
        self.upstream.push(Reply.error(503, "The server is overloaded"))
        headers, answer = ask(client(served), "fail over please")
        assert headers["x-sema-cache"] == "miss"
        assert answer.choices[0].message.content == "echo: fail over please"
        assert len(self.upstream.requests) == 1
        headers, again = ask(client(served), "fail over please")  # the answer that survived is cached
        assert headers["x-sema-cache"] == "hit" and again.choices[0].message.content == "echo: fail over please"

    def test_retries_before_failing_over(self, serve, echo_interp, fake_server):
        """Issue #9: a provider configured with retries is retried (retry-after honoured) before anything else."""
        upstream = fake_server("openai")
        configure(echo_interp, "openai", upstream, **{"max-retries": 1})
        served = serve(echo_interp)
        upstream.push(Reply.error(429, "Slow down", retry_after=0))
        upstream.push(Reply.say("second try"))
        headers, answer = ask(client(served), "retry me", model="openai/gpt-4o-mini")
        assert answer.choices[0].message.content == "second try" and len(upstream.requests) == 2


class TestForwarded:
    """X-LLM-Proxy-Upstream: the request is relayed to that URL with the client's key."""

    @pytest.fixture
    def served(self, serve, fake_server):
        self.upstream = fake_server("openai")
        self.url = self.upstream.url + "/v1/chat/completions"
        return serve(allow_upstream=["127.0.0.1"])

    def test_forwarded_with_the_clients_key(self, served):
        """The upstream sees the client's Authorization and body; the repeat is a hit it never sees."""
        self.upstream.push(Reply.say("forwarded answer"))
        c = client(served, **{"X-LLM-Proxy-Upstream": self.url})
        headers, r = ask(c, "relay me", model="gpt-4o-mini")
        assert headers["x-sema-cache"] == "miss" and r.choices[0].message.content == "forwarded answer"
        assert r.id == "chatcmpl-abc123"  # the upstream's own body, untouched
        assert self.upstream.last.headers["authorization"] == f"Bearer {CLIENT_KEY}"
        assert self.upstream.last.body["messages"] == [{"role": "user", "content": "relay me"}]
        headers, again = ask(c, "relay me", model="gpt-4o-mini")
        assert headers["x-sema-cache"] == "hit" and again.choices[0].message.content == "forwarded answer"
        assert len(self.upstream.requests) == 1

    def test_forwarded_stream(self, served):
        """A forwarded stream is relayed as the upstream sent it, and cached for the next request."""
        self.upstream.push(Reply.say("streamed through", parts=("stream", "ed ", "through")))
        c = client(served, **{"X-LLM-Proxy-Upstream": self.url})
        parts = [ch.choices[0].delta.content for ch in c.chat.completions.create(
            model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "st"}])
            if ch.choices and ch.choices[0].delta.content]
        assert parts == ["stream", "ed ", "through"]
        assert self.upstream.last.body["stream"] is True
        headers, again = ask(c, "st")
        assert headers["x-sema-cache"] == "hit" and again.choices[0].message.content == "streamed through"

    def test_semantic_hit_through_the_server(self, serve, fake_server):
        """With --embed, a paraphrase is a hit, with the similarity in a header."""
        from sema.interpreter import Interpreter
        interp = Interpreter(llm=False)
        interp.register_provider("bow", BagOfWords(), make_default=False)
        served = serve(interp, allow_upstream=["127.0.0.1"], embed="bow")
        self.upstream = fake_server("openai")
        self.url = self.upstream.url + "/v1/chat/completions"
        self.upstream.push(Reply.say("Paris."))
        c = client(served, **{"X-LLM-Proxy-Upstream": self.url})
        assert ask(c, "What is the capital of France?")[0]["x-sema-cache"] == "miss"
        headers, r = ask(c, "capital of France, please")
        assert headers["x-sema-cache"] == "hit" and float(headers["x-sema-cache-similarity"]) >= 0.95
        assert r.choices[0].message.content == "Paris."
        assert ask(c, "What is the capital of Spain?")[0]["x-sema-cache"] == "miss"
        assert len(self.upstream.requests) == 2

    def test_semantic_layer_with_a_native_http_embedder(self, serve, fake_server):
        """Issue #9: --embed openai/MODEL: the semantic layer's vectors come from the OpenAI adapter over HTTP
        (POST /v1/embeddings with sema's key and the named model), and a near vector is a hit."""
        from sema.interpreter import Interpreter
        vendor = fake_server("openai")
        interp = Interpreter(llm=False)
        configure(interp, "openai", vendor)
        served = serve(interp, embed="openai/text-embedding-3-small")
        vendor.push(Reply(vectors=((1.0, 0.0, 0.0),)), Reply.say("Paris."),   # embed, then answer
                    Reply(vectors=((0.99, 0.05, 0.0),)),                       # a paraphrase's vector: a hit
                    Reply(vectors=((0.0, 1.0, 0.0),)), Reply.say("Madrid."))   # another meaning: a miss
        c = client(served)
        assert ask(c, "What is the capital of France?", model="openai/gpt-4o-mini")[0]["x-sema-cache"] == "miss"
        headers, r = ask(c, "capital of France, please", model="openai/gpt-4o-mini")
        assert headers["x-sema-cache"] == "hit" and r.choices[0].message.content == "Paris."
        assert float(headers["x-sema-cache-similarity"]) >= 0.95
        headers, r = ask(c, "What is the capital of Spain?", model="openai/gpt-4o-mini")
        assert headers["x-sema-cache"] == "miss" and r.choices[0].message.content == "Madrid."
        embeds = [q for q in vendor.requests if q.path.endswith("/embeddings")]
        assert len(embeds) == 3 and embeds[0].body["model"] == "text-embedding-3-small"
        assert embeds[1].body["input"] in ("capital of France, please", ["capital of France, please"])
        assert embeds[0].headers["authorization"] == "Bearer sk-test-openai-0123456789abcdef"

    def test_embeddings_forwarded(self, served):
        """/v1/embeddings with the header is relayed too."""
        self.upstream.push(Reply(vectors=((1.0, 2.0),)))
        c = client(served, **{"X-LLM-Proxy-Upstream": self.upstream.url + "/v1/embeddings"})
        assert c.embeddings.create(model="m", input="x", encoding_format="float").data[0].embedding == [1.0, 2.0]
        assert self.upstream.last.headers["authorization"] == f"Bearer {CLIENT_KEY}"
