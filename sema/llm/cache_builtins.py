"""The response cache from Lisp: ``{:cache #t}``, ``llm/with-cache``, ``llm/cache-stats``, ``-clear``, ``-key``.

Every call builtin (``llm/complete``, ``llm/chat``, ``llm/stream``,
``llm/request``, and ``llm/batch`` for each of its prompts) takes a
``:cache`` option: ``#t`` for the cache's settings, a map of cache options
(``{:ttl 60 :namespace "tests" :embed :bow :threshold 0.9}``) to change
some, ``#f`` to bypass an enclosing ``llm/with-cache``.  The store, the
policy and the semantics are :mod:`sema.cache`'s; this module only turns
Lisp options into :class:`~sema.cache.options.CacheOptions` and errors into
Lisp errors naming the builtin.
"""

from __future__ import annotations

from ..convert import to_python
from ..errors import LispTypeError, LispValueError
from ..runtime.registry import Any, Callable_, interp_builtin
from ..values import Keyword, Map, make_map
from .builtins import state_of, targets
from .describe import got
from .errors import LlmError
from .lisp_provider import build_request, lisp_options, messages_of

_K = Keyword


def _options(state, who: str, value, base=None):
    """The CacheOptions for a ``:cache`` value (#t or a map), on top of BASE (the enclosing scope's)."""
    from ..cache.options import OptionError
    cache = state.registry.cache
    base = base or state.cache or cache.options
    if value is None or value is True:
        return base
    if not isinstance(value, Map):
        raise LispTypeError(f"{who}: :cache must be #t, #f or a map of cache options, got {got(value)}")
    try:
        return base.merged({k: to_python(v) if isinstance(v, Map) else v
                            for k, v in lisp_options(who, value).items()})
    except OptionError as exc:
        raise (LispTypeError if exc.type_error else LispValueError)(f"{who}: {exc.message}") from None


def _checked_options(state, who: str, value):
    """Cache options from the environment, the scope and VALUE, with errors naming WHO."""
    from ..cache.options import OptionError
    try:
        return _options(state, who, value)
    except OptionError as exc:  # a bad SEMA_CACHE_* variable
        raise LispValueError(f"{who}: {exc.message}") from None


def cached_call(state, who: str, request, o: dict, *, stream: bool = False, on_chunk=None, miss=None):
    """A call of WHO answered from the response cache when it can be (see :mod:`sema.cache.response`).

    MISS(request) answers what the cache cannot (the request pipeline: budgets, cassettes ...).
    """
    options = _checked_options(state, who, o.get("cache"))
    entries, request = targets(state, who, o, request)
    cache = state.registry.cache
    try:
        response, _ = cache.call(request, order=entries, stream=stream, on_chunk=on_chunk, options=options,
                                 miss=miss)
    except LlmError as exc:
        if exc.message.startswith("cache:"):
            raise LlmError(f"{who}: {exc.message}", provider=exc.provider) from None
        raise
    return response


def cached_batch(state, who: str, requests: list, o: dict) -> list:
    """``llm/batch`` through the cache: a ChatResponse or LlmError per request, in input order."""
    from .builtins import _is_lisp
    from .lisp_provider import lisp_int
    options = _checked_options(state, who, o.get("cache"))
    entries, _ = targets(state, who, o, requests[0])
    cache = state.registry.cache
    limit = lisp_int(who, "max-concurrency", o.get("max-concurrency")) or 100

    def one(r):
        try:
            return cache.call(r, order=entries, options=options)[0]
        except LlmError as exc:
            return exc
    if any(_is_lisp(e) for e in entries):  # Lisp code runs one call at a time
        return [one(r) for r in requests]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=max(1, min(limit, len(requests)))) as pool:
        return list(pool.map(one, requests))


def _request_of(who: str, prompt, opts) -> tuple:
    """``(request, options)`` from a prompt (string or messages) and options, or from one request map."""
    if isinstance(prompt, Map) and opts is None:
        o = lisp_options(who, prompt)
        if o.get("messages") is None:
            raise LispValueError(f"{who}: the request map needs :messages")
        return build_request(who, messages_of(who, o["messages"]), o), o
    o = lisp_options(who, opts)
    return build_request(who, messages_of(who, prompt), o), o


def _scope_options(state, who: str, opts) -> dict:
    o = lisp_options(who, opts)
    unknown = sorted(set(o) - {"namespace", "path", "all"})
    if unknown:
        raise LispValueError(f"{who}: unknown option :{unknown[0]} (expected :namespace, :path or :all)")
    return o


