"""Conversations: immutable values holding messages, settings and the usage of their calls.

``conversation/say`` is the only function that talks to a model: it returns
a *new* conversation with the user's message and the reply (and, with
``:tools``, the tool calls and results in between, as ``:tool`` messages and
``:tool-calls`` on the assistant message, so it can be replayed).  Every
other function returns a new value or reads one, so forking and extending
both branches keeps them apart.

Settings (``conversation/new {:model :provider :system :temperature
:max-tokens :tools}``; other keys are metadata).  The usage of each call is
kept: ``conversation/cost`` (nil when a call's model has no price),
``conversation/stats``, ``conversation/models-used``; ``conversation/token-count``
estimates the size of the messages (four characters a token).
"""

from __future__ import annotations

from ..errors import LispTypeError, LispValueError
from ..llm.builtins import state_of
from ..llm.describe import got
from ..llm.lisp_provider import build_request, lisp_options, messages_of
from ..llm.pipeline import Call
from ..llm.types import Usage
from ..llm.usage import estimate_tokens
from ..runtime.registry import Any, builtin, interp_builtin
from ..values import Keyword, Map, equal, make_list, make_map
from .prompts import K_CONTENT, lisp_type, make_message, message_map, message_role, message_text, messages_in, role_of

#: the group of docs/stdlib.md its builtins without a prefix are listed in
DOC_GROUP = "conversations"
_K = Keyword
SETTINGS = ("model", "provider", "system", "temperature", "max-tokens", "tools")


@lisp_type("conversation")
class Conversation:
    """Messages (maps), settings, metadata (a map) and the calls made ``(model, provider, Usage)``."""

    __slots__ = ("messages", "settings", "metadata", "calls")

    def __init__(self, messages=(), settings=None, metadata=None, calls=()):
        self.messages = tuple(messages)
        self.settings = dict(settings or {})
        self.metadata = metadata if metadata is not None else make_map()
        self.calls = tuple(calls)

    def evolve(self, **changes) -> "Conversation":
        d = {"messages": self.messages, "settings": self.settings, "metadata": self.metadata, "calls": self.calls}
        d.update(changes)
        return Conversation(**d)

    def llm_messages(self) -> list:
        return list(self.messages)

    def __eq__(self, other):
        return (isinstance(other, Conversation) and len(self.messages) == len(other.messages)
                and all(equal(a, b) for a, b in zip(self.messages, other.messages))
                and equal(self.metadata, other.metadata))

    def __hash__(self):
        return hash(len(self.messages))

    def __repr__(self) -> str:
        return f"{len(self.messages)} messages, {self.turns()} turns"

    def turns(self) -> int:
        return sum(1 for m in self.messages if message_role(m) == "assistant" and not m.get(_K("tool-calls")))

    def system(self):
        for m in self.messages:
            if message_role(m) == "system":
                return message_text(m)
        return None


def _conv(who: str, c) -> Conversation:
    if not isinstance(c, Conversation):
        raise LispTypeError(f"{who}: expected a conversation (from conversation/new), got {got(c)}")
    return c


def _index(who: str, c: Conversation, i, *, insert: bool = False) -> int:
    n = len(c.messages)
    if i.__class__ is not int:
        raise LispTypeError(f"{who}: the index must be an integer, got {got(i)}")
    if not (0 <= i < n or insert and i == n):
        raise LispValueError(f"{who}: index {i} is out of range (the conversation has {n} messages)")
    return i


