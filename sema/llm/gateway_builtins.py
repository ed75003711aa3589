"""The gateway's ``llm/*`` builtins: provider health, usage accounting, token counts, models, login.

The calls themselves (``llm/complete`` ...) are in :mod:`sema.llm.builtins`;
these builtins look at and steer what the router and the usage tracker
keep per interpreter (``interp.llm.router``, ``interp.llm.usage``).
"""

from __future__ import annotations

from ..convert import from_python
from ..errors import LispTypeError, LispValueError
from ..runtime.capabilities import Need
from ..runtime.registry import Any, interp_builtin
from ..values import Keyword, Map, make_list, make_map
from .builtins import _get, _skip, state_of
from .describe import got
from .errors import LlmError
from .lisp_provider import build_request, lisp_name, lisp_options, lisp_real, lisp_str, messages_of
from .usage import COUNTERS, estimate_tokens, usage_delta

_K = Keyword


def _kmap(d: dict) -> Map:
    """A dict with Lisp-style string keys as a keyword map (nested dicts too)."""
    return from_python(d)


# ---------------------------------------------------------------- failover health


@interp_builtin("llm/provider-health", needs="llm")
def make_provider_health(interp):
    """The circuit-breaker state of every configured provider: {:name {:state ...}}.

    :state is :closed (calls go through), :open (skipped by failover for a cool-down after 3
    consecutive retriable failures; :retry-in says for how long) or :half-open (the next call is a
    trial). Also :consecutive-failures, :calls, :successes, :failures and :last-error.

    (llm/define-provider :p {:complete (fn (r) "ok")}) (llm/complete "hi") (:state (:p (llm/provider-health))) ; => :closed
    """
    def llm_provider_health() -> Map:
        health = interp.llm.router.health()
        out = []
        for name, h in health.items():
            h = dict(h)
            h["state"] = _K(h["state"])
            out.append((_K(name), _kmap(h)))
        return make_map(out)
    return llm_provider_health


@interp_builtin("llm/fallback-order", needs="llm")
def make_fallback_order(interp):
    """The providers a call without :provider tries, in order: a keyword, or (keyword model) for an entry with a model.

    Inside llm/with-fallback it is that scoped order; else the one set by llm/set-fallback (or
    SEMA_LLM_FALLBACK); else the standing order: the default provider, then the other configured chat
    providers in the order they were configured. Open circuits are still listed (see llm/provider-health).

    (llm/define-provider :a {:complete (fn (r) "a")}) (llm/define-provider :b {:complete (fn (r) "b")}) (llm/set-default :a) (llm/fallback-order) ; => (:a :b)
    """
    from .router import provider_name

    def llm_fallback_order() -> Any:
        scoped = state_of(interp).fallback
        entries = scoped if scoped else interp.llm.router.standing_order()
        out = []
        for entry in entries:
            provider, model = entry if isinstance(entry, tuple) else (entry, None)
            name = _K(provider_name(provider))
            out.append(make_list([name, model]) if model else name)
        return make_list(out)
    return llm_fallback_order


@interp_builtin("llm/set-breaker", needs="llm")
def make_set_breaker(interp):
    """Set the circuit breaker: {:failures N} consecutive retriable failures open it for {:cool-down S} seconds.

    Defaults: 3 failures, 30 seconds. {:reset #t} closes every circuit. Returns the settings.

    (llm/set-breaker {:failures 5 :cool-down 10}) ; => {:cool-down 10.0 :failures 5}
    """
    def llm_set_breaker(opts: Map | None = None) -> Map:
        who = "llm/set-breaker"
        o = lisp_options(who, opts)
        unknown = sorted(set(o) - {"failures", "cool-down", "reset"})
        if unknown:
            raise LispValueError(f"{who}: unknown option :{unknown[0]} (expected :failures, :cool-down or :reset)")
        breaker = interp.llm.router.breaker
        failures = o.get("failures")
        if failures is not None:
            if failures.__class__ is not int or failures < 1:
                raise LispTypeError(f"{who}: :failures must be a positive integer, got {got(failures)}")
            breaker.threshold = failures
        cool = lisp_real(who, "cool-down", o.get("cool-down"))
        if cool is not None:
            if cool < 0:
                raise LispValueError(f"{who}: :cool-down must not be negative, got {cool:g}")
            breaker.cool_down = cool
        if o.get("reset") not in (None, False):
            breaker.reset()
        return make_map([(_K("failures"), breaker.threshold), (_K("cool-down"), float(breaker.cool_down))])
    return llm_set_breaker


