"""Issue #8: the failover router, the circuit breaker and usage accounting, from Python and from Lisp."""

from __future__ import annotations

import sqlite3

import pytest

from sema.errors import SemaError
from sema.interpreter import Interpreter
from sema.llm import (
    AuthError,
    Breaker,
    ChatRequest,
    FakeProvider,
    LlmError,
    Message,
    ProviderRegistry,
    RateLimitError,
    ServerError,
    Usage,
    usage_delta,
)
from sema.printer import write_str
from sema.values import Keyword

from .conftest import build
from .wire import Reply

K = Keyword
REQ = ChatRequest(None, (Message("user", "hi"),))


def fakes(*scripts):
    reg = ProviderRegistry(environ={})
    made = []
    for n, script in enumerate(scripts):
        p = FakeProvider(f"p{n}", list(script), default_model=f"m{n}")
        reg.register(p.name, p)
        made.append(p)
    return reg, made


class TestStandingOrder:
    def test_configuration_order_without_any_call(self):
        """Several providers, no set-fallback: the default first, then the others in configuration order."""
        reg, (a, b, c) = fakes([ServerError("a down", provider="p0")], [RateLimitError("b busy", provider="p1")],
                               ["from c"])
        r = reg.router.call({"messages": "hi"})
        assert (r.content, r.provider, r.model) == ("from c", "p2", "m2")
        assert [len(p.requests) for p in (a, b, c)] == [1, 1, 1]

    def test_default_provider_stays_first(self):
        """Changing the default puts it at the head of the order."""
        reg, (a, b) = fakes(["a"], ["b"])
        reg.set_default("p1")
        assert reg.router.call(REQ).content == "b" and a.requests == []

    def test_environment_providers_in_catalog_order(self, fake_server):
        """Auto-configured providers form the order in the catalog's documented order."""
        s1, s2 = fake_server("openai"), fake_server("anthropic")
        s1.push(*[Reply.error(503, "overloaded")] * 3)
        s2.push(Reply.say("from anthropic"))
        import httpx
        reg = ProviderRegistry(environ={"OPENAI_API_KEY": "sk-local", "OPENAI_BASE_URL": s1.url + "/v1",
                                        "ANTHROPIC_API_KEY": "sk-ant-local", "ANTHROPIC_BASE_URL": s2.url},
                               transport=httpx.HTTPTransport(), sleep=lambda s: None)
        assert reg.auto_configure() == "anthropic"
        assert [e[0].name for e in reg.router.standing_order()] == ["anthropic", "openai"]
        reg.set_default("openai")
        assert reg.router.call(REQ).content == "from anthropic"
        assert len(s1.requests) == 3  # the provider's own retries first

    def test_order_visible_from_lisp(self):
        """Issue 8: (llm/fallback-order) shows the standing order without any call, the set and scoped ones."""
        interp = Interpreter(llm=False)
        interp.eval_source("""
          (llm/define-provider :a {:complete (fn (r) "a")})
          (llm/define-provider :b {:complete (fn (r) "b")})
          (llm/define-provider :c {:complete (fn (r) "c")})
          (llm/set-default :b)""")
        assert write_str(interp.eval_source("(llm/fallback-order)")) == "(:b :a :c)"
        interp.eval_source('(llm/set-fallback [:c [:a "a-large"]])')
        assert write_str(interp.eval_source("(llm/fallback-order)")) == '(:c (:a "a-large"))'
        assert write_str(interp.eval_source("(llm/with-fallback [:a] (fn () (llm/fallback-order)))")) == "(:a)"
        interp.eval_source("(llm/set-fallback nil)")
        assert write_str(interp.eval_source("(llm/fallback-order)")) == "(:b :a :c)"

    def test_non_retriable_stops_at_once(self):
        """A 401 or a bad request is not failed over."""
        reg, (a, b) = fakes([AuthError("bad key", provider="p0", status=401)], ["never"])
        with pytest.raises(AuthError, match="bad key") as info:
            reg.router.call(REQ)
        assert b.requests == [] and info.value.attempts[0]["error"] == "auth"

    def test_every_retriable_kind_fails_over_over_http(self, fake_server):
        """Issue 8: 529, a timeout and a refused connection move on to the next provider; the error kinds
        are the adapters' own (real HTTP against fake servers), not scripted exceptions."""
        import socket
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
        sock.close()

        class Nowhere:
            url = f"http://127.0.0.1:{closed_port}"
        overloaded, hanging, good = fake_server("anthropic"), fake_server("openai"), fake_server("ollama")
        overloaded.push(Reply.error(529, "Overloaded"))
        hanging.push(Reply("hang"))
        good.push(Reply.say("from ollama"))
        reg = ProviderRegistry(environ={})
        for name, provider in (("anthropic", build("anthropic", overloaded, max_retries=0)),
                               ("gemini", build("gemini", Nowhere, max_retries=0)),
                               ("openai", build("openai", hanging, max_retries=0, read_timeout=0.2)),
                               ("ollama", build("ollama", good, max_retries=0))):
            reg.register(name, provider)
        r = reg.router.call(REQ)
        assert (r.content, r.provider) == ("from ollama", "ollama")
        assert [len(s.requests) for s in (overloaded, hanging, good)] == [1, 1, 1]
        health = reg.router.health()
        assert [health[n]["failures"] for n in ("anthropic", "gemini", "openai", "ollama")] == [1, 1, 1, 0]
        overloaded.push(Reply.error(529, "Overloaded"))
        hanging.push(Reply("hang"))
        good.push(Reply.error(503, "down"))
        with pytest.raises(LlmError) as info:
            reg.router.call(REQ)
        assert [(a["provider"], a["error"], a["status"]) for a in info.value.attempts] == [
            ("anthropic", "server", 529), ("gemini", "connection", None), ("openai", "timeout", None),
            ("ollama", "server", 503)]

    @pytest.mark.parametrize("status, message", [
        (400, "This model's maximum context length is 4096 tokens."),
        (400, "Invalid value for 'temperature'"),
        (401, "Incorrect API key provided")])
    def test_non_retriable_http_errors_stop_at_once(self, fake_server, status, message):
        """Issue 8: a context-window, bad-request or auth answer is not failed over (nor counted by the breaker)."""
        first, second = fake_server("openai"), fake_server("anthropic")
        first.push(Reply.error(status, message))
        second.push(Reply.say("never"))
        reg = ProviderRegistry(environ={})
        reg.register("openai", build("openai", first))
        reg.register("anthropic", build("anthropic", second))
        with pytest.raises(LlmError) as info:
            reg.router.call(REQ)
        assert message.split(".")[0] in str(info.value) and second.requests == []
        assert len(first.requests) == 1 and reg.router.health()["openai"]["failures"] == 0

    def test_explicit_provider_bypasses_the_order(self):
        """:provider (or provider/model) names one provider: no failover."""
        reg, (a, b) = fakes(["a"], [ServerError("b down", provider="p1")])
        with pytest.raises(ServerError, match="b down"):
            reg.router.call({"messages": "hi", "provider": "p1"})
        assert reg.router.call({"messages": "hi", "model": "p0/special"}).model == "special"

    def test_respond_is_map_in_map_out(self):
        """The Python entry point: a request map in, the contract's response map out."""
        reg, _ = fakes([{"content": "ok", "usage": {"prompt-tokens": 3, "completion-tokens": 1}}])
        out = reg.router.respond({"messages": [{"role": "user", "content": "hi"}], "max-tokens": 5})
        assert out["content"] == "ok" and out["provider"] == "p0" and out["usage"]["total-tokens"] == 4
        assert out["latency-ms"] >= 0 and out["stop-reason"] == "end_turn"


