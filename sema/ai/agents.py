"""Agents: a system prompt, tools and a model, run in the tool loop until the model answers.

``(defagent researcher {:system "..." :tools [search fetch] :model "..." :max-turns 10})``
or ``(agent {:name "researcher" ...})`` make an agent value; ``(agent/run a
"question")`` returns the final answer, ``(agent/run a "question" opts)`` a map
``{:response :messages :turns :stopped :usage}``.

Options of ``agent/run``: ``:messages`` (a transcript to resume from: the
``:messages`` of an earlier run, a conversation, or message maps),
``:on-tool-call`` (called with ``{:event "start" :tool :args :id}`` before and
``{:event "end" :tool :args :id :result :error :duration-ms}`` after each tool
call), ``:on-text`` (called with each text chunk: the run streams),
``:max-turns``, ``:tool-choice``, ``:temperature``, ``:max-tokens``.

A turn is one model call.  Reaching ``:max-turns`` returns the last answer
(``:stopped :max-turns``), no error.  Tool errors go back to the model; after
five in a row the run stops with an ``:agent`` error carrying ``:messages``.
Every turn goes through the request pipeline: cassettes tape each turn while
the tools really run, budgets count each turn.
"""

from __future__ import annotations

from ..convert import from_python
from ..errors import LispTypeError, LispValueError
from ..llm.builtins import state_of
from ..llm.describe import got
from ..llm.lisp_provider import build_request, lisp_int, lisp_items, lisp_name, lisp_options, messages_of
from ..llm.pipeline import Call
from ..llm.toolloop import is_runnable, run_tools
from ..llm.types import Message
from ..runtime.registry import Any, builtin, interp_builtin
from ..values import Keyword, Map, make_list, make_map
from .prompts import lisp_type, message_map

#: the group of docs/stdlib.md its builtins without a prefix are listed in
DOC_GROUP = "agents"
_K = Keyword
OPTIONS = ("name", "system", "tools", "model", "max-turns", "temperature", "max-tokens", "provider", "tool-choice")


@lisp_type("agent")
class Agent:
    """An agent value (immutable)."""

    __slots__ = ("name", "system", "tools", "model", "max_turns", "temperature", "max_tokens", "provider",
                 "tool_choice")

    def __init__(self, name, system, tools, model, max_turns, temperature=None, max_tokens=None, provider=None,
                 tool_choice=None):
        self.name, self.system, self.tools, self.model = name, system, tuple(tools), model
        self.max_turns, self.temperature, self.max_tokens = max_turns, temperature, max_tokens
        self.provider, self.tool_choice = provider, tool_choice

    def __repr__(self) -> str:
        names = " ".join(getattr(t, "name", "?") for t in self.tools)
        return f"{self.name}" + (f" tools: {names}" if names else "")


def _choice(who: str, x):
    """:auto, :none, :required, a tool name, or a vector of them (one per turn)."""
    if x is None:
        return None
    if x.__class__ is Keyword or isinstance(x, str):
        return lisp_name(x, who, "a tool choice")
    items = lisp_items(who, x, "a tool choice (a keyword, or a vector with one per turn)")
    if not items:
        raise LispValueError(f"{who}: :tool-choice must not be empty")
    return tuple(lisp_name(i, who, "a tool choice") for i in items)


def make_agent(who: str, opts, name=None) -> Agent:
    o = lisp_options(who, opts)
    unknown = sorted(set(o) - set(OPTIONS))
    if unknown:
        raise LispValueError(f"{who}: unknown option :{unknown[0]} (expected {', '.join(':' + k for k in OPTIONS)})")
    name = name or o.get("name") or "agent"
    name = name.name if name.__class__ is Keyword else name
    if not isinstance(name, str):
        raise LispTypeError(f"{who}: :name must be a string, got {got(name)}")
    system = o.get("system")
    if system is not None and not isinstance(system, str):
        raise LispTypeError(f"{who}: :system must be a string, got {got(system)}")
    tools = lisp_items(who, o["tools"], "a list of tools") if o.get("tools") is not None else []
    for t in tools:
        if not is_runnable(t) and not isinstance(t, Map):
            raise LispTypeError(f"{who}: each of :tools must be a tool (deftool), got {got(t)}")
    model = o.get("model")
    if model is not None and not isinstance(model, str):
        raise LispTypeError(f"{who}: :model must be a string, got {got(model)}")
    turns = lisp_int(who, "max-turns", o.get("max-turns"))
    if turns is not None and turns < 1:
        raise LispValueError(f"{who}: :max-turns must be at least 1, got {turns}")
    return Agent(name, system, tools, model, turns or 10, o.get("temperature"), o.get("max-tokens"),
                 lisp_name(o["provider"], who) if o.get("provider") is not None else None,
                 _choice(who, o.get("tool-choice")))


def _agent(who: str, a) -> Agent:
    if not isinstance(a, Agent):
        raise LispTypeError(f"{who}: expected an agent (made by defagent or agent), got {got(a)}")
    return a


def _history(who: str, x) -> list[Message]:
    """A transcript to resume from (system messages are the agent's business, so dropped)."""
    if x is None:
        return []
    return [m for m in messages_of(who, x) if m.role != "system"]