@interp_builtin("llm/call-with-cache", needs="llm")
def make_call_with_cache(interp):
    """Call THUNK with every LLM call in it answered from the response cache when it can be; returns its value.

    OPTS (a map, or nil for the defaults): :ttl (seconds an answer is kept, default 86400; 0 forever)
    :max-entries (default 20000, least recently used go first) :namespace (a separate set of answers)
    :path (the SQLite file; default SEMA_CACHE_DB or llm-cache.sqlite3 in the user cache folder)
    :embed (a provider or "provider/model" computing embeddings: turns on the semantic layer; default
    SEMA_CACHE_EMBED) :threshold (cosine similarity of a semantic hit, default 0.95) :semantic (#f:
    exact matches only). A call inside with {:cache #f} is not cached. llm/with-cache is the same with
    a body instead of a thunk.

    (llm/define-provider :count {:complete (let ((n (atom 0))) (fn (req) (str "answer " (swap! n inc))))}) (llm/call-with-cache {:namespace "doc"} (fn () (llm/cache-clear {:namespace "doc"}) (list (llm/complete "q") (llm/complete "q")))) ; => ("answer 1" "answer 1")
    """
    state = state_of(interp)

    def llm_call_with_cache(opts: Map | None, thunk: Callable_) -> Any:
        who = "llm/call-with-cache"
        if opts is not None and not isinstance(opts, Map):
            raise LispTypeError(f"{who}: the options must be a map or nil, got {got(opts)}")
        options = _checked_options(state, who, opts)
        if not options.enabled:
            return thunk()
        saved = state.cache
        state.cache = options
        try:
            return thunk()
        finally:
            state.cache = saved
    return llm_call_with_cache


@interp_builtin("llm/cache-stats", needs="llm")
def make_cache_stats(interp):
    """The response cache's counts: {:entries :bytes :hits :semantic-hits :misses :hit-rate :size :max-entries :path}.

    Hits and misses are this program's tenant's (Lisp and Python callers); :entries and :bytes too, or
    with {:all #t} the whole file (a server sharing it included). {:namespace "x"} counts one
    namespace; :path another file. :size is :entries (Sema's name).

    (llm/define-provider :p {:complete (fn (req) "ok")}) (llm/cache-clear) (llm/complete "a" {:cache #t}) (llm/complete "a" {:cache #t}) (let ((s (llm/cache-stats))) (list (:entries s) (:hits s) (:misses s) (:hit-rate s))) ; => (1 1 1 0.5)
    """
    state = state_of(interp)

    def llm_cache_stats(opts: Map | None = None) -> Map:
        who = "llm/cache-stats"
        o = _scope_options(state, who, opts)
        options = _checked_options(state, who, make_map([(_K("path"), o["path"])]) if o.get("path") else None)
        every = o.get("all") not in (None, False)
        namespace = _namespace(who, o.get("namespace"))
        stats = state.registry.cache.stats(options, tenant=None if every else "local", namespace=namespace)
        stats["size"] = stats["entries"]
        return make_map((_K(k), v) for k, v in stats.items())
    return llm_cache_stats


@interp_builtin("llm/cache-clear", needs="llm")
def make_cache_clear(interp):
    """Remove this program's cached answers (all namespaces, or {:namespace "x"}); returns how many went.

    {:all #t} empties the whole file, other tenants' entries included; :path names another file.

    (llm/define-provider :p {:complete (fn (req) "ok")}) (llm/cache-clear) (llm/complete "a" {:cache #t}) (llm/cache-clear) ; => 1
    """
    state = state_of(interp)

    def llm_cache_clear(opts: Map | None = None) -> int:
        who = "llm/cache-clear"
        o = _scope_options(state, who, opts)
        options = _checked_options(state, who, make_map([(_K("path"), o["path"])]) if o.get("path") else None)
        every = o.get("all") not in (None, False)
        return state.registry.cache.clear(options, tenant=None if every else "local",
                                          namespace=_namespace(who, o.get("namespace")))
    return llm_cache_clear


@interp_builtin("llm/cache-key", needs="llm")
def make_cache_key(interp):
    """The key (64 hex digits) a call of PROMPT with OPTS would be cached under; or of a whole request map.

    The key hashes the namespace, the provider and model the call goes to, the messages and every
    option that changes the answer (:system :temperature :max-tokens :tools :stop-sequences
    :response-format :extra), not :timeout. Two calls with one key share one cached answer.

    (llm/define-provider :p {:complete (fn (req) "ok")}) (= (llm/cache-key "hi") (llm/cache-key {:messages "hi"})) ; => #t
    (llm/define-provider :p {:complete (fn (req) "ok")}) (= (llm/cache-key "hi") (llm/cache-key "hi" {:temperature 0.5})) ; => #f
    """
    state = state_of(interp)

    def llm_cache_key(prompt: Any, opts: Map | None = None) -> str:
        who = "llm/cache-key"
        request, o = _request_of(who, prompt, opts)
        options = _checked_options(state, who, o.get("cache") if isinstance(o.get("cache"), Map) else None)
        entries, request = targets(state, who, o, request)
        return state.registry.cache.key(request, order=entries, options=options)
    return llm_cache_key


def _namespace(who: str, value):
    if value is None:
        return None
    name = value.name if isinstance(value, Keyword) else value
    if not isinstance(name, str) or not name:
        raise LispTypeError(f"{who}: :namespace must be a string or keyword, got {got(value)}")
    return name


__all__ = ["cached_call", "cached_batch"]
