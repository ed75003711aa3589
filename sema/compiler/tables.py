"""The compiler's registries: special forms, derived forms and inlined builtins.

A leaf module: handler modules register into these tables and import
nothing of the code generator, and the code generator reads them.  The
handler modules are loaded from one explicit list, :data:`HANDLER_MODULES`,
by :func:`load_handlers`.

* ``SPECIAL_FORMS``: name -> ``handler(compiler, form, scope, dest)``, forms
  the code generator compiles directly;
* ``DERIVED``: name -> ``rewrite(form) -> form``, forms rewritten into others
  (``macroexpand`` uses the same table);
* ``INLINE``: builtin name -> ``inliner(compiler, arg_forms, scope) -> expr
  or None``, builtins compiled in place while they are not redefined.
"""

from __future__ import annotations

import importlib
import itertools

from ..values import Symbol

SPECIAL_FORMS: dict = {}
DERIVED: dict = {}
INLINE: dict = {}

#: the modules whose import fills the tables, in load order (a dotted name is absolute)
HANDLER_MODULES = ("special", "derived", "patterns", "quasi", "inline", "hof", "sema.ai.forms")

_counter = itertools.count(1)
_loaded = False


def fresh_id() -> int:
    """A number never handed out before in this process (for unique Python and Lisp names)."""
    return next(_counter)


def gensym(base: str) -> Symbol:
    """A fresh symbol no user code can write (``%`` names are internal)."""
    return Symbol(f"%{base}{next(_counter)}")


def load_handlers() -> None:
    """Import every handler module once, so the tables are complete."""
    global _loaded
    if not _loaded:
        for name in HANDLER_MODULES:
            importlib.import_module(name if "." in name else f"{__package__}.{name}")
        _loaded = True


def special_form(*names):
    """Register a special-form handler under ``names``."""
    def register(fn):
        for name in names:
            SPECIAL_FORMS[name] = fn
        return fn
    return register


def derived_form(*names):
    """Register a rewrite of the derived form(s) ``names``."""
    def register(fn):
        for name in names:
            DERIVED[name] = fn
        return fn
    return register


def inline(*names):
    """Register an inliner for the builtin(s) ``names``."""
    def register(fn):
        for name in names:
            INLINE[name] = fn
        return fn
    return register


def is_core_name(name: str) -> bool:
    """True for a name the compiler gives a meaning of its own (special or derived form)."""
    load_handlers()
    return name in SPECIAL_FORMS or name in DERIVED
