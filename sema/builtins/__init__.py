"""The standard library written in Python: one module per prefix.

Importing a module registers its builtins (see ``sema.runtime.registry``);
:func:`load_all` imports them all once.  Modules in :data:`LAZY` are heavy
(the LLM layer): their builtins are declared by name and the module is
imported when one of them is first called.
"""

from __future__ import annotations

import importlib

#: imported at start-up: the modules of the builtins the compiler inlines, and the library macros
MODULES = ("core", "numbers", "numtypes", "numparse", "strings", "lists", "sequences", "maps", "control", "macros")

#: module -> the builtins it registers (tests/test_packaging.py checks the lists stay true)
LAZY = {
    "sema.llm.builtins": (
        "llm/auto-configure", "llm/batch", "llm/chat", "llm/complete", "llm/configure", "llm/current-provider",
        "llm/default-provider", "llm/define-provider", "llm/discover-local", "llm/embed", "llm/last-usage",
        "llm/list-providers", "llm/providers", "llm/request", "llm/reset-usage", "llm/session-usage",
        "llm/set-default", "llm/set-fallback", "llm/stream", "llm/with-fallback",
    ),
    "sema.llm.gateway_builtins": (
        "llm/count-tokens", "llm/fallback-order", "llm/login", "llm/models", "llm/provider-health", "llm/set-breaker",
        "llm/usage-delta", "llm/usage-log", "llm/usage-snapshot", "llm/usage-summary",
    ),
    "sema.ai.prompts": (
        "%prompt", "message", "message/content", "message/role", "message/with-image", "message?",
        "prompt/append", "prompt/concat", "prompt/diff", "prompt/difference", "prompt/fill", "prompt/intersection",
        "prompt/messages", "prompt/render", "prompt/set-system", "prompt/slots", "prompt/template", "prompt/union",
        "prompt?",
    ),
    "sema.ai.tools": ("%deftool", "tool/description", "tool/invoke", "tool/name", "tool/new", "tool/parameters", "tool/schema",
                      "tool?"),
    "sema.ai.agents": ("%agent", "agent", "agent/max-turns", "agent/model", "agent/name", "agent/run", "agent/system",
                       "agent/tools", "agent?"),
    "sema.ai.conversation": (
        "conversation/add-message", "conversation/cost", "conversation/filter", "conversation/find",
        "conversation/fork", "conversation/insert", "conversation/last-reply", "conversation/length",
        "conversation/map", "conversation/map-role", "conversation/messages", "conversation/metadata",
        "conversation/model", "conversation/models-used", "conversation/new", "conversation/remove",
        "conversation/replace", "conversation/say", "conversation/say-as", "conversation/search",
        "conversation/set-system", "conversation/stats", "conversation/system", "conversation/token-count",
        "conversation/turns", "conversation?",
    ),
    "sema.ai.extract": ("llm/classify", "llm/compare", "llm/extract", "llm/pmap", "llm/send", "llm/summarize",
                        "llm/token-count", "llm/token-estimate"),
    "sema.ai.pricing": ("llm/pricing-status", "llm/set-pricing"),
    "sema.ai.budget": ("llm/budget-remaining", "llm/clear-budget", "llm/set-budget", "llm/with-budget"),
    "sema.ai.resilience": ("llm/with-rate-limit", "retry"),
    "sema.ai.cassette": ("llm/with-cassette",),
    "sema.llm.cache_builtins": ("llm/cache-clear", "llm/cache-key", "llm/cache-stats", "llm/call-with-cache"),
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
    "sema.builtins.tasks": (
        "async/all", "async/await", "await", "async/cancel", "async/cancelled?", "async/forced?", "async/map",
        "async/pending?", "async/pool-map", "async/promise?", "async/race", "async/race-owned", "async/rejected",
        "async/rejected?", "async/resolved", "async/resolved?", "async/run", "async/sleep", "async/spawn",
        "async/spawn-all", "async/timeout",
    ),
    "sema.builtins.channels": (
        "channel/close", "channel/closed?", "channel/count", "channel/empty?", "channel/full?", "channel/new",
        "channel/recv", "channel/send", "channel/try-recv", "channel?",
    ),
    "sema.builtins.proc": (
        "proc/close", "proc/close-stdin", "proc/exit-code", "proc/kill", "proc/read-stderr", "proc/read-stdout",
        "proc/run", "proc/running?", "proc/spawn", "proc/wait", "proc/write-stdin",
    ),
    "sema.builtins.git": (
        "git/changed-files", "git/current-branch", "git/diff", "git/diff-files", "git/ignore-matches?",
        "git/recent-files", "git/root", "git/status",
    ),
    "sema.builtins.archives": ("tar/create", "tar/extract", "tar/list", "zip/create", "zip/extract", "zip/list"),
    "sema.builtins.settled": (
        "%with-retry-thunk", "parallel", "parallel-settled", "pipeline", "pipeline-settled", "settled-partition",
        "settled/err?", "settled/ok?",
    ),
    "sema.builtins.tomlfmt": ("toml/decode", "toml/encode"),
    "sema.builtins.reflect": ("format/form", "sema/check-file", "sema/check-string"),
    "sema.builtins.kv": ("kv/close", "kv/delete", "kv/get", "kv/keys", "kv/open", "kv/set"),
    "sema.builtins.db": (
        "db/close", "db/exec", "db/exec-batch", "db/last-insert-id", "db/open", "db/open-memory", "db/query",
        "db/query-one", "db/tables",
    ),
    "sema.builtins.term": (
        "term/bell", "term/black", "term/disable-kitty-keys!", "term/enable-kitty-keys!", "term/blue", "term/bold", "term/clear", "term/clear-below", "term/clear-line",
        "term/cursor-home", "term/cursor-position", "term/cyan", "term/dim", "term/disable-bracketed-paste",
        "term/disable-focus-events", "term/disable-mouse", "term/enable-bracketed-paste",
        "term/enable-focus-events", "term/enable-mouse", "term/enter-alt-screen", "term/flush", "term/gray",
        "term/green", "term/hide-cursor", "term/inverse", "term/italic", "term/leave-alt-screen", "term/magenta",
        "term/move-to", "term/red", "term/restore-cursor", "term/rgb", "term/save-cursor", "term/set-title",
        "term/show-cursor", "term/spinner-start", "term/spinner-stop", "term/spinner-update",
        "term/strikethrough", "term/strip", "term/style", "term/underline", "term/white", "term/write-at",
        "term/yellow",
    ),
    "sema.builtins.serve": (
        "http/created", "http/error", "http/file", "http/html", "http/no-content", "http/not-found", "http/ok",
        "http/redirect", "http/router", "http/serve", "http/text",
    ),
    "sema.builtins.python": (
        "py/call", "py/get", "py/import", "py/list", "py/method", "py/object?", "py/set!", "py/type",
    ),
    "sema.builtins.timefmt": (
        "time/add", "time/date-parts", "time/diff", "time/format", "time/ms", "time/parse", "time/tick",
    ),
}
# the rest of sema.builtins loads on first use too (names generated: see lazy_table.py)
from .lazy_names import NAMES as _GENERATED  # noqa: E402

LAZY.update(_GENERATED)
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
