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
    "bits", "bytevectors", "containers", "list_extras", "files",
)

#: module -> the builtins it registers (tests/test_packaging.py checks the lists stay true)
LAZY = {
    "sema.llm.builtins": (
        "llm/auto-configure", "llm/batch", "llm/chat", "llm/complete", "llm/configure", "llm/current-provider",
        "llm/default-provider", "llm/define-provider", "llm/discover-local", "llm/embed", "llm/last-usage",
        "llm/list-providers", "llm/providers", "llm/request", "llm/reset-usage", "llm/session-usage",
        "llm/set-default", "llm/set-fallback", "llm/stream", "llm/with-fallback",
    ),
    "sema.builtins.http": ("http/delete", "http/get", "http/post", "http/put", "http/request"),
    "sema.builtins.regex": (
        "regex/find-all", "regex/match", "regex/match?", "regex/replace", "regex/replace-all", "regex/split",
    ),
    "sema.builtins.encoding": (
        "base64/decode", "base64/decode-bytes", "base64/encode", "base64/encode-bytes", "gzip/compress",
        "gzip/decompress",
    ),
    "sema.builtins.hashing": ("hash/digest", "hash/hmac-sha256", "hash/md5", "hash/sha256", "uuid/v4"),
    "sema.builtins.csvfmt": ("csv/encode", "csv/parse", "csv/parse-maps"),
    "sema.builtins.text": (
        "text/chunk", "text/chunk-by-separator", "text/clean-whitespace", "text/excerpt", "text/normalize-newlines",
        "text/split-sentences", "text/strip-html", "text/trim-indent", "text/truncate", "text/word-count",
    ),
    "sema.builtins.timefmt": (
        "time/add", "time/date-parts", "time/diff", "time/format", "time/ms", "time/parse", "time/tick",
    ),
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
