"""The REPL's state and evaluation, shared by the terminal session and the plain mode.

:class:`ReplState` owns the interpreter (``,reset`` replaces it), reads each
input, runs its forms one by one on the big-stack worker thread, prints each
value in ``write`` form (nil prints nothing) and each error as a rendered
sema error, and keeps ``*1 *2 *3`` (the last values) and ``*e`` (the last
error, as the map a ``catch`` would receive) as Lisp globals.

All inputs of a session form one virtual source file (``<repl>``, or
``<stdin>`` in the plain mode): an input is read with as many blank lines in
front of it as the session had lines before it, so an error names the line
the user typed, and a function defined ten inputs ago still quotes its own
line when it fails.  No prompt_toolkit here.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from ..diagnostics import render
from ..errors import ExitRequest, IncompleteInput, SemaError
from ..printer import write_str
from ..runtime.names import mangle
from .names import RESULT_VARS


class ReplState:
    """One REPL session: an interpreter, the session's source text, and the result variables."""

    def __init__(self, interp, *, filename: str = "<repl>", color: bool = False,
                 warn_redefinitions: bool = False, fresh_lines: bool = False, stdout=None, stderr=None,
                 pretty: bool = False, width=None):
        self.filename = filename
        self.pretty = pretty   # values broken to the terminal's width and cut (repl/pretty.py)
        self._width = width    # a fixed width (tests), else the terminal's
        self.fresh_lines = fresh_lines
        self._tracker: LineTracker | None = None
        self.color = color
        self.warn_redefinitions = warn_redefinitions
        self._stdout = stdout
        self._stderr = stderr
        self.source = ""     # every input so far, one after the other
        self.lines = 0       # lines in self.source
        self.failed = False  # any error so far (the plain mode's exit status)
        self.input_line = 0  # the line the current input starts on (0-based)
        self.interp = None
        self.set_interpreter(interp)

    # ------------------------------------------------------------ output

    @property
    def out(self):
        """Where values go: sys.stdout as it is now (prompt_toolkit may have patched it)."""
        return self._stdout if self._stdout is not None else sys.stdout

    @property
    def err(self):
        return self._stderr if self._stderr is not None else sys.stderr

    def say(self, text: str) -> None:
        """Print a line of REPL output (command results, notes)."""
        self._fresh_line()
        self.out.write(text + "\n")
        self.out.flush()

    def warn(self, text: str) -> None:
        self._fresh_line()
        self.err.write(text + "\n")
        self.err.flush()

    def _fresh_line(self) -> None:
        """End a line the program left unfinished (``(display "x")``) before printing."""
        tracker = self._tracker
        if tracker is not None and not tracker.at_line_start:
            self.out.write("\n")
            self.out.flush()

    @contextmanager
    def _tracking(self):
        """While an input runs, note whether stdout/stderr end a line (only with ``fresh_lines``).

        Output passes straight through (streamed LLM text appears at once);
        the streams are restored afterwards and an unfinished line is ended so
        the next prompt starts at the margin.
        """
        if not self.fresh_lines or self._tracker is not None:
            yield
            return
        tracker = self._tracker = LineTracker()
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = TrackedStream(saved[0], tracker), TrackedStream(saved[1], tracker)
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved
            self._tracker = None
            if not tracker.at_line_start:
                self.out.write("\n")
                self.out.flush()

    # ------------------------------------------------------------ the interpreter

    def set_interpreter(self, interp) -> None:
        """Use ``interp`` from now on (``,reset``); its ``*1 *2 *3 *e`` start as nil."""
        from .pretty import DEFAULTS
        self.interp = interp
        for name in RESULT_VARS:
            interp.namespace.setdefault(mangle(name), None)
        for name, value in DEFAULTS.items():
            interp.namespace.setdefault(mangle(name), value)

    def reset(self) -> None:
        """Replace the interpreter by a fresh one with the same LLM settings and arguments."""
        from ..interpreter import Interpreter
        old = self.interp
        new = Interpreter(llm=old.llm_enabled, args=old.args, model=old.llm_model, provider=old.llm_provider,
                          allow=old.policy)
        self.set_interpreter(new)

    def push_result(self, value) -> None:
        ns = self.interp.namespace
        one, two, three = (mangle(n) for n in RESULT_VARS[:3])
        ns[three], ns[two], ns[one] = ns.get(two), ns.get(one), value

    def set_error(self, exc: BaseException) -> None:
        from ..interpreter import error_map
        from ..values import Keyword, make_map
        if isinstance(exc, SemaError):
            value = error_map(exc)
        else:
            value = make_map([(Keyword("type"), Keyword("internal")), (Keyword("message"), str(exc))])
        self.interp.namespace[mangle("*e")] = value

    # ------------------------------------------------------------ reading

    def read(self, text: str, *, final: bool = True) -> list:
        """The forms of one input, which becomes part of the session's source.

        Raises IncompleteInput (consuming nothing) when ``text`` is unfinished
        and not ``final``; other reader errors are raised after the text is
        added to the session, so that their caret can quote it.
        """
        from ..reader import read_all
        if not text.endswith("\n"):
            text += "\n"
        try:
            forms = read_all("\n" * self.lines + text, self.filename)
        except IncompleteInput:
            if not final:
                raise
            self._consume(text)
            raise
        except SemaError:
            self._consume(text)
            raise
        self._consume(text)
        return forms

    def _consume(self, text: str) -> None:
        self.source += text
        self.lines += text.count("\n")

    # ------------------------------------------------------------ running

    def feed(self, text: str, *, final: bool = True) -> bool:
        """Handle one input (a command or Lisp forms), printing values and errors.

        Returns False, having done nothing, if the text is unfinished and not
        ``final``.  ExitRequest (``,quit``, ``(exit)``) and KeyboardInterrupt
        pass through to the caller.
        """
        from .commands import is_command, run_command
        self.input_line = self.lines
        if is_command(text):
            self._consume(text if text.endswith("\n") else text + "\n")
            with self._tracking():
                self.guard(run_command, self, text)
            return True
        try:
            forms = self.read(text, final=final)
        except IncompleteInput as exc:
            if not final:
                return False
            self.show_error(exc)
            return True
        except SemaError as exc:
            self.show_error(exc)
            return True
        with self._tracking():
            self.guard(self.run_forms, forms)
        return True

    def guard(self, fn, *args) -> None:
        """Call ``fn``, printing any error it raises (ExitRequest and Ctrl-C pass through)."""
        try:
            fn(*args)
        except (ExitRequest, KeyboardInterrupt):
            raise
        except Exception as exc:
            self.show_error(exc)

    def run_forms(self, forms, show=None) -> list:
        """Evaluate forms in order, printing each value; returns the values.

        An error stops the remaining forms of the input, as it would in a file.
        """
        from ..runtime.worker import run_with_deep_stack
        interp = self.interp
        before = set(interp._redefined) if self.warn_redefinitions else None
        interp._prescan(forms)
        if before is not None:
            for name in sorted(interp._redefined - before):
                if interp.is_builtin(name):
                    self.warn(f"warning: redefining the builtin {name}")
        values = []
        for form in forms:
            value = run_with_deep_stack(interp._eval_form, form, self.filename)
            values.append(value)
            self.push_result(value)
            (show or self.show_value)(value)
        return values

    def evaluate(self, text: str, column: int = 0) -> list:
        """Read and run ``text`` (the argument of ``,time`` or ``,type``) without printing values.

        ``column`` is where the text starts on its line, so that carets line up.
        The text is part of the current input, already in the session's source.
        """
        from ..reader import read_all
        forms = read_all("\n" * self.input_line + " " * column + text + "\n", self.filename)
        return self.run_forms(forms, show=lambda value: None)

    def interrupted(self) -> None:
        """After Ctrl-C stopped an evaluation: leave the interpreter usable."""
        reset = getattr(self.interp, "_reset_tail_state", None)
        if reset is not None:
            reset()

    # ------------------------------------------------------------ printing

    def show_value(self, value) -> None:
        if value is None:
            return
        if value is getattr(self.interp, "streamed", None):  # llm/stream already printed it, chunk by chunk
            self.interp.streamed = None
            return
        self.say(self.format(value))

    def format(self, value) -> str:
        """``value`` as the REPL shows it: pretty-printed and cut (terminal), or in write form (plain mode)."""
        if not self.pretty:
            return write_str(value)
        from .pretty import pretty, settings
        length, level = settings(self.interp.namespace)
        return pretty(value, width=self.width(), length=length, level=level)

    def width(self) -> int:
        if self._width is not None:
            return self._width
        import shutil
        return shutil.get_terminal_size((80, 24)).columns

    def show_error(self, exc: BaseException) -> None:
        """Print ``exc`` (a rendered sema error, or an internal error with its traceback); keep it as *e."""
        self.failed = True
        try:
            self.set_error(exc)
        except Exception:  # never let bookkeeping hide the error itself
            pass
        if isinstance(exc, SemaError):
            self.warn(render(exc, color=self.color))
            return
        import traceback
        self.warn("sema: internal error, please report it with the traceback below")
        self.warn("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())


class LineTracker:
    """Whether the terminal's cursor is at the start of a line, as far as the program's output tells."""

    __slots__ = ("at_line_start",)

    def __init__(self):
        self.at_line_start = True


class TrackedStream:
    """A stream wrapper that passes writes through at once and notes whether they ended a line."""

    def __init__(self, stream, tracker: LineTracker):
        self._stream = stream
        self._tracker = tracker

    def write(self, text):
        n = self._stream.write(text)
        if text:
            self._tracker.at_line_start = text.endswith("\n")
        return n

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def timed(fn):
    """``(seconds, result)`` of calling ``fn()``."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
