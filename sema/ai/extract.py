"""Structured extraction and the other one-call helpers: extract, classify, summarize, compare, send,
pmap, token estimates.

``(llm/extract schema text [opts])`` asks for JSON matching SCHEMA (Sema's
schema forms, :mod:`sema.ai.schema`) with the provider's native structured
output (``:response-format``, which every native adapter translates), checks
the answer (types, required keys, ``:enum``, then each ``:validate``
predicate) and returns a map with keyword keys.  A wrong answer is re-asked
up to ``:retries`` times (default 2), feeding the errors back (``:reask?``).

**Re-asks have a token budget.**  A re-ask is the original request plus only
the *last* wrong answer and its errors, cut to ``:reask-tokens`` (default
1024, at four characters a token): however many retries, however long the
wrong answers, the prompt never grows beyond the original plus that budget.
After the last attempt the error (``:llm-error "extract"``) carries ``:raw``
(the last answer) and ``:attempts`` (every answer with its errors).
"""

from __future__ import annotations

import json

from ..convert import from_python
from ..errors import LispTypeError, LispValueError
from ..llm.builtins import run_batch, state_of
from ..llm.describe import got
from ..llm.errors import LlmError, ResponseFormatError
from ..llm.lisp_provider import build_request, lisp_int, lisp_items, lisp_options, messages_of
from ..llm.pipeline import Call
from ..llm.types import Message
from ..llm.usage import estimate_tokens
from ..runtime.registry import Any, Callable_, interp_builtin
from ..values import Keyword, Map, make_list, make_map
from . import schema as schemas
from .errors import ExtractionError

_K = Keyword
CALL_KEYS = ("model", "provider", "temperature", "max-tokens", "timeout")
SYSTEM = ("Extract the requested information from the user's text. Answer with one JSON object and nothing "
          "else, matching this JSON schema:\n{schema}\nUse null for anything the text does not say.")


def _call_opts(o: dict, **more) -> dict:
    out = {k: o[k] for k in CALL_KEYS if o.get(k) is not None}
    out.update(more)
    return out


def _send(state, who: str, messages: list[Message], o: dict):
    options = {"provider": o["provider"]} if o.get("provider") is not None else {}
    request = build_request(who, messages, {k: v for k, v in o.items() if k != "provider"})
    return state.pipeline.call(Call(request, who, "chat", options))


def _truthy(o: dict, key: str, default: bool) -> bool:
    v = o.get(key)
    return default if v is None else v is not False


def _cut(text: str, chars: int) -> str:
    if len(text) <= chars:
        return text
    return text[:chars] + f"... [{len(text) - chars} more characters cut]"


def extract(state, who: str, schema_form, text, o: dict):
    """The checked value (a Lisp map, or the value for a non-map schema); see the module docstring."""
    node = schemas.parse(who, schema_form)
    wrapped = node.kind != "object"
    root = schemas.Node("object", fields=[schemas.Field("value", node, False, schemas._MISSING)]) if wrapped \
        else node
    retries = lisp_int(who, "retries", o.get("retries"))
    retries = 2 if retries is None else retries
    if retries < 0:
        raise LispValueError(f"{who}: :retries must not be negative, got {retries}")
    budget = lisp_int(who, "reask-tokens", o.get("reask-tokens")) or 1024
    validate, reask = _truthy(o, "validate", True), _truthy(o, "reask?", True)
    json_schema = root.json_schema()
    system = o.get("system") if isinstance(o.get("system"), str) else SYSTEM.format(
        schema=json.dumps(json_schema, ensure_ascii=False))
    base = messages_of(who, text)
    fmt = {"schema": json_schema, "name": "extraction", "strict": root.strict_ok}
    call_opts = _call_opts(o, system=system)
    call_opts["response-format"] = fmt
    messages = list(base)
    tries: list[dict] = []
    provider = None
    for attempt in range(1, retries + 2):
        try:
            response = _send(state, who, messages, call_opts)
            raw, value, errors = response.content, response.parsed, []
            provider = response.provider
        except ResponseFormatError as exc:
            raw, value = getattr(exc, "raw", ""), None
            errors = list(getattr(exc, "problems", None) or [exc.message])
            provider = exc.provider
        if value is not None:
            clean, errors = root.check(value) if validate else (value, [])
            if not errors:
                lisp = from_python(clean)
                if validate:
                    errors = root.run_validators(lisp)
                if not errors:
                    return lisp.get(_K("value")) if wrapped else lisp
        tries.append({"attempt": attempt, "raw": raw, "errors": errors})
        if reask:
            shown = "\n".join(f"- {e}" for e in errors[:10]) + (f"\n- ... {len(errors) - 10} more"
                                                               if len(errors) > 10 else "")
            room = max(200, budget * 4 - len(shown))
            messages = list(base) + [Message("assistant", _cut(raw, room)),
                                     Message("user", _cut(f"That answer is wrong:\n{shown}\nAnswer again with only "
                                                          f"the corrected JSON object.", budget * 4))]
    last = tries[-1]
    raise ExtractionError(f"{who}: the answer did not match the schema after {len(tries)} attempt"
                          f"{'s' if len(tries) != 1 else ''}: " + "; ".join(last["errors"][:3]),
                          raw=last["raw"], tries=tries, provider=provider)