def say(interp, who: str, c: Conversation, text, o: dict, system_override=None) -> Conversation:
    """Send C's messages plus TEXT; the new conversation (see the module docstring)."""
    from ..llm.builtins import runnable_tools
    state = state_of(interp)
    user = messages_in(who, [text])
    settings = {**c.settings, **{k: v for k, v in o.items() if k in SETTINGS and k != "system" and v is not None}}
    history = [m for m in c.messages if message_role(m) != "system"]
    call_opts = {k: settings.get(k) for k in ("model", "temperature", "max-tokens")}
    call_opts["system"] = system_override if system_override is not None else c.system()
    messages = messages_of(who, tuple(history + user))
    options = {"provider": settings["provider"]} if settings.get("provider") is not None else {}
    tools = runnable_tools(settings.get("tools"))
    if tools:
        from ..llm.toolloop import run_tools

        def send(req, on_chunk):
            return state.pipeline.call(Call(req, who, "chat", options))
        rounds = o.get("max-tool-rounds")
        outcome = run_tools(send, build_request(who, messages, call_opts), tools,
                            max_calls=(10 if rounds is None else rounds) + 1, reset=interp._reset_tail_state, who=who)
        response = outcome.response.evolve(usage=outcome.usage)
        added = [message_map(m) for m in outcome.new_messages]
    else:
        if settings.get("tools") is not None:
            call_opts["tools"] = settings["tools"]
        response = state.pipeline.call(Call(build_request(who, messages, call_opts), who, "chat", options))
        added = [make_message("assistant", response.content)]
    record = (response.model, response.provider, response.usage)
    return c.evolve(messages=c.messages + tuple(user) + tuple(added), calls=c.calls + (record,))


# ---------------------------------------------------------------- builtins


@interp_builtin("conversation/new")
def make_new(interp):
    """A new, empty conversation. OPTS: :model :provider :system (its system message) :temperature
    :max-tokens :tools (tool values: conversation/say runs the tool loop); other keys are metadata.

    (conversation/length (conversation/new {:system "Be brief."})) ; => 1
    (conversation/model (conversation/new {:model "gpt-4o-mini"})) ; => "gpt-4o-mini"
    """
    def conversation_new(opts: Map | None = None) -> Conversation:
        o = lisp_options("conversation/new", opts)
        settings = {k: v for k, v in o.items() if k in SETTINGS and k != "system"}
        meta = make_map((_K(k), v) for k, v in o.items() if k not in SETTINGS)
        messages = [make_message("system", o["system"])] if o.get("system") is not None else []
        if o.get("system") is not None and not isinstance(o["system"], str):
            raise LispTypeError(f"conversation/new: :system must be a string, got {got(o['system'])}")
        return Conversation(messages, settings, meta)
    return conversation_new


@interp_builtin("conversation/say", needs="llm")
def make_say(interp):
    """Send TEXT in conversation CONV; return a new conversation with TEXT and the model's reply added.

    The only conversation function that calls a model. OPTS: :temperature :max-tokens :system (this
    turn only) :model :tools. With tools, the tool calls and results are messages of the conversation.

    (llm/define-provider :m {:complete (fn (r) (str "echo " (:content (last (:messages r)))))}) (conversation/last-reply (conversation/say (conversation/new) "hi")) ; => "echo hi"
    """
    def conversation_say(conv: Any, text: Any, opts: Map | None = None) -> Conversation:
        who = "conversation/say"
        c = _conv(who, conv)
        o = lisp_options(who, opts)
        return say(interp, who, c, text, o, o.get("system"))
    return conversation_say


@interp_builtin("conversation/say-as", needs="llm")
def make_say_as(interp):
    """Like conversation/say, with SYSTEM as the system prompt for this one turn.

    (llm/define-provider :m {:complete (fn (r) (:system r))}) (conversation/last-reply (conversation/say-as (conversation/new {:system "usual"}) "be a pirate" "hi")) ; => "be a pirate"
    """
    def conversation_say_as(conv: Any, system: str, text: Any, opts: Map | None = None) -> Conversation:
        who = "conversation/say-as"
        if not isinstance(system, str):
            raise LispTypeError(f"{who}: the system prompt must be a string, got {got(system)}")
        return say(interp, who, _conv(who, conv), text, lisp_options(who, opts), system)
    return conversation_say_as


