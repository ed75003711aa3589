"""The documentation of the AI layer's derived forms (see :mod:`sema.ai.forms`), added to ``SPECIAL_DOCS``.

Kept apart from the forms so that compiling them does not load the docs;
``sema.compiler.special_docs`` merges these entries when it loads.
"""

from __future__ import annotations

from textwrap import dedent

DOCS: dict[str, str] = {}


def _entry(text: str) -> str:
    return dedent(text).strip() + "\n"


DOCS["prompt"] = _entry("""
    (prompt part ...)

    Build a prompt value: an immutable list of messages. A part (system x ...), (user x ...),
    (assistant x ...) or (tool x ...) is a message of that role whose content is its stringified
    arguments joined; any other part is evaluated and may be a message, a prompt (its messages are
    spliced), a list of messages or a string (a user message). Prompts are accepted wherever a prompt
    string is (llm/complete, llm/chat, llm/stream, llm/send) and combine with prompt/append,
    prompt/fill, prompt/set-system ...

    (prompt/messages (prompt (system "Be brief.") (user "Hi " "Ada"))) ; => ({:content "Be brief." :role :system} {:content "Hi Ada" :role :user})
    (prompt/slots (prompt (user "Translate {{text}} to {{lang}}"))) ; => (:text :lang)
    (length (prompt/messages (prompt (prompt (user "a")) (message :assistant "b") "c"))) ; => 3
    """)

DOCS["deftool"] = _entry("""
    (deftool name "description" {:param {:type :string :description "..."} ...} handler)
    (deftool name "description" params handler {:concurrent #t})

    Define NAME as a tool a model may call (see llm/chat :tools and agents). Each parameter has a
    :type (:string :int :number :bool :list :map, [:string] for a list of strings, or a nested
    map), an optional :description, :enum, and :optional #t or a :default (a parameter with a
    default is optional and gets the default when the model leaves it out). The handler's
    parameters are bound by name (city gets :city), or in the sorted order of the parameter names
    (as the map prints) when the names differ.
    {:concurrent #t} lets an agent run this tool's calls of one turn at the same time (Python
    handlers; Lisp code runs one call at a time). tool/invoke calls the handler with the same checks.

    (deftool add "Add two numbers" {:a {:type :int} :b {:type :int :default 10}} (fn (a b) (+ a b))) (tool/invoke add {:a 1}) ; => 11
    (deftool greet "Greet someone" {:name {:type :string}} (fn (name) (str "Hello " name))) (tool/name greet) ; => "greet"
    """)

DOCS["defagent"] = _entry("""
    (defagent name {:system "..." :tools [tool ...] :model "..." :max-turns 10})

    Define NAME as an agent (see agent and agent/run): a system prompt, the tools it may call, a model
    (nil: the default provider's), the most model calls in one run (:max-turns, default 10), and
    optionally :temperature, :max-tokens, :provider and :tool-choice (a keyword for every turn, or a
    vector with one per turn, the last repeating).

    (llm/define-provider :m {:complete (fn (r) "Done.")}) (defagent helper {:system "Help."}) (agent/run helper "hi") ; => "Done."
    (defagent helper {:system "Help." :max-turns 3}) (list (agent/name helper) (agent/max-turns helper)) ; => ("helper" 3)
    """)

DOCS["with-retry"] = _entry("""
    (with-retry body ...)
    (with-retry {:max-attempts 3 :base-delay-ms 100 :backoff 2.0 :retry-if pred} body ...)

    Run BODY until it returns without an error, at most :max-attempts times, waiting between attempts;
    the last error is raised again. Short for (retry (fn () body ...) opts): see retry for the options
    and the errors that are not retried.

    (with-retry {:max 3 :base-ms 200 :factor 2 :on f} thunk) is Sema's form (chosen when the map uses
    one of those keys or the one form after it is a fn): THUNK is called until it succeeds, sleeping
    :base-ms, then :factor times longer each time, with (f error attempt) after each failure; the
    sleeps let other async tasks run.

    (define n (atom 0)) (with-retry {:base-delay-ms 1} (swap! n inc) (if (< @n 2) (error "flaky") "ok")) ; => "ok"
    (define n (atom 0)) (with-retry {:max 3 :base-ms 1} (fn () (swap! n inc) (if (< @n 3) (error "flaky") @n))) ; => 3
    """)


def add_entries(docs: dict) -> None:
    """Add the entries to DOCS (``SPECIAL_DOCS``)."""
    docs.update(DOCS)
