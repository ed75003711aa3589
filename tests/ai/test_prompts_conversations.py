"""Messages, prompts and conversations (issue 10, §4.4): immutable values, accepted wherever a prompt is."""

from __future__ import annotations

import pytest

from sema.llm import FakeProvider
from sema.printer import write_str
from tests.llm.wire import Reply

from .conftest import configure


class TestPromptValues:
    def test_role_parts_and_splicing(self, show):
        """Role parts are messages; prompts, messages, lists and strings splice in order."""
        src = """(define base (prompt (system "You are {{persona}}.")))
                 (prompt/messages (prompt base (user "Q: " 1 "+" 1) (message :assistant "2") [(message :user "more")] "tail"))"""
        assert show(src) == ('({:content "You are {{persona}}." :role :system} {:content "Q: 1+1" :role :user} '
                             '{:content "2" :role :assistant} {:content "more" :role :user} {:content "tail" :role :user})')

    def test_algebra_returns_new_values(self, show):
        """fill, set-system and append leave the original prompt as it was."""
        src = """(define p (prompt (system "old") (user "Hi {{name}} from {{city}}")))
                 (define q (prompt/set-system (prompt/fill p {:name "Ada"}) "new"))
                 (list (map message/content (prompt/messages p)) (map message/content (prompt/messages q))
                       (prompt/slots p) (prompt/slots q))"""
        assert show(src) == ('(("old" "Hi {{name}} from {{city}}") ("new" "Hi Ada from {{city}}") '
                             '(:name :city) (:city))')

    def test_set_operations(self, show):
        """union, intersection and difference compare messages by role and content."""
        src = """(define a (prompt (user "x") (assistant "y")))
                 (define b (prompt (user "y") (assistant "y")))
                 (map (fn (p) (map message/content (prompt/messages p)))
                      (list (prompt/union a b) (prompt/intersection a b) (prompt/difference a b)))"""
        assert show(src) == '(("x" "y" "y") ("y") ("x"))'

    def test_type_and_printing(self, show):
        """A prompt is its own type, prints as #<prompt ...> and compares by value."""
        assert show('(list (type (prompt (user "a"))) (= (prompt (user "a")) (prompt (user "a"))) '
                    '(prompt? [(message :user "a")]))') == "(:prompt #t #f)"
        assert show('(prompt (system "s") (user "{{q}}"))') == "#<prompt system user slots: q>"

    def test_bad_parts_are_lisp_errors(self, run):
        """A part that is no message says what was expected, in Lisp terms."""
        with pytest.raises(Exception) as err:
            run("(prompt 42)")
        assert "expected a message, a prompt, a list of messages or a string, got integer 42" in str(err.value)
        with pytest.raises(Exception) as err:
            run('(message :boss "hi")')
        assert "the role must be :system, :user, :assistant or :tool, got keyword :boss" in str(err.value)


