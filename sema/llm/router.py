"""Calling providers: one call, automatic failover with a circuit breaker, concurrent batches.

:class:`Router` is the gateway every entry point goes through (the
``llm/*`` builtins, the embedding API, a server built on sema)::

    router = interp.llm.router                      # or ProviderRegistry().router
    router.respond({"messages": "hi", "max-tokens": 20})     # request map -> response map (dict)
    router.call(request)                            # ChatRequest or mapping -> ChatResponse

**The standing order.**  With several providers configured, a call that
names no provider tries the default provider first, then every other
configured chat provider in the order they were configured (environment
providers in the catalog's order, see the provider table of ``docs/llm.md``).
``set_order`` (``llm/set-fallback``, ``SEMA_LLM_FALLBACK``) replaces that
order; ``llm/with-fallback`` scopes one.  A call with an explicit provider
(``:provider``, or a ``provider/model`` name) goes to that provider only.

**Failover.**  The transport has already retried transient failures; when a
provider still fails with a *retriable* error (rate limit, 5xx, 529,
timeout, connection) the next one is tried.  Non-retriable errors (auth,
bad request, context window) are raised at once.  When streaming, failover
happens only before the first chunk reached the caller.  When every
provider fails, the error (of the last failure's class) lists every attempt
in its message and in ``attempts`` (provider, model, error type, status,
message), as BAML's ``detailed_message`` does.

**Circuit breaker.**  See :mod:`sema.llm.breaker`: a provider failing
repeatedly is skipped for a cool-down; ``health()`` shows the states.

**Usage.**  Each user call is recorded once (see :mod:`sema.llm.usage`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from ..runtime import capabilities
from .breaker import Breaker
from .errors import LlmError
from .structured import check_response
from .types import ROUTING_KEYS, ChatRequest, ChatResponse, FieldError, norm_key, request_from_python, \
    response_from_python
from .usage import UsageTracker


def provider_name(provider) -> str:
    return str(getattr(provider, "name", None) or type(provider).__name__)


def _with_default_model(provider, request: ChatRequest) -> ChatRequest:
    if request.model:
        return request
    model = getattr(provider, "default_model", None)
    return request.with_model(model) if model else request


class _CallbackError(Exception):
    """Carries an exception raised by the caller's chunk callback: it is not the provider's fault."""

    def __init__(self, exc: BaseException):
        super().__init__(str(exc))
        self.exc = exc


def _guard_callback(on_chunk):
    def forward(chunk):
        try:
            on_chunk(chunk)
        except Exception as exc:
            raise _CallbackError(exc) from exc
    return forward


def invoke(provider, request: ChatRequest, on_chunk: Callable[[str], object] | None = None, *,
           stream: bool = False) -> ChatResponse:
    """Call PROVIDER once and return a normalised, checked ChatResponse (no usage recorded).

    In a sandbox this needs the ``llm`` capability, whatever builtin got here.
    A provider may be an object with ``complete`` (and optionally ``stream``)
    or a plain callable taking the request.  Errors that are not LlmErrors
    become ``LlmError("provider :name failed: ...")``; a malformed answer
    names the provider; an exception raised by ON_CHUNK propagates unchanged.
    """
    name = provider_name(provider)
    capabilities.require("llm", f"a call of the LLM provider :{name}")
    request = _with_default_model(provider, request)
    chunk = _guard_callback(on_chunk) if on_chunk is not None else None
    try:
        if stream and hasattr(provider, "stream"):
            result = provider.stream(request, chunk)
        else:
            complete = getattr(provider, "complete", None) or provider
            result = complete(request)
        try:
            response = response_from_python(result, request, provider=name)
        except FieldError as exc:
            raise LlmError(f"provider :{name} returned a bad response: {exc.message}", provider=name) from None
        if stream and chunk is not None and response.content and not hasattr(provider, "stream"):
            chunk(response.content)
    except _CallbackError as wrapped:
        raise wrapped.exc from None
    except LlmError:
        raise
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc) or "an internal error"
        raise LlmError(f"provider :{name} failed: {message}", provider=name) from exc
    return check_response(response, request)


def _entry(entry):
    """A fallback entry: a provider, or ``(provider, model)``."""
    if isinstance(entry, tuple) and len(entry) == 2:
        return entry[0], entry[1]
    return entry, None


def attempt_dict(provider: str, model: str | None, err: LlmError | None, skipped: str | None = None) -> dict:
    """One attempt for an error's ``attempts``: provider, model, error type, status, message."""
    if err is None:
        return {"provider": provider, "model": model, "error": "skipped", "status": None, "message": skipped}
    return {"provider": provider, "model": model, "error": err.llm_kind, "status": err.status,
            "message": err.provider_message or err.message}


