"""Documentation lookup: ``(doc name)``, ``sema doc NAME`` and the REPL's ``,doc``."""

from __future__ import annotations

import inspect

from .runtime.names import mangle
from .values import Keyword, Symbol


def doc_for(interp, name) -> str:
    """The documentation text of ``name`` (a symbol, string or function)."""
    from .compiler import special  # noqa: F401  (registers the special forms)
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
    if getattr(value, "lazy_module", None):  # a builtin whose module is not imported yet
        from .runtime.support import resolve_lazy
        value = resolve_lazy(interp, interp.namespace, key, value.lazy_module)
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
    doc = inspect.getdoc(fn) or "(no documentation)"
    return f"{signature(name, fn)}\n{doc}"


def signature(name: str, fn) -> str:
    """The call shape ``(name a b . rest)``, with Lisp parameter names for Lisp functions."""
    from .runtime.registry import signature_text
    from .runtime.traceback import LISP_FILES, lisp_name_of_local
    code = getattr(fn, "__code__", None)
    if code is None or code.co_filename not in LISP_FILES:
        return signature_text(name, fn)
    names = [lisp_name_of_local(n) for n in code.co_varnames[:code.co_argcount]]
    if code.co_flags & 0x04:  # *args: the rest parameter
        names += [".", lisp_name_of_local(code.co_varnames[code.co_argcount])]
    return "(" + " ".join([name] + names) + ")"
