"""Calls in flight that Ctrl-C, a timeout or ``cancel()`` can stop at once.

Evaluation runs on a worker thread, and a stop (Ctrl-C, the embedding API's
``timeout=`` or ``cancel()``) reaches it as an asynchronous exception, which
Python delivers only between bytecodes (see :mod:`sema.runtime.worker`).  A
thread blocked in a socket read, an ``epoll`` wait or a lock would not see
it until the server answered.  So the blocking part of an LLM call runs on
a helper thread while the worker waits in short slices, where a stop takes
effect at once:

- :class:`Interruptible` wraps a native (HTTP) provider: ``complete`` and
  ``stream`` run on a helper thread; stream chunks are handed back through a
  queue, so the caller's callback (Lisp code) still runs on the worker.  A
  stopped call is abandoned: a stream stops at its next chunk (its response
  is closed), a plain request ends by itself (its result is dropped).
- :func:`map_threads` runs a function over items on a thread pool and
  waits interruptibly; on a stop the calls not started are cancelled.
- :func:`run_async` runs a coroutine on an event loop of its own thread;
  on a stop its tasks are cancelled (httpx closes their connections).

Off the worker thread (a host program calling the router itself) everything
runs directly: nothing could interrupt it there anyway.
"""

from __future__ import annotations

import queue
import threading

from ..builtins.blocking import blocking
from ..runtime.worker import on_worker

SLICE = 0.05  # seconds between checks for a stop


class _Abandoned(BaseException):
    """Raised inside a helper's chunk callback once the caller has gone."""


def _helper(target, name="sema-llm-call") -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


def call_interruptibly(fn, *args, on_chunk=None):
    """``fn(*args)`` (with ``chunk=`` a thread-safe chunk sink when ON_CHUNK is given), stoppable at once.

    ON_CHUNK is called on this thread, in order, with each chunk FN hands to its sink.
    """
    if not on_worker():
        return fn(*args, on_chunk) if on_chunk is not None else fn(*args)
    chunks: queue.SimpleQueue = queue.SimpleQueue()
    outcome: list = []
    gone = threading.Event()
    done = threading.Event()

    def sink(chunk):
        if gone.is_set():
            raise _Abandoned()
        chunks.put(chunk)

    def target():
        try:
            outcome.append((True, fn(*args, sink) if on_chunk is not None else fn(*args)))
        except BaseException as exc:  # handed to the caller
            outcome.append((False, exc))
        finally:
            done.set()
            chunks.put(_DONE)

    _helper(target)
    try:
        if on_chunk is None:
            with blocking():  # inside an async task, the other tasks run while this one waits
                while not done.wait(SLICE):
                    pass
        else:
            while True:
                try:
                    with blocking():
                        chunk = chunks.get(timeout=SLICE)
                except queue.Empty:
                    continue
                if chunk is _DONE:
                    break
                on_chunk(chunk)
    except BaseException:
        gone.set()  # a stop, or the callback failed: the helper gives up at its next chunk
        raise
    ok, value = outcome[0]
    if ok:
        return value
    if isinstance(value, _Abandoned):  # cannot happen while we wait, but never leak it
        raise RuntimeError("an abandoned LLM call was resumed")
    raise value


_DONE = object()


class Interruptible:
    """A native provider whose calls run on a helper thread (see the module docstring)."""

    def __init__(self, provider):
        self.provider = provider
        self.name = provider.name
        self.default_model = getattr(provider, "default_model", None)
        if hasattr(provider, "stream"):
            self.stream = self._stream

    def __getattr__(self, attr):
        return getattr(self.provider, attr)

    def __repr__(self) -> str:
        return repr(self.provider)

    def complete(self, request):
        return call_interruptibly(self.provider.complete, request)

    def _stream(self, request, on_chunk=None):
        if on_chunk is None:
            return call_interruptibly(self.provider.stream, request)
        return call_interruptibly(self.provider.stream, request, on_chunk=on_chunk)


def interruptible(entry):
    """A fallback entry (a provider or ``(provider, model)``) whose native provider is :class:`Interruptible`."""
    provider, model = entry if isinstance(entry, tuple) else (entry, None)
    if hasattr(provider, "base_url") and not isinstance(provider, Interruptible):  # an HTTP adapter
        provider = Interruptible(provider)
    return (provider, model) if isinstance(entry, tuple) else provider


def map_threads(fn, items, max_workers: int) -> list:
    """``[fn(x) for x in items]`` on up to MAX_WORKERS threads, in order; a stop cancels what has not started."""
    items = list(items)
    if not items:
        return []
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
    pool = ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(items))), thread_name_prefix="sema-llm")
    try:
        futures = [pool.submit(fn, x) for x in items]
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=SLICE, return_when=FIRST_EXCEPTION)
        return [f.result() for f in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def run_async(make_coroutine):
    """Run ``make_coroutine()`` on a fresh event loop on a helper thread; a stop cancels its tasks."""
    import asyncio
    if not on_worker():
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(make_coroutine())
    loop = asyncio.new_event_loop()
    outcome: list = []
    done = threading.Event()
    main: list = []

    def target():
        try:
            task = loop.create_task(make_coroutine())
            main.append(task)
            outcome.append((True, loop.run_until_complete(task)))
        except BaseException as exc:
            outcome.append((False, exc))
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                done.set()

    _helper(target, "sema-llm-batch")
    try:
        while not done.wait(SLICE):
            pass
    except BaseException:
        try:
            if main:
                loop.call_soon_threadsafe(main[0].cancel)
        except RuntimeError:  # the loop closed meanwhile: nothing left to cancel
            pass
        raise
    ok, value = outcome[0]
    if ok:
        return value
    raise value


__all__ = ["Interruptible", "interruptible", "call_interruptibly", "map_threads", "run_async", "SLICE"]
