"""Let other async tasks run while a task waits for an HTTP response (LLM calls included).

Every HTTP request sema makes goes through httpx (the ``http/*`` builtins and
all LLM providers).  Once the async scheduler is in use, httpx's sync
transport is wrapped so that sending a request and reading each chunk of the
response happen inside :func:`.blocking.blocking`: a task waiting on the
network hands the baton to the next task.  Outside tasks the wrapper does
nothing.  httpx is not imported for this: if it is not loaded yet, the wrap
happens when something first imports it.
"""

from __future__ import annotations

import sys

from .blocking import blocking

_done = False


def ensure_httpx_releases() -> None:
    global _done
    if _done:
        return
    _done = True
    if "httpx" in sys.modules:
        _wrap(sys.modules["httpx"])
    else:
        sys.meta_path.insert(0, _HttpxFinder())


class _HttpxFinder:
    """Wraps httpx right after its first import (and then steps aside)."""

    def find_spec(self, name, path=None, target=None):
        if name != "httpx":
            return None
        sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec("httpx")
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module):
            original(module)
            _wrap(module)

        loader.exec_module = exec_module
        return spec


def _wrap(httpx) -> None:
    transport = httpx.HTTPTransport
    if getattr(transport, "_sema_releases", False):
        return
    original = transport.handle_request

    class ReleasingStream(httpx.SyncByteStream):
        """A response body whose every read releases the baton."""

        def __init__(self, stream):
            self._stream = stream

        def __iter__(self):
            it = iter(self._stream)
            while True:
                with blocking():
                    try:
                        chunk = next(it)
                    except StopIteration:
                        return
                yield chunk

        def close(self):
            self._stream.close()

    def handle_request(self, request):
        with blocking():
            response = original(self, request)
        response.stream = ReleasingStream(response.stream)
        return response

    transport.handle_request = handle_request
    transport._sema_releases = True
