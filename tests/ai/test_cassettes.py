"""Cassettes (issue 10, §4.8): record to NDJSON, replay offline, never write a key."""

from __future__ import annotations

import json

import pytest

from sema.interpreter import Interpreter
from sema.printer import write_str
from tests.llm.conftest import KEYS
from tests.llm.wire import Reply

from .conftest import configure


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class TestRecordReplay:
    def test_record_then_replay_offline(self, tmp_path, fake_server):
        """Calls recorded against a native provider replay in a fresh interpreter with no provider at all."""
        tape = tmp_path / "calls.ndjson"
        server = fake_server("openai")
        first = Interpreter(llm=False)
        configure(first.eval_source, "openai", server)
        server.push(Reply.say("recorded answer", usage=(11, 3)), Reply.say("streamed!", parts=("str", "eam", "ed!")))
        src = f'''(llm/with-cassette "{tape}" {{:mode :record}} (fn ()
                    (list (llm/complete "hello" {{:max-tokens 20}})
                          (llm/stream "stream it" (fn (c) c)))))'''
        assert first.eval(src) == ["recorded answer", "streamed!"]
        entries = lines(tape)
        assert [e["kind"] for e in entries] == ["chat", "stream"]
        assert entries[1]["chunks"] == ["str", "eam", "ed!"]

        offline = Interpreter(llm=False)   # nothing configured
        offline.eval_source("(define got (atom '()))")
        replay = f'''(llm/with-cassette "{tape}" {{:mode :replay}} (fn ()
                       (list (llm/complete "hello" {{:max-tokens 20}})
                             (llm/stream "stream it" (fn (c) (swap! got (fn (l) (cons c l))))))))'''
        assert offline.eval(replay) == ["recorded answer", "streamed!"]
        assert offline.eval("(reverse @got)") == ["str", "eam", "ed!"]       # the chunk boundaries
        assert offline.eval("(:prompt-tokens (llm/last-usage))") == 9   # the stream's recorded usage
        assert len(server.requests) == 2                                      # nothing was sent

    def test_replay_keeps_token_counts(self, tmp_path, run, lisp):
        """A replayed call is recorded in usage with its recorded tokens."""
        tape = tmp_path / "t.ndjson"
        run('(llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 7 :completion-tokens 4}})})')
        run(f'(llm/with-cassette "{tape}" {{:mode :record}} (fn () (llm/complete "q")))')
        run("(llm/reset-usage)")
        run('(llm/define-provider :m {:complete (fn (r) (error "must not be called"))})')
        assert lisp(f'(llm/with-cassette "{tape}" {{:mode :replay}} (fn () (llm/complete "q")))') == "x"
        assert lisp("(:total-tokens (llm/last-usage))") == 11

    def test_replay_miss_names_the_call(self, tmp_path, run):
        """A :replay miss is an error naming the builtin, the model and the message; nothing is sent."""
        tape = tmp_path / "t.ndjson"
        tape.write_text("")
        run('(define sent (atom 0))')
        run('(llm/define-provider :m {:complete (fn (r) (swap! sent inc) "x")})')
        e = run(f'(try (llm/with-cassette "{tape}" {{:mode :replay}} (fn () (llm/complete "never recorded" '
                f'{{:model "tiny"}}))) (catch e e))')
        from sema.values import Keyword as K
        assert e[K("llm-error")] == "cassette-miss"
        message = e[K("message")]
        assert 'llm/complete (chat), model tiny, 1 message(s), last "never recorded"' in message
        assert str(tape) in message and "fingerprint" in message
        assert run("@sent") == 0

    def test_auto_records_only_what_is_missing(self, tmp_path, run):
        """:auto replays known calls and records new ones; identical calls replay in recorded order."""
        tape = tmp_path / "t.ndjson"
        run('(define n (atom 0))')
        run('(llm/define-provider :m {:complete (fn (r) (swap! n inc) (str "answer " @n))})')
        use = f'(llm/with-cassette "{tape}" (fn () (list (llm/complete "a") (llm/complete "a") (llm/complete "b"))))'
        assert write_str(run(use)) == '("answer 1" "answer 2" "answer 3")'
        assert write_str(run(use)) == '("answer 1" "answer 2" "answer 3")'
        assert run("@n") == 3
        assert len(lines(tape)) == 3

    def test_embeddings_and_agent_turns(self, tmp_path, run, lisp):
        """embed and every agent turn are taped; on replay the tools really run again."""
        tape = tmp_path / "t.ndjson"
        run('(define runs (atom 0))')
        run('(deftool add "Add" {:a :int :b :int} (fn (a b) (swap! runs inc) (+ a b)))')
        run("""(llm/define-provider :m {:complete (fn (req) (if (= (:role (last (:messages req))) "tool")
                  (str "sum is " (:content (last (:messages req))))
                  {:tool-calls [{:id "c1" :name "add" :arguments {:a 2 :b 3}}]}))
                :embed (fn (texts) (map (fn (t) [(length t) 0.5]) texts))})""")
        prog = f'''(llm/with-cassette "{tape}" {{:mode :MODE}} (fn ()
                     (list (agent/run (agent {{:tools [add]}}) "2+3?") (llm/embed "four"))))'''
        assert lisp(prog.replace("MODE", "record")) == ["sum is 5", [4.0, 0.5]]
        assert [e["kind"] for e in lines(tape)] == ["chat", "chat", "embed"]
        run('(llm/define-provider :m {:complete (fn (req) (error "offline")) :embed (fn (t) (error "offline"))})')
        assert lisp(prog.replace("MODE", "replay")) == ["sum is 5", [4.0, 0.5]]
        assert run("@runs") == 2


