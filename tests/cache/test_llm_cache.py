"""Issue #9 (and #10's response cache): the cache from Lisp and from Python, exact and semantic layers."""

from __future__ import annotations

import os
import sqlite3

import pytest

from sema.errors import LispTypeError, LispValueError
from sema.interpreter import Interpreter
from sema.llm.errors import LlmError

from .bow import BagOfWords

COUNTER = """
(define calls (atom 0))
(llm/define-provider :counter
  {:complete (fn (req)
     (swap! calls inc)
     {:content (str "answer " @calls " to " (:content (last (:messages req))))
      :usage {:prompt-tokens 10 :completion-tokens 5}})
   :default-model "c-1"})
"""


@pytest.fixture
def lisp():
    interp = Interpreter(llm=False)
    interp.eval_source(COUNTER)
    return interp


def ev(interp, src):
    return interp.eval(src)


class TestExactLayer:
    def test_repeat_is_answered_from_the_cache(self, lisp):
        """The second identical call gets the first answer without calling the provider."""
        assert ev(lisp, '(llm/complete "hi" {:cache #t})') == "answer 1 to hi"
        assert ev(lisp, '(llm/complete "hi" {:cache #t})') == "answer 1 to hi"
        assert ev(lisp, "@calls") == 1
        assert ev(lisp, '(llm/complete "hi")') == "answer 2 to hi"  # without :cache, the provider answers

    def test_hit_reports_zero_usage(self, lisp):
        """A hit costs nothing: llm/last-usage shows zero tokens; the session totals only the miss."""
        ev(lisp, '(llm/complete "hi" {:cache #t})')
        assert ev(lisp, "(:total-tokens (llm/last-usage))") == 15
        ev(lisp, '(llm/complete "hi" {:cache #t})')
        assert ev(lisp, "(:total-tokens (llm/last-usage))") == 0
        assert ev(lisp, "(:total-tokens (llm/session-usage))") == 15
        assert lisp.llm.usage.summary()["last-call"]["attempts"] == 0
        assert ev(lisp, "(:prompt-tokens (:usage (llm/request {:messages \"hi\" :cache #t})))") == 0

    def test_parameters_that_change_the_answer_change_the_key(self, lisp):
        """Another temperature, system prompt, max-tokens or namespace is another entry."""
        ev(lisp, '(llm/complete "hi" {:cache #t})')
        for opts in ('{:temperature 0.7}', '{:system "terse"}', '{:max-tokens 5}',
                     '{:cache {:namespace "other"}}', '{:stop-sequences ["x"]}', '{:extra {:seed 1}}'):
            opts = opts if ":cache" in opts else opts[:-1] + " :cache #t}"
            ev(lisp, f'(llm/complete "hi" {opts})')
        assert ev(lisp, "@calls") == 7

    def test_timeout_does_not_change_the_key(self, lisp):
        """The timeout is how long to wait, not what to ask: same entry."""
        ev(lisp, '(llm/complete "hi" {:cache #t})')
        ev(lisp, '(llm/complete "hi" {:cache #t :timeout 30})')
        assert ev(lisp, "@calls") == 1

    def test_chat_and_complete_share_entries(self, lisp):
        """llm/chat with the same single message is the same request as llm/complete."""
        ev(lisp, '(llm/complete "hi" {:cache #t})')
        assert ev(lisp, '(llm/chat [{:role :user :content "hi"}] {:cache #t})') == "answer 1 to hi"

    def test_providers_do_not_share_answers(self, lisp):
        """The key names the provider and model the call goes to."""
        ev(lisp, '(llm/define-provider :other {:complete (fn (req) "from other")})')
        ev(lisp, '(llm/set-default :counter)')
        ev(lisp, '(llm/complete "hi" {:cache #t})')
        assert ev(lisp, '(llm/complete "hi" {:cache #t :provider :other})') == "from other"
        assert ev(lisp, '(llm/complete "hi" {:cache #t :model "c-2"})') == "answer 2 to hi"

    def test_errors_are_not_cached(self, lisp):
        """A failed call stores nothing: the next call asks the provider again."""
        ev(lisp, """(define n (atom 0))
                    (llm/define-provider :flaky {:complete (fn (req) (swap! n inc)
                       (if (= @n 1) (throw {:status 400 :message "bad"}) "fine"))})""")
        with pytest.raises(LlmError):
            ev(lisp, '(llm/complete "x" {:cache #t})')
        assert ev(lisp, '(llm/complete "x" {:cache #t})') == "fine"
        assert ev(lisp, '(llm/complete "x" {:cache #t})') == "fine" and ev(lisp, "@n") == 2

    def test_tool_calls_are_replayed(self, lisp):
        """An answer with tool calls comes back with the same calls."""
        ev(lisp, """(llm/define-provider :tools {:complete (fn (req)
                      {:tool-calls [{:id "c1" :name "add" :arguments {:a 1 :b 2}}]})})""")
        first = ev(lisp, '(:tool-calls (llm/request {:messages "add" :cache #t}))')
        again = ev(lisp, '(:tool-calls (llm/request {:messages "add" :cache #t}))')
        assert first == again == [{"id": "c1", "name": "add", "arguments": {"a": 1, "b": 2}}]

    def test_structured_output_is_parsed_on_a_hit(self, lisp):
        """A cached JSON answer still comes back with :parsed."""
        ev(lisp, '(llm/define-provider :json {:complete (fn (req) "{\\"n\\": 3}")})')
        src = '(:parsed (llm/request {:messages "n?" :response-format :json :cache #t}))'
        assert ev(lisp, src) == ev(lisp, src) == {"n": 3}


