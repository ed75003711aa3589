"""llm/extract and the one-call helpers (issue 10, §4.3): native structured output, checks, bounded re-asks."""

from __future__ import annotations

import json

import pytest

from sema.llm import FakeProvider
from sema.printer import write_str
from tests.llm.wire import Reply

from .conftest import configure

PERSON = "{:name :string :age {:type :int :validate (fn (n) (>= n 0)) :message \"age must not be negative\"} " \
         ":tags [:string] :nick {:type :string :optional #t} :lang {:type :string :default \"en\"}}"


class TestSchema:
    def test_native_structured_output_on_every_wire_format(self, run, adapter, fake_server):
        """The JSON schema goes out in each vendor's own field; the checked answer comes back as a map."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        answer = json.dumps({"name": "Ada", "age": 36, "tags": ["math"]})
        if adapter == "anthropic":  # Anthropic answers structured output through the forced tool
            server.push(Reply.tools(("toolu_1", "extraction", json.loads(answer))))
        else:
            server.push(Reply.say(answer))
        got = run(f'(llm/extract {PERSON} "Ada, 36, likes math")')
        assert write_str(got) == '{:age 36 :lang "en" :name "Ada" :tags ("math")}'
        body = server.last.body
        wire = {"openai": lambda b: b["response_format"]["json_schema"]["schema"],
                "anthropic": lambda b: b["tools"][0]["input_schema"],
                "gemini": lambda b: b["generationConfig"]["responseSchema"],
                "ollama": lambda b: b["format"]}[adapter](body)
        assert wire["properties"]["age"] == {"type": "integer"}
        assert sorted(wire["required"]) == ["age", "name", "tags"]   # optional and defaulted keys are not

    def test_forms(self, show, run):
        """Type tags, lists of a schema, nested maps, :enum; a non-map schema is wrapped and unwrapped."""
        run('(llm/define-provider :j {:complete (fn (r) (if (string/contains? (:content (last (:messages r))) "list")'
            ' "{\\"value\\": [1, 2.0, 3]}" "{\\"who\\": {\\"city\\": \\"Oslo\\"}, \\"mood\\": \\"calm\\"}"))})')
        assert show('(llm/extract [:int] "a list")') == "(1 2 3)"
        assert show('(llm/extract {:who {:city :string} :mood {:type :string :enum ["calm" "angry"]}} "x")') == \
            '{:mood "calm" :who {:city "Oslo"}}'

    def test_bad_schema_is_a_lisp_error(self, run):
        """An unknown type tag names itself and where it is."""
        run('(llm/define-provider :j {:complete (fn (r) "{}")})')
        with pytest.raises(Exception) as err:
            run('(llm/extract {:a {:b :strin}} "x")')
        assert "unknown type keyword :strin at a.b" in str(err.value)


class TestReasking:
    def test_reask_feeds_the_errors_back(self, run, interp):
        """A wrong answer is re-asked with its errors; the corrected one is returned."""
        fake = FakeProvider(replies=['{"name": "Ada", "age": -1, "tags": []}',
                                     '{"name": "Ada", "age": 36, "tags": []}'])
        interp.register_provider("fake", fake, make_default=True)
        got = run(f'(llm/extract {PERSON} "Ada")')
        assert write_str(got) == '{:age 36 :lang "en" :name "Ada" :tags ()}'
        second = fake.requests[1].messages
        assert second[-2].role == "assistant" and '"age": -1' in second[-2].content
        assert "age: age must not be negative" in second[-1].content

    def test_final_error_has_raw_output_and_every_attempt(self, show, run):
        """After :retries the error says what was wrong and carries :raw and :attempts."""
        run('(define n (atom 0))')
        run('(llm/define-provider :bad {:complete (fn (r) (swap! n inc) (str "not json " @n))})')
        run(f'(define e (try (llm/extract {PERSON} "x" {{:retries 2}}) (catch e e)))')
        assert show("(list (:llm-error e) (:raw e) (length (:attempts e)) (map :raw (:attempts e)))") == \
            '("extract" "not json 3" 3 ("not json 1" "not json 2" "not json 3"))'
        assert show("(:errors (first (:attempts e)))") == '("the answer is not JSON")'
        assert "after 3 attempts" in run("(:message e)")

    def test_reasks_never_grow_without_bound(self, run, interp):
        """However long the wrong answers, each re-ask holds the original plus at most :reask-tokens."""
        huge = '{"name": 1, "junk": "' + "x" * 200_000 + '"}'
        fake = FakeProvider(replies=[huge] * 4)
        interp.register_provider("fake", fake, make_default=True)
        with pytest.raises(Exception):
            run('(llm/extract {:name :string} "short text" {:retries 3 :reask-tokens 500})')
        sizes = [len(r.text()) for r in fake.requests]
        assert len(sizes) == 4
        assert max(sizes[1:]) <= sizes[0] + 500 * 4 + 400   # the original, the budget, a line of instructions
        assert sizes[1] == sizes[2] == sizes[3]              # only the last attempt is kept

    def test_no_reask(self, run, interp):
        """:reask? #f sends the same request again."""
        fake = FakeProvider(replies=["nope", '{"a": 1}'])
        interp.register_provider("fake", fake, make_default=True)
        assert write_str(run('(llm/extract {:a :int} "x" {:reask? #f})')) == "{:a 1}"
        assert fake.requests[0].messages == fake.requests[1].messages


class TestHelpers:
    def test_classify(self, run):
        """The answer is matched leniently; keywords in, keyword out; strings in, string out."""
        run('(llm/define-provider :c {:complete (fn (r) "The answer: \\"Negative\\".")})')
        assert write_str(run('(llm/classify [:positive :negative] "awful")')) == ":negative"
        run('(llm/define-provider :d {:complete (fn (r) "{\\"category\\": \\"ham\\"}")})')
        assert run('(llm/classify ["spam" "ham"] "hi")') == "ham"

    def test_classify_gives_up_with_the_raw_answer(self, show, run):
        """An answer naming no category is re-asked once, then an error with :raw."""
        run('(llm/define-provider :c {:complete (fn (r) "no idea")})')
        assert show('(:raw (try (llm/classify [:a :b] "x") (catch e e)))') == '"no idea"'

    def test_summarize_and_compare(self, show, run):
        """summarize asks in the chosen style; compare returns the checked map."""
        run('(llm/define-provider :s {:complete (fn (r) (if (:response-format r) '
            '"{\\"similarity\\": 0.25, \\"differences\\": [\\"size\\"], \\"summary\\": \\"apart\\"}" (:system r)))})')
        assert "as a list of bullet points" in run('(llm/summarize "long text" {:style "bullets"})')
        assert show('(llm/compare "a" "b")') == '{:differences ("size") :similarity 0.25 :summary "apart"}'

    def test_pmap_runs_native_calls_concurrently(self, run, fake_server):
        """llm/pmap builds a prompt per item and a native provider answers them at the same time."""
        server = fake_server("openai")
        server.delay = 0.2
        configure(run, "openai", server)
        out = run('(llm/pmap (fn (x) (str "item " x)) [1 2 3 4])')
        assert write_str(out) == '("Hello!" "Hello!" "Hello!" "Hello!")'
        assert server.peak >= 2
        assert sorted(r.body["messages"][-1]["content"] for r in server.requests) == \
            ["item 1", "item 2", "item 3", "item 4"]

    def test_token_estimates(self, show):
        """Offline estimates at four characters a token."""
        assert show('(llm/token-estimate (prompt (user "12345678")))') == '{:chars 8 :method "chars/4" :tokens 2}'
        assert show('(llm/token-count "abcdefgh")') == "2"
