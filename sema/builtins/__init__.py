"""The standard library written in Python: one module per prefix.

Importing a module registers its builtins (see ``sema.runtime.registry``);
:func:`load_all` imports them all once.
"""

from __future__ import annotations

import importlib

MODULES = ("core", "numbers", "strings", "chars", "lists", "maps", "io", "jsonfmt", "system", "control", "http")
_loaded = False


def load_all() -> None:
    """Import every builtin module (idempotent)."""
    global _loaded
    if _loaded:
        return
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    importlib.import_module("sema.llm.builtins")  # the llm/* builtins live with the LLM layer
    _loaded = True