class TestWithCache:
    def test_body_form(self, lisp):
        """(llm/with-cache opts body ...) caches the calls of its body and returns the last value."""
        assert ev(lisp, '(llm/with-cache {:ttl 60} (llm/complete "a") (llm/complete "a"))') == "answer 1 to a"
        assert ev(lisp, "@calls") == 1

    def test_sema_thunk_form(self, lisp):
        """Sema's shape, (llm/with-cache [opts] (fn () ...)), calls the thunk."""
        assert ev(lisp, '(llm/with-cache (fn () (llm/complete "b")))') == "answer 1 to b"
        assert ev(lisp, '(llm/with-cache {:ttl 60} (fn () (llm/complete "b")))') == "answer 1 to b"
        assert ev(lisp, '(llm/call-with-cache nil (fn () (llm/complete "b")))') == "answer 1 to b"

    def test_scope_ends(self, lisp):
        """After the body, calls are not cached any more; inside, {:cache #f} opts out."""
        ev(lisp, '(llm/with-cache {} (llm/complete "c"))')
        assert ev(lisp, '(llm/complete "c")') == "answer 2 to c"
        assert ev(lisp, '(llm/with-cache {} (llm/complete "c" {:cache #f}))') == "answer 3 to c"

    def test_namespaces_are_separate(self, lisp):
        """Two namespaces do not share answers."""
        ev(lisp, '(llm/with-cache {:namespace "one"} (llm/complete "d"))')
        assert ev(lisp, '(llm/with-cache {:namespace "two"} (llm/complete "d"))') == "answer 2 to d"
        assert ev(lisp, '(llm/with-cache {:namespace "one"} (llm/complete "d"))') == "answer 1 to d"

    def test_off(self, lisp):
        """{:path "off"} turns the cache off inside the scope."""
        ev(lisp, '(llm/with-cache {:path "off"} (llm/complete "e") (llm/complete "e"))')
        assert ev(lisp, "@calls") == 2


class TestStatsClearKey:
    def test_stats(self, lisp):
        """cache-stats counts entries, hits, misses, the hit rate and bytes; :size is Sema's name."""
        ev(lisp, '(llm/with-cache {} (llm/complete "a") (llm/complete "a") (llm/complete "b"))')
        s = ev(lisp, "(llm/cache-stats)")
        assert (s["entries"], s["hits"], s["misses"], s["size"]) == (2, 1, 2, 2)
        assert s["hit-rate"] == pytest.approx(1 / 3, abs=1e-3) and s["bytes"] > 0

    def test_clear(self, lisp):
        """cache-clear returns how many entries went; the next call asks the provider again."""
        ev(lisp, '(llm/with-cache {:namespace "n"} (llm/complete "a") (llm/complete "b"))')
        ev(lisp, '(llm/complete "c" {:cache #t})')
        assert ev(lisp, '(llm/cache-clear {:namespace "n"})') == 2
        assert ev(lisp, "(llm/cache-clear)") == 1
        assert ev(lisp, '(llm/complete "c" {:cache #t})') == "answer 4 to c"

    def test_key(self, lisp):
        """cache-key is the key a call would use: equal for equal requests, different otherwise."""
        k = ev(lisp, '(llm/cache-key "hi")')
        assert len(k) == 64 and int(k, 16) >= 0
        assert k == ev(lisp, '(llm/cache-key {:messages "hi"})') == ev(lisp, '(llm/cache-key "hi" {:timeout 9})')
        assert k != ev(lisp, '(llm/cache-key "hi" {:model "c-2"})')
        assert k != ev(lisp, '(llm/cache-key "hi" {:cache {:namespace "x"}})')

    def test_keys_never_stored(self, lisp, tmp_path):
        """A provider's API key never reaches the cache file; neither does the prompt text."""
        ev(lisp, '(llm/configure :groq {:api-key "gsk_supersecret0123456789abcdef" :base-url "http://127.0.0.1:9"})')
        ev(lisp, '(llm/define-provider :quiet {:complete (fn (req) "ok")})')
        ev(lisp, '(llm/complete "the secret prompt" {:cache #t})')
        path = ev(lisp, "(:path (llm/cache-stats))")
        raw = b"".join(open(path + s, "rb").read() for s in ("", "-wal") if os.path.exists(path + s))
        assert b"supersecret" not in raw and b"secret prompt" not in raw
        assert ev(lisp, "(:entries (llm/cache-stats))") == 1


