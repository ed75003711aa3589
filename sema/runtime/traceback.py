"""Turning Python exceptions raised while Lisp code runs into Lisp errors.

Compiled code carries Lisp positions and Lisp function names, so the Python
traceback of an exception already is the Lisp call stack: this module reads
it.  Nothing is paid while code runs normally.

A Python exception that is the user's fault (calling a number, a wrong
argument count, a builtin given a string where it wants an integer) becomes
the matching :class:`~sema.errors.SemaError`.  One that is not (an exception
inside sema's own code whose arguments all had the right types) is left as
it is: the CLI reports it as an internal error with its Python traceback.
"""

from __future__ import annotations

import itertools
import re

from ..errors import (
    ArityError, DivisionByZero, EvalError, Frame, LispTypeError, LispValueError, RecursionDepthError,
    SemaError, SourceName, Span, UnboundSymbolError,
)
from .codeinfo import VARIANT_MARK, is_lisp_code, source_text
from .names import unmangle
from .registry import BUILTINS, INTERP_BUILTIN_CODES, explain_failure

_builtin_codes: dict = {}

_PY_TYPES = {
    "int": "integer", "float": "float", "str": "string", "NoneType": "nil", "bool": "boolean",
    "Pair": "list", "ArrayList": "list", "EmptyList": "list", "tuple": "vector", "Map": "map",
    "Keyword": "keyword", "Symbol": "symbol", "Char": "character", "Fraction": "rational",
    "complex": "complex", "Atom": "atom", "Record": "record",
}


class _Pattern:
    """A regular expression compiled on first use (they are needed only when something failed)."""

    __slots__ = ("source", "compiled")

    def __init__(self, source: str):
        self.source = source
        self.compiled = None

    def _re(self):
        if self.compiled is None:
            self.compiled = re.compile(self.source)
        return self.compiled

    def match(self, text: str):
        return self._re().match(text)

    def search(self, text: str):
        return self._re().search(text)


_TAKES = _Pattern(r"^(?P<name>.+?)\(\) takes (?:from (?P<lo>\d+) to (?P<hi>\d+)|(?P<n>\d+)) positional "
                    r"arguments? but (?P<got>\d+)")
_MISSING = _Pattern(r"^(?P<name>.+?)\(\) missing (?P<k>\d+) required positional arguments?: (?P<names>.*)")
_C_TAKES = _Pattern(r"^(?P<name>.+?)\(\) takes (?:exactly )?(?P<n>one|no|\d+) arguments? \((?P<got>\d+) given\)")
_LOCAL = _Pattern(r"variable '([^']+)'")
_NOT_CALLABLE = _Pattern(r"^'([\w.]+)' object is not callable")
_UNSUPPORTED = _Pattern(r"unsupported operand type\(s\) for (\S+): '(\w+)' and '(\w+)'|"
                          r"'(\S+)' not supported between instances of '(\w+)' and '(\w+)'")


def lisp_name_of_local(py: str) -> str:
    base = re.sub(r"_\d+$", "", py)
    return unmangle(base)


_codes_seen = [0]  # len(BUILTINS) when _builtin_codes was last filled (modules load lazily: it grows)


def _builtin_for_code(code):
    if _codes_seen[0] != len(BUILTINS):
        for name, fn in BUILTINS.items():
            c = getattr(fn, "__code__", None)
            if c is not None:
                _builtin_codes.setdefault(c, fn)
        _codes_seen[0] = len(BUILTINS)
    return _builtin_codes.get(code) or INTERP_BUILTIN_CODES.get(code)