# ---------------------------------------------------------------- usage accounting


@interp_builtin("llm/usage-summary", needs="llm")
def make_usage_summary(interp):
    """Usage since start-up: {:totals {...} :by-model {"provider/model" {:calls ...}} :last-call {...}}.

    :totals has :total-calls :prompt-tokens :completion-tokens :total-tokens :cached-tokens
    :estimated-calls :latency-ms; :last-call has :provider :model, the tokens, :latency-ms,
    :timestamp (UTC) and :source ("reported" or "estimated").

    (llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 5 :completion-tokens 2}}) :default-model "m1"}) (llm/complete "q") (:calls (get (:by-model (llm/usage-summary)) "m/m1")) ; => 1
    """
    def llm_usage_summary() -> Map:
        s = interp.llm.usage.summary()
        by_model = make_map((key, _kmap(t)) for key, t in s["by-model"].items())
        last = s["last-call"]
        if last is not None:
            last = dict(last)
            last["provider"] = _K(last["provider"]) if last["provider"] else None
        return make_map([(_K("totals"), _kmap(s["totals"])), (_K("by-model"), by_model),
                         (_K("last-call"), _kmap(last) if last is not None else None)])
    return llm_usage_summary


@interp_builtin("llm/usage-snapshot", needs="llm")
def make_usage_snapshot(interp):
    """Compact usage counters, to subtract with llm/usage-delta around a task.

    Keys: :total-calls :prompt-tokens :completion-tokens :total-tokens :cached-tokens :estimated-calls.

    (:total-calls (llm/usage-snapshot)) ; => 0
    """
    def llm_usage_snapshot() -> Map:
        return _kmap(interp.llm.usage.snapshot())
    return llm_usage_snapshot


@interp_builtin("llm/usage-delta", needs="llm")
def make_usage_delta(interp):
    """The usage between two snapshots from llm/usage-snapshot: AFTER minus BEFORE, counter by counter.

    (llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 5 :completion-tokens 2}})}) (define before (llm/usage-snapshot)) (llm/complete "q") (llm/usage-delta before (llm/usage-snapshot)) ; => {:cached-tokens 0 :completion-tokens 2 :estimated-calls 0 :prompt-tokens 5 :total-calls 1 :total-tokens 7}
    """
    def llm_usage_delta(before: Map, after: Map) -> Map:
        who = "llm/usage-delta"
        snaps = []
        for which, snap in (("before", before), ("after", after)):
            o = lisp_options(who, snap)
            for key in COUNTERS:
                v = o.get(key, 0)
                if v.__class__ is not int:
                    raise LispTypeError(f"{who}: {which} must be a snapshot from llm/usage-snapshot "
                                        f"(:{key} is {got(v)})")
            snaps.append(o)
        return _kmap(usage_delta(*snaps))
    return llm_usage_delta


@interp_builtin("llm/usage-log", needs=("llm", Need("fs-read", paths=0), Need("fs-write", paths=0)))
def make_usage_log(interp):
    """Log every call to the SQLite file PATH (one row per call in table llm_usage); nil stops. Returns PATH.

    SEMA_USAGE_DB=path does the same at start-up. The schema is in docs/llm-gateway.md ("The usage log").

    (llm/usage-log nil) ; => nil
    """
    def llm_usage_log(path: Any) -> Any:
        who = "llm/usage-log"
        usage = interp.llm.usage
        if path is None:
            usage.close_log()
            return None
        lisp_str(who, "path", path)
        import sqlite3
        try:
            usage.open_log(path)
        except (sqlite3.Error, OSError):
            raise LlmError(f"{who}: cannot open the usage log \"{path}\" (it must be a writable SQLite file)") from None
        return path
    return llm_usage_log


# ---------------------------------------------------------------- tokens and models


