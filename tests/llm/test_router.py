"""Calling providers: normalisation, failover, batches and usage tracking."""

from __future__ import annotations

import threading
import time

import pytest

from sema.errors import UserError
from sema.llm import (AuthError, ChatRequest, ChatResponse, LlmError, Message, RateLimitError, ServerError, Usage,
                      UsageTracker, batch_complete, call_provider, complete_with_fallback)

from .conftest import build
from .wire import Reply

REQ = ChatRequest(None, (Message("user", "hi"),))


class Scripted:
    """A Python provider answering from a script; records the requests it saw."""

    def __init__(self, name, *script, default_model="m-" + "x"):
        self.name = name
        self.default_model = default_model
        self.script = list(script)
        self.seen = []

    def complete(self, request):
        self.seen.append(request)
        item = self.script.pop(0) if self.script else "default"
        if isinstance(item, BaseException):
            raise item
        return item


class TestCallProvider:
    def test_string_and_dict(self):
        """Strings and dicts from Python providers become full responses with the provider's model."""
        p = Scripted("py", "hello", {"content": "hi", "usage": {"prompt-tokens": 2, "completion-tokens": 1}})
        r = call_provider(p, REQ)
        assert (r.content, r.model, r.provider, r.stop_reason) == ("hello", "m-x", "py", "end_turn")
        assert call_provider(p, REQ).usage == Usage(2, 1)
        assert p.seen[0].model == "m-x"

    def test_plain_callable(self):
        """A bare callable is a provider too."""
        assert call_provider(lambda req: "yo", REQ).content == "yo"

    def test_stream_without_native_streaming(self):
        """A provider without stream sends its whole answer as one chunk."""
        chunks = []
        r = call_provider(Scripted("py", "whole"), REQ, chunks.append, stream=True)
        assert chunks == ["whole"] and r.content == "whole"

    def test_foreign_errors_name_the_provider(self):
        """An exception inside a provider becomes an LlmError naming it, with the cause kept."""
        with pytest.raises(LlmError, match="provider :mock failed: boom") as info:
            call_provider(Scripted("mock", UserError("boom")), REQ)
        assert isinstance(info.value.__cause__, UserError)

    def test_callback_errors_propagate_unchanged(self):
        """An error raised by the chunk callback is the caller's, not the provider's."""
        def bad(chunk):
            raise UserError("stop here")
        with pytest.raises(UserError, match="stop here"):
            call_provider(Scripted("py", "x"), REQ, bad, stream=True)

    def test_usage_recorded(self):
        """Usage is recorded per call when a tracker is given."""
        usage = UsageTracker()
        call_provider(Scripted("py", {"usage": {"prompt-tokens": 3, "completion-tokens": 4}}), REQ, usage=usage)
        assert usage.last == Usage(3, 4) and usage.last_model == "m-x"


class TestFallback:
    def test_retriable_moves_on(self):
        """A retriable failure moves to the next provider, with its own default model."""
        a = Scripted("a", RateLimitError("a: 429", provider="a"), default_model="ma")
        b = Scripted("b", "from b", default_model="mb")
        seen = []
        r = complete_with_fallback([a, b], REQ, on_failover=lambda p, e: seen.append(p.name))
        assert r.content == "from b" and r.model == "mb" and seen == ["a"]

    def test_non_retriable_fails_at_once(self):
        """Auth and bad-request errors stop the chain with the provider's message."""
        a = Scripted("a", AuthError("provider :a returned 401 Unauthorized: bad key", provider="a"))
        b = Scripted("b", "never")
        with pytest.raises(AuthError, match="bad key"):
            complete_with_fallback([a, b], REQ)
        assert b.seen == []

    def test_all_fail(self):
        """Issue #8: when all fail, the error (of the last one's class) carries every attempt."""
        a = Scripted("a", RateLimitError("a busy", provider="a", status=429), default_model="ma")
        b = Scripted("b", ServerError("b down", provider="b", status=503), default_model="mb")
        with pytest.raises(ServerError) as info:
            complete_with_fallback([a, b], REQ)
        assert info.value.message == ("all 2 providers failed: :a (model ma): rate-limit 429: a busy; "
                                      ":b (model mb): server 503: b down")
        assert info.value.attempts == [
            {"provider": "a", "model": "ma", "error": "rate-limit", "status": 429, "message": "a busy"},
            {"provider": "b", "model": "mb", "error": "server", "status": 503, "message": "b down"}]

    def test_explicit_models(self):
        """(provider, model) entries send that model; the first entry keeps the request's model."""
        a = Scripted("a", ServerError("x"))
        b = Scripted("b", "ok")
        complete_with_fallback([a, (b, "special")], REQ.with_model("asked"))
        assert a.seen[0].model == "asked" and b.seen[0].model == "special"

    def test_over_http(self, fake_server, sleeps):
        """Real adapters: a 429 that outlasts the transport's retries fails over to the next provider."""
        s1, s2 = fake_server("openai"), fake_server("anthropic")
        s1.push(*[Reply.error(429, "Rate limit reached", retry_after=1)] * 3)
        s2.push(Reply.say("from anthropic"))
        usage = UsageTracker()
        r = complete_with_fallback([build("openai", s1, sleeps), build("anthropic", s2, sleeps)], REQ, usage=usage)
        assert r.content == "from anthropic" and r.provider == "anthropic"
        assert len(s1.requests) == 3 and sleeps == [1.0, 1.0]
        assert usage.calls == 1

    def test_stream_fails_over_only_before_first_chunk(self, fake_server):
        """A stream cut after output has reached the caller is not replayed on another provider."""
        from sema.llm import StreamError
        s1 = fake_server("openai")
        s1.push(Reply("cut", "Hello world!", ("Hel", "lo ", "wor", "ld!")))
        b = Scripted("b", "never")
        chunks = []
        with pytest.raises(StreamError):
            complete_with_fallback([build("openai", s1), b], REQ, on_chunk=chunks.append, stream=True)
        assert chunks and b.seen == []