@builtin("conversation/add-message")
def conversation_add_message(conv: Any, role: Any, text: Any = None) -> Conversation:
    """CONV with a message added: (conversation/add-message conv role text),
    or a message map.

    (conversation/messages (conversation/add-message (conversation/new) :user "hi")) ; => ({:content "hi" :role :user})
    """
    who = "conversation/add-message"
    c = _conv(who, conv)
    if text is None and isinstance(role, Map):
        return c.evolve(messages=c.messages + tuple(messages_in(who, [role])))
    if not isinstance(text, str):
        raise LispTypeError(f"{who}: the text must be a string, got {got(text)}")
    return c.evolve(messages=c.messages + (make_message(role_of(who, role), text),))


@builtin("conversation/last-reply")
def conversation_last_reply(conv: Any) -> str:
    """The text of CONV's last assistant message (an error when there is none).

    (conversation/last-reply (conversation/add-message (conversation/new) :assistant "hello")) ; => "hello"
    """
    c = _conv("conversation/last-reply", conv)
    for m in reversed(c.messages):
        if message_role(m) == "assistant":
            return message_text(m)
    raise LispValueError("conversation/last-reply: the conversation has no reply yet")


@builtin("conversation/fork")
def conversation_fork(conv: Any, metadata: Map | None = None) -> Conversation:
    """A copy of CONV to extend separately (values are immutable: both branches
    stay apart); METADATA, a map, is merged into the copy's.

    (define base (conversation/add-message (conversation/new) :user "a")) (define b (conversation/add-message (conversation/fork base) :user "b")) (list (conversation/length base) (conversation/length b)) ; => (1 2)
    """
    c = _conv("conversation/fork", conv)
    meta = c.metadata
    if metadata is not None:
        if not isinstance(metadata, Map):
            raise LispTypeError(f"conversation/fork: the metadata must be a map, got {got(metadata)}")
        for k, v in metadata.items():
            meta = meta.set(k, v)
    return c.evolve(metadata=meta)


@builtin("conversation/messages")
def conversation_messages(conv: Any) -> Any:
    """CONV's messages, as a list of message maps.

    (conversation/messages (conversation/new {:system "s"})) ; => ({:content "s" :role :system})
    """
    return make_list(list(_conv("conversation/messages", conv).messages))


@builtin("conversation/model")
def conversation_model(conv: Any) -> Any:
    """CONV's model (nil: the default provider's).

    (conversation/model (conversation/new)) ; => nil
    """
    return _conv("conversation/model", conv).settings.get("model")


@builtin("conversation/metadata")
def conversation_metadata(conv: Any) -> Any:
    """CONV's metadata: the keys of conversation/new that are not settings.

    (conversation/metadata (conversation/new {:topic "billing"})) ; => {:topic "billing"}
    """
    return _conv("conversation/metadata", conv).metadata


@builtin("conversation/system")
def conversation_system(conv: Any) -> Any:
    """CONV's system prompt, or nil.

    (conversation/system (conversation/new {:system "Be brief."})) ; => "Be brief."
    """
    return _conv("conversation/system", conv).system()


@builtin("conversation/set-system")
def conversation_set_system(conv: Any, text: str) -> Conversation:
    """CONV with TEXT as its only system message, first.

    (conversation/system (conversation/set-system (conversation/new {:system "a"}) "b")) ; => "b"
    """
    c = _conv("conversation/set-system", conv)
    if not isinstance(text, str):
        raise LispTypeError(f"conversation/set-system: the text must be a string, got {got(text)}")
    rest = tuple(m for m in c.messages if message_role(m) != "system")
    return c.evolve(messages=(make_message("system", text),) + rest)


@builtin("conversation/filter")
def conversation_filter(conv: Any, pred: Any) -> Conversation:
    """CONV keeping only the messages for which PRED is true.

    (conversation/length (conversation/filter (conversation/add-message (conversation/new {:system "s"}) :user "u") (fn (m) (= (:role m) :user)))) ; => 1
    """
    c = _conv("conversation/filter", conv)
    return c.evolve(messages=tuple(m for m in c.messages if pred(m) not in (False, None)))