@interp_builtin("llm/count-tokens", needs="llm")
def make_count_tokens(interp):
    """Count the tokens of TEXT (a string, or a list of messages) for a provider's model.

    Uses the vendor's own endpoint where one exists (Anthropic count_tokens, Gemini countTokens,
    llama.cpp and Ollama tokenize); otherwise estimates (one token per four characters) and says so.
    Returns {:tokens N :estimated bool :method "vendor"|"chars/4" :provider kw :model str}.
    OPTS: :provider :model :system.

    (:tokens (llm/count-tokens "four score and seven")) ; => 5
    """
    def llm_count_tokens(text: Any, opts: Map | None = None) -> Map:
        who = "llm/count-tokens"
        o = lisp_options(who, opts)
        request = build_request(who, messages_of(who, text), {k: o[k] for k in ("model", "system") if k in o})
        registry = interp.llm
        name = lisp_name(o["provider"], who) if o.get("provider") is not None else registry.default
        provider = _get(registry, name, who) if name is not None else None
        count = None
        if provider is not None and hasattr(provider, "count_tokens"):
            model = registry.normalize_model(name, request.model) or getattr(provider, "default_model", None)
            request = request.with_model(model)
            count = provider.count_tokens(request)
        estimated = count is None
        if estimated:
            count = estimate_tokens(request.text())
        return make_map([(_K("tokens"), count), (_K("estimated"), estimated),
                         (_K("method"), "chars/4" if estimated else "vendor"),
                         (_K("provider"), _K(name) if name else None),
                         (_K("model"), request.model if provider is not None else None)])
    return llm_count_tokens


@interp_builtin("llm/models", needs="llm")
def make_models(interp):
    """The models of provider NAME (default: the default provider), as a list of strings.

    A local server (Ollama, llama.cpp, LM Studio, vLLM ...) that is configured is asked for the models
    it serves; other providers give the curated catalog, the default model first.

    (first (llm/models :anthropic)) ; => "claude-sonnet-4-6"
    """
    def llm_models(name: Any = None) -> Any:
        who = "llm/models"
        registry = interp.llm
        key = lisp_name(name, who) if name is not None else registry.default
        if key is None:
            raise LlmError(f"{who}: no provider given and none configured")
        try:
            return make_list(registry.models(key))
        except LlmError as exc:
            raise type(exc)(f"{who}: {exc.message}", provider=exc.provider) from None
    return llm_models


# ---------------------------------------------------------------- sign-in


@interp_builtin("llm/login", needs=("llm", "net", "fs-write"))
def make_login(interp):
    """Sign in to a provider that uses an OAuth device flow (:qwen); returns the credentials file's path.

    Prints the verification URL and code, waits while you approve in a browser, then stores the
    credentials (permissions 0600) and configures the :qwen-oauth provider. `sema login qwen` does
    the same from the shell. OPTS: :credentials-file, :oauth-url.

    (llm/login :qwen) ; => "/home/me/.qwen/oauth_creds.json"
    """
    def llm_login(name: Keyword | str, opts: Map | None = None) -> str:
        who = "llm/login"
        provider = lisp_name(name, who).lower()
        if provider not in ("qwen", "qwen-oauth", "qwen_oauth"):
            raise LispValueError(f"{who}: :{provider} has no device-flow sign-in (known: :qwen)")
        o = lisp_options(who, opts)
        path = lisp_str(who, "credentials-file", o.get("credentials-file"))
        oauth = lisp_str(who, "oauth-url", o.get("oauth-url"))
        path = login_qwen(interp.llm, path, oauth)
        return path
    return _skip(llm_login)


def login_qwen(registry, path: str | None = None, oauth: str | None = None, *, out=None, sleep=None) -> str:
    """Run Qwen's device flow, store the credentials, configure :qwen-oauth; returns the file's path."""
    import sys
    import time

    from .auth import device_flow

    def say(line):
        (out or (lambda s: (sys.stdout.write(s + "\n"), sys.stdout.flush())))(line)
    path = device_flow.credentials_path(path, registry.environ)
    device_flow.login(path, oauth=oauth, out=say, sleep=sleep or time.sleep,
                      transport=registry.http_options.get("transport"), environ=registry.environ)
    opts = {"credentials_file": path}
    if oauth:
        opts["token_url"] = oauth
    registry.configure("qwen-oauth", opts, make_default=registry.default is None)
    return path


def main(argv: list[str]) -> int:
    """``sema login PROVIDER [--credentials-file PATH]``: the shell side of ``llm/login``."""
    import sys

    from .registry import ProviderRegistry
    args = list(argv)
    path = None
    if "--credentials-file" in args:
        i = args.index("--credentials-file")
        if i + 1 >= len(args):
            sys.stderr.write("usage: sema login qwen [--credentials-file PATH]\n")
            return 2
        path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1 or args[0].lower() not in ("qwen", "qwen-oauth"):
        sys.stderr.write("usage: sema login qwen [--credentials-file PATH]\n")
        return 2
    try:
        login_qwen(ProviderRegistry(), path)
    except LlmError as exc:
        sys.stderr.write(f"sema: error: {exc.message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("sema: sign-in cancelled\n")
        return 130
    return 0


__all__ = ["login_qwen", "main", "state_of"]
