"""Tools, the tool loop and agents (issue 10, §4.5)."""

from __future__ import annotations

import json
import threading

import pytest

from sema.ai.tools import python_tool, register_tool
from sema.llm.providers import StreamAccumulator
from sema.printer import write_str
from tests.llm.wire import Reply

from .conftest import configure

WEATHER = '(deftool get-weather "Current weather" {:city {:type :string} :unit {:type :string :enum ["c" "f"] ' \
          ':default "c"}} (fn (unit city) (str "12" unit " in " city)))'


class TestDeftool:
    def test_default_and_optional(self, show, run):
        """A :default fills a missing argument (Sema drops it); :optional leaves nil."""
        run(WEATHER)
        assert run('(tool/invoke get-weather {:city "Oslo"})') == "12c in Oslo"
        run('(deftool greet "Greet" {:name :string :title {:type :string :optional #t}} (fn (name title) '
            '(if title (str title " " name) name)))')
        assert show('(list (tool/invoke greet {:name "Ada"}) (tool/invoke greet {:name "Ada" :title "Dr"}))') == \
            '("Ada" "Dr Ada")'

    def test_binding_by_name_not_position(self, run):
        """The handler's parameters are bound by name whatever order they are written in."""
        run(WEATHER)  # (fn (unit city) ...): the reverse of the map's order
        assert run('(tool/invoke get-weather {:city "Rome" :unit "f"})') == "12f in Rome"

    def test_positional_fallback(self, run):
        """Parameters named otherwise are bound in the sorted order of the tool's parameter names."""
        run('(deftool sub "Subtract" {:a :int :b :int} (fn (x y) (- x y)))')
        assert run("(tool/invoke sub {:b 1 :a 10})") == 9

    def test_invoke_checks_like_a_model_call(self, run):
        """Missing, mistyped, out-of-enum and unknown arguments are errors naming the tool and parameter."""
        run(WEATHER)
        with pytest.raises(Exception) as err:
            run('(tool/invoke get-weather {:unit "k" :town "x"})')
        msg = str(err.value)
        assert "tool get-weather: city: is missing" in msg
        assert 'unit: expected one of "c", "f", got string "k"' in msg
        assert 'unknown parameter "town"' in msg

    def test_accessors_and_schema(self, show, run):
        """tool/name, description, parameters as written, and the JSON schema providers get."""
        run(WEATHER)
        assert show("(list (tool? get-weather) (tool/name get-weather) (tool/description get-weather))") == \
            '(#t "get-weather" "Current weather")'
        assert show("(:required (:parameters (tool/schema get-weather)))") == '("city")'
        assert show("(keys (tool/parameters get-weather))") == "(:city :unit)"

    def test_deftool_shape_errors(self, run):
        """A malformed deftool is a syntax error saying the expected shape."""
        with pytest.raises(Exception) as err:
            run('(deftool "name" "d" {} (fn () 1))')
        assert "the tool's name must be a symbol" in str(err.value)

    def test_deftool_value_errors_name_deftool(self, run):
        """Issue #10: a bad handler, parameters or option given to deftool is reported as deftool's, not tool/new's
        (the form the user wrote); tool/new keeps its own name."""
        for src, message in (('(deftool t1 "d" {:a :int} 5)', "deftool: the handler must be a function"),
                             ('(deftool t2 "d" [1 2] (fn (a) a))', "deftool: the parameters must be a map"),
                             ('(deftool t3 "d" {:a :int} (fn (a) a) {:x 1})', "deftool: unknown option :x"),
                             ('(tool/new "t4" "d" {:a :int} 5)', "tool/new: the handler must be a function")):
            with pytest.raises(Exception) as err:
                run(src)
            assert message in str(err.value), src


TOOL_LOOP = """
(llm/define-provider :planner {:complete (fn (req)
  (let ((last-msg (last (:messages req))))
    (if (= (:role last-msg) "tool")
        (str "Answer: " (:content last-msg))
        {:tool-calls [{:id "c1" :name "get-weather" :arguments {:city "Oslo"}}] :stop-reason "tool_use"})))})
"""


