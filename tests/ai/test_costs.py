"""Pricing, budgets, rate limits, retry and cancellation (issue 10, §4.7-4.8)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from sema.ai.pricing import PriceTable, Pricing
from sema.ai.resilience import TokenBucket
from sema.errors import EvalCancelledError, EvalTimeoutError
from sema.interpreter import Interpreter
from sema.llm import ProviderRegistry, Usage
from sema.values import Keyword as K
from tests.llm.wire import Reply

from .conftest import configure


class TestPricing:
    def test_table_is_dated_with_a_source(self):
        """The bundled table says where it comes from and when."""
        t = PriceTable.bundled()
        assert t.source.startswith("genai-prices") and len(t.updated_at) == 10 and len(t) > 300

    def test_lookups(self):
        """Exact names, dated variants, vendor prefixes; unknown models are None."""
        p = Pricing(ProviderRegistry(environ={}))
        assert p.price("gpt-4o-mini").input == 0.15
        assert p.price("gpt-4o-mini-2024-07-18").output == 0.6
        assert p.price("openai/gpt-4o-mini").input == 0.15
        assert p.price("claude-3-5-haiku-20241022").input == 0.8
        assert p.price("no-such-model-anywhere") is None

    def test_cost_in_usage_of_a_native_call(self, lisp, fake_server):
        """A native call's usage carries :cost-usd from the table (OpenAI counts cached tokens in the prompt)."""
        server = fake_server("openai")
        configure(lisp, "openai", server, **{"default-model": "gpt-4o-mini"})
        server.push(Reply.say("hi", usage=(1_000_000, 1_000_000)))
        lisp('(llm/complete "x")')
        assert lisp("(:cost-usd (llm/last-usage))") == pytest.approx(0.75)
        assert lisp("(:cost-usd (:totals (llm/usage-summary)))") == pytest.approx(0.75)

    def test_custom_prices_win(self, lisp):
        """llm/set-pricing patterns come first; pricing-status lists them."""
        lisp('(llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 2000000 '
             ':completion-tokens 0}}) :default-model "gpt-4o-mini"})')
        lisp('(llm/set-pricing "gpt-4o*" 10 20)')
        lisp('(llm/complete "x")')
        assert lisp("(:cost-usd (llm/last-usage))") == 20.0
        assert lisp("(:custom (llm/pricing-status))") == [{"pattern": "gpt-4o*", "input": 10.0, "output": 20.0,
                                                            "source": "custom"}]

    def test_unknown_model_is_nil_never_an_error(self, lisp, interp):
        """An unknown model: nil cost, and under a cost budget one warning per model."""
        warnings = []
        interp.on_warning = warnings.append
        lisp('(llm/define-provider :m {:complete (fn (r) "x") :default-model "mystery-1"})')
        assert lisp('(llm/with-budget 1.0 (fn () (list (llm/complete "a") (llm/complete "b"))))') == ["x", "x"]
        assert lisp("(:cost-usd (llm/last-usage))") is None
        assert len(warnings) == 1 and "mystery-1" in warnings[0]

    def test_anthropic_cached_reads(self):
        """Anthropic-format usage counts cached reads apart: they are added at the cache price."""
        reg = ProviderRegistry(environ={})
        reg.configure("anthropic", {"api_key": "sk-ant-test-0123456789abcdef"})
        p = Pricing(reg)
        cost = p.cost("anthropic", "claude-haiku-4-5", Usage(1_000_000, 0, cache_read_tokens=1_000_000))
        assert cost == pytest.approx(1.0 + 0.1)


