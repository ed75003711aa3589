"""Documentation lookup: ``(doc name)``, ``sema doc NAME`` and the REPL's ``,doc``."""

from __future__ import annotations

import inspect

from .runtime.names import mangle
from .values import Keyword, Symbol


def doc_for(interp, name) -> str:
    """The documentation text of ``name`` (a symbol, string or function)."""
    from .compiler.special_docs import SPECIAL_DOCS
    from .runtime.registry import ALIASES, signature_text

    if callable(name) and not isinstance(name, (Symbol, Keyword)):
        fn = name
        lisp = getattr(fn, "__name__", "function")
        return _format(lisp, fn)
    key = name.name if isinstance(name, (Symbol, Keyword)) else str(name)
    if key in SPECIAL_DOCS:
        return SPECIAL_DOCS[key].strip()
    macro = interp.macros.get(Symbol(key))
    if macro is not None:
        return f"{key}: macro\n" + (inspect.getdoc(macro) or "")
    value = interp.namespace.get(mangle(key))
    if value is None:
        return f"no documentation for {key}"
    if callable(value):
        text = _format(key, value)
        target = ALIASES.get(key)
        if target:
            text += f"\n(alias of {target})"
        return text
    from .values import write_str
    return f"{key}: a variable, currently {write_str(value)[:200]}"
    del signature_text


def _format(name: str, fn) -> str:
    from .runtime.registry import signature_text
    doc = inspect.getdoc(fn) or "(no documentation)"
    return f"{signature_text(name, fn)}\n{doc}"