class TestChatToolLoop:
    def test_lisp_provider(self, run):
        """llm/chat with tool values runs the loop: the tool's result reaches the model."""
        run(WEATHER)
        run(TOOL_LOOP)
        assert run('(llm/chat [{:role :user :content "weather?"}] {:tools [get-weather]})') == "Answer: 12c in Oslo"

    def test_tool_mode_none_runs_nothing(self, run):
        """:tool-mode :none sends tool-choice none and runs no tool."""
        run(WEATHER)
        run('(llm/define-provider :p {:complete (fn (req) (str "choice " (:tool-choice req)))})')
        assert run('(llm/chat "x" {:tools [get-weather] :tool-mode :none})') == "choice none"

    def test_max_tool_rounds(self, run):
        """A model that keeps calling tools stops after :max-tool-rounds rounds."""
        run(WEATHER)
        run('(define calls (atom 0))')
        run('(llm/define-provider :loop {:complete (fn (req) (swap! calls inc) '
            '{:content "still working" :tool-calls [{:id "c" :name "get-weather" :arguments {:city "X"}}]})})')
        assert run('(llm/chat "x" {:tools [get-weather] :max-tool-rounds 2})') == "still working"
        assert run("@calls") == 3

    def test_native_adapters(self, run, adapter, fake_server):
        """Every wire format: the tool call comes back, runs, and its result goes out in the vendor's shape."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        run(WEATHER)
        server.push(Reply.tools(("call_A", "get-weather", {"city": "Paris"})), Reply.say("It is 12c in Paris"))
        assert run('(llm/chat [{:role :user :content "weather?"}] {:tools [get-weather]})') == "It is 12c in Paris"
        assert "12c in Paris" in json.dumps(server.last.body)
        assert len(server.requests) == 2


class TestAgents:
    SCRIPT = """
    (deftool add "Add two integers" {:a :int :b :int} (fn (a b) (+ a b)))
    (deftool shout "Upper-case" {:text :string} (fn (text) (string/upper text)))
    (define turn (atom 0))
    (llm/define-provider :m {:complete (fn (req)
      (swap! turn inc)
      (cond ((= @turn 1) {:tool-calls [{:id "t1" :name "add" :arguments {:a 2 :b 3}}]})
            ((= @turn 2) {:tool-calls [{:id "t2" :name "shout" :arguments {:text "five"}}]})
            (else (str "done: " (:content (last (:messages req)))))))})
    (defagent calc {:system "You calculate." :tools [add shout] :max-turns 5})
    """

    def test_run_with_events(self, show, run):
        """Two tools, start/end events with results and durations, the final answer and the transcript."""
        run(self.SCRIPT)
        run("(define events (atom '()))")
        run("(define r (agent/run calc \"2+3 loudly\" {:on-tool-call (fn (e) (swap! events (fn (l) (cons e l))))}))")
        assert run("(:response r)") == "done: FIVE"
        assert show("(list (:turns r) (:stopped r))") == "(3 :done)"
        assert show("(map (fn (e) (list (:event e) (:tool e) (:result e) (:error e))) (reverse @events))") == \
            '(("start" "add" nil nil) ("end" "add" "5" #f) ("start" "shout" nil nil) ("end" "shout" "FIVE" #f))'
        assert run("(number? (:duration-ms (first @events)))") is True
        assert show("(map :role (:messages r))") == "(:user :assistant :tool :assistant :tool :assistant)"

    def test_resume_from_messages(self, run):
        """A run resumes from an earlier run's :messages: the model sees the whole history."""
        run('(define seen (atom 0))')
        run('(llm/define-provider :m {:complete (fn (req) (reset! seen (length (:messages req))) "ok")})')
        run('(defagent a {:system "s"})')
        run('(define r1 (agent/run a "first" {}))')
        run('(define r2 (agent/run a "second" {:messages (:messages r1)}))')
        assert run("@seen") == 3
        assert run("(length (:messages r2))") == 4

    def test_tool_errors_go_back_to_the_model(self, show, run):
        """An unknown tool, bad arguments and a throwing tool are error results, not crashes."""
        run('(deftool boom "Fails" {} (fn () (error "kaboom")))')
        run('(deftool add "Add" {:a :int :b :int} +)')
        run("""(define n (atom 0))
               (llm/define-provider :m {:complete (fn (req) (swap! n inc)
                 (case @n ((1) {:tool-calls [{:id "a" :name "nope" :arguments {}}
                                            {:id "b" :name "add" :arguments {:a "x" :b 1}}
                                            {:id "c" :name "boom" :arguments {}}]})
                          (else (string/join (map :content (filter (fn (m) (= (:role m) "tool")) (:messages req))) " | "))))})""")
        out = run('(agent/run (agent {:tools [boom add]}) "go")')
        assert 'error: unknown tool "nope"' in out
        assert "error: tool add: a: expected an integer, got string \"x\"" in out
        assert "error: kaboom" in out

    def test_five_consecutive_errors_stop_with_the_transcript(self, show, run):
        """After 5 tool errors in a row the run stops with an :agent error carrying :messages."""
        run('(deftool boom "Fails" {} (fn () (error "kaboom")))')
        run('(llm/define-provider :m {:complete (fn (req) {:tool-calls [{:id "x" :name "boom" :arguments {}}]})})')
        run('(define e (try (agent/run (agent {:tools [boom] :max-turns 20}) "go") (catch e e)))')
        assert show("(:type e)") == ":agent"
        assert "stopped after 5 consecutive tool errors" in run("(:message e)")
        assert run("(length (filter (fn (m) (= (:role m) :tool)) (:messages e)))") == 5
        assert run("(length (:tool-errors e))") == 5

    def test_max_turns_returns_the_last_answer(self, show, run):
        """Reaching :max-turns is no error: the last answer, :stopped :max-turns."""
        run('(deftool add "Add" {:a :int :b :int} +)')
        run('(llm/define-provider :m {:complete (fn (req) {:content "thinking" '
            ':tool-calls [{:id "x" :name "add" :arguments {:a 1 :b 1}}]})})')
        assert show('(let ((r (agent/run (agent {:tools [add] :max-turns 2}) "go" {}))) (list (:response r) '
                    '(:stopped r) (:turns r)))') == '("thinking" :max-turns 2)'

    def test_per_turn_tool_choice(self, show, run):
        """:tool-choice as a vector gives one choice per turn (a small model can be driven call by call)."""
        run('(deftool add "Add" {:a :int :b :int} +)')
        run("(define seen (atom '()))")
        run('(llm/define-provider :m {:complete (fn (req) (swap! seen (fn (l) (cons (:tool-choice req) l))) '
            '(if (= (:tool-choice req) "none") "final" {:tool-calls [{:id "x" :name "add" :arguments {:a 1 :b 1}}]}))})')
        assert run('(agent/run (agent {:tools [add] :tool-choice [:add :add :none]}) "go")') == "final"
        assert show("(reverse @seen)") == '("add" "add" "none")'

    def test_on_text_streams(self, run, lisp, fake_server):
        """:on-text receives the chunks of a streamed turn (native streaming with tool calls)."""
        server = fake_server("openai")
        configure(run, "openai", server)
        run('(deftool add "Add" {:a :int :b :int} +)')
        server.push(Reply.tools(("c1", "add", {"a": 2, "b": 2})), Reply.say("four it is", parts=("fo", "ur", " it is")))
        run("(define chunks (atom '()))")
        r = lisp('(agent/run (agent {:tools [add]}) "2+2" {:on-text (fn (c) (swap! chunks (fn (l) (cons c l))))})')
        assert r["response"] == "four it is" and r["turns"] == 2
        assert write_str(run("(reverse @chunks)")) == '("fo" "ur" " it is")'
        assert all(r.body.get("stream") for r in server.requests)