class TestBudgets:
    def test_refused_before_sending(self, lisp, fake_server):
        """A call whose prompt alone exceeds the token budget is refused and never reaches the server."""
        server = fake_server("openai")
        configure(lisp, "openai", server)
        e = lisp('(try (llm/with-budget {:max-tokens 10} (fn () (llm/complete (string/repeat "word " 40)))) '
                 '(catch e e))')
        assert e["type"] == K("budget") and e["unit"] == "tokens" and e["limit"] == 10
        assert "was not sent" in e["message"]
        assert server.requests == []

    def test_cost_budget_with_max_tokens(self, lisp, fake_server):
        """With a price known, :max-tokens counts as the most the answer can cost."""
        server = fake_server("openai")
        configure(lisp, "openai", server, **{"default-model": "gpt-4o"})
        e = lisp('(try (llm/with-budget {:max-cost-usd 0.001} (fn () (llm/complete "hi" {:max-tokens 1000}))) '
                 '(catch e (:unit e)))')
        assert e == "usd" and server.requests == []
        server.push(Reply.say("ok", usage=(10, 10)))
        assert lisp('(llm/with-budget {:max-cost-usd 0.001} (fn () (llm/complete "hi" {:max-tokens 20})))') == "ok"

    def test_spent_budget_refuses_the_next_call(self, lisp):
        """Real usage is charged; once spent, further calls raise; budget-remaining reports it."""
        lisp('(llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 30 :completion-tokens 20}})})')
        r = lisp('(llm/with-budget {:max-tokens 50} (fn () (llm/complete "a") '
                 '(list (llm/budget-remaining) (try (llm/complete "b") (catch e (:type e))))))')
        assert r == [{"token-limit": 50, "tokens-spent": 50, "tokens-remaining": 0}, K("budget")]
        assert lisp("(llm/budget-remaining)") is None    # restored on exit

    def test_nested_budgets_all_apply(self, lisp):
        """An inner budget cannot lift an outer one; set-budget applies under every scope."""
        lisp('(llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 5 :completion-tokens 5}})})')
        lisp("(llm/set-budget {:max-tokens 10})")
        assert lisp('(llm/with-budget {:max-tokens 1000} (fn () (llm/complete "a") '
                    '(try (llm/complete "b") (catch e (:type e)))))') == K("budget")

    def test_concurrent_batch_cannot_overshoot(self, lisp, fake_server):
        """Calls in flight reserve their estimate: a batch under a budget sends only what fits."""
        server = fake_server("openai")
        server.delay = 0.1
        configure(lisp, "openai", server)
        prompt = "x" * 400   # about 100 tokens each
        r = lisp(f'(llm/with-budget {{:max-tokens 250}} (fn () (llm/batch ["{prompt}" "{prompt}" "{prompt}" "{prompt}"] '
                 f'{{:return-errors #t}})))')
        sent = [x for x in r if x == "Hello!"]
        assert len(sent) == len(server.requests) <= 2
        assert all(isinstance(x, dict) and x["type"] == K("budget") for x in r if x != "Hello!")


class TestRateLimitAndRetry:
    def test_token_bucket(self):
        """RATE a second with a burst of max(1, rate): the calls after the burst wait their turn."""
        now = [0.0]
        slept = []

        def sleep(s):
            slept.append(s)
            now[0] += s
        bucket = TokenBucket(2.0, clock=lambda: now[0], sleep=sleep)
        waits = [bucket.acquire() for _ in range(5)]
        assert waits[:2] == [0.0, 0.0] and all(w == pytest.approx(0.5) for w in waits[2:])
        assert sum(slept) == pytest.approx(1.5)

    def test_rate_limit_applies_to_calls(self, lisp, interp):
        """Calls inside llm/with-rate-limit take a token each; outside they do not."""
        from sema.ai.resilience import layer_of
        from sema.llm.builtins import state_of
        lisp('(llm/define-provider :m {:complete (fn (r) "ok")})')
        seen = []
        layer = layer_of(state_of(interp))
        original = layer.handle

        def spy(call, proceed):
            seen.append([b.tokens for b in layer.buckets])
            return original(call, proceed)
        layer.handle = spy
        assert lisp('(llm/with-rate-limit 1000 (fn () (list (llm/complete "a") (llm/complete "b"))))') == ["ok", "ok"]
        assert len(seen) == 2 and seen[1][0] < seen[0][0]
        lisp('(llm/complete "c")')
        assert seen[-1] == []

    def test_retry_respects_non_retriable_llm_errors(self, lisp):
        """retry does not repeat what waiting cannot cure (a bad request), but retries a 503."""
        lisp('(define n (atom 0))')
        lisp('(llm/define-provider :bad {:complete (fn (r) (swap! n inc) (throw {:status 400 :message "bad"}))})')
        lisp('(try (retry (fn () (llm/complete "x")) {:base-delay-ms 1}) (catch e nil))')
        assert lisp("@n") == 1
        lisp('(reset! n 0)')
        lisp('(llm/define-provider :bad {:complete (fn (r) (swap! n inc) (if (< @n 3) '
             '(throw {:status 503 :message "busy"}) "fine"))})')
        assert lisp('(retry (fn () (llm/complete "x")) {:base-delay-ms 1})') == "fine"
        assert lisp('(with-retry {:max-attempts 2 :base-delay-ms 1 :retry-if (fn (e) #f)} (+ 1 1))') == 2