# ---------------------------------------------------------------- builtins


@interp_builtin("llm/extract", needs="llm")
def make_extract(interp):
    """Extract from TEXT a value matching SCHEMA, checked; returns a map with keyword keys.

    SCHEMA: {:name :string :age :int :tags [:string] :address {:city :string}}, with descriptors
    {:type :int :optional #t :default 0 :enum [...] :validate pred :message "..."}. The provider's
    native structured output is asked for; the answer is checked and re-asked up to :retries times
    (default 2) with its errors (:reask? #f re-sends without them), each re-ask holding only the last
    answer cut to :reask-tokens (1024). Fails with :llm-error "extract", :raw and :attempts. OPTS also
    :model :provider :temperature :max-tokens :system :validate (#f: only parse).

    (llm/define-provider :m {:complete (fn (r) "{\\"name\\": \\"Ada\\", \\"age\\": 36}")}) (llm/extract {:name :string :age :int} "Ada is 36.") ; => {:age 36 :name "Ada"}
    (llm/define-provider :m {:complete (fn (r) "{\\"age\\": -3}")}) (:llm-error (try (llm/extract {:age {:type :int :validate (fn (n) (> n 0)) :message "must be positive"}} "x" {:retries 0}) (catch e e))) ; => "extract"
    """
    state = state_of(interp)

    def llm_extract(schema: Any, text: Any, opts: Map | None = None) -> Any:
        who = "llm/extract"
        return extract(state, who, schema, text, lisp_options(who, opts))
    return llm_extract


def _category_names(who: str, categories) -> tuple[list[str], bool]:
    items = lisp_items(who, categories, "a list of categories")
    if not items:
        raise LispValueError(f"{who}: the list of categories is empty")
    names, keywords = [], all(i.__class__ is Keyword for i in items)
    for i in items:
        if i.__class__ is Keyword:
            names.append(i.name)
        elif isinstance(i, str):
            names.append(i)
        else:
            raise LispTypeError(f"{who}: each category must be a keyword or a string, got {got(i)}")
    return names, keywords


def match_category(answer: str, names: list[str]) -> str | None:
    """The category ANSWER names: exactly (ignoring case, quotes, punctuation), as JSON, or the only one it contains."""
    text = answer.strip()
    try:
        data = json.loads(text)
        if isinstance(data, dict) and len(data) == 1:
            data = next(iter(data.values()))
        if isinstance(data, str):
            text = data
    except ValueError:
        pass
    clean = text.strip().strip("\"'`*.:!").strip().lower()
    for n in names:
        if clean == n.lower() or clean == n.lower().replace("-", " "):
            return n
    import re
    found = [n for n in names if re.search(r"(?<![\w-])" + re.escape(n.lower()) + r"(?![\w-])", text.lower())]
    return found[0] if len(found) == 1 else None