class TestSecrets:
    def test_no_key_is_written(self, tmp_path, adapter, fake_server):
        """Recording against a native provider with a key: the key appears nowhere in the cassette."""
        server = fake_server(adapter)
        interp = Interpreter(llm=False)
        configure(interp.eval_source, adapter, server)
        server.push(Reply.say("hi"), Reply.say("ho"))
        tape = tmp_path / "t.ndjson"
        interp.eval(f'(llm/with-cassette "{tape}" {{:mode :record}} (fn () (llm/complete "q") '
                    f'(llm/stream "r" (fn (c) c))))')
        text = tape.read_text()
        assert len(lines(tape)) == 2
        if KEYS[adapter]:
            assert KEYS[adapter] not in text
            assert KEYS[adapter][:12] not in text
            seen = server.requests[0].headers
            assert any(KEYS[adapter] in v for v in seen.values()) or KEYS[adapter] in server.requests[0].path
        assert "authorization" not in text.lower() and "api-key" not in text.lower()
        assert '"q"' not in text   # nor the prompt


class TestEnvironment:
    def test_env_cassette_for_a_whole_program(self, tmp_path, monkeypatch):
        """SEMA_LLM_CASSETTE and SEMA_LLM_CASSETTE_MODE apply to every call of an interpreter."""
        tape = tmp_path / "env.ndjson"
        monkeypatch.setenv("SEMA_LLM_CASSETTE", str(tape))
        monkeypatch.setenv("SEMA_LLM_CASSETTE_MODE", "record")
        one = Interpreter(llm=False)
        one.eval('(llm/define-provider :m {:complete (fn (r) "from the env tape")})')
        assert one.eval('(llm/complete "x")') == "from the env tape"
        monkeypatch.setenv("SEMA_LLM_CASSETTE_MODE", "replay")
        two = Interpreter(llm=False)
        assert two.eval('(llm/complete "x")') == "from the env tape"
        with pytest.raises(Exception) as err:
            two.eval('(llm/complete "y")')
        assert "has no recording of this call" in str(err.value)

    def test_missing_replay_file(self, tmp_path, run):
        """:replay of a file that does not exist says so."""
        with pytest.raises(Exception) as err:
            run(f'(llm/with-cassette "{tmp_path}/none.ndjson" {{:mode :replay}} (fn () 1))')
        assert "does not exist" in str(err.value)
