"""Documentation lookup: ``(doc name)``, ``sema doc NAME`` and the REPL's ``,doc``."""

from __future__ import annotations

import inspect
import sys

from .runtime.names import mangle
from .values import Keyword, Symbol


def close_names(interp, key: str, n: int = 5) -> list[str]:
    """Documented names close to ``key``: typos (difflib), and names whose part after a ``/`` it starts."""
    import difflib

    from .compiler.special_docs import SPECIAL_DOCS
    from .runtime.names import unmangle
    names = {unmangle(k) for k in interp.namespace if not k.startswith("_")}
    names.update(m.name for m in interp.macros)
    names.update(SPECIAL_DOCS)
    names = sorted(n for n in names if not n.startswith("%"))
    close = difflib.get_close_matches(key, names, n=n, cutoff=0.7)
    if "/" not in key:  # `upper` and `uper` find string/upper
        by_part: dict[str, list[str]] = {}
        for name in names:
            if "/" in name:
                by_part.setdefault(name.split("/", 1)[1], []).append(name)
        for part in sorted(by_part, key=lambda p: (not p.startswith(key), p)):
            if part.startswith(key) or difflib.SequenceMatcher(None, key, part).ratio() >= 0.8:
                close += [name for name in by_part[part] if name not in close]
    return close[:n]


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
        close = close_names(interp, key)
        return f"no documentation for {key}" + (f"\ndid you mean {', '.join(close)}?" if close else "")
    if getattr(value, "lazy_module", None):  # a builtin whose module is not imported yet
        from .runtime.namespace import resolve_lazy
        value = resolve_lazy(interp, interp.namespace, key, value.lazy_module)
    if callable(value):
        text = _format(key, value)
        target = ALIASES.get(key)
        if target:
            text += f"\n(alias of {target})"
        needs = needs_text(target or key)
        if needs:
            text += "\n" + needs.replace("`", "")
        return text
    from .printer import write_str
    return f"{key}: a variable, currently {write_str(value)[:200]}"
    del signature_text


def _format(name: str, fn) -> str:
    doc = inspect.getdoc(fn) or "(no documentation)"
    return f"{signature(name, fn)}\n{doc}"


def signature(name: str, fn) -> str:
    """The call shape ``(name a b . rest)``, with Lisp parameter names for Lisp functions."""
    from .runtime.codeinfo import is_lisp_code
    from .runtime.registry import signature_text
    from .runtime.traceback import lisp_name_of_local
    code = getattr(fn, "__code__", None)
    if code is None or not is_lisp_code(code):
        return signature_text(name, fn)
    names = [lisp_name_of_local(n) for n in code.co_varnames[:code.co_argcount]]
    if code.co_flags & 0x04:  # *args: the rest parameter
        names += [".", lisp_name_of_local(code.co_varnames[code.co_argcount])]
    return "(" + " ".join([name] + names) + ")"


def stdlib_reference() -> str:
    """The standard-library reference (docs/stdlib.md), generated from the builtins' docstrings.

    Regenerate with ``python -m sema.docs > docs/stdlib.md``; a test checks the
    committed page is current, so the reference cannot drift from the code.
    """
    from .builtins import LAZY
    from .interpreter import Interpreter
    from .runtime.namespace import resolve_lazy
    from .runtime.registry import ALIASES, BUILTINS, INTERP_BUILTINS

    interp = Interpreter(llm=False)
    for module, names in LAZY.items():
        resolve_lazy(interp, interp.namespace, names[0], module)
    entries: dict[str, object] = {}
    for name in list(BUILTINS) + list(INTERP_BUILTINS):
        if name.startswith("%") or name in ALIASES:
            continue
        entries[name] = interp.namespace[mangle(name)]
    prelude = {name: fn for name, fn in interp._user_definitions().items()}
    for py, value in interp.namespace.items():
        if py.startswith("_"):  # the runtime's own names (helpers, int variants of functions)
            continue
        name = _lisp(py)
        if name not in entries and callable(value) and getattr(getattr(value, "__code__", None), "co_filename",
                                                                       "").startswith("<stdlib>"):
            prelude[name] = value
    aliases: dict[str, list[str]] = {}
    for alias, target in ALIASES.items():
        aliases.setdefault(target, []).append(alias)
    groups: dict[str, list[str]] = {}
    for name, fn in entries.items():
        groups.setdefault(_group_of(name, fn), []).append(name)
    for name in prelude:
        groups.setdefault("prelude (written in sema)", []).append(name)
    out = ["# Standard library reference", "",
           "Generated from the builtins' docstrings by `python -m sema.docs > docs/stdlib.md`;",
           "the test suite checks that this page is current, and runs every `; =>` example.",
           "Special forms are documented in [language.md](language.md) and by `(doc if)`.", ""]
    order = sorted(groups, key=lambda g: (not g.startswith("core"), g))
    out.append("Groups: " + ", ".join(f"[{g}](#{_anchor(g)})" for g in order))
    out.append("")
    for group in order:
        out += [f"## {group}", ""]
        for name in sorted(groups[group]):
            fn = entries.get(name) or prelude[name]
            out.append(f"### `{name}`")
            out.append("")
            out.append("```")
            out.append(signature(name, fn))
            out.append("```")
            out.append("")
            out.append(inspect.getdoc(fn) or "(no documentation)")
            if aliases.get(name):
                out.append("")
                out.append("Also named: " + ", ".join(f"`{a}`" for a in sorted(aliases[name])))
            needs = needs_text(name)
            if needs:
                out.append("")
                out.append(needs)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def needs_text(name: str) -> str:
    """``Sandbox: needs fs-read (for its path argument).``, from the builtin's ``needs=`` declaration."""
    from .runtime.capabilities import NEEDS
    parts = []
    for need in NEEDS.get(name, ()):
        if need.capability is None:
            continue
        what = f"`{need.capability}`"
        if need.paths is not None:
            what += " (for the paths it is given)"
        elif need.urls is not None:
            what += " (for the URLs it is given)"
        if need.optional:
            what += " when it has them"
        if what not in parts:
            parts.append(what)
    return "Sandbox: needs " + ", ".join(parts) + "." if parts else ""


def _lisp(py: str) -> str:
    from .runtime.names import unmangle
    return unmangle(py)


def _group_of(name: str, fn) -> str:
    if "/" in name and len(name) > 1:
        return name.split("/", 1)[0] + "/"
    module = getattr(fn, "__module__", "") or ""
    # a module split out of a bigger one names the group it is listed in (DOC_GROUP)
    group = getattr(sys.modules.get(module), "DOC_GROUP", None)
    return "core: " + (group or module.rsplit(".", 1)[-1])


def _anchor(title: str) -> str:
    import re
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).strip().replace(" ", "-")


if __name__ == "__main__":  # python -m sema.docs > docs/stdlib.md
    sys.stdout.write(stdlib_reference())
