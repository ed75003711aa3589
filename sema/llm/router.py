"""Calling providers: one call, failover across providers, concurrent batches.

:func:`call_provider` is the single way to call any provider (HTTP adapter,
Python object, Lisp closure wrapped by the caller): it streams when asked
(a provider without ``stream`` sends its whole answer as one chunk),
normalises what came back with :func:`~sema.llm.types.response_from_python`,
wraps foreign exceptions into :class:`LlmError` naming the provider, and
records usage.

Failover (:func:`complete_with_fallback`): the transport has already retried
transient failures; when a provider still fails with a *retriable* error
(rate limit, 5xx, timeout, connection) the next provider is tried.
Non-retriable errors (auth, bad request, context window) are raised at
once, with the provider's own message.  When streaming, failover happens
only before the first chunk reached the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .errors import LlmError
from .types import ChatRequest, ChatResponse, response_from_python
from .usage import UsageTracker


def provider_name(provider) -> str:
    return str(getattr(provider, "name", None) or type(provider).__name__)


def _with_default_model(provider, request: ChatRequest) -> ChatRequest:
    if request.model:
        return request
    model = getattr(provider, "default_model", None)
    return request.with_model(model) if model else request


def call_provider(provider, request: ChatRequest, on_chunk: Callable[[str], object] | None = None, *,
                  stream: bool = False, usage: UsageTracker | None = None) -> ChatResponse:
    """Call PROVIDER once (streaming to ON_CHUNK when STREAM) and return a normalised ChatResponse.

    A provider may be an object with ``complete`` (and optionally ``stream``)
    or a plain callable taking the request.  Errors that are not LlmErrors
    become ``LlmError("provider :name failed: ...")`` with the original as
    cause; an exception raised by ON_CHUNK itself propagates unchanged.
    """
    name = provider_name(provider)
    request = _with_default_model(provider, request)
    chunk = _guard_callback(on_chunk) if on_chunk is not None else None
    try:
        if stream and hasattr(provider, "stream"):
            result = provider.stream(request, chunk)
            response = response_from_python(result, request, provider=name)
        else:
            complete = getattr(provider, "complete", None) or provider
            response = response_from_python(complete(request), request, provider=name)
            if stream and chunk is not None and response.content:
                chunk(response.content)
    except _CallbackError as wrapped:
        raise wrapped.exc from None
    except LlmError:
        raise
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise LlmError(f"provider :{name} failed: {message}", provider=name) from exc
    if usage is not None:
        usage.record(response)
    return response


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


def _entry(entry):
    """A fallback entry: a provider, or ``(provider, model)``."""
    if isinstance(entry, tuple) and len(entry) == 2:
        return entry[0], entry[1]
    return entry, None


def complete_with_fallback(providers: Sequence, request: ChatRequest, *,
                           on_chunk: Callable[[str], object] | None = None, stream: bool = False,
                           usage: UsageTracker | None = None,
                           on_failover: Callable[[object, LlmError], object] | None = None) -> ChatResponse:
    """Try each provider in turn until one answers.

    PROVIDERS holds provider objects or ``(provider, model)`` pairs.  The model
    sent is the entry's model, else the request's model for the first entry,
    else each provider's default model.  ``on_failover(provider, error)`` is
    called before moving on.  If every provider fails, the last error is
    raised, with the earlier failures listed as hints.
    """
    if not providers:
        raise LlmError("no providers to try")
    failures: list[str] = []
    last: LlmError | None = None
    for position, entry in enumerate(providers):
        provider, model = _entry(entry)
        if model is None:
            model = request.model if position == 0 else None
        req = request.with_model(model or getattr(provider, "default_model", None) or request.model)
        started: list = []

        def note(chunk, started=started):
            started.append(True)
            if on_chunk is not None:
                on_chunk(chunk)
        try:
            return call_provider(provider, req, note, stream=stream, usage=usage)
        except LlmError as exc:
            if not exc.retriable or started:
                raise
            last = exc
            failures.append(f"{provider_name(provider)}: {exc.message}")
            if on_failover is not None:
                on_failover(provider, exc)
    assert last is not None
    if len(failures) > 1:
        last.hints.extend(f"also failed: {f}" for f in failures[:-1])
    raise last


def batch_complete(provider, requests: Sequence[ChatRequest], *, max_concurrency: int = 64,
                   usage: UsageTracker | None = None, return_exceptions: bool = False) -> list:
    """Complete REQUESTS concurrently; results in input order.

    HTTP adapters run on one event loop with their AsyncClient (``acomplete``);
    other providers run in a thread pool.  With ``return_exceptions`` a failed
    request yields its LlmError in place; otherwise the first failure (in input
    order) is raised after all calls finished.
    """
    requests = [_with_default_model(provider, r) for r in requests]
    if not requests:
        return []
    name = provider_name(provider)
    import inspect
    if hasattr(provider, "acomplete") and inspect.iscoroutinefunction(provider.acomplete):
        results = _run_async(provider, requests, max_concurrency)
    else:
        def one(req):
            try:
                return call_provider(provider, req)
            except LlmError as exc:
                return exc
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=max(1, min(max_concurrency, len(requests)))) as pool:
            results = list(pool.map(one, requests))
    out = []
    for req, result in zip(requests, results):
        if isinstance(result, BaseException) and not isinstance(result, LlmError):
            err = LlmError(f"provider :{name} failed: {result}", provider=name)
            err.__cause__ = result
            result = err
        if isinstance(result, ChatResponse):
            result = response_from_python(result, req, provider=name)
            if usage is not None:
                usage.record(result)
        out.append(result)
    if not return_exceptions:
        for result in out:
            if isinstance(result, LlmError):
                raise result
    return out


def _run_async(provider, requests, max_concurrency):
    import asyncio  # only batches need it; keeping it out of start-up saves ~15 ms
    from concurrent.futures import ThreadPoolExecutor

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

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    # called from inside a running loop: run ours on a helper thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


__all__ = ["call_provider", "complete_with_fallback", "batch_complete", "provider_name"]
