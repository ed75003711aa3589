"""The names the REPL knows about: for completion, ``,apropos`` and ``,env``.

Every name comes with a one-line summary: a function's call shape (or the
first line of its documentation), a special form's shape from its
documentation, ``macro``, or ``= value`` for a variable.  No prompt_toolkit here.
"""

from __future__ import annotations

import inspect

from ..runtime.names import unmangle

#: the REPL's result variables (see core.py); hidden from ``,env``
RESULT_VARS = ("*1", "*2", "*3", "*e")
#: the REPL's printing settings (see pretty.py); hidden from ``,env`` too
SETTINGS = ("*print-length*", "*print-level*")

_summaries: dict[tuple, str] = {}
_special_forms: dict[str, str] = {}


def special_forms() -> dict[str, str]:
    """Special and derived form names -> the call shape from their documentation."""
    if not _special_forms:
        from ..compiler import derived, special  # noqa: F401  (they register the forms)
        from ..compiler.codegen import DERIVED, SPECIAL_FORMS
        from ..compiler.special_docs import SPECIAL_DOCS
        for name in [*SPECIAL_FORMS, *DERIVED, *SPECIAL_DOCS]:
            doc = SPECIAL_DOCS.get(name, "").strip()
            _special_forms[name] = doc.splitlines()[0] if doc else "special form"
    return dict(_special_forms)


def _code_file(value) -> str:
    code = getattr(value, "__code__", None)
    return code.co_filename if code is not None else ""


def is_user_code(value) -> bool:
    """True for a function compiled from Lisp outside the standard library."""
    where = _code_file(value)
    return bool(where) and not where.endswith(".py") and not where.startswith("<stdlib>")


def global_names(interp) -> dict[str, object]:
    """Lisp name -> value for every global of ``interp`` that a user may refer to."""
    out = {}
    for py, value in interp.namespace.items():
        if py.startswith("_"):
            continue
        name = unmangle(py)
        if not name.startswith("%"):
            out[name] = value
    return out


def summary(name: str, value) -> str:
    """One line about a callable: its call shape, or else the first line of its docstring."""
    key = (name, id(value))
    text = _summaries.get(key)
    if text is None:
        from ..runtime.registry import signature_text
        text = _lisp_signature(name, value) if _code_file(value) and not _code_file(value).endswith(".py") \
            else signature_text(name, value)
        if text.endswith("...)"):
            doc = inspect.getdoc(value) or ""
            text = doc.splitlines()[0] if doc else text
        _summaries[key] = text
    return text


def _lisp_signature(name: str, fn) -> str:
    """``(name a b . rest)`` for a function compiled from Lisp (its Python parameters are
    the mangled Lisp names plus a ``_N`` suffix the compiler adds)."""
    import re
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return f"({name} ...)"
    parts = []
    for p in params:
        lisp = unmangle(re.sub(r"_\d+$", "", p.name))
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f". {lisp}")
        elif p.kind is not inspect.Parameter.KEYWORD_ONLY:
            parts.append(f"[{lisp}]" if p.default is not inspect.Parameter.empty else lisp)
    return "(" + " ".join([name] + parts) + ")"


def catalogue(interp) -> dict[str, str]:
    """Every name ``interp`` knows (forms, macros, globals) -> a one-line summary."""
    from ..printer import write_str
    out = special_forms()
    for sym in interp.macros:
        out.setdefault(sym.name, "macro")
    for name, value in global_names(interp).items():
        if name in out:
            continue
        if callable(value):
            out[name] = summary(name, value)
        else:
            out[name] = "= " + _short(write_str(value))
    return out


def user_bindings(interp) -> dict[str, object]:
    """Globals defined by the user (at the REPL, in loaded files, by an embedder), not the stdlib."""
    baseline = _baseline()
    out = {}
    for name, value in interp._user_definitions().items():
        if name.startswith("%") or name in RESULT_VARS or name in SETTINGS:
            continue
        if name in baseline and not is_user_code(value):
            from ..values import equal
            # a stdlib function, an interpreter builtin, or a constant such as pi left as it was
            if callable(value) or equal(value, baseline[name]):
                continue
        out[name] = value
    for sym in interp.macros:
        if sym.name not in baseline:
            out.setdefault(sym.name, interp.macros[sym])
    return out


_baseline_cache: dict | None = None


def _baseline() -> dict:
    """The globals of a fresh interpreter (made once: a few milliseconds with a warm cache)."""
    global _baseline_cache
    if _baseline_cache is None:
        from ..interpreter import Interpreter
        fresh = Interpreter(llm=False)
        _baseline_cache = dict(fresh._user_definitions())
        _baseline_cache.update((m.name, v) for m, v in fresh.macros.items())
    return _baseline_cache


def _short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def describe(name: str, value) -> str:
    """One line for ``,env``: a function's call shape, or ``name = value``."""
    from ..printer import write_str
    if callable(value):
        return summary(name, value)
    return f"{name} = {_short(write_str(value), 60)}"


__all__ = ["catalogue", "user_bindings", "special_forms", "summary", "describe", "RESULT_VARS"]
