"""The tool loop: call the model, run the tools it asks for, send the results back, until it answers.

Used by ``llm/chat`` with ``:tools`` and by agents (``agent/run``).  A tool
is any object with ``name``, ``spec()`` (a :class:`~sema.llm.types.ToolSpec`)
and ``execute(arguments) -> str`` (:class:`sema.ai.tools.Tool` is one); a
plain tool schema (a map) is offered to the model but cannot be run.

Each round appends the assistant message carrying the calls and one
``tool`` message per result, so the transcript can be replayed or resumed.
An unknown tool, arguments that are not JSON or do not match the schema,
and a tool that throws all become an error result (``error: ...``) the
model can correct; after :data:`MAX_CONSECUTIVE_ERRORS` tool errors in a
row the loop stops with a :class:`ToolLoopError` carrying the transcript.
A turn's calls run one after the other, or at the same time when every tool
called is marked concurrent and is Python code (Lisp runs one call at a time).

``max_calls`` bounds the model calls; when it is reached while the model
still asks for tools, the loop returns the last answer (``stopped`` is
``"max-turns"``) without running the calls nobody would read.
"""

from __future__ import annotations

import time

from ..errors import SemaError
from .types import ChatResponse, Message, ToolSpec, Usage

MAX_CONSECUTIVE_ERRORS = 5


class ToolLoopError(SemaError):
    """An agent or a tool loop stopped: too many consecutive tool errors.  Carries the transcript."""

    kind = "agent"

    def __init__(self, message: str, *, messages=(), tool_errors=()):
        super().__init__(message)
        self.messages = list(messages)        # Message objects
        self.tool_errors = list(tool_errors)

    def extra_fields(self) -> dict:
        from ..values import Keyword, make_list
        from .lisp_provider import lisp_value

        def message_map(m):  # roles as keywords, as agent/run's :messages have them
            return lisp_value(m.to_dict()).set(Keyword("role"), Keyword(m.role))
        return {"messages": make_list([message_map(m) for m in self.messages]),
                "tool-errors": make_list(self.tool_errors)}


class Outcome:
    """What a loop ended with: the last response, the whole transcript, the model calls made."""

    __slots__ = ("response", "messages", "calls", "usage", "stopped", "new_messages")

    def __init__(self, response, messages, calls, usage, stopped, new_messages):
        self.response, self.messages, self.calls = response, messages, calls
        self.usage, self.stopped, self.new_messages = usage, stopped, new_messages


def is_runnable(tool) -> bool:
    return hasattr(tool, "execute") and hasattr(tool, "spec")


def _spec(tool) -> ToolSpec:
    return tool.spec() if is_runnable(tool) else ToolSpec.from_python(tool)


def _message_of(exc: BaseException) -> str:
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__


def run_tools(send, request, tools, *, max_calls: int = 11, tool_choice=None, on_event=None, on_text=None,
              reset=None, max_errors: int = MAX_CONSECUTIVE_ERRORS, who: str = "llm/chat") -> Outcome:
    """Run the loop (see the module docstring).

    ``send(request, on_chunk)`` makes one model call (streaming to ON_CHUNK
    when it is not None).  TOOL_CHOICE is None, a string for every call, or
    a list with one per call (the last repeating).  ``on_event(dict)`` hears
    each tool call's ``start`` and ``end``.  ``reset()`` is called after a
    tool raised (Lisp tools leave tail-call state behind).
    """
    specs = tuple(_spec(t) for t in tools)
    runnable = {t.name: t for t in tools if is_runnable(t)}
    messages = list(request.messages)
    start = len(messages)
    total = Usage()
    consecutive, errors = 0, []
    response = None
    for n in range(max(1, max_calls)):
        choice = tool_choice[min(n, len(tool_choice) - 1)] if isinstance(tool_choice, (list, tuple)) \
            else tool_choice
        if choice == "required" and n > 0 and not isinstance(tool_choice, (list, tuple)):
            choice = None  # forcing a call every round would never end
        req = request.evolve(messages=tuple(messages), tools=specs or None, tool_choice=choice)
        response = send(req, on_text)
        total = total + response.usage
        if not response.tool_calls or choice == "none":
            messages.append(Message("assistant", response.content))
            return Outcome(response, messages, n + 1, total, "done", messages[start:])
        messages.append(Message("assistant", response.content, response.tool_calls))
        if n == max_calls - 1:
            return Outcome(response, messages, n + 1, total, "max-turns", messages[start:])
        results = _run_calls(response.tool_calls, runnable, on_event, reset)
        for call, (text, failed) in zip(response.tool_calls, results):
            messages.append(Message("tool", text, tool_call_id=call.id, name=call.name))
            if failed:
                consecutive += 1
                errors.append(f"{call.name}: {text[len('error: '):]}")
                if consecutive >= max_errors:
                    raise ToolLoopError(f"{who}: stopped after {consecutive} consecutive tool errors; the last: "
                                        f"{errors[-1]}", messages=messages, tool_errors=errors)
            else:
                consecutive = 0
    return Outcome(response, messages, max_calls, total, "max-turns", messages[start:])


