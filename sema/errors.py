"""The error tree, source spans, and how errors are rendered.

::

    SemaError
    ├── ReaderError                 malformed source text (also a SyntaxError)
    │   └── IncompleteInput         source that is merely unfinished (the REPL reads on)
    ├── LispSyntaxError             a special form of the wrong shape (also a SyntaxError)
    ├── UnboundSymbolError          (also a NameError)
    ├── LispTypeError               (also a TypeError)
    ├── ArityError                  (also a TypeError)
    ├── LispValueError              (also a ValueError)
    ├── DivisionByZero              (also a ZeroDivisionError)
    ├── RecursionDepthError         (also a RecursionError)
    ├── UserError                   (throw ...) and (error ...); carries the thrown value
    ├── LispIOError                 (also an OSError)
    ├── PermissionDenied            (also a PermissionError)
    ├── EvalTimeoutError            an evaluation past its timeout (also a TimeoutError)
    ├── EvalCancelledError          an evaluation cancelled from another thread
    ├── EvalError                   anything else the language reports
    └── LlmError                    see sema.llm.errors for its subtree

Spans are 1-based (line and column) with an exclusive end, Lark's convention,
since the positions come from Lark.  ``Span.file`` is the name given to the
reader (a path, or ``<eval>``/``<repl>``); :data:`SOURCES` keeps the text of
every source read so that an error can quote its line.

An error that passes through compiled Lisp code collects a Lisp call stack
(:class:`Frame` list, innermost first) and, if it has none yet, the span of
the innermost Lisp form being evaluated.
"""

from __future__ import annotations

import os

#: file name -> source text, for quoting the offending line in rendered errors
SOURCES: dict[str, str] = {}


class Span:
    """A region of source: 1-based ``line``/``col``, exclusive ``end_line``/``end_col``."""

    __slots__ = ("file", "line", "col", "end_line", "end_col")

    def __init__(self, file: str, line: int, col: int, end_line: int | None = None, end_col: int | None = None):
        self.file = file
        self.line = line
        self.col = col
        self.end_line = line if end_line is None else end_line
        self.end_col = col + 1 if end_col is None else end_col

    def __repr__(self) -> str:
        return f"Span({self.file!r}, {self.line}, {self.col}, {self.end_line}, {self.end_col})"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def __eq__(self, other):
        return isinstance(other, Span) and (self.file, self.line, self.col, self.end_line, self.end_col) == (
            other.file, other.line, other.col, other.end_line, other.end_col)

    def __hash__(self):
        return hash((self.file, self.line, self.col))


class Frame:
    """One entry of a Lisp call stack: the function's name and where it was running."""

    __slots__ = ("name", "span")

    def __init__(self, name: str, span: Span | None):
        self.name = name
        self.span = span

    def __repr__(self) -> str:
        return f"Frame({self.name!r}, {self.span!r})"


class SemaError(Exception):
    """Root of every error the language reports.

    ``message`` is the text without position; ``span`` is where it happened (or
    None); ``frames`` is the Lisp call stack, innermost first; ``hints`` are
    extra lines shown under the error.
    """

    kind = "eval"

    def __init__(self, message: str, span: Span | None = None, *, hints=None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.frames: list[Frame] = []
        self.hints: list[str] = list(hints or ())

    def __str__(self) -> str:
        if self.span is not None:
            return f"{self.span}: {self.message}"
        return self.message

    def with_span(self, span: Span | None) -> "SemaError":
        if self.span is None and span is not None:
            self.span = span
        return self

    def extra_fields(self) -> dict:
        """Extra entries for the error map a ``catch`` receives (keyword name -> value)."""
        return {}


class ReaderError(SemaError, SyntaxError):
    """Source text that cannot be read."""

    kind = "reader"


class IncompleteInput(ReaderError):
    """Source text that is unfinished: an open list, string or block comment."""


class LispSyntaxError(SemaError, SyntaxError):
    """A special form used with the wrong shape, e.g. ``(let (x) x)``."""

    kind = "eval"  # Sema reports a malformed special form as :eval


class UnboundSymbolError(SemaError, NameError):
    """A symbol with no binding."""

    kind = "unbound"

    def __init__(self, name: str, span: Span | None = None, *, candidates=()):
        import difflib  # only when a name is actually unbound

        hints = []
        close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.75)
        if close:
            hints.append("did you mean " + ", ".join(close) + "?")
        if name in VETERAN_HINTS:
            hints.append(VETERAN_HINTS[name])
        super().__init__(f"unbound symbol: {name}", span, hints=hints)
        self.name = name

    def extra_fields(self):
        return {"name": self.name}


class LispTypeError(SemaError, TypeError):
    """A value of the wrong type."""

    kind = "type-error"


class ArityError(SemaError, TypeError):
    """A function called with the wrong number of arguments."""

    kind = "arity"


class LispValueError(SemaError, ValueError):
    """A value of the right type but unusable (an index out of range, a bad number string)."""

    kind = "eval"  # the error map's :type, as Sema reports it


class DivisionByZero(SemaError, ZeroDivisionError):
    kind = "eval"  # Sema: (/ 1 0) is an :eval error


class RecursionDepthError(SemaError, RecursionError):
    kind = "eval"


class UserError(SemaError):
    """Raised by ``(throw value)`` and ``(error "message" ...)``; ``value`` is what was thrown."""

    kind = "user"

    def __init__(self, value, message: str | None = None, span: Span | None = None):
        from .values import display_str

        if message is None:
            message = display_str(value) if not isinstance(value, str) else value
        super().__init__(message, span)
        self.value = value

    def extra_fields(self):
        return {"value": self.value}


class LispIOError(SemaError, OSError):
    kind = "io"


class PermissionDenied(SemaError, PermissionError):
    kind = "permission-denied"


class EvalError(SemaError):
    kind = "eval"


class EvalTimeoutError(SemaError, TimeoutError):
    """An evaluation stopped because it ran past its ``timeout``."""

    kind = "timeout"


class EvalCancelledError(SemaError):
    """An evaluation stopped by :meth:`Interpreter.cancel` from another thread."""

    kind = "cancelled"


class ExitRequest(BaseException):
    """Raised by ``(exit code)``: unwinds to the CLI, which exits with ``code``."""

    def __init__(self, code: int = 0):
        super().__init__(code)
        self.code = code


VETERAN_HINTS = {
    "setq": "sema uses set! to assign a variable",
    "setf": "sema uses set! to assign a variable",
    "defun": "define a function with (define (name args ...) body ...)",
    "progn": "sema uses begin to sequence expressions",
    "call/cc": "sema has no first-class continuations; use try/catch or throw for early exits",
    "call-with-current-continuation": "sema has no first-class continuations; use try/catch or throw",
    "nil?": "use (nil? x) or (null? x); both exist in sema",
    "lambda*": "write rest arguments as (lambda (a . rest) ...)",
    "defvar": "use define",
    "def": "use define",
    "funcall": "call a function value directly: (f x)",
    "print-line": "use println",
    "puts": "use println",
    "car-safe": "car of '() is nil in sema",
    "hash-table-get": "use get on a map: (get m key)",
    "dict": "maps are written {:key value} or built with (hash-map ...)",
}


# ---------------------------------------------------------------- rendering


def color_enabled(stream) -> bool:
    """True when ``stream`` is a terminal and NO_COLOR is not set."""
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def source_line(span: Span) -> str | None:
    text = SOURCES.get(span.file)
    if text is None:
        try:
            with open(span.file, encoding="utf-8") as fh:
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
    label = "error"
    out = [f"{bold}{where}{reset}{red}{label}:{reset} {err.message}"]
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
