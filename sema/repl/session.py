"""The terminal REPL: a prompt-toolkit session around :class:`~sema.repl.core.ReplState`.

The prompt runs with ``patch_stdout`` so that output from other threads
does not garble it; evaluation runs *outside* the prompt with the real
standard output, so streamed LLM text appears as it arrives.  Evaluation is
started from this (the main) thread through ``run_with_deep_stack``, which
turns Ctrl-C into a KeyboardInterrupt inside the evaluating thread.
"""

from __future__ import annotations

import os
import sys

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.layout.processors import HighlightMatchingBracketProcessor
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.shortcuts import CompleteStyle

from ..errors import ExitRequest
from .completer import SemaCompleter
from .core import ReplState
from .history import make_history
from .keys import repl_key_bindings
from .lexer import STYLE, SemaLexer

PROMPT = "sema> "


def no_color() -> bool:
    """True when the NO_COLOR convention asks for no colours."""
    return bool(os.environ.get("NO_COLOR"))


def banner() -> str:
    from .._version import __version__
    return f"sema {__version__}  (,help for commands, Ctrl-D to exit)"


def make_session(state: ReplState, *, input=None, output=None, history=None) -> PromptSession:
    """The prompt-toolkit session for ``state`` (``input``/``output`` are for tests)."""
    def continuation(width, line_number, is_soft_wrap):
        return [("class:continuation", "." * (width - 1) + " ")]

    def toolbar():
        from prompt_toolkit.application import get_app
        from .toolbar import toolbar_text
        try:
            before = get_app().current_buffer.document.text_before_cursor
        except Exception:  # no application running (a test calling this directly)
            before = ""
        return [("class:bottom-toolbar.text", " " + toolbar_text(before, state.interp))]

    return PromptSession(
        message=[("class:prompt", PROMPT)],
        multiline=True,
        prompt_continuation=continuation,
        lexer=SemaLexer(lambda: state.interp),
        completer=SemaCompleter(lambda: state.interp),
        complete_while_typing=False,
        complete_style=CompleteStyle.COLUMN,
        auto_suggest=AutoSuggestFromHistory(),
        history=history if history is not None else make_history(warn=state.warn),
        search_ignore_case=True,
        key_bindings=repl_key_bindings(),
        bottom_toolbar=toolbar,
        enable_open_in_editor=True,
        input_processors=[HighlightMatchingBracketProcessor(chars="[](){}")],
        style=STYLE,
        include_default_pygments_style=False,
        color_depth=ColorDepth.DEPTH_1_BIT if no_color() else None,
        enable_suspend=True,
        input=input,
        output=output,
    )


def run_session(interp, *, quiet: bool = False, input=None, output=None, history=None,
                patch: bool = True, width: int | None = None) -> int:
    """Read, evaluate and print until Ctrl-D, ``,quit`` or ``(exit N)``; returns the exit code."""
    color = not no_color() and _is_tty(sys.stderr)
    state = ReplState(interp, filename="<repl>", color=color, warn_redefinitions=True, fresh_lines=True,
                      pretty=True, width=width)
    session = make_session(state, input=input, output=output, history=history)
    if not quiet:
        state.say(banner())
    if input is not None:  # a test's pipe: no terminal to set up
        return _loop(state, session, patch)
    from .terminal import between_prompts
    with between_prompts(sys.stdin):
        return _loop(state, session, patch)


def _loop(state: ReplState, session, patch: bool) -> int:
    while True:
        try:
            if patch:
                with patch_stdout(raw=True):
                    text = session.prompt()
            else:
                text = session.prompt()
        except KeyboardInterrupt:
            continue  # Ctrl-C at the prompt: a fresh line
        except EOFError:
            return 0
        if not text.strip():
            continue
        try:
            state.feed(text, final=True)
        except ExitRequest as exc:
            return exc.code
        except KeyboardInterrupt:
            state.interrupted()
            state.warn("\ninterrupted")


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