@builtin("conversation/find")
def conversation_find(conv: Any, pred: Any) -> Any:
    """The first message of CONV for which PRED is true, or nil.

    (conversation/find (conversation/add-message (conversation/new) :user "u") (fn (m) (= (:role m) :user))) ; => {:content "u" :role :user}
    """
    for m in _conv("conversation/find", conv).messages:
        if pred(m) not in (False, None):
            return m
    return None


@builtin("conversation/map")
def conversation_map(conv: Any, f: Any) -> Any:
    """The list of (F message) for each message of CONV.

    (conversation/map (conversation/add-message (conversation/new {:system "s"}) :user "u") :role) ; => (:system :user)
    """
    return make_list([f(m) for m in _conv("conversation/map", conv).messages])


@builtin("conversation/map-role")
def conversation_map_role(conv: Any, role: Any, f: Any) -> Conversation:
    """CONV with F applied to the messages of ROLE: F gets the content and
    returns the new content (or gets a message and returns a message map).

    (conversation/messages (conversation/map-role (conversation/add-message (conversation/new) :user "hi") :user string/upper)) ; => ({:content "HI" :role :user})
    """
    who = "conversation/map-role"
    c, r = _conv(who, conv), role_of(who, role)
    out = []
    for m in c.messages:
        if message_role(m) != r:
            out.append(m)
            continue
        try:
            new = f(message_text(m))
        except Exception:
            new = f(m)
        if isinstance(new, str):
            out.append(m.set(K_CONTENT, new))
        elif isinstance(new, Map):
            out.append(new)
        else:
            raise LispTypeError(f"{who}: the function must return a string or a message, got {got(new)}")
    return c.evolve(messages=tuple(out))


@builtin("conversation/insert")
def conversation_insert(conv: Any, index: Any, message: Any) -> Conversation:
    """CONV with MESSAGE inserted at INDEX (0 is first; the length appends).

    (conversation/map (conversation/insert (conversation/add-message (conversation/new) :user "b") 0 (message :user "a")) :content) ; => ("a" "b")
    """
    who = "conversation/insert"
    c = _conv(who, conv)
    i = _index(who, c, index, insert=True)
    return c.evolve(messages=c.messages[:i] + tuple(messages_in(who, [message])) + c.messages[i:])


@builtin("conversation/remove")
def conversation_remove(conv: Any, index: Any) -> Conversation:
    """CONV without the message at INDEX.

    (conversation/length (conversation/remove (conversation/add-message (conversation/new) :user "a") 0)) ; => 0
    """
    who = "conversation/remove"
    c = _conv(who, conv)
    i = _index(who, c, index)
    return c.evolve(messages=c.messages[:i] + c.messages[i + 1:])


@builtin("conversation/replace")
def conversation_replace(conv: Any, index: Any, message: Any) -> Conversation:
    """CONV with the message at INDEX replaced by MESSAGE.

    (conversation/map (conversation/replace (conversation/add-message (conversation/new) :user "a") 0 (message :user "z")) :content) ; => ("z")
    """
    who = "conversation/replace"
    c = _conv(who, conv)
    i = _index(who, c, index)
    return c.evolve(messages=c.messages[:i] + tuple(messages_in(who, [message])) + c.messages[i + 1:])


@builtin("conversation/search")
def conversation_search(conv: Any, text: str) -> Any:
    """The messages of CONV whose text contains TEXT (ignoring case), as
    {:index :role :content} maps.

    (conversation/search (conversation/add-message (conversation/new) :user "Hello there") "hello") ; => ({:content "Hello there" :index 0 :role :user})
    """
    c = _conv("conversation/search", conv)
    if not isinstance(text, str):
        raise LispTypeError(f"conversation/search: the text must be a string, got {got(text)}")
    needle = text.lower()
    return make_list([make_map([(_K("index"), i), (_K("role"), _K(message_role(m))), (_K("content"), message_text(m))])
                      for i, m in enumerate(c.messages) if needle in message_text(m).lower()])