@interp_builtin("llm/classify", needs="llm")
def make_classify(interp):
    """The category of TEXT among CATEGORIES (keywords or strings): a keyword if they were keywords.

    The answer is matched leniently (case, quotes, punctuation, a JSON {"category": ...}); an answer
    that names no category is re-asked once (:retries), then an :llm-error "extract" with :raw.

    (llm/define-provider :m {:complete (fn (r) "Positive.")}) (llm/classify [:positive :negative] "I love it") ; => :positive
    """
    state = state_of(interp)

    def llm_classify(categories: Any, text: Any, opts: Map | None = None) -> Any:
        who = "llm/classify"
        o = lisp_options(who, opts)
        names, keywords = _category_names(who, categories)
        retries = lisp_int(who, "retries", o.get("retries"))
        retries = 1 if retries is None else retries
        system = (f"Classify the user's text into exactly one of these categories: {', '.join(names)}. "
                  f"Answer with the category name only.")
        base = messages_of(who, text)
        messages, tries = list(base), []
        for attempt in range(1, retries + 2):
            response = _send(state, who, messages, _call_opts(o, system=system))
            found = match_category(response.content, names)
            if found is not None:
                return _K(found) if keywords else found
            error = f"the answer names none of the categories {', '.join(names)}"
            tries.append({"attempt": attempt, "raw": response.content, "errors": [error]})
            messages = list(base) + [Message("assistant", _cut(response.content, 400)),
                                     Message("user", f"Answer with exactly one of: {', '.join(names)}.")]
        raise ExtractionError(f"{who}: {tries[-1]['errors'][0]} (answered {json.dumps(tries[-1]['raw'][:80])})",
                              raw=tries[-1]["raw"], tries=tries)
    return llm_classify


_STYLES = {"paragraph": "as one short paragraph", "bullets": "as a list of bullet points",
           "one-line": "in one line"}


@interp_builtin("llm/summarize", needs="llm")
def make_summarize(interp):
    """A summary of TEXT. OPTS: :style "paragraph" (default), "bullets" or "one-line"; :max-length (words);
    :model :provider :temperature :max-tokens.

    (llm/define-provider :m {:complete (fn (r) (:system r))}) (llm/summarize "A long text." {:style "one-line" :max-length 12}) ; => "Summarize the user's text in one line, in at most 12 words. Answer with the summary only."
    """
    state = state_of(interp)

    def llm_summarize(text: Any, opts: Map | None = None) -> str:
        who = "llm/summarize"
        o = lisp_options(who, opts)
        style = o.get("style") or "paragraph"
        style = style.name if style.__class__ is Keyword else style
        if style not in _STYLES:
            raise LispValueError(f"{who}: :style must be \"paragraph\", \"bullets\" or \"one-line\", got {got(style)}")
        limit = lisp_int(who, "max-length", o.get("max-length"))
        system = f"Summarize the user's text {_STYLES[style]}" + (f", in at most {limit} words" if limit else "") \
            + ". Answer with the summary only."
        return _send(state, who, messages_of(who, text), _call_opts(o, system=system)).content
    return llm_summarize


_COMPARE = make_map([(_K("similarity"), make_map([(_K("type"), _K("number")), (_K("min"), 0), (_K("max"), 1)])),
                     (_K("differences"), (_K("string"),)), (_K("summary"), _K("string"))])


@interp_builtin("llm/compare", needs="llm")
def make_compare(interp):
    """Compare texts A and B: {:similarity 0..1 :differences [...] :summary "..."} (extracted and checked).

    (llm/define-provider :m {:complete (fn (r) "{\\"similarity\\": 0.8, \\"differences\\": [\\"tone\\"], \\"summary\\": \\"close\\"}")}) (:similarity (llm/compare "a cat" "a kitten")) ; => 0.8
    """
    state = state_of(interp)

    def llm_compare(a: str, b: str, opts: Map | None = None) -> Any:
        who = "llm/compare"
        for x in (a, b):
            if not isinstance(x, str):
                raise LispTypeError(f"{who}: expected two strings, got {got(x)}")
        o = lisp_options(who, opts)
        text = f"Compare text A and text B: how similar they are (0 to 1), their differences, and a summary.\n\n" \
               f"Text A:\n{a}\n\nText B:\n{b}"
        return extract(state, who, _COMPARE, text, o)
    return llm_compare