def _describe(a: dict) -> str:
    status = f" {a['status']}" if a.get("status") else ""
    model = f" (model {a['model']})" if a.get("model") else ""
    return f":{a['provider']}{model}: {a['error']}{status}: {a['message']}"


def _all_failed(attempts: list[dict], last: LlmError) -> LlmError:
    """LAST's class, its message replaced by every attempt's."""
    tried = [a for a in attempts if a["error"] != "skipped"]
    text = f"all {len(tried)} providers failed: " + "; ".join(_describe(a) for a in attempts)
    err = type(last)(text, provider=last.provider, status=last.status, provider_message=last.provider_message,
                     retry_after=last.retry_after, retriable=last.retriable)
    err.attempts = attempts
    return err


def complete_with_fallback(providers: Sequence, request: ChatRequest, *,
                           on_chunk: Callable[[str], object] | None = None, stream: bool = False,
                           usage: UsageTracker | None = None, breaker: Breaker | None = None,
                           on_failover: Callable[[object, LlmError], object] | None = None) -> ChatResponse:
    """Try each provider in turn until one answers; record the call's usage once.

    PROVIDERS holds provider objects or ``(provider, model)`` pairs.  The model
    sent is the entry's model, else the request's model for the first entry,
    else each provider's default model.  ``on_failover(provider, error)`` is
    called before moving on.  With a BREAKER, providers whose circuit is open
    are skipped (unless all are).  If every provider fails, the error lists
    every attempt (``err.attempts``).
    """
    if not providers:
        raise LlmError("no providers to try")
    started_at = time.monotonic()
    token = usage.begin() if usage is not None else None
    attempts: list[dict] = []
    entries = [_entry(e) for e in providers]
    if breaker is not None and len(entries) > 1:
        open_ = [not breaker.allows(provider_name(p)) for p, _ in entries]
        if all(open_):
            open_ = [False] * len(entries)  # all cooling down: try them anyway
    else:
        open_ = [False] * len(entries)
    last: LlmError | None = None
    try:
        for position, (provider, model) in enumerate(entries):
            name = provider_name(provider)
            if model is None:
                model = request.model if position == 0 else None
            model = model or getattr(provider, "default_model", None) or request.model
            if open_[position]:
                attempts.append(attempt_dict(name, model, None, f"skipped: its circuit is open "
                                             f"(retried in {breaker.retry_in(name):.0f}s)"))
                continue
            started: list = []

            def note(chunk, started=started):
                started.append(True)
                if on_chunk is not None:
                    on_chunk(chunk)
            try:
                response = invoke(provider, request.with_model(model), note if stream else None, stream=stream)
            except LlmError as exc:
                attempts.append(attempt_dict(name, model, exc))
                if breaker is not None and exc.retriable:
                    breaker.failure(name, exc.message)
                if not exc.retriable or started:
                    exc.attempts = list(attempts)
                    raise
                last = exc
                if on_failover is not None:
                    on_failover(provider, exc)
                continue
            if breaker is not None:
                breaker.success(name)
            response = response.evolve(latency=time.monotonic() - started_at)
            if usage is not None:
                response = _record(usage, token, response, len(attempts) + 1)
            return response
    finally:
        if usage is not None:
            usage.end(token)
    if last is None:
        raise LlmError("no provider could be tried")
    if len(attempts) == 1:
        last.attempts = attempts
        raise last
    raise _all_failed(attempts, last)