class TestStreaming:
    def test_a_hit_is_replayed_as_a_stream(self, lisp):
        """Streaming a cached answer sends it in several chunks that add up to the answer."""
        ev(lisp, '(llm/complete "tell me a long story" {:cache #t})')
        ev(lisp, "(define chunks (atom '()))")
        text = ev(lisp, '(llm/stream "tell me a long story" (fn (c) (swap! chunks (fn (l) (cons c l)))) {:cache #t})')
        chunks = list(reversed(ev(lisp, "@chunks")))
        assert text == "answer 1 to tell me a long story" and "".join(chunks) == text and len(chunks) > 3
        assert ev(lisp, "@calls") == 1

    def test_a_streamed_miss_is_stored(self, lisp):
        """A streamed call fills the cache for a later plain call."""
        ev(lisp, '(llm/stream "s" (fn (c) nil) {:cache #t})')
        assert ev(lisp, '(llm/complete "s" {:cache #t})') == "answer 1 to s" and ev(lisp, "@calls") == 1


class TestSemanticLayer:
    @pytest.fixture
    def sem(self, lisp):
        lisp.register_provider("bow", BagOfWords(), make_default=False)
        return lisp

    def test_paraphrase_hits(self, sem):
        """A paraphrase of a cached prompt is answered from the cache (similarity ≥ threshold)."""
        ev(sem, '(llm/complete "What is the capital of France?" {:cache {:embed :bow}})')
        again = ev(sem, '(llm/complete "capital of France, please" {:cache {:embed :bow}})')
        assert again == "answer 1 to What is the capital of France?"
        s = ev(sem, "(llm/cache-stats)")
        assert (s["hits"], s["semantic-hits"]) == (1, 1)

    def test_another_meaning_misses(self, sem):
        """A prompt about something else is below the threshold: the provider answers."""
        ev(sem, '(llm/complete "What is the capital of France?" {:cache {:embed :bow}})')
        assert ev(sem, '(llm/complete "What is the capital of Spain?" {:cache {:embed :bow}})').startswith("answer 2")

    def test_threshold_option(self, sem):
        """A low threshold lets a looser paraphrase hit; the default does not."""
        ev(sem, '(llm/complete "capital of France" {:cache {:embed :bow}})')
        assert ev(sem, '(llm/complete "capital city of France" {:cache {:embed :bow}})').startswith("answer 2")
        loose = ev(sem, '(llm/complete "capital town France" {:cache {:embed :bow :threshold 0.6}})')
        assert loose.startswith("answer 1")

    def test_scope_is_model_system_and_history(self, sem):
        """A paraphrase hits only with the same system prompt, model and earlier messages."""
        ev(sem, '(llm/complete "capital of France" {:cache {:embed :bow} :system "terse"})')
        assert ev(sem, '(llm/complete "France capital?" {:cache {:embed :bow} :system "verbose"})').startswith("answer 2")
        assert ev(sem, '(llm/complete "France capital?" {:cache {:embed :bow} :system "terse"})').startswith("answer 1")
        assert ev(sem, '(llm/complete "France capital?" {:cache {:embed :bow} :model "c-9"})').startswith("answer 3")
        chat = ('(llm/chat [{:role :user :content "hello"} {:role :assistant :content "hi"} '
                '{:role :user :content "France capital?"}] {:cache {:embed :bow} :system "terse"})')
        assert ev(sem, chat).startswith("answer 4")

    def test_semantic_off(self, sem):
        """{:semantic #f} keeps only the exact layer."""
        ev(sem, '(llm/complete "capital of France" {:cache {:embed :bow}})')
        assert ev(sem, '(llm/complete "France capital" {:cache {:embed :bow :semantic #f}})').startswith("answer 2")

    def test_lisp_embedding_provider(self, lisp):
        """A Lisp provider with an :embed function computes the embeddings."""
        ev(lisp, """(llm/define-provider :lisp-bow
                      {:complete (fn (r) "") :embed (fn (texts) (map (fn (t) [(if (string/contains? t "France") 1 0)
                                                                              (if (string/contains? t "Spain") 1 0) 0.1])
                                                                     texts))})
                    (llm/set-default :counter)""")
        ev(lisp, '(llm/complete "about France" {:cache {:embed :lisp-bow}})')
        assert ev(lisp, '(llm/complete "France, tell me" {:cache {:embed :lisp-bow}})').startswith("answer 1")
        assert ev(lisp, '(llm/complete "Spain then" {:cache {:embed :lisp-bow}})').startswith("answer 2")

    def test_environment_names_the_embedder(self, sem, monkeypatch):
        """SEMA_CACHE_EMBED turns the semantic layer on for {:cache #t}."""
        monkeypatch.setenv("SEMA_CACHE_EMBED", "bow")
        interp = Interpreter(llm=False)
        interp.eval_source(COUNTER)
        interp.register_provider("bow", BagOfWords(), make_default=False)
        ev(interp, '(llm/complete "capital of France" {:cache #t})')
        assert ev(interp, '(llm/complete "France capital" {:cache #t})').startswith("answer 1")

    def test_failing_embedder_falls_back_to_exact(self, lisp, capsys):
        """An embedder that fails costs the semantic layer, with a warning, not the call."""
        ev(lisp, """(llm/define-provider :broken {:complete (fn (r) "") :embed (fn (t) (throw {:status 503 :message "down"}))})
                    (llm/set-default :counter)""")
        assert ev(lisp, '(llm/complete "a" {:cache {:embed :broken}})') == "answer 1 to a"
        assert ev(lisp, '(llm/complete "a" {:cache {:embed :broken}})') == "answer 1 to a"
        assert "embedding with broken/default failed" in capsys.readouterr().err


