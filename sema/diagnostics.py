"""Rendering errors for people: source snippets, carets, Lisp stacks and hints.

The error classes live in ``sema.errors`` and import nothing; this module
turns them into text the way the CLI and the REPL print them::

    file.scm:3:5: error: car: argument 1 must be a list, got integer 5
     3 |   (car 5)
       |   ^^^^^^^
      at f (file.scm:3:3)
    hint: ...
"""

from __future__ import annotations

import os
import sys

from .errors import SemaError, Span

#: hints for names users of other Lisps reach for and sema spells differently (never for a name sema has)
VETERAN_HINTS = {
    "setq": "sema uses set! to assign a variable",
    "setf": "sema uses set! to assign a variable",
    "call/cc": "sema has no first-class continuations; use try/catch or throw for early exits",
    "call-with-current-continuation": "sema has no first-class continuations; use try/catch or throw",
    "lambda*": "write rest arguments as (lambda (a . rest) ...)",
    "defvar": "use define",
    "defparameter": "use define",
    "funcall": "call a function value directly: (f x)",
    "print-line": "use println",
    "puts": "use println",
    "car-safe": "car of '() is nil in sema",
    "hash-table-get": "use get on a map: (get m key)",
    "gethash": "use get on a map: (get m key)",
    "dict": "maps are written {:key value} or built with (hash-map ...)",
}


def unbound_hints(name: str, candidates=(), *, form_names=()) -> list[str]:
    """The hints for the unbound symbol ``name``: close names that exist, and veteran advice.

    ``candidates`` are the names that are bound; ``form_names`` the special and
    derived forms (a form's name used as a value is unbound, but is no typo).
    """
    import difflib  # only when a name is actually unbound

    if name in form_names:
        return [f"{name} is a special form: it can only be used at the head of a list, ({name} ...)"]
    hints = []
    pool = [c for c in dict.fromkeys(candidates) if c != name]
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.75)
    if close:
        hints.append("did you mean " + ", ".join(close) + "?")
    advice = VETERAN_HINTS.get(name)
    if advice is not None:
        hints.append(advice)
    return hints


def color_enabled(stream) -> bool:
    """True when ``stream`` is a terminal and NO_COLOR is not set."""
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def source_line(span: Span) -> str | None:
    """The text of the line ``span`` starts on, from the source it names (or the file on disk)."""
    text = getattr(span.file, "text", None)
    if text is None:
        if str(span.file).startswith("<"):
            return None
        try:
            with open(span.file, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except OSError:
            return None
    lines = text.splitlines()
    if 1 <= span.line <= len(lines):
        return lines[span.line - 1]
    return None


def caret_snippet(span: Span) -> list[str]:
    """The source line of ``span`` with a caret underline, as a list of lines."""
    line = source_line(span)
    if line is None:
        return []
    number = str(span.line)
    pad = " " * len(number)
    start = max(span.col - 1, 0)
    if span.end_line == span.line:
        width = max(span.end_col - span.col, 1)
    else:
        width = max(len(line) - start, 1)
    return [f" {number} | {line}", f" {pad} | " + " " * start + "^" * width]


def render(err: BaseException, *, color: bool = False) -> str:
    """Render an error the way the CLI prints it.

    ``file:line:col: error: message``, the source line with a caret, the Lisp
    call stack as ``at fn (file:line:col)`` lines, then ``hint:`` lines.
    """
    red, bold, dim, reset = ("\x1b[31m", "\x1b[1m", "\x1b[2m", "\x1b[0m") if color else ("", "", "", "")
    if not isinstance(err, SemaError):
        return f"{red}error:{reset} {err}"
    where = f"{err.span}: " if err.span is not None else ""
    out = [f"{bold}{where}{reset}{red}error:{reset} {err.message}"]
    if err.span is not None:
        out.extend(caret_snippet(err.span))
    previous, repeats = None, 0
    for frame in err.frames + [None]:
        here = (frame.name, str(frame.span)) if frame is not None else None
        if here == previous:
            repeats += 1
            continue
        if repeats:
            out.append(f"{dim}  ... the frame above {repeats} more time{'s' if repeats > 1 else ''}{reset}")
        previous, repeats = here, 0
        if frame is not None:
            loc = f" ({frame.span})" if frame.span is not None else ""
            out.append(f"{dim}  at {frame.name}{loc}{reset}")
    for hint in err.hints:
        out.append(f"hint: {hint}")
    return "\n".join(out)


def report(exc: BaseException, stream=None) -> int:
    """Print an error raised while running Lisp; returns the command's exit code.

    A Lisp error prints rendered (exit 1); anything else is a bug in sema and
    prints as an internal error with its Python traceback (exit 70).
    """
    stream = sys.stderr if stream is None else stream
    if isinstance(exc, SemaError):
        stream.write(render(exc, color=color_enabled(stream)) + "\n")
        return 1
    import traceback
    stream.write("sema: internal error, please report it with the traceback below\n")
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=stream)
    return 70
