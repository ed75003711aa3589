"""Code as data (issue 11): ``format/form``, ``sema/check-string`` and ``sema/check-file``
(loaded on first use).

``format/form`` prints a form as ``sema fmt`` would lay it out.  The check
builtins do what ``sema check`` does, without running anything, and return
the findings as data for a program (an agent's repair loop) to read:
``{:ok bool :diagnostics ({:level :error :code "syntax" :message "..." :span {...}} ...)}``.
Reader and expansion errors have the codes Sema uses (``"syntax"``,
``"unbound-symbol"``, ``"arity"``, ``"type"``, ``"error"``); the warnings of
``sema check`` (a call with the wrong number of arguments, a name bound
nowhere) are diagnostics too, as in Sema, whose compiler reports them.
"""

from __future__ import annotations

from ..errors import ReaderError, SemaError
from ..printer import write_str
from ..runtime.capabilities import Need
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, Map, make_list, make_map
from .argcheck import type_error
from .io import skip_doc_examples

_K = Keyword
_CODES = {"reader": "syntax", "unbound": "unbound-symbol", "arity": "arity", "type-error": "type"}


@builtin("format/form")
def format_form(form: typing.Any) -> str:
    """FORM (a value, usually from read/string or a quoted literal) as source text laid out by the formatter,
    as ``sema fmt`` writes it.

    (format/form (read/string "(define  x   1)")) ; => "(define x 1)"
    (format/form '(+ 1 2)) ; => "(+ 1 2)"
    """
    from ..fmt import format_source
    return format_source(write_str(form), "<form>").rstrip("\n")


def _span(span) -> Map:
    return make_map([(_K("line"), span.line), (_K("col"), span.col), (_K("end-line"), span.end_line),
                     (_K("end-col"), span.end_col)])


def _diagnostic(code: str, message: str, span) -> Map:
    pairs = [(_K("level"), _K("error")), (_K("code"), code), (_K("message"), message)]
    if span is not None:
        pairs.append((_K("span"), _span(span)))
    return make_map(pairs)


def _check(text: str, filename: str) -> Map:
    from ..analysis import analyze
    from ..compiler.codegen import Compiler
    from ..interpreter import Interpreter
    from ..reader import read_all
    interp = Interpreter(llm=False, allow="strict")  # nothing runs, and nothing could reach the machine
    interp.on_warning = lambda message: None
    found = []
    try:
        forms = read_all(text, filename)
        for form in forms:
            Compiler(interp, filename).compile_toplevel(form)
        for w in analyze(interp, filename, forms):
            code = "arity" if " takes " in w.message else "unbound-symbol" if "unbound" in w.message else "error"
            found.append(_diagnostic(code, w.message, w.span))
    except SemaError as exc:
        code = "syntax" if isinstance(exc, ReaderError) else _CODES.get(exc.kind, "error")
        found.append(_diagnostic(code, exc.message, exc.span))
    return make_map([(_K("ok"), not found), (_K("diagnostics"), make_list(found))])


@builtin("sema/check-string")
def check_string(source: str) -> Map:
    """Check the Lisp SOURCE without running it: ``{:ok bool :diagnostics (...)}``, each diagnostic a map of
    :level (:error), :code ("syntax", "unbound-symbol", "arity", ...), :message and, where known, :span
    (:line :col :end-line :end-col).

    (sema/check-string "(define (f x) x) (f 1)") ; => {:diagnostics () :ok #t}
    (:code (car (:diagnostics (sema/check-string "(f 1 2")))) ; => "syntax"
    (map :code (:diagnostics (sema/check-string "(define (f x) x) (f 1 2) (g)"))) ; => ("arity" "unbound-symbol")
    """
    if source.__class__ is not str:
        raise type_error("sema/check-string", "a source string", source)
    return _check(source, "<string>")


@skip_doc_examples
@builtin("sema/check-file", needs=Need("fs-read", paths=0))
def check_file(path: str) -> Map:
    """Check the Lisp file at PATH without running it, as sema/check-string does.

    (sema/check-file "main.scm") ; => {:diagnostics () :ok #t}
    """
    from ..runtime.modules import read_source
    if path.__class__ is not str:
        raise type_error("sema/check-file", "a path string", path)
    return _check(read_source(path, "sema/check-file"), path)