class TestOptionErrors:
    @pytest.mark.parametrize("opts, kind, message", [
        ('{:cache 5}', LispTypeError, "llm/complete: :cache must be #t, #f or a map of cache options, got integer 5"),
        ('{:cache {:ttl "soon"}}', LispTypeError, 'llm/complete: :ttl must be a number, got string "soon"'),
        ('{:cache {:ttl -1}}', LispValueError, "llm/complete: :ttl must not be negative, got -1"),
        ('{:cache {:threshold 2}}', LispValueError, "llm/complete: :threshold must be above 0 and at most 1, got 2"),
        ('{:cache {:max-entries 1.5}}', LispTypeError, "llm/complete: :max-entries must be an integer, got float 1.5"),
        ('{:cache {:colour :red}}', LispValueError, "llm/complete: unknown cache option :colour"),
        ('{:cache {:namespace 7}}', LispTypeError, "llm/complete: :namespace must be a string or keyword"),
    ])
    def test_bad_options(self, lisp, opts, kind, message):
        """A bad cache option is a Lisp error naming the builtin, the option and the value."""
        with pytest.raises(kind) as info:
            ev(lisp, f'(llm/complete "hi" {opts})')
        assert message in str(info.value)
        assert ev(lisp, "@calls") == 0

    def test_unknown_embedder(self, lisp):
        """Naming an embedder that does not exist is a clear error, before the call is sent."""
        with pytest.raises(LlmError, match="llm/complete: cache: no embedding provider :nope"):
            ev(lisp, '(llm/complete "hi" {:cache {:embed :nope}})')
        assert ev(lisp, "@calls") == 0

    def test_embedder_that_cannot_embed(self, lisp):
        """A chat-only provider named as the embedder is refused."""
        with pytest.raises(LlmError, match="provider :counter does not compute embeddings"):
            ev(lisp, '(llm/complete "hi" {:cache {:embed :counter}})')

    def test_numpy_missing(self, lisp, monkeypatch):
        """Without numpy the semantic layer names the extra to install."""
        import sys
        lisp.register_provider("bow", BagOfWords(), make_default=False)
        monkeypatch.setitem(sys.modules, "numpy", None)
        with pytest.raises(LispValueError, match=r"pip install 'sema\[cache\]'"):
            ev(lisp, '(llm/complete "hi" {:cache {:embed :bow}})')

    def test_bad_environment(self, monkeypatch):
        """A SEMA_CACHE_TTL that is not a number is an error naming the variable."""
        monkeypatch.setenv("SEMA_CACHE_TTL", "soon")
        interp = Interpreter(llm=False)
        interp.eval_source(COUNTER)
        with pytest.raises(LispValueError, match="SEMA_CACHE_TTL='soon' is not a number"):
            ev(interp, '(llm/complete "hi" {:cache #t})')