def _record(usage: UsageTracker, token, response: ChatResponse, attempts: int) -> ChatResponse:
    if token is None:  # nested in another call: counted in that one
        usage.nested(response.usage)
        return response
    nested = usage.end(token)
    if nested is not None and response.usage.is_zero:
        response = response.evolve(usage=nested)
    record = usage.record(response, attempts=attempts)
    return response if record.usage is response.usage else response.evolve(usage=record.usage)  # priced


def call_provider(provider, request: ChatRequest, on_chunk: Callable[[str], object] | None = None, *,
                  stream: bool = False, usage: UsageTracker | None = None) -> ChatResponse:
    """Call PROVIDER once (streaming to ON_CHUNK when STREAM); record usage when a tracker is given."""
    return complete_with_fallback([provider], request, on_chunk=on_chunk, stream=stream, usage=usage)


class Router:
    """Routes requests over one registry's providers: standing order, failover, breaker, usage."""

    def __init__(self, registry, breaker: Breaker | None = None):
        self.registry = registry
        self.breaker = breaker or Breaker()
        self._order: list | None = None    # explicit standing order: names or (name, model)

    # -- the order

    def set_order(self, entries) -> None:
        """Set the standing order (names or ``(name, model)`` pairs; None: configuration order)."""
        self._order = list(entries) if entries else None

    @property
    def order(self) -> list | None:
        return list(self._order) if self._order else None

    def standing_order(self) -> list:
        """The providers a call with no explicit provider tries, as ``(provider, model)`` entries."""
        from .lisp_provider import as_provider
        reg = self.registry
        if self._order:
            out = []
            for entry in self._order:
                name, model = entry if isinstance(entry, tuple) else (entry, None)
                key = reg.canonical(name)
                out.append((as_provider(key, reg.get(key)), model))
            return out
        names = reg.chat_names()
        if not names:
            reg.get()  # raises "no LLM provider configured"
        return [(as_provider(n, reg.get(n)), None) for n in names]

    def plan(self, request: ChatRequest, provider=None, order=None) -> tuple[list, ChatRequest]:
        """``(entries, request)``: whom to try, and the request with its model name resolved."""
        from .lisp_provider import as_provider
        reg = self.registry
        if provider is not None or (request.model and "/" in request.model):
            name, model = reg.resolve(request.model, provider)
            if provider is not None or name != reg.default or model != request.model:
                return [(as_provider(name, reg.get(name)), None)], request.with_model(model)
        if order:
            return list(order), request
        return self.standing_order(), request

    # -- calls

    def call(self, request, *, provider=None, order=None, stream: bool = False,
             on_chunk: Callable[[str], object] | None = None) -> ChatResponse:
        """Complete REQUEST (a ChatRequest or a request mapping) with failover; returns the ChatResponse."""
        cache = None
        if not isinstance(request, ChatRequest):
            d = {norm_key(k): v for k, v in request.items()} if isinstance(request, Mapping) else {}
            provider = provider if provider is not None else d.get("provider")
            stream = stream or bool(d.get("stream"))
            cache = d.get("cache")
            request = request_from_python(request)
        if cache:  # True, or a mapping of cache options (see sema.cache.options)
            cached = self.registry.cache
            options = cached.options.merged(cache) if isinstance(cache, Mapping) else None
            return cached.call(request, provider=provider, order=order, stream=stream, on_chunk=on_chunk,
                               options=options)[0]
        entries, request = self.plan(request, provider, order)
        return complete_with_fallback(entries, request, on_chunk=on_chunk, stream=stream,
                                      usage=self.registry.usage, breaker=self.breaker)

    def respond(self, request: Mapping, *, on_chunk: Callable[[str], object] | None = None) -> dict:
        """A request map (the contract's keys, Lisp or underscore spelling) -> the response map (a dict).

        Routing keys: ``provider`` (one provider, no failover), ``stream``
        (stream to ON_CHUNK), ``cache`` (True or cache options: answer from the
        response cache, adding ``cache`` to the answer).  The answer has the
        contract's keys plus ``provider``, ``latency-ms`` and, for structured
        output, ``parsed``.
        """
        cache = next((v for k, v in request.items() if norm_key(k) == "cache"), None)
        if cache:
            return self.registry.cache.respond(request, on_chunk=on_chunk,
                                               options=cache if isinstance(cache, Mapping) else None)
        response = self.call(request, on_chunk=on_chunk)
        out = response.to_dict()
        out["provider"] = response.provider
        out["latency-ms"] = round((response.latency or 0.0) * 1000.0, 3)
        return out

    def health(self) -> dict:
        """The circuit state of every configured provider (see :meth:`Breaker.health`)."""
        return self.breaker.health(self.registry.list())


