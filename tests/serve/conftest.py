"""Fixtures for sema serve: the server in a thread on 127.0.0.1, in front of fake wire-format upstreams."""

from __future__ import annotations

import pytest

from sema.interpreter import Interpreter

from ..llm.conftest import KEYS, PREFIX
from ..llm.wire import MODEL

pytest.importorskip("starlette", reason="sema serve needs the serve extra (in the test extra)")

CLIENT_KEY = "sk-client-0123456789abcdefghij"


def configure(interp, adapter, server, name=None, **options):
    """Point sema's ADAPTER provider at the fake SERVER (short timeouts, no retries slept)."""
    import httpx
    name = name or adapter
    provider_options = {"api-key": KEYS[adapter] or "none", "base-url": server.url + PREFIX[adapter],
                        "default-model": MODEL[adapter], "timeout": 5, "max-retries": 0, **options}
    interp.llm.configure(name, provider_options, make_default=True)
    provider = interp.llm.get(name)
    provider.http.transport = httpx.HTTPTransport(verify=False)
    return provider


class Served:
    """A running server: its URL, its gateway, and the interpreter behind it."""

    def __init__(self, thread, gateway):
        self.thread = thread
        self.url = thread.url
        self.gateway = gateway
        self.interp = gateway.interp


@pytest.fixture
def serve(tmp_path):
    """``serve(interp, **config)`` starts sema serve on 127.0.0.1 (stopped after the test)."""
    from sema.serve.app import create_app
    from sema.serve.command import ServerThread
    from sema.serve.config import ServeConfig

    running = []

    def start(interp=None, **config):
        interp = interp if interp is not None else Interpreter(llm=False)
        config.setdefault("cache", str(tmp_path / f"serve-{len(running)}.sqlite3"))
        app = create_app(ServeConfig(**config), interp)
        thread = ServerThread(app).start()
        running.append(thread)
        return Served(thread, app.state.gateway)
    yield start
    for thread in running:
        thread.stop()


@pytest.fixture
def echo_interp():
    """An interpreter whose default provider echoes the last message (and counts its calls)."""
    interp = Interpreter(llm=False)
    interp.eval_source("""
        (define calls (atom 0))
        (llm/define-provider :echo
          {:complete (fn (req)
             (swap! calls inc)
             {:content (str "echo: " (:content (last (:messages req))))
              :usage {:prompt-tokens 7 :completion-tokens 3}})
           :default-model "echo-1"})""")
    return interp
