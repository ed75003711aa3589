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
    ├── ResourceLimitError          an evaluation past its interpreter's output or memory limit
    ├── PythonError                 an exception of a Python function the embedder registered
    ├── EvalError                   anything else the language reports
    └── LlmError                    see sema.llm.errors for its subtree

Spans are 1-based (line and column) with an exclusive end, Lark's convention,
since the positions come from Lark.  ``Span.file`` is the name given to the
reader (a path, or ``<eval>``/``<repl>``); when it is a :class:`SourceName` it
also carries the text it names, so that an error can quote its line however
many other sources of the same name were read since (no table is shared
between interpreters).

This module defines; ``sema.diagnostics`` renders.

An error that passes through compiled Lisp code collects a Lisp call stack
(:class:`Frame` list, innermost first) and, if it has none yet, the span of
the innermost Lisp form being evaluated.
"""

from __future__ import annotations


class SourceName(str):
    """The name of a source (it compares and prints as the name) that also carries its ``text``."""

    def __new__(cls, name: str, text: str | None):
        self = super().__new__(cls, name)
        self.text = text
        return self

    def __reduce__(self):
        return (str, (str(self),))


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
    """Source text that cannot be read.

    As a SyntaxError it has ``filename``, ``lineno``, ``offset`` (1-based
    column), ``end_lineno``, ``end_offset`` and ``text`` (the source line),
    taken from its span, as ``code.InteractiveConsole`` and tracebacks expect.
    """

    kind = "reader"

    filename = property(lambda self: str(self.span.file) if self.span is not None else None,
                        lambda self, value: None)
    lineno = property(lambda self: self.span.line if self.span is not None else None, lambda self, value: None)
    offset = property(lambda self: self.span.col if self.span is not None else None, lambda self, value: None)
    end_lineno = property(lambda self: self.span.end_line if self.span is not None else None,
                          lambda self, value: None)
    end_offset = property(lambda self: self.span.end_col if self.span is not None else None,
                          lambda self, value: None)

    @property
    def text(self):
        span = self.span
        source = getattr(span.file, "text", None) if span is not None else None
        if source is None:
            return None
        lines = source.splitlines()
        return lines[span.line - 1] if 0 < span.line <= len(lines) else None

    @text.setter
    def text(self, value):
        pass


class IncompleteInput(ReaderError):
    """Source text that is unfinished: an open list, string or block comment."""


class LispSyntaxError(SemaError, SyntaxError):
    """A special form used with the wrong shape, e.g. ``(let (x) x)``."""

    kind = "eval"  # Sema reports a malformed special form as :eval


class UnboundSymbolError(SemaError, NameError):
    """A symbol with no binding."""

    kind = "unbound"

    def __init__(self, name: str, span: Span | None = None, *, hints=()):
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
    """Raised by ``(throw value)`` and ``(error "message" ...)``; ``value`` is what was thrown.

    Out of the embedding API (``Interpreter.eval`` ...) ``value`` is converted
    to Python data like any result, and ``lisp_value`` keeps the Lisp value.
    """

    kind = "user"

    def __init__(self, value, message: str | None = None, span: Span | None = None):
        if message is None:  # the raiser normally gives the printed value; a string is its own message
            message = value if isinstance(value, str) else repr(value)
        super().__init__(message, span)
        self.value = value

    def extra_fields(self):
        return {"value": self.value}


class LispIOError(SemaError, OSError):
    kind = "io"


class PermissionDenied(SemaError, PermissionError):
    """An operation the interpreter's capabilities do not allow (see ``sema.runtime.capabilities``).

    ``capability`` is the capability it needs, ``operation`` the builtin that
    tried, ``target`` the path, URL or host it was for (or None).  Lisp
    ``catch`` sees them as ``:capability :operation :target`` (and Sema's
    ``:function``).
    """

    kind = "permission-denied"
    capability: str | None = None
    operation: str | None = None
    target: str | None = None

    def extra_fields(self):
        if self.capability is None:
            return {}
        from .values import Keyword
        return {"capability": Keyword(self.capability), "operation": self.operation,
                "function": self.operation, "target": self.target}


class PythonError(SemaError):
    """A Python function registered by the embedding program raised an exception.

    Lisp ``catch`` receives ``{:type :python-error :python-type "ValueError"
    :python-message "..."}``; Python sees the original exception as ``__cause__``.
    """

    kind = "python-error"

    def __init__(self, function: str, exc: BaseException):
        self.python_type = type(exc).__name__
        self.python_message = str(exc)
        super().__init__(f"{function}: the Python function raised {self.python_type}: {self.python_message}")

    def extra_fields(self):
        return {"python-type": self.python_type, "python-message": self.python_message}


class EvalError(SemaError):
    kind = "eval"


class EvalTimeoutError(SemaError, TimeoutError):
    """An evaluation stopped because it ran past its ``timeout``."""

    kind = "timeout"


class EvalCancelledError(SemaError):
    """An evaluation stopped by :meth:`Interpreter.cancel` from another thread."""

    kind = "cancelled"


class ResourceLimitError(SemaError):
    """An evaluation stopped because it went past a limit of its interpreter (``max_output``, ``max_memory``).

    ``resource`` is ``"output"`` or ``"memory"``, ``limit`` the limit (characters or bytes).
    """

    kind = "limit"

    def __init__(self, resource: str, limit: int | None, message: str | None = None):
        if message is None:
            what = f"{limit:,} characters of output" if resource == "output" else \
                f"{limit / (1 << 20):g} MiB more memory"
            message = f"evaluation stopped: it used more than {what}, the interpreter's limit"
        super().__init__(message)
        self.resource = resource
        self.limit = limit

    def extra_fields(self):
        return {"resource": self.resource, "limit": self.limit}


class ExitRequest(BaseException):
    """Raised by ``(exit code)``: unwinds to the CLI, which exits with ``code``.

    A BaseException (not an error: Lisp ``catch`` does not stop it).  An embedder
    that runs code calling ``exit`` catches it as ``sema.ExitRequest`` and reads
    ``code``.
    """

    def __init__(self, code: int = 0):
        super().__init__(code)
        self.code = code