class TestPython:
    def test_router_respond_with_cache(self, lisp):
        """router.respond({... "cache": True}) answers from the cache and says so."""
        router = lisp.llm.router
        first = router.respond({"messages": "py", "cache": True})
        again = router.respond({"messages": "py", "cache": True})
        assert first["cache"] == {"status": "miss"} and again["cache"] == {"status": "hit", "layer": "exact"}
        assert again["content"] == first["content"] == "answer 1 to py" and again["usage"]["total-tokens"] == 0

    def test_router_call_with_options(self, lisp):
        """router.call takes cache options in the request map; the same entries as Lisp's."""
        lisp.register_provider("bow", BagOfWords(), make_default=False)
        ev(lisp, "(llm/set-default :counter)")
        ev(lisp, '(llm/complete "capital of France" {:cache {:embed :bow}})')
        response = lisp.llm.router.call({"messages": "The capital of France?", "cache": {"embed": "bow"}})
        assert response.content == "answer 1 to capital of France" and response.usage.total_tokens == 0

    def test_cache_object(self, lisp):
        """interp.llm.cache: respond with a namespace, stats, key and clear from Python."""
        cache = lisp.llm.cache
        out = cache.respond({"messages": "x"}, options={"namespace": "py"})
        assert cache.respond({"messages": "x"}, options={"namespace": "py"})["cache"]["status"] == "hit"
        assert out["content"] == "answer 1 to x"
        assert cache.stats(namespace="py")["entries"] == 1
        assert cache.clear(namespace="py") == 1

    def test_cache_file_is_sqlite(self, lisp):
        """The store is an ordinary SQLite file other tools can open."""
        ev(lisp, '(llm/complete "q" {:cache #t})')
        path = ev(lisp, "(:path (llm/cache-stats))")
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 1

    def test_default_file_is_in_the_user_cache_folder(self, lisp, tmp_path, monkeypatch):
        """Issue #9: without SEMA_CACHE_DB the store is llm-cache.sqlite3 in the user cache folder (XDG on Linux)."""
        from sema.cache.options import default_path
        monkeypatch.delenv("SEMA_CACHE_DB", raising=False)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        if os.name == "posix" and not os.uname().sysname == "Darwin":
            assert default_path() == str(tmp_path / "xdg" / "sema" / "llm-cache.sqlite3")
        assert default_path({"SEMA_CACHE_DB": "/tmp/x.db"}) == "/tmp/x.db"


class TestBatch:
    def test_batch_is_cached_per_prompt(self, lisp):
        """llm/batch with :cache answers each prompt from the cache when it can, in input order."""
        assert ev(lisp, '(llm/batch ["a" "b"] {:cache #t})') == ["answer 1 to a", "answer 2 to b"]
        assert ev(lisp, '(llm/batch ["b" "c" "a"] {:cache #t})') == ["answer 2 to b", "answer 3 to c", "answer 1 to a"]
        assert ev(lisp, "@calls") == 3

    def test_batch_inside_with_cache_keeps_failures_apart(self, lisp):
        """A failing prompt is reported as usual and not cached; the others are."""
        ev(lisp, """(llm/define-provider :picky {:complete (fn (req)
                      (let ((p (:content (last (:messages req)))))
                        (if (= p "bad") (throw {:status 400 :message "no"}) (string/upper p))))})""")
        got = ev(lisp, '(llm/with-cache {} (llm/batch ["x" "bad"] {:return-errors #t}))')
        assert got[0] == "X" and got[1]["index"] == 1
        assert ev(lisp, '(:entries (llm/cache-stats))') == 1