class TestPythonTools:
    def test_python_function_as_tool(self, run, interp):
        """A Python function becomes a tool: schema from its signature, called with Python values."""
        def convert(celsius: float, unit: str = "f"):
            """Convert a temperature.

            More words."""
            return {"value": celsius * 9 / 5 + 32 if unit == "f" else celsius, "unit": unit}
        tool = register_tool(interp, convert)
        assert tool.spec().to_dict() == {"name": "convert", "description": "Convert a temperature.", "parameters": {
            "type": "object", "properties": {"celsius": {"type": "number"}, "unit": {"type": "string"}},
            "required": ["celsius"], "additionalProperties": False}}
        assert write_str(run("(tool/invoke convert {:celsius 100})")) == '{:unit "f" :value 212.0}'
        run('(llm/define-provider :m {:complete (fn (req) (if (= (:role (last (:messages req))) "tool") '
            '(:content (last (:messages req))) {:tool-calls [{:id "1" :name "convert" :arguments {:celsius 0}}]}))})')
        assert run('(agent/run (agent {:tools [convert]}) "freezing?")') == '{"unit": "f", "value": 32.0}'

    def test_register_function_handler(self, run, interp):
        """A function registered with the embedding API is a deftool handler, bound by name."""
        interp.register_function("lookup", lambda word, lang="en": f"{word}/{lang}")
        run('(deftool lookup-tool "Look up" {:lang {:type :string :default "es"} :word :string} lookup)')
        assert run('(tool/invoke lookup-tool {:word "hola"})') == "hola/es"

    def test_concurrent_python_tools_run_together(self, run, interp):
        """Calls of one turn to tools marked :concurrent (Python code) run at the same time."""
        barrier = threading.Barrier(3, timeout=5)

        def wait(n: int):
            barrier.wait()  # all three calls must be in flight at once, or this times out
            return n
        interp.define("wait_tool", python_tool(wait, concurrent=True))
        run('(llm/define-provider :m {:complete (fn (req) (if (= (:role (last (:messages req))) "tool") '
            '(string/join (map :content (filter (fn (m) (= (:role m) "tool")) (:messages req))) ",") '
            '{:tool-calls [{:id "1" :name "wait" :arguments {:n 1}} {:id "2" :name "wait" :arguments {:n 2}} '
            '{:id "3" :name "wait" :arguments {:n 3}}]}))})')
        assert run('(agent/run (agent {:tools [wait_tool]}) "go")') == "1,2,3"