class TestEveryAttempt:
    def test_error_lists_every_attempt_in_lisp(self):
        """When every provider fails, catch sees :attempts with provider, model, error, status and message."""
        interp = Interpreter(llm=False)
        interp.eval_source('''
          (llm/define-provider :busy {:complete (fn (r) (throw {:status 429 :message "slow down"})) :default-model "b1"})
          (llm/define-provider :down {:complete (fn (r) (throw {:status 503 :message "overloaded"})) :default-model "d1"})''')
        err = interp.eval_source('(try (llm/complete "hi") (catch e e))')
        assert err[K("message")] == ("all 2 providers failed: :down (model d1): server 503: overloaded; "
                                     ":busy (model b1): rate-limit 429: slow down")
        attempts = err[K("attempts")]
        assert write_str(attempts) == ('({:error "server" :message "overloaded" :model "d1" :provider "down" :status 503} '
                                       '{:error "rate-limit" :message "slow down" :model "b1" :provider "busy" '
                                       ':status 429})')
        assert err[K("llm-error")] == "rate-limit"


class TestBreaker:
    def test_opens_after_repeated_failures_then_half_opens(self):
        """Three consecutive retriable failures open the circuit; after the cool-down one trial goes through."""
        now = [0.0]
        reg, (a, b) = fakes([ServerError("down", provider="p0")] * 4 + ["a back"], ["b"] * 10)
        reg.router.breaker = Breaker(threshold=3, cool_down=30, clock=lambda: now[0])
        for _ in range(3):
            assert reg.router.call(REQ).content == "b"
        assert reg.router.health()["p0"]["state"] == "open"
        assert reg.router.call(REQ).content == "b" and len(a.requests) == 3  # skipped while cooling down
        now[0] = 31.0
        assert reg.router.health()["p0"]["state"] == "half-open"
        assert reg.router.call(REQ).content == "b" and len(a.requests) == 4  # the trial failed: open again
        assert reg.router.health()["p0"]["state"] == "open"
        now[0] = 62.0
        assert reg.router.call(REQ).content == "a back"
        assert reg.router.health()["p0"] == {**reg.router.health()["p0"], "state": "closed", "consecutive-failures": 0}

    def test_all_open_are_tried_anyway(self):
        """When every provider's circuit is open, they are tried rather than none."""
        reg, (a,) = fakes([ServerError("x", provider="p0")] * 2 + ["ok"])
        reg.router.breaker = Breaker(threshold=1, cool_down=300)
        reg.register("p1", FakeProvider("p1", [ServerError("y", provider="p1")] * 5))
        with pytest.raises(ServerError):
            reg.router.call(REQ)
        assert reg.router.breaker.state("p0") == "open" and reg.router.breaker.state("p1") == "open"
        with pytest.raises(ServerError):
            reg.router.call(REQ)
        assert reg.router.call(REQ).content == "ok"

    def test_provider_health_from_lisp(self):
        """(llm/provider-health) shows each provider's state; llm/set-breaker tunes it."""
        interp = Interpreter(llm=False)
        interp.eval_source('''
          (llm/set-breaker {:failures 1 :cool-down 60})
          (llm/define-provider :ok {:complete (fn (r) "fine")})
          (llm/define-provider :bad {:complete (fn (r) (throw {:status 500 :message "boom"}))})''')
        assert interp.eval_source('(llm/complete "x")') == "fine"
        health = interp.eval_source("(llm/provider-health)")
        assert health[K("bad")][K("state")] == K("open") and health[K("bad")][K("last-error")].endswith("boom")
        assert health[K("ok")][K("state")] == K("closed") and health[K("ok")][K("successes")] == 1
        assert 0 < health[K("bad")][K("retry-in")] <= 60