@interp_builtin("llm/send", needs="llm")
def make_send(interp):
    """Send PROMPT (a prompt value, a conversation, messages or a string) and return the reply text.

    OPTS as for llm/chat (with tool values in :tools the tool loop runs).

    (llm/define-provider :m {:complete (fn (r) (str (:role (first (:messages r))) "/" (length (:messages r))))}) (llm/send (prompt (system "s") (user "u"))) ; => "system/2"
    """
    state = state_of(interp)

    def llm_send(prompt: Any, opts: Map | None = None) -> str:
        who = "llm/send"
        from ..llm.builtins import call, runnable_tools
        o = lisp_options(who, opts)
        messages = messages_of(who, prompt)
        tools = runnable_tools(o.get("tools"))
        if tools:
            from ..llm.toolloop import chat_with_tools
            return chat_with_tools(state, who, messages, o, tools=tools, reset=interp._reset_tail_state).content
        return call(state, who, build_request(who, messages, o), o).content
    return llm_send


@interp_builtin("llm/pmap", needs="llm")
def make_pmap(interp):
    """Apply F to each item of ITEMS to make a prompt, send them all concurrently; the replies in order.

    Native providers answer concurrently (:max-concurrency, default 100); Lisp providers one after the
    other. The first failure is raised after all finished, as in llm/batch.

    (llm/define-provider :up {:complete (fn (r) (string/upper (:content (last (:messages r)))))}) (llm/pmap (fn (x) (str "item " x)) [1 2]) ; => ("ITEM 1" "ITEM 2")
    """
    state = state_of(interp)

    def llm_pmap(f: Callable_, items: Any, opts: Map | None = None) -> Any:
        who = "llm/pmap"
        if not callable(f):
            raise LispTypeError(f"{who}: expected a function making a prompt from an item, got {got(f)}")
        o = lisp_options(who, opts)
        prompts = [f(x) for x in lisp_items(who, items, "a list of items")]
        requests = [build_request(who, messages_of(who, p), o) for p in prompts]
        results = run_batch(state, who, requests, o)
        texts = [None if isinstance(r, LlmError) else r.content for r in results]
        for n, r in enumerate(results):
            if isinstance(r, LlmError):
                err = type(r)(f"{who}: item {n} (of {len(results)}) failed: {r.message}", provider=r.provider,
                              status=r.status, retriable=r.retriable)
                err.index, err.results = n, texts
                raise err from None
        return make_list(texts)
    return llm_pmap


def _text_of(who: str, x) -> str:
    """The text of a string, a prompt or conversation, a message, or a list of these."""
    if isinstance(x, str):
        return x
    if hasattr(x, "llm_messages") or isinstance(x, Map):
        return "\n".join(m.content for m in messages_of(who, x if not isinstance(x, Map) else (x,)))
    parts = lisp_items(who, x, "a string, a list of strings or messages, or a prompt")
    return "\n".join(_text_of(who, p) for p in parts)


@interp_builtin("llm/token-estimate", needs="llm")
def make_token_estimate(interp):
    """An estimate of the tokens of X (a string, a list of strings or messages, a prompt or conversation):
    {:tokens :method "chars/4" :chars}. Offline and instant; llm/count-tokens asks the vendor.

    (llm/token-estimate "twelve chars") ; => {:chars 12 :method "chars/4" :tokens 3}
    """
    def llm_token_estimate(x: Any) -> Map:
        text = _text_of("llm/token-estimate", x)
        return make_map([(_K("tokens"), estimate_tokens(text)), (_K("method"), "chars/4"), (_K("chars"), len(text))])
    return llm_token_estimate


@interp_builtin("llm/token-count", needs="llm")
def make_token_count(interp):
    """The estimated tokens of X (as llm/token-estimate), as an integer.

    (llm/token-count ["abcd" "efgh"]) ; => 3
    """
    def llm_token_count(x: Any) -> int:
        return estimate_tokens(_text_of("llm/token-count", x))
    return llm_token_count


NAMES = ("llm/classify", "llm/compare", "llm/extract", "llm/pmap", "llm/send", "llm/summarize", "llm/token-count",
         "llm/token-estimate")

__all__ = ["extract", "match_category", "NAMES"]