def run_agent(interp, a: Agent, message, o: dict, who: str = "agent/run"):
    """Run A on MESSAGE; returns the toolloop Outcome."""
    state = state_of(interp)
    history = _history(who, o.get("messages"))
    prompt = messages_of(who, message) if not isinstance(message, str) else [Message("user", message)]
    request_opts = {"model": a.model, "system": a.system, "temperature": o.get("temperature", a.temperature),
                    "max-tokens": o.get("max-tokens", a.max_tokens)}
    request = build_request(who, history + prompt, request_opts)
    on_tool = o.get("on-tool-call")
    on_text = o.get("on-text")
    for key, f in (("on-tool-call", on_tool), ("on-text", on_text)):
        if f is not None and not callable(f):
            raise LispTypeError(f"{who}: :{key} must be a function, got {got(f)}")
    turns = lisp_int(who, "max-turns", o.get("max-turns")) or a.max_turns
    choice = _choice(who, o["tool-choice"]) if o.get("tool-choice") is not None else a.tool_choice
    options = {"provider": a.provider} if a.provider else {}

    def send(req, on_chunk):
        return state.pipeline.call(Call(req, f"{who} :{a.name}", "stream" if on_chunk else "chat", options,
                                        on_chunk))

    def event(e: dict):
        on_tool(from_python({k: (v if k != "args" else v) for k, v in e.items()}))
    return run_tools(send, request, a.tools, max_calls=turns, tool_choice=choice,
                     on_event=event if on_tool is not None else None, on_text=on_text,
                     reset=interp._reset_tail_state, who=f"{who} :{a.name}")


# ---------------------------------------------------------------- builtins


@interp_builtin("%agent")
def make_percent_agent(interp):
    """What defagent builds: the agent NAME with OPTS."""
    def percent_agent(name: str, opts: Map) -> Agent:
        return make_agent("defagent", opts, name)
    return percent_agent


@interp_builtin("agent")
def make_agent_builtin(interp):
    """An agent from OPTS {:name :system :tools [...] :model :max-turns 10 :temperature :max-tokens :provider
    :tool-choice}; defagent gives it a name. Run it with agent/run.

    :tool-choice is a keyword for every turn (:auto :none :required or a tool's name) or a vector with
    one per turn, the last repeating: small models that need a forced call can be driven turn by turn.

    (agent/name (agent {:name "helper" :system "Be helpful."})) ; => "helper"
    """
    def agent(opts: Map) -> Agent:
        return make_agent("agent", opts)
    return agent


@interp_builtin("agent/run", needs="llm")
def make_agent_run(interp):
    """Run AGENT on MESSAGE (a string or messages) through the tool loop; return its final answer.

    With OPTS, return {:response :messages :turns :stopped :usage}: :messages is the transcript (resume
    with {:messages ...}), :stopped is :done or :max-turns. OPTS: :messages :on-tool-call :on-text
    :max-turns :tool-choice :temperature :max-tokens. Tool errors are results the model can correct;
    five in a row stop the run with an :agent error carrying :messages.

    (llm/define-provider :m {:complete (fn (r) "All done.")}) (agent/run (agent {:system "Help."}) "hi") ; => "All done."
    (llm/define-provider :m {:complete (fn (r) "ok")}) (:turns (agent/run (agent {}) "hi" {})) ; => 1
    """
    def agent_run(agent: Any, message: Any, opts: Map | None = None) -> Any:
        who = "agent/run"
        a = _agent(who, agent)
        o = lisp_options(who, opts)
        unknown = sorted(set(o) - {"messages", "on-tool-call", "on-text", "max-turns", "tool-choice", "temperature",
                                   "max-tokens"})
        if unknown:
            raise LispValueError(f"{who}: unknown option :{unknown[0]}")
        outcome = run_agent(interp, a, message, o)
        text = outcome.response.content
        if opts is None:
            return text
        return make_map([(_K("response"), text),
                         (_K("messages"), make_list([message_map(m) for m in outcome.messages])),
                         (_K("turns"), outcome.calls), (_K("stopped"), _K(outcome.stopped)),
                         (_K("usage"), from_python(outcome.usage.to_dict()))])
    return agent_run


@builtin("agent/name")
def agent_name(agent: Any) -> str:
    """The agent's name.

    (agent/name (agent {:name "scout"})) ; => "scout"
    """
    return _agent("agent/name", agent).name


@builtin("agent/system")
def agent_system(agent: Any) -> Any:
    """The agent's system prompt (nil when it has none).

    (agent/system (agent {:system "Be brief."})) ; => "Be brief."
    """
    return _agent("agent/system", agent).system


@builtin("agent/tools")
def agent_tools(agent: Any) -> Any:
    """The agent's tools, as a list.

    (agent/tools (agent {})) ; => ()
    """
    return make_list(list(_agent("agent/tools", agent).tools))


@builtin("agent/model")
def agent_model(agent: Any) -> Any:
    """The agent's model (nil: the default provider's).

    (agent/model (agent {:model "gpt-4o-mini"})) ; => "gpt-4o-mini"
    """
    return _agent("agent/model", agent).model


@builtin("agent/max-turns")
def agent_max_turns(agent: Any) -> int:
    """The most model calls in one run of the agent (default 10).

    (agent/max-turns (agent {})) ; => 10
    """
    return _agent("agent/max-turns", agent).max_turns


@builtin("agent?")
def agent_p(x: Any) -> bool:
    """True for an agent value.

    (agent? (agent {})) ; => #t
    (agent? {:system "x"}) ; => #f
    """
    return isinstance(x, Agent)


NAMES = ("%agent", "agent", "agent/max-turns", "agent/model", "agent/name", "agent/run", "agent/system",
         "agent/tools", "agent?")

__all__ = ["Agent", "make_agent", "run_agent", "NAMES"]