@builtin("conversation/length")
def conversation_length(conv: Any) -> int:
    """The number of messages in CONV.

    (conversation/length (conversation/new)) ; => 0
    """
    return len(_conv("conversation/length", conv).messages)


@builtin("conversation/turns")
def conversation_turns(conv: Any) -> int:
    """The number of replies of the model in CONV.

    (conversation/turns (conversation/add-message (conversation/new) :assistant "hi")) ; => 1
    """
    return _conv("conversation/turns", conv).turns()


@builtin("conversation/token-count")
def conversation_token_count(conv: Any) -> int:
    """An estimate of the tokens CONV's messages take (four characters a token).

    (conversation/token-count (conversation/add-message (conversation/new) :user "12345678")) ; => 2
    """
    return sum(estimate_tokens(message_text(m)) for m in _conv("conversation/token-count", conv).messages)


def _total(c: Conversation) -> Usage:
    total = Usage()
    for _, _, u in c.calls:
        total = total + u
    return total


def _cost(c: Conversation):
    if any(u.cost_usd is None for _, _, u in c.calls):
        return None
    return round(sum(u.cost_usd for _, _, u in c.calls), 10)


@interp_builtin("conversation/cost")
def make_cost(interp):
    """What CONV's calls cost in USD (from their real usage), or nil when a call's model has no price.

    (conversation/cost (conversation/new)) ; => 0
    """
    def conversation_cost(conv: Any) -> Any:
        c = _conv("conversation/cost", conv)
        cost = _cost(c)
        if cost is None:
            from .pricing import pricing_of
            pricing = pricing_of(state_of(interp))
            for model, _, u in c.calls:
                if u.cost_usd is None:
                    pricing.warn_unknown(model, "conversation/cost cannot price its calls")
            return None
        return cost
    return conversation_cost


@builtin("conversation/models-used")
def conversation_models_used(conv: Any) -> Any:
    """The models that answered in CONV, in order of first use.

    (conversation/models-used (conversation/new)) ; => ()
    """
    seen = []
    for model, _, _ in _conv("conversation/models-used", conv).calls:
        if model not in seen:
            seen.append(model)
    return make_list(seen)


@builtin("conversation/stats")
def conversation_stats(conv: Any) -> Map:
    """A summary of CONV: {:messages :turns :tokens {:prompt :completion :total} :cost :models}.

    Tokens and cost are the real usage of its calls.

    (:tokens (conversation/stats (conversation/new))) ; => {:completion 0 :prompt 0 :total 0}
    """
    c = _conv("conversation/stats", conv)
    u = _total(c)
    tokens = make_map([(_K("prompt"), u.prompt_tokens), (_K("completion"), u.completion_tokens),
                       (_K("total"), u.total_tokens)])
    return make_map([(_K("messages"), len(c.messages)), (_K("turns"), c.turns()), (_K("tokens"), tokens),
                     (_K("cost"), _cost(c)), (_K("models"), conversation_models_used(c))])


@builtin("conversation?")
def conversation_p(x: Any) -> bool:
    """True for a conversation value.

    (conversation? (conversation/new)) ; => #t
    (conversation? '()) ; => #f
    """
    return isinstance(x, Conversation)


NAMES = ("conversation/add-message", "conversation/cost", "conversation/filter", "conversation/find",
         "conversation/fork", "conversation/insert", "conversation/last-reply", "conversation/length",
         "conversation/map", "conversation/map-role", "conversation/messages", "conversation/metadata",
         "conversation/model", "conversation/models-used", "conversation/new", "conversation/remove",
         "conversation/replace", "conversation/say", "conversation/say-as", "conversation/search",
         "conversation/set-system", "conversation/stats", "conversation/system", "conversation/token-count",
         "conversation/turns", "conversation?")

__all__ = ["Conversation", "say", "NAMES"]