class TestCancellation:
    """A call in flight stops at once on timeout= and cancel() (the server would hang for 5 s)."""

    def hanging(self, fake_server):
        server = fake_server("openai")
        server.push(Reply(kind="hang"))
        interp = Interpreter(llm=False)
        configure(interp.eval_source, "openai", server)
        return interp

    def test_timeout_stops_a_call_in_flight(self, fake_server):
        """timeout= ends the evaluation with a timeout, not 'could not be stopped'."""
        interp = self.hanging(fake_server)
        with pytest.raises(EvalTimeoutError) as err:
            interp.eval('(llm/complete "hi")', timeout=0.3)
        assert "could not be stopped" not in str(err.value)

    def test_cancel_stops_a_streaming_call(self, fake_server):
        """cancel() from another thread stops a stream waiting for its first chunk."""
        interp = self.hanging(fake_server)
        timer = threading.Timer(0.3, interp.cancel)
        timer.start()
        try:
            with pytest.raises(EvalCancelledError) as err:
                interp.eval('(llm/stream "hi" (fn (c) c))')
        finally:
            timer.cancel()
        assert "could not be stopped" not in str(err.value)

    @pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery is POSIX")
    def test_ctrl_c_stops_a_script_waiting_for_a_model(self, fake_server, tmp_path):
        """Issue #10: Ctrl-C during a call in flight stops `sema script.scm` (exit 130) and runs its finally
        clauses, without waiting for the provider (which would answer with a dropped connection after 5 s)."""
        import signal
        import subprocess
        server = fake_server("openai")
        server.push(Reply(kind="hang"))
        marker = tmp_path / "cleaned"
        script = tmp_path / "ask.scm"
        script.write_text(f"""(llm/configure :openai {{:base-url "{server.url}/v1" :api-key "sk-test-0123456789abcdef"
                                                        :max-retries 0 :timeout 30}})
(println "asking")
(try (llm/complete "hi") (finally (file/write "{marker}" "yes")))""")
        root = Path(__file__).resolve().parent.parent.parent
        proc = subprocess.Popen([sys.executable, "-m", "sema", str(script)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(root)})
        try:
            assert proc.stdout.readline().strip() == "asking"
            while not server.requests:  # the request is in flight
                threading.Event().wait(0.02)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
        assert proc.returncode == 130, err
        assert marker.read_text() == "yes" and "connect" not in err.lower()

    def test_cancel_stops_a_concurrent_batch(self, fake_server):
        """A batch on the event loop is cancelled too."""
        server = fake_server("openai")
        server.push(*[Reply(kind="hang") for _ in range(3)])
        interp = Interpreter(llm=False)
        configure(interp.eval_source, "openai", server)
        with pytest.raises(EvalTimeoutError) as err:
            interp.eval('(llm/batch ["a" "b" "c"])', timeout=0.3)
        assert "could not be stopped" not in str(err.value)
