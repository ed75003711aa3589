"""The standard library written in Python: one module per prefix.

Importing a module registers its builtins (see ``sema.runtime.registry``);
:func:`load_all` imports them all once.  Modules in :data:`LAZY` are heavy
(the LLM layer): their builtins are declared by name and the module is
imported when one of them is first called.
"""

from __future__ import annotations

import importlib

MODULES = (
    "core", "numbers", "numtypes", "math_builtins", "numparse", "strings", "string_shape", "string_parts",
    "chars", "lists", "sequences", "vectors", "list_family", "maps", "io", "jsonfmt", "system", "control",
)

#: module -> the builtins it registers (tests/test_packaging.py checks the lists stay true)
LAZY = {
    "sema.llm.builtins": (
        "llm/auto-configure", "llm/batch", "llm/chat", "llm/complete", "llm/configure", "llm/current-provider",
        "llm/default-provider", "llm/define-provider", "llm/discover-local", "llm/embed", "llm/last-usage",
        "llm/list-providers", "llm/providers", "llm/request", "llm/reset-usage", "llm/session-usage",
        "llm/set-default", "llm/set-fallback", "llm/stream", "llm/with-fallback",
    ),
    "sema.llm.gateway_builtins": (
        "llm/count-tokens", "llm/login", "llm/models", "llm/provider-health", "llm/set-breaker",
        "llm/usage-delta", "llm/usage-log", "llm/usage-snapshot", "llm/usage-summary",
    ),
    "sema.llm.cache_builtins": ("llm/cache-clear", "llm/cache-key", "llm/cache-stats", "llm/call-with-cache"),
    "sema.builtins.http": ("http/delete", "http/get", "http/post", "http/put", "http/request"),
}
_loaded = False


def load_all() -> None:
    """Import every builtin module and declare the lazy ones (idempotent)."""
    global _loaded
    if _loaded:
        return
    from ..runtime.registry import lazy_builtins
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    for module, names in LAZY.items():
        lazy_builtins(module, names)
    _loaded = True
