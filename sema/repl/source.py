"""``,source NAME``: the Lisp text a function (or macro) was defined by.

A compiled Lisp function knows its file and first line (its code object);
the text comes from the source the unit was compiled from, or from the file
on disk for code replayed from the cache.  The whole top-level form around
that line is shown, as it was written.
"""

from __future__ import annotations

import os


def _text_of(code) -> str | None:
    from ..runtime.codeinfo import source_text
    text = source_text(code)
    if text is not None:
        return text
    path = code.co_filename
    if path.startswith("<") or not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return None


def source_of(interp, name: str) -> str:
    """The defining form of ``name`` as written, or a sentence saying why there is none."""
    from ..runtime.codeinfo import is_lisp_code
    from ..runtime.names import mangle
    from ..values import Symbol
    value = interp.macros.get(Symbol(name)) or interp.namespace.get(mangle(name))
    if value is None:
        from .names import special_forms
        if name in special_forms():
            return f"{name} is a special form of sema: ,doc {name} shows how to use it"
        return f"{name} is not defined"
    value = getattr(value, "lisp_function", value)
    code = getattr(value, "__code__", None)
    if code is None or not is_lisp_code(code):
        module = getattr(getattr(value, "sema_guarded", value), "__module__", None)
        where = f" ({module})" if module else ""
        if callable(value):
            return f"{name} is a builtin written in Python{where}: ,doc {name} shows its documentation"
        return f"{name} is a variable, not a function"
    text = _text_of(code)
    if text is None:
        return f"the source of {name} is not available ({code.co_filename}:{code.co_firstlineno})"
    form = _form_around(text, code.co_firstlineno, code.co_filename)
    return form if form is not None else f"the source of {name} is not available"


def _form_around(text: str, line: int, filename: str) -> str | None:
    """The text of the top-level form of ``text`` that spans ``line``."""
    from ..errors import SemaError
    from ..reader import read_all
    try:
        forms = read_all(text, filename)
    except SemaError:
        return None
    lines = text.splitlines()
    for form in forms:
        span = getattr(form, "span", None)
        if span is None or not span.line <= line <= span.end_line:
            continue
        chunk = lines[span.line - 1:span.end_line]
        if not chunk:
            return None
        chunk[-1] = chunk[-1][:span.end_col - 1]
        chunk[0] = chunk[0][span.col - 1:]
        return "\n".join(chunk)
    return None