class TestUsage:
    def test_record_fields_and_summary(self):
        """Per call: provider, model, tokens, cached tokens, latency, timestamp, reported or estimated."""
        reg, _ = fakes([{"content": "x", "usage": {"prompt-tokens": 10, "completion-tokens": 5,
                                                  "cache-read-tokens": 4}}], ["y"])
        reg.router.call(REQ)
        reg.router.call({"messages": "hi", "provider": "p1"})
        s = reg.usage.summary()
        assert s["totals"]["total-calls"] == 2 and s["totals"]["cached-tokens"] == 4
        assert s["by-model"]["p0/m0"]["calls"] == 1 and s["by-model"]["p1/m1"]["prompt-tokens"] == 10
        last = s["last-call"]
        assert last["provider"] == "p1" and last["model"] == "m1" and last["source"] == "reported"
        assert last["timestamp"].endswith("Z") and last["latency-ms"] >= 0

    def test_cached_tokens_as_each_vendor_reports_them(self):
        """Issue 8: OpenAI's prompt_tokens_details.cached_tokens, Anthropic's cache_read_input_tokens and
        Gemini's cachedContentTokenCount reach the usage records (real adapters, loopback servers)."""
        from .routeserver import RouteServer, openai_answer
        oai = openai_answer("from openai", "gpt-4o", usage=(100, 5))
        oai["usage"]["prompt_tokens_details"] = {"cached_tokens": 64}
        claude = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x", "stop_reason": "end_turn",
                  "content": [{"type": "text", "text": "from claude"}],
                  "usage": {"input_tokens": 20, "output_tokens": 4, "cache_read_input_tokens": 300,
                            "cache_creation_input_tokens": 0}}
        gemini = {"candidates": [{"content": {"role": "model", "parts": [{"text": "from gemini"}]}, "finishReason": "STOP"}],
                  "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 3, "totalTokenCount": 53,
                                    "cachedContentTokenCount": 32}}
        server = RouteServer({("POST", "/v1/chat/completions"): lambda r: (200, oai),
                              ("POST", "/v1/messages"): lambda r: (200, claude),
                              ("POST", "/v1beta/models/*"): lambda r: (200, gemini)})
        try:
            interp = Interpreter(llm=False)
            interp.eval_source(f'''
              (llm/configure :openai {{:api-key "sk-test-0123456789abcdef" :base-url "{server.url}/v1"}})
              (llm/configure :anthropic {{:api-key "sk-ant-test-0123456789" :base-url "{server.url}"}})
              (llm/configure :gemini {{:api-key "AIzaTest0123456789abcdefghij" :base-url "{server.url}/v1beta"}})''')
            cached = []
            for name in ("openai", "anthropic", "gemini"):
                interp.eval_source(f'(llm/complete "hi" {{:provider :{name}}})')
                cached.append(interp.eval_source("(:cached-tokens (:last-call (llm/usage-summary)))"))
        finally:
            server.close()
        assert cached == [64, 300, 32]
        assert interp.eval_source("(:cached-tokens (:totals (llm/usage-summary)))") == 396
        assert interp.llm.usage.snapshot()["cached-tokens"] == 396

    def test_snapshot_and_delta(self):
        """usage_delta of two snapshots counts what happened in between."""
        reg, _ = fakes(["a", "b", "c"])
        reg.router.call(REQ)
        before = reg.usage.snapshot()
        reg.router.call(REQ)
        reg.router.call(REQ)
        delta = usage_delta(before, reg.usage.snapshot())
        assert delta == {"total-calls": 2, "prompt-tokens": 20, "completion-tokens": 10, "total-tokens": 30,
                         "cached-tokens": 0, "estimated-calls": 0}

    def test_stream_without_usage_is_estimated_and_marked(self, fake_server):
        """llama.cpp ends a stream without a usage chunk: the tokens are estimated and the record says so."""
        server = fake_server("openai")
        server.push(Reply.say("Hello there, friend!", style="llamacpp"))
        reg = ProviderRegistry(environ={})
        reg.register("openai", build("openai", server))
        r = reg.router.call(REQ, stream=True, on_chunk=lambda c: None)
        assert r.usage.estimated and r.usage.completion_tokens == 5 and r.usage.prompt_tokens == 1
        assert reg.usage.summary()["last-call"]["source"] == "estimated"
        assert reg.usage.snapshot()["estimated-calls"] == 1

    def test_sqlite_log_schema(self, tmp_path, monkeypatch):
        """SEMA_USAGE_DB logs one row per call with the documented columns."""
        path = tmp_path / "usage.db"
        monkeypatch.setenv("SEMA_USAGE_DB", str(path))
        interp = Interpreter(llm=True)
        interp.eval_source('(llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 7 '
                           ':completion-tokens 2}}) :default-model "m-1"})')
        interp.eval_source('(llm/complete "a") (llm/complete "b" {:model "m-2"})')
        rows = sqlite3.connect(path).execute(
            "SELECT provider, model, prompt_tokens, completion_tokens, total_tokens, cached_tokens, estimated, "
            "attempts, latency_ms >= 0, length(ts) FROM llm_usage ORDER BY id").fetchall()
        assert rows == [("m", "m-1", 7, 2, 9, 0, 0, 1, 1, 24), ("m", "m-2", 7, 2, 9, 0, 0, 1, 1, 24)]
        columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(llm_usage)")]
        assert columns == ["id", "ts", "provider", "model", "prompt_tokens", "completion_tokens", "total_tokens",
                           "cached_tokens", "latency_ms", "estimated", "attempts"]

    def test_usage_log_from_lisp(self, tmp_path, fake_server):
        """Issue 8: (llm/usage-log path) starts the SQLite log, nil stops it; a streamed answer without a
        usage chunk is logged as estimated; a file that is not SQLite is a clear error."""
        path = tmp_path / "billing.db"
        server = fake_server("openai")
        server.push(Reply.say("Hello there, friend!", style="llamacpp"))
        interp = Interpreter(llm=False)
        interp.register_provider("openai", build("openai", server), make_default=True)
        interp.eval_source('(llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 7 '
                           ':completion-tokens 2}}) :default-model "m-1"})')
        assert interp.eval_source(f'(llm/usage-log "{path}")') == str(path)
        interp.eval_source('(llm/complete "a" {:provider :m}) (llm/stream "b" (fn (c) c) {:provider :openai})')
        assert interp.eval_source("(llm/usage-log nil)") is None
        interp.eval_source('(llm/complete "not logged" {:provider :m})')
        rows = sqlite3.connect(path).execute(
            "SELECT provider, model, prompt_tokens, completion_tokens, estimated FROM llm_usage ORDER BY id").fetchall()
        assert rows == [("m", "m-1", 7, 2, 0), ("openai", "gpt-4o-mini", 1, 5, 1)]
        bad = tmp_path / "notes.txt"
        bad.write_text("not a database, just text " * 40)
        with pytest.raises(SemaError, match=r'llm/usage-log: cannot open the usage log ".*notes.txt" \(it must be'):
            interp.eval_source(f'(llm/usage-log "{bad}")')

    def test_lisp_provider_calling_another_counts_once(self):
        """A Lisp provider forwarding to another is one user call, billed with the inner call's tokens."""
        interp = Interpreter(llm=False)
        interp.register_provider("inner", FakeProvider("inner", ["inner answer"], usage=Usage(12, 3)))
        interp.eval_source('''(llm/define-provider :outer
            {:complete (fn (r) (str "outer: " (llm/complete "x" {:provider :inner})))})''')
        assert interp.eval_source('(llm/complete "q")') == "outer: inner answer"
        s = interp.llm.usage.summary()
        assert s["totals"]["total-calls"] == 1 and s["totals"]["prompt-tokens"] == 12
        assert list(s["by-model"]) == ["outer/default"]

    def test_lisp_api(self):
        """llm/usage-summary, llm/usage-snapshot and llm/usage-delta from Lisp."""
        interp = Interpreter(llm=False)
        out = interp.eval_source('''
          (llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 5 :completion-tokens 2}})
                                   :default-model "m1"})
          (define before (llm/usage-snapshot))
          (llm/complete "a") (llm/complete "b")
          (define s (llm/usage-summary))
          (list (:total-calls (llm/usage-delta before (llm/usage-snapshot)))
                (:total-tokens (:totals s)) (:calls (get (:by-model s) "m/m1")) (:provider (:last-call s))
                (:source (:last-call s)))''')
        assert write_str(out) == '(2 14 2 :m "reported")'
        with pytest.raises(SemaError, match="must be a snapshot"):
            interp.eval_source('(llm/usage-delta {:total-calls "x"} (llm/usage-snapshot))')