class TestBatch:
    def test_python_provider_in_threads(self):
        """Providers without acomplete run in a thread pool; results keep input order."""
        class Echo:
            name, default_model = "echo", "e"

            def complete(self, req):
                time.sleep(0.01)
                return req.messages[0].content.upper()
        reqs = [ChatRequest(None, (Message("user", f"q{i}"),)) for i in range(20)]
        assert [r.content for r in batch_complete(Echo(), reqs)] == [f"Q{i}" for i in range(20)]

    def test_first_error_raised(self):
        """Without return_exceptions the first failure in input order is raised."""
        p = Scripted("p", "ok", AuthError("nope", provider="p"))
        with pytest.raises(AuthError):
            batch_complete(p, [REQ, REQ], max_concurrency=1)

    def test_http_batch_is_concurrent(self, fake_server):
        """100 prompts against a server answering in 200 ms are in flight together (64 at a time by default)."""
        server = fake_server("openai")
        server.delay = 0.2
        provider = build("openai", server)
        reqs = [ChatRequest(None, (Message("user", f"q{i}"),)) for i in range(100)]
        usage = UsageTracker()
        results = batch_complete(provider, reqs, usage=usage)
        assert len(results) == 100 and all(r.content == "Hello!" for r in results)
        assert usage.calls == 100 and usage.total.prompt_tokens == 900
        assert server.peak >= 50


class TestUsageTracker:
    def test_totals_per_model_and_reset(self):
        """last, session totals, per-model totals and reset."""
        u = UsageTracker()
        assert u.last is None and u.last_dict() is None
        u.record(ChatResponse("x", model="a", usage=Usage(1, 2)))
        u.record(Usage(10, 20), model="b")
        u.record(ChatResponse("x", model="a", usage=Usage(1, 1)))
        assert u.last == Usage(1, 1) and u.total == Usage(12, 23) and u.calls == 3
        assert u.per_model() == {"a": Usage(2, 3), "b": Usage(10, 20)}
        assert u.last_dict()["model"] == "a" and u.session_dict()["per-model"]["b"]["prompt-tokens"] == 10
        u.reset()
        assert u.calls == 0 and u.total == Usage() and u.per_model() == {}

    def test_thread_safe(self):
        """Concurrent records are all counted."""
        u = UsageTracker()

        def work():
            for _ in range(1000):
                u.record(Usage(1, 1), model="m")
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert u.calls == 8000 and u.total == Usage(8000, 8000)


class TestFakeProvider:
    def test_script_recorder_and_stream(self):
        """FakeProvider answers from its script, streams chunk lists, raises scripted errors, records requests."""
        from sema.llm import FakeProvider
        fake = FakeProvider("fake", ["one", ["a", "b"], AuthError("no", provider="fake"),
                                     FakeProvider.tool_reply(("c1", "f", {"x": 1}))])
        assert call_provider(fake, REQ).content == "one"
        chunks = []
        assert call_provider(fake, REQ, chunks.append, stream=True).content == "ab" and chunks == ["a", "b"]
        with pytest.raises(AuthError):
            call_provider(fake, REQ)
        r = call_provider(fake, REQ)
        assert r.stop_reason == "tool_use" and r.tool_calls[0].arguments == {"x": 1}
        assert call_provider(fake, REQ).content == "fake response"
        assert len(fake.requests) == 5 and fake.requests[0].model == "fake-model"
