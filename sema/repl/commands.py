"""REPL commands: an input starting with a comma and a word, such as ``,doc car``.

Each command is a function ``(state, arg, column)`` registered in
:data:`COMMANDS` with the ``@command`` decorator; ``arg`` is the text after
the command word and ``column`` where it starts on the line (so that errors
in ``,time EXPR`` point at the right place).  They work the same in the
terminal session and in the plain mode.  No prompt_toolkit here.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from ..errors import ExitRequest
from .multiline import is_command  # noqa: F401  (re-exported for core.py)


class Command(NamedTuple):
    name: str
    aliases: tuple
    args: str
    help: str
    run: Callable


#: command name or alias -> Command
COMMANDS: dict[str, Command] = {}
_ORDER: list[Command] = []
_WORD = re.compile(r"\s*,([A-Za-z?][\w?!-]*)[ \t]*")

KEYS_HELP = """\
keys: Enter runs the input once it is complete (otherwise it adds an indented line);
      Alt-Enter runs it as it is; Ctrl-J adds a line; Tab completes; Ctrl-R searches
      the history; Ctrl-C clears the line or stops a running evaluation; Ctrl-D exits."""


def command(name: str, *aliases: str, args: str = "", help: str):
    """Register the decorated function as the REPL command ``,name``."""

    def register(fn):
        cmd = Command(name, aliases, args, help, fn)
        _ORDER.append(cmd)
        for key in (name, *aliases):
            COMMANDS[key] = cmd
        return fn

    return register


def run_command(state, text: str) -> None:
    """Run the command line ``text`` (it starts with ``,word``)."""
    m = _WORD.match(text)
    if m is None:
        state.warn("error: a command is a comma and a name, e.g. ,help")
        return
    cmd = COMMANDS.get(m.group(1))
    if cmd is None:
        state.failed = True
        state.warn(f"error: unknown command ,{m.group(1)} (,help lists the commands)")
        return
    arg = text[m.end():].rstrip()
    first_line = text.split("\n", 1)[0]
    cmd.run(state, arg, min(m.end(), len(first_line)))


def _need(state, arg: str, usage: str) -> bool:
    if not arg.strip():
        state.warn(f"usage: {usage}")
        return False
    return True


# ---------------------------------------------------------------- the commands


@command("help", "h", "?", help="this list")
def cmd_help(state, arg, column):
    rows = []
    for cmd in _ORDER:
        names = ", ".join(f",{n}" for n in (cmd.name, *cmd.aliases) if n != "?")
        rows.append((f"{names} {cmd.args}".rstrip(), cmd.help))
    width = max(len(left) for left, _ in rows)
    lines = ["commands:"] + [f"  {left.ljust(width)}  {right}" for left, right in rows]
    lines.append("values: *1 *2 *3 are the last three results, *e the last error (a map)")
    lines.append(KEYS_HELP)
    state.say("\n".join(lines))


@command("quit", "q", "exit", help="leave the REPL (so does Ctrl-D)")
def cmd_quit(state, arg, column):
    raise ExitRequest(0)


@command("doc", args="NAME", help="the documentation of a function, special form or macro")
def cmd_doc(state, arg, column):
    if _need(state, arg, ",doc NAME"):
        state.say(state.interp.doc_text(arg.strip()))


@command("apropos", args="TEXT", help="the names that contain TEXT, with their call shapes")
def cmd_apropos(state, arg, column):
    from .names import catalogue
    if not _need(state, arg, ",apropos TEXT"):
        return
    needle = arg.strip().lower()
    found = sorted((name, about) for name, about in catalogue(state.interp).items() if needle in name.lower())
    if not found:
        state.say(f"nothing matches {arg.strip()}")
        return
    width = min(max(len(name) for name, _ in found), 28)
    state.say("\n".join(f"{name.ljust(width)}  {about}" for name, about in found))


@command("env", help="the definitions made in this session (and in loaded files)")
def cmd_env(state, arg, column):
    from .names import describe, user_bindings
    bindings = user_bindings(state.interp)
    if not bindings:
        state.say("no user definitions")
        return
    state.say("\n".join(describe(name, bindings[name]) for name in sorted(bindings)))


@command("time", args="EXPR", help="evaluate EXPR and show how long it took")
def cmd_time(state, arg, column):
    from .core import timed
    if not _need(state, arg, ",time EXPR"):
        return
    seconds, values = timed(lambda: state.evaluate(arg, column))
    for value in values:
        state.show_value(value)
    state.say(f"; {_duration(seconds)}")


@command("type", args="EXPR", help="the type of the value of EXPR")
def cmd_type(state, arg, column):
    from ..printer import write_str
    from ..runtime.names import mangle
    from ..values import Keyword, type_name
    if not _need(state, arg, ",type EXPR"):
        return
    values = state.evaluate(arg, column)
    if not values:
        return
    value = values[-1]
    type_fn = state.interp.namespace.get(mangle("type"))
    try:  # the `type` builtin knows record types
        shown = write_str(type_fn(value)) if callable(type_fn) else None
    except Exception:
        shown = None
    state.say(shown or write_str(Keyword(type_name(value))))


@command("expand", args="FORM", help="FORM after one macro expansion step, and fully expanded")
def cmd_expand(state, arg, column):
    from ..reader import read_all
    from .expand import expand_all
    if not _need(state, arg, ",expand FORM"):
        return
    forms = read_all("\n" * state.input_line + " " * column + arg + "\n", state.filename)
    for form in forms:
        one = state.interp._expand_once(form)
        full = expand_all(state.interp, form)
        state.say("; one step:\n" + state.format(one) + "\n; fully expanded:\n" + state.format(full))


@command("source", args="NAME", help="the definition of a function or macro written in Lisp")
def cmd_source(state, arg, column):
    from .source import source_of
    if _need(state, arg, ",source NAME"):
        state.say(source_of(state.interp, arg.strip()))


@command("load", args="FILE", help="run a file in this session")
def cmd_load(state, arg, column):
    if not _need(state, arg, ",load FILE"):
        return
    path = arg.strip()
    if len(path) >= 2 and path[0] == path[-1] and path[0] in "\"'":
        path = path[1:-1]
    import os
    path = os.path.expanduser(path)
    state.interp.load_file(path)
    state.say(f"loaded {path}")


@command("reset", help="start again with a fresh interpreter (forgets every definition)")
def cmd_reset(state, arg, column):
    state.reset()
    state.say("fresh interpreter: every definition is gone")


@command("providers", help="the configured LLM providers and the default one")
def cmd_providers(state, arg, column):
    state.say(providers_text(state.interp))


def providers_text(interp) -> str:
    """One line per configured provider, the default marked; or why there are none."""
    try:
        registry = interp.llm  # an embedder's interpreter may have no LLM layer at all
    except AttributeError:
        registry = None
    names = list(registry.list()) if registry is not None else []
    if not names:
        return "no providers configured"
    default = getattr(registry, "default", None)
    if callable(default):
        default = default()
    lines = []
    for name in names:
        mark = "*" if name == default else " "
        model = _default_model(registry, name)
        lines.append(f"{mark} {name}" + (f"  (model {model})" if model else ""))
    lines.append(f"default: {default}" if default else "no default provider")
    return "\n".join(lines)


def _default_model(registry, name) -> str:
    get = getattr(registry, "get", None)
    try:
        provider = get(name) if callable(get) else None
    except Exception:
        provider = None
    model = getattr(provider, "default_model", None) or getattr(provider, "model", None)
    return model if isinstance(model, str) else ""


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"