class TestBatchResults:
    SRC = '''(llm/define-provider :picky {:complete (fn (r)
               (let ((p (:content (last (:messages r)))))
                 (if (= p "bad") (throw {:status 400 :message "no"}) (string/upper p))))})'''

    def test_default_error_names_the_prompt_and_keeps_the_others(self):
        """One failing prompt: the error names its index and carries the others' answers."""
        interp = Interpreter(llm=False)
        interp.eval_source(self.SRC)
        err = interp.eval_source('(try (llm/batch ["a" "bad" "c"]) (catch e e))')
        assert err[K("message")].startswith("llm/batch: prompt 1 (of 3) failed:")
        assert err[K("index")] == 1 and write_str(err[K("results")]) == '("A" nil "C")'

    def test_return_errors(self):
        """:return-errors #t gives a value or an error map (with :index) per prompt."""
        interp = Interpreter(llm=False)
        interp.eval_source(self.SRC)
        out = interp.eval_source('(llm/batch ["a" "bad" "c"] {:return-errors #t})')
        items = list(out)
        assert items[0] == "A" and items[2] == "C"
        assert items[1][K("index")] == 1 and items[1][K("llm-error")] == "bad-request"

    def test_http_batch_keeps_answers(self, fake_server):
        """Against a real adapter too: the failed prompt does not discard the others."""
        server = fake_server("openai")
        interp = Interpreter(llm=False)
        interp.register_provider("openai", build("openai", server, max_retries=0), make_default=True)
        server.push(Reply.say("one"), Reply.error(400, "bad prompt"), Reply.say("three"))
        out = interp.eval_source('(llm/batch ["1" "2" "3"] {:return-errors #t :max-concurrency 1})')
        assert [x if isinstance(x, str) else x[K("index")] for x in out] == ["one", 1, "three"]