__all__ = ["Router", "call_provider", "complete_with_fallback", "batch_complete", "provider_name", "invoke",
           "ROUTING_KEYS"]


def batch_complete(provider, requests: Sequence[ChatRequest], *, max_concurrency: int = 64,
                   usage: UsageTracker | None = None, return_exceptions: bool = False) -> list:
    """Complete REQUESTS concurrently; results in input order.

    HTTP adapters run on one event loop with their AsyncClient (``acomplete``);
    other providers run in a thread pool.  With ``return_exceptions`` a failed
    request yields its LlmError in place; otherwise the first failure (in input
    order) is raised after all calls finished, with ``index`` set and the
    other results in ``results`` (None where a prompt failed).
    """
    capabilities.require("llm", f"a batch of calls of the LLM provider :{provider_name(provider)}")
    requests = [_with_default_model(provider, r) for r in requests]
    if not requests:
        return []
    name = provider_name(provider)
    import inspect
    started = time.monotonic()
    if hasattr(provider, "acomplete") and inspect.iscoroutinefunction(provider.acomplete):
        results = _run_async(provider, requests, max_concurrency)
    else:
        def one(req):
            try:
                return invoke(provider, req)
            except LlmError as exc:
                return exc
        from .inflight import map_threads
        results = map_threads(one, requests, max_concurrency)
    out = []
    for req, result in zip(requests, results):
        if isinstance(result, BaseException) and not isinstance(result, LlmError):
            message = getattr(result, "message", None) or str(result) or "an internal error"
            err = LlmError(f"provider :{name} failed: {message}", provider=name)
            err.__cause__ = result
            result = err
        if isinstance(result, ChatResponse):
            try:
                result = check_response(response_from_python(result, req, provider=name), req)
            except LlmError as exc:
                result = exc
        if isinstance(result, ChatResponse):
            result = result.evolve(latency=result.latency or time.monotonic() - started)
            if usage is not None:
                priced = usage.record(result).usage
                result = result if priced is result.usage else result.evolve(usage=priced)
        out.append(result)
    if not return_exceptions:
        raise_first(out)
    return out


def raise_first(results: list) -> None:
    """Raise the first LlmError of RESULTS, marked with its ``index`` and carrying the others' ``results``."""
    for index, result in enumerate(results):
        if isinstance(result, LlmError):
            result.index = index
            result.results = [None if isinstance(r, LlmError) else r for r in results]
            raise result


def _run_async(provider, requests, max_concurrency):
    import asyncio  # only batches need it; keeping it out of start-up saves ~15 ms

    from .inflight import run_async

    async def main():
        gate = asyncio.Semaphore(max(1, max_concurrency))

        async def one(req):
            async with gate:
                return await provider.acomplete(req)
        try:
            return await asyncio.gather(*(one(r) for r in requests), return_exceptions=True)
        finally:
            if hasattr(provider, "aclose"):
                await provider.aclose()

    return run_async(main)  # on a helper thread's loop, so that Ctrl-C or cancel() stops it at once