class TestStreamedToolCalls:
    """Streamed tool calls are assembled by call id, falling back to index (issue 10)."""

    def collect(self, deltas):
        acc = StreamAccumulator(None, "m")
        for index, cid, name, args in deltas:
            acc.call_delta(index, cid, name, args)
        return [(c.id, c.name, c.arguments) for c in acc.tool_calls()]

    def test_standard(self):
        """id on the first delta, then index only."""
        assert self.collect([(0, "a", "f", ""), (0, None, None, '{"x"'), (0, None, None, ": 1}"),
                             (1, "b", "g", '{"y": 2}')]) == [("a", "f", {"x": 1}), ("b", "g", {"y": 2})]

    def test_index_omitted(self):
        """No index at all: fragments continue the call last started."""
        assert self.collect([(None, "a", "f", '{"x":'), (None, None, None, " 1}"), (None, "b", "g", "{}")]) == \
            [("a", "f", {"x": 1}), ("b", "g", {})]

    def test_index_repeated(self):
        """Every call at index 0 with its own id: still separate calls, fragments go to the latest."""
        assert self.collect([(0, "a", "f", '{"x": 1}'), (0, "b", "g", '{"y"'), (0, None, None, ": 2}")]) == \
            [("a", "f", {"x": 1}), ("b", "g", {"y": 2})]

    def test_id_on_every_delta(self):
        """llama.cpp repeats id and name on every delta: one call."""
        assert self.collect([(0, "a", "f", '{"x"'), (0, "a", "f", ": 1}")]) == [("a", "f", {"x": 1})]

    def test_through_the_openai_adapter(self, run, lisp, fake_server):
        """A real SSE stream whose tool deltas repeat index 0 gives both calls to the tool loop."""
        server = fake_server("openai")
        configure(run, "openai", server)

        def chunk(delta, finish=None):
            return "data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "model": "m",
                                          "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}) + "\n\n"
        tc = [{"index": 0, "id": "c1", "function": {"name": "add", "arguments": '{"a": 1,'}}]
        body = (chunk({"role": "assistant"}) + chunk({"tool_calls": tc})
                + chunk({"tool_calls": [{"index": 0, "function": {"arguments": ' "b": 2}'}}]})
                + chunk({"tool_calls": [{"index": 0, "id": "c2", "function": {"name": "add", "arguments": '{"a": 5, "b": 5}'}}]})
                + chunk({}, "tool_calls") + "data: [DONE]\n\n")
        server.push(Reply.raw(200, body, "text/event-stream"))
        r = lisp('(llm/stream "add" (fn (c) c) {:tools [{:name "add" :description "Add" :parameters {:type "object"}}]})')
        assert [(c["id"], c["arguments"]) for c in r["tool-calls"]] == [("c1", {"a": 1, "b": 2}), ("c2", {"a": 5, "b": 5})]
