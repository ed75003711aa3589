"""The AI layer's derived forms: ``prompt``, ``deftool``, ``defagent``, ``with-retry``.

Each rewrites into calls of ordinary builtins (so nothing of the LLM layer
is imported to compile them) and documents itself in ``SPECIAL_DOCS``
(``(doc deftool)``); loaded with the compiler's handler modules.

- ``(prompt part ...)`` -> ``(%prompt part' ...)``, where a part
  ``(system x ...)`` (or ``user``, ``assistant``, ``tool``) becomes
  ``(message :system x ...)``;
- ``(deftool name "description" {params} handler [opts])`` ->
  ``(define name (tool/new "name" "description" {params} handler [opts]))``;
- ``(defagent name {opts})`` -> ``(define name (%agent "name" {opts}))``;
- ``(with-retry [{opts}] body ...)`` -> ``(retry (fn () body ...) {opts})``.
"""

from __future__ import annotations

from textwrap import dedent

from ..compiler.forms import L, S, from_iter, is_form, items_of, span_of, syntax_error
from ..compiler.special_docs import SPECIAL_DOCS
from ..compiler.tables import derived_form
from ..values import Keyword, Map, Symbol, write_str

ROLE_PARTS = ("system", "user", "assistant", "tool")


@derived_form("prompt")
def prompt_form(form):
    parts = items_of(form)[1:]
    out = [S("%prompt")]
    for part in parts:
        if is_form(part) and part.car.__class__ is Symbol and part.car.name in ROLE_PARTS:
            out.append(from_iter([S("message"), Keyword(part.car.name)] + items_of(part)[1:], span=span_of(part)))
        else:
            out.append(part)
    return from_iter(out, span=span_of(form))


@derived_form("deftool")
def deftool_form(form):
    parts = items_of(form)
    usage = "(deftool name \"description\" {:param {:type :string ...} ...} handler [{:concurrent #t}])"
    if len(parts) not in (5, 6):
        raise syntax_error(f"deftool: expected {usage}", form)
    name, description = parts[1], parts[2]
    if name.__class__ is not Symbol:
        raise syntax_error(f"deftool: the tool's name must be a symbol, got {write_str(name)}", form)
    if not isinstance(description, str):
        raise syntax_error(f"deftool: the description must be a string, got {write_str(description)}", form)
    call = from_iter([S("tool/new"), name.name] + parts[2:], span=span_of(form))
    return L(S("define"), name, call, span=span_of(form))


@derived_form("defagent")
def defagent_form(form):
    parts = items_of(form)
    if len(parts) != 3:
        raise syntax_error("defagent: expected (defagent name {:system \"...\" :tools [...] :model \"...\" "
                           ":max-turns 10})", form)
    name = parts[1]
    if name.__class__ is not Symbol:
        raise syntax_error(f"defagent: the agent's name must be a symbol, got {write_str(name)}", form)
    return L(S("define"), name, L(S("%agent"), name.name, parts[2], span=span_of(form)), span=span_of(form))


@derived_form("with-retry")
def with_retry_form(form):
    parts = items_of(form)[1:]
    opts = None
    if parts and isinstance(parts[0], Map) and len(parts) > 1:
        opts, parts = parts[0], parts[1:]
    if not parts:
        raise syntax_error("with-retry: expected (with-retry [{:max-attempts 3 ...}] body ...)", form)
    thunk = from_iter([S("fn"), L()] + parts, span=span_of(form))
    return L(S("retry"), thunk, opts, span=span_of(form))


def _entry(text: str) -> str:
    return dedent(text).strip() + "\n"


SPECIAL_DOCS["prompt"] = _entry("""
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

SPECIAL_DOCS["deftool"] = _entry("""
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

SPECIAL_DOCS["defagent"] = _entry("""
    (defagent name {:system "..." :tools [tool ...] :model "..." :max-turns 10})

    Define NAME as an agent (see agent and agent/run): a system prompt, the tools it may call, a model
    (nil: the default provider's), the most model calls in one run (:max-turns, default 10), and
    optionally :temperature, :max-tokens, :provider and :tool-choice (a keyword for every turn, or a
    vector with one per turn, the last repeating).

    (llm/define-provider :m {:complete (fn (r) "Done.")}) (defagent helper {:system "Help."}) (agent/run helper "hi") ; => "Done."
    (defagent helper {:system "Help." :max-turns 3}) (list (agent/name helper) (agent/max-turns helper)) ; => ("helper" 3)
    """)

SPECIAL_DOCS["with-retry"] = _entry("""
    (with-retry body ...)
    (with-retry {:max-attempts 3 :base-delay-ms 100 :backoff 2.0 :retry-if pred} body ...)

    Run BODY until it returns without an error, at most :max-attempts times, waiting between attempts;
    the last error is raised again. Short for (retry (fn () body ...) opts): see retry for the options
    and the errors that are not retried.

    (define n (atom 0)) (with-retry {:base-delay-ms 1} (swap! n inc) (if (< @n 2) (error "flaky") "ok")) ; => "ok"
    """)


__all__ = ["prompt_form", "deftool_form", "defagent_form", "with_retry_form", "ROLE_PARTS"]