def _position(tb) -> Span | None:
    """The Lisp position of the instruction a traceback entry stopped at (from the code's positions)."""
    code = tb.tb_frame.f_code
    try:
        line, end_line, col, end_col = next(itertools.islice(code.co_positions(), tb.tb_lasti // 2, None))
    except (AttributeError, StopIteration):
        line, end_line, col, end_col = tb.tb_lineno, tb.tb_lineno, None, None
    if line is None:
        return None
    file = SourceName(code.co_filename, source_text(code))
    if col is None:
        return Span(file, line, 1)
    return Span(file, line, col + 1, end_line or line, (end_col or col + 1) + 1)


def lisp_stack(tb) -> list[tuple[str, Span | None]]:
    """(function name, position) of every Lisp frame in a traceback, innermost first."""
    out = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if is_lisp_code(code):
            if out and getattr(code, "co_qualname", "").endswith(VARIANT_MARK) and out[-1][0] == code.co_name:
                out.pop()  # the generic function's entry check called its int variant: one Lisp call
            out.append((code.co_name, tb))
        tb = tb.tb_next
    out.reverse()
    # a runaway recursion has 100,000s of frames: keep the ends, where the story is
    if len(out) > 2 * STACK_KEEP:
        out = out[:STACK_KEEP] + [(f"... {len(out) - 2 * STACK_KEEP} more frames ...", None)] + out[-STACK_KEEP:]
    return [(name, _position(t) if t is not None else None) for name, t in out]


#: frames kept at each end of a very deep Lisp stack
STACK_KEEP = 20


def _innermost(tb):
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last


def _type_word(py_type: str) -> str:
    return _PY_TYPES.get(py_type, py_type)


def convert(exc: BaseException, candidates=()) -> SemaError | None:
    """The Lisp error for ``exc``, or None if it is an internal error of sema."""
    if isinstance(exc, SemaError):
        return exc
    tb = exc.__traceback__
    inner = _innermost(tb)
    in_lisp = inner is not None and is_lisp_code(inner.tb_frame.f_code)
    if isinstance(exc, RecursionError):
        return RecursionDepthError("maximum recursion depth exceeded (a function called itself too deeply "
                                   "without a tail call)")
    if isinstance(exc, NameError):
        message = str(exc)
        m = _LOCAL.search(message)
        if m and ("local variable" in message or "free variable" in message):
            return EvalError(f"variable {lisp_name_of_local(m.group(1))} used before it was given a value")
        name = getattr(exc, "name", None)
        if name is None:
            m = re.search(r"name '([^']+)' is not defined", message)
            name = m.group(1) if m else message
        return unbound_error(unmangle(name), candidates)
    message = str(exc)
    if isinstance(exc, TypeError):
        err = _arity(message)
        if err is not None:
            return err
        m = _NOT_CALLABLE.match(message)
        if m and in_lisp:
            return LispTypeError(f"cannot call a value of type {_type_word(m.group(1).rsplit('.', 1)[-1])}: "
                                 "it is not a function")
    if isinstance(exc, MemoryError):
        return EvalError("out of memory: the computation needed more memory than the machine has "
                         "(a huge list, string or number?)")
    if isinstance(exc, ZeroDivisionError):
        return DivisionByZero("division by zero")
    # an exception inside a builtin: did the caller pass the wrong types?  The builtins called
    # after the innermost Lisp frame are asked outermost first: the one Lisp called, then the ones
    # it called with the user's values (apply, map, reduce pass them on).
    builtin_frames = []
    frame_tb = tb
    while frame_tb is not None:
        code = frame_tb.tb_frame.f_code
        if is_lisp_code(code):
            builtin_frames = []
        elif _builtin_for_code(code) is not None:
            builtin_frames.append(frame_tb)
        frame_tb = frame_tb.tb_next
    for builtin_tb in builtin_frames:
        fn = _builtin_for_code(builtin_tb.tb_frame.f_code)
        why = explain_failure(fn, dict(builtin_tb.tb_frame.f_locals))
        if why is not None:
            return LispTypeError(f"{fn.__name__}: {why}")
    if builtin_frames:
        fn = _builtin_for_code(builtin_frames[0].tb_frame.f_code)
        m = _NOT_CALLABLE.match(message) if isinstance(exc, TypeError) else None
        if m:  # a builtin called what the user gave it as a function
            return LispTypeError(f"{fn.__name__}: expected a function, got "
                                 f"{_type_word(m.group(1).rsplit('.', 1)[-1])}")
        if isinstance(exc, OverflowError) or "index-sized integer" in message:
            return LispValueError(f"{fn.__name__}: a number is too large for this operation")
        if isinstance(exc, ValueError):
            return LispValueError(f"{fn.__name__}: {message}")
        return None
    if in_lisp and isinstance(exc, TypeError):
        m = _UNSUPPORTED.search(message)
        if m:
            op = m.group(1) or m.group(4)
            a, b = (m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(6))
            return LispTypeError(f"{op}: cannot apply to {_type_word(a)} and {_type_word(b)}")
        return LispTypeError(message)
    if in_lisp and isinstance(exc, (ValueError, OverflowError, ArithmeticError)):
        return LispValueError(message)
    return None


def unbound_error(name: str, candidates=()) -> UnboundSymbolError:
    """The error for the unbound symbol ``name``, with hints from the names that are bound."""
    from ..compiler.tables import DERIVED, SPECIAL_FORMS, load_handlers
    from ..diagnostics import unbound_hints
    load_handlers()
    forms = set(SPECIAL_FORMS) | set(DERIVED)
    return UnboundSymbolError(name, hints=unbound_hints(name, candidates, form_names=forms))


#: callable Lisp values implemented as Python classes, by the name their __call__ reports
_CALLABLE_VALUES = {"Keyword": "keyword", "Parameter": "parameter", "Symbol": "symbol", "Record": "record"}


def _callee(name: str) -> tuple[str, int]:
    """(Lisp name, arguments Python counted that Lisp did not) of a function named in a Python message."""
    if name.endswith(".__call__"):  # a value called as a function: Python counts its self
        cls = name[: -len(".__call__")].rsplit(".", 1)[-1]
        return _CALLABLE_VALUES.get(cls, "function"), 1
    return name, 0


def _arity(message: str) -> ArityError | None:
    m = _TAKES.match(message)
    if m:
        name, extra = _callee(m.group("name"))
        if m.group("n"):
            want = str(int(m.group("n")) - extra)
        else:
            want = f"{int(m.group('lo')) - extra} to {int(m.group('hi')) - extra}"
        got = int(m.group("got")) - extra
        plural = "" if want == "1" else "s"
        return ArityError(f"{name}: expected {want} argument{plural}, got {got}")
    m = _MISSING.match(message)
    if m:
        name, _ = _callee(m.group("name"))
        names = [lisp_name_of_local(n.strip(" '")) for n in re.split(r",| and ", m.group("names")) if n.strip(" '")]
        k = int(m.group("k"))
        return ArityError(f"{name}: missing {k} argument{'s' if k != 1 else ''} ({' '.join(names)})")
    m = _C_TAKES.match(message)
    if m:
        name, extra = _callee(m.group("name"))
        n = {"one": "1", "no": "0"}.get(m.group("n"), m.group("n"))
        return ArityError(f"{name}: expected {n} argument{'s' if n != '1' else ''}, got {m.group('got')}")
    return None


def attach_stack(err: SemaError, tb) -> SemaError:
    """Give ``err`` its Lisp position and call stack from ``tb`` (first translation wins)."""
    if err.frames:
        return err
    stack = lisp_stack(tb)
    if err.span is None:
        for _, span in stack:
            if span is not None:
                err.span = span
                break
    err.frames = [Frame(name, span) for name, span in stack if name != "<toplevel>"]
    if isinstance(err, UnboundSymbolError) and err.span is not None:
        err.span = narrow_to_symbol(err.span, err.name)
    return err


_DELIMITERS = set("()[]{}\"';`,@ \t\r\n")


def narrow_to_symbol(span: Span, name: str) -> Span:
    """The span of the symbol ``name`` written inside ``span`` (its first occurrence), else ``span``.

    Atoms carry no position of their own; compiled code knows only the form
    around them, so the caret is narrowed here, on the error path.
    """
    text = getattr(span.file, "text", None)
    if text is None or not name:
        return span
    lines = text.split("\n")
    if not (1 <= span.line <= len(lines) and 1 <= span.end_line <= len(lines)):
        return span
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    lo = starts[span.line - 1] + span.col - 1
    hi = starts[span.end_line - 1] + span.end_col - 1
    at = text.find(name, lo, hi)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or text[at - 1] in _DELIMITERS) and (end >= len(text) or text[end] in _DELIMITERS):
            line = text.count("\n", 0, at) + 1
            col = at - starts[line - 1] + 1
            return Span(span.file, line, col, line, col + len(name))
        at = text.find(name, at + 1, hi)
    return span
