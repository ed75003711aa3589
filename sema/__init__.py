"""sema: a Scheme-like Lisp compiled to Python, in which calling a language model is just evaluation.

Embedding::

    import sema
    sema.eval_string("(+ 1 2)")          # -> 3
    interp = sema.Interpreter()
    interp.eval('(define (greet n) (str "hi " n))')
    interp.call("greet", "Ada")          # -> "hi Ada"

Importing sema is cheap: the reader (lark), httpx and prompt-toolkit are
imported only when first needed.
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    ArityError, DivisionByZero, EvalCancelledError, EvalTimeoutError, ExitRequest, IncompleteInput, LispIOError,
    LispSyntaxError, LispTypeError, LispValueError, PermissionDenied, PythonError, ReaderError,
    RecursionDepthError, ResourceLimitError, SemaError, UnboundSymbolError, UserError,
)
from .values import Keyword, Symbol
from .convert import ConversionError, KeywordStr, PyObject
from .interpreter import Interpreter


def eval_string(source: str, filename: str = "<eval>"):
    """Evaluate ``source`` in a fresh interpreter and return the last value, converted to Python."""
    return Interpreter(llm=False).eval(source, filename=filename)


__all__ = [
    "Interpreter", "eval_string", "Keyword", "Symbol", "__version__",
    "SemaError", "ReaderError", "IncompleteInput", "LispSyntaxError", "UnboundSymbolError", "LispTypeError",
    "ArityError", "LispValueError", "DivisionByZero", "RecursionDepthError", "UserError", "LispIOError",
    "EvalTimeoutError", "EvalCancelledError", "ExitRequest", "PythonError", "PermissionDenied",
    "ResourceLimitError", "ConversionError", "KeywordStr", "PyObject",
]