class TestPromptsReachProviders:
    """A prompt value works wherever a prompt string does, for Lisp, Python and native providers."""

    def test_lisp_provider(self, run):
        """complete, chat, stream and send all send the prompt's messages with their roles."""
        run('(llm/define-provider :roles {:complete (fn (r) (string/join (map :role (:messages r)) ","))})')
        run('(define p (prompt (system "s") (user "u") (assistant "a") (user "again")))')
        for call in ("(llm/complete p)", "(llm/chat p)", "(llm/stream p (fn (c) c))", "(llm/send p)"):
            assert run(call) == "system,user,assistant,user", call

    def test_python_provider(self, run, interp):
        """A Python provider sees Message objects with the prompt's roles."""
        fake = FakeProvider(replies=["ok"])
        interp.register_provider("fake", fake, make_default=True)
        assert run('(llm/send (prompt (system "be brief") (user "hi")))') == "ok"
        assert [(m.role, m.content) for m in fake.requests[0].messages] == [("system", "be brief"), ("user", "hi")]

    def test_native_provider(self, run, adapter, fake_server):
        """Each wire format receives the system part and the user part."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        server.push(Reply.say("fine"))
        assert run('(llm/complete (prompt (system "Be terse.") (user "Weather?")))') == "fine"
        body = server.last.body
        text = str(body)
        assert "Be terse." in text and "Weather?" in text


class TestConversations:
    def setup_provider(self, run):
        run("""(llm/define-provider :count
                 {:complete (fn (r) {:content (str "reply to " (:content (last (:messages r))) " after "
                                                   (length (:messages r)) " msgs, system " (:system r))
                                     :usage {:prompt-tokens 1000000 :completion-tokens 1000000}})
                  :default-model "counted-1"})""")

    def test_fork_keeps_branches_apart(self, show, run):
        """Forking, then extending both branches, leaves each with its own messages."""
        self.setup_provider(run)
        run('(define c1 (conversation/say (conversation/new {:system "S"}) "hi"))')
        run('(define a (conversation/say (conversation/fork c1) "left"))')
        run('(define b (conversation/say (conversation/fork c1) "right"))')
        assert show("(list (conversation/length c1) (conversation/length a) (conversation/length b))") == "(3 5 5)"
        assert run("(conversation/last-reply a)") == "reply to left after 3 msgs, system S"
        assert run("(conversation/last-reply b)") == "reply to right after 3 msgs, system S"
        assert run("(conversation/last-reply c1)") == "reply to hi after 1 msgs, system S"

    def test_say_as_overrides_one_turn(self, run):
        """say-as changes the system prompt of one turn only."""
        self.setup_provider(run)
        run('(define c (conversation/say-as (conversation/new {:system "usual"}) "pirate" "ahoy"))')
        assert run("(conversation/last-reply c)").endswith("system pirate")
        assert run('(conversation/last-reply (conversation/say c "next"))').endswith("system usual")

    def test_stats_cost_and_models(self, show, run):
        """Usage of every call is kept: stats, cost (priced with llm/set-pricing), models used."""
        self.setup_provider(run)
        run('(llm/set-pricing "counted-*" 1 2)')
        run('(define c (conversation/say (conversation/say (conversation/new) "a") "b"))')
        assert show("(conversation/stats c)") == ("{:cost 6.0 :messages 4 :models (\"counted-1\") "
                                                  ":tokens {:completion 2000000 :prompt 2000000 :total 4000000} :turns 2}")
        assert run("(conversation/cost c)") == 6.0

    def test_unpriced_cost_is_nil_with_one_warning(self, run, interp):
        """A model without a price gives a nil cost and one warning, never an error."""
        warnings = []
        interp.on_warning = warnings.append
        run('(llm/define-provider :free {:complete (fn (r) "x") :default-model "home-made"})')
        run('(define c (conversation/say (conversation/new) "a"))')
        assert run("(list (conversation/cost c) (conversation/cost c))") is not None
        assert run("(conversation/cost c)") is None
        assert len(warnings) == 1 and 'no price known for model "home-made"' in warnings[0]

    def test_list_helpers(self, show, run):
        """insert, remove, replace, search, filter, map-role: new conversations, the old one unchanged."""
        run('(define c (conversation/add-message (conversation/add-message (conversation/new) :user "Hello") '
            ':assistant "Hi there"))')
        assert show("(conversation/map (conversation/insert c 1 (message :user \"mid\")) :content)") == \
            '("Hello" "mid" "Hi there")'
        assert show("(conversation/map (conversation/remove c 0) :content)") == '("Hi there")'
        assert show('(conversation/search c "THERE")') == '({:content "Hi there" :index 1 :role :assistant})'
        assert show("(conversation/map (conversation/map-role c :user string/upper) :content)") == \
            '("HELLO" "Hi there")'
        assert show("(conversation/length c)") == "2"
        with pytest.raises(Exception) as err:
            run("(conversation/remove c 5)")
        assert "index 5 is out of range (the conversation has 2 messages)" in str(err.value)

    def test_tool_messages_are_part_of_the_conversation(self, show, run):
        """With :tools, the assistant's tool calls and the results are messages, so it can be replayed."""
        run('(deftool lookup "Look up a word" {:word :string} (fn (word) (str word " means hello")))')
        run("""(llm/define-provider :t {:complete (fn (r)
                  (if (= (:role (last (:messages r))) "tool") (str "It says: " (:content (last (:messages r))))
                      {:tool-calls [{:id "c1" :name "lookup" :arguments {:word "hola"}}]}))})""")
        run('(define c (conversation/say (conversation/new {:tools [lookup]}) "what is hola?"))')
        assert show("(conversation/map c :role)") == "(:user :assistant :tool :assistant)"
        assert run("(conversation/last-reply c)") == "It says: hola means hello"
        assert show("(:tool-calls (nth (conversation/messages c) 1))") == \
            '({:arguments {:word "hola"} :id "c1" :name "lookup"})'
        assert run("(conversation/turns c)") == 1
        # the transcript up to the tool result is a valid request again: the same answer comes back
        assert run("(llm/chat (reverse (cdr (reverse (conversation/messages c)))))") == "It says: hola means hello"

    def test_conversation_as_prompt(self, run):
        """A conversation is accepted where messages are."""
        run('(llm/define-provider :n {:complete (fn (r) (str (length (:messages r))))})')
        assert run('(llm/chat (conversation/add-message (conversation/new {:system "s"}) :user "u"))') == "2"

    def test_printing(self, run, interp):
        """A conversation prints as #<conversation ...>."""
        assert write_str(interp.eval_source("(conversation/new)")) == "#<conversation 0 messages, 0 turns>"