def _run_calls(calls, runnable, on_event, reset) -> list[tuple[str, bool]]:
    """``(result text, failed)`` per call, in order."""
    tools = [runnable.get(c.name) for c in calls]
    together = len(calls) > 1 and all(t is not None and getattr(t, "runs_anywhere", False) for t in tools)
    for c in calls:
        _emit(on_event, {"event": "start", "tool": c.name, "args": c.arguments, "id": c.id})
    if together:
        from .inflight import map_threads
        outcomes = map_threads(lambda pair: _run_one(pair[0], pair[1], None), list(zip(calls, tools)), len(calls))
    else:
        outcomes = [_run_one(c, t, reset) for c, t in zip(calls, tools)]
    for c, (text, failed, ms) in zip(calls, outcomes):
        _emit(on_event, {"event": "end", "tool": c.name, "args": c.arguments, "id": c.id, "result": text,
                         "error": failed, "duration-ms": ms})
    return [(text, failed) for text, failed, _ in outcomes]


def _run_one(call, tool, reset) -> tuple[str, bool, float]:
    started = time.monotonic()

    def done(text, failed):
        return text, failed, round((time.monotonic() - started) * 1000.0, 3)
    if tool is None:
        return done(f"error: unknown tool \"{call.name}\"", True)
    if call.raw_arguments is not None:
        return done(f"error: the arguments are not a JSON object: {call.raw_arguments[:200]}", True)
    try:
        return done(tool.execute(call.arguments), False)
    except Exception as exc:  # the model gets the error and may correct its call
        if reset is not None:
            reset()
        return done(f"error: {_message_of(exc)}", True)


def _emit(on_event, event: dict) -> None:
    if on_event is not None:
        on_event(event)


def chat_with_tools(state, who: str, messages: list, o: dict, *, tools, reset=None) -> ChatResponse:
    """``llm/chat`` with runnable tools: the loop through the request pipeline; returns the last response.

    Options: ``:tool-mode`` (``:auto``, ``:none`` or ``:required``: the first call must use a tool),
    ``:max-tool-rounds`` (10: rounds of tool calls before the model must have answered).
    """
    from ..errors import LispTypeError, LispValueError
    from .lisp_provider import build_request, lisp_int, lisp_name
    from .pipeline import Call
    mode = lisp_name(o["tool-mode"], who, "a tool mode") if o.get("tool-mode") is not None else "auto"
    if mode not in ("auto", "none", "required"):
        raise LispValueError(f"{who}: :tool-mode must be :auto, :none or :required, got :{mode}")
    rounds = lisp_int(who, "max-tool-rounds", o.get("max-tool-rounds"))
    if rounds is not None and rounds < 0:
        raise LispTypeError(f"{who}: :max-tool-rounds must not be negative")
    rounds = 10 if rounds is None else rounds
    base = {k: v for k, v in o.items() if k not in ("tools", "tool-choice")}
    request = build_request(who, messages, base)
    options = {"provider": o["provider"]} if o.get("provider") is not None else {}

    def send(req, on_chunk):
        return state.pipeline.call(Call(req, who, "stream" if on_chunk else "chat", options, on_chunk))
    choice = None if mode == "auto" else mode
    outcome = run_tools(send, request, tools, max_calls=rounds + 1, tool_choice=choice, reset=reset, who=who)
    return outcome.response.evolve(content=outcome.response.content)


__all__ = ["run_tools", "chat_with_tools", "Outcome", "ToolLoopError", "MAX_CONSECUTIVE_ERRORS", "is_runnable"]
