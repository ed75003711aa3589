"""``sema serve``: parse the options, build the app, run uvicorn; and :class:`ServerThread` for embedders.

Exit codes: 0 after a clean stop (Ctrl-C), 2 for a usage error (bad option),
1 when the server cannot start (a bad config file, an unknown embedder, a
port in use).
"""

from __future__ import annotations

import os
import sys
import threading

from .config import USAGE, ConfigError, ServeConfig, parse_args

CONFIG_VAR = "SEMA_SERVE_CONFIG"
_FLAGS = {"threshold": "--threshold", "ttl": "--ttl", "max-entries": "--max-entries", "path": "--cache",
          "embed": "--embed"}


def need_extras() -> None:
    """Import check: starlette and uvicorn are the optional extra ``sema[serve]``."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise SystemExit("sema serve needs the optional packages starlette and uvicorn: "
                         "pip install 'sema[serve]'") from None


def app_from_env():
    """The app of a ``--workers`` process: its settings come from ``SEMA_SERVE_CONFIG`` (JSON)."""
    from .app import create_app
    return create_app(ServeConfig.from_json(os.environ[CONFIG_VAR]))


def _quick_server_class():
    import asyncio

    import uvicorn

    class QuickServer(uvicorn.Server):
        """uvicorn's server, noticing a stop request within 10 ms instead of 100 (tests start many)."""

        async def main_loop(self) -> None:
            counter = 0
            while not await self.on_tick(counter):
                counter = (counter + 1) % 864000
                await asyncio.sleep(0.01)
    return QuickServer


def _quick_server(config):
    return _quick_server_class()(config)


class ServerThread:
    """``sema serve`` in a thread of this process (tests, examples, an application's own server).

    ::

        with ServerThread(create_app(config, interp)) as server:
            httpx.get(server.url + "/health")
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"):
        import uvicorn
        self.config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                                     lifespan="on")
        self.server = _quick_server(self.config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="sema-serve")
        self.url = ""

    def start(self, timeout: float = 10.0) -> "ServerThread":
        self.thread.start()
        import time
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("sema serve did not start")
            time.sleep(0.005)
        sock = self.server.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    try:
        config = parse_args(argv)
    except ConfigError as exc:
        sys.stderr.write(f"sema serve: {exc}\n{USAGE}")
        return 2
    if config is None:
        sys.stdout.write(USAGE)
        return 0
    need_extras()
    import uvicorn

    from ..errors import SemaError
    from .app import create_app
    try:
        if config.workers > 1:
            os.environ[CONFIG_VAR] = config.to_json()
            app = create_app(config)  # fail here, once, rather than in every worker
            app.state.gateway.close()
            target = "sema.serve.command:app_from_env"
        else:
            target = create_app(config)
    except (SemaError, ValueError, OSError) as exc:
        from ..diagnostics import report
        if isinstance(exc, SemaError):
            return report(exc)
        text = str(exc)
        for key, flag in _FLAGS.items():  # the cache's option names, as this command spells them
            text = text.replace(f":{key} ", f"{flag} ")
        sys.stderr.write(f"sema serve: {text}\n")
        return 1
    access_log = config.log_level in ("info", "debug", "trace")
    if config.workers > 1:
        _listening(config.host, config.port)
        try:
            uvicorn.run(target, factory=True, host=config.host, port=config.port, workers=config.workers,
                        log_level=config.log_level, access_log=access_log)
        except KeyboardInterrupt:
            pass
        return 0
    import socket
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and without
    # it every answer written in two parts waits for the client's delayed ACK (40 ms)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as exc:
        sys.stderr.write(f"sema serve: cannot listen on {config.host}:{config.port}: {exc.strerror}\n")
        return 1
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    _listening(config.host, sock.getsockname()[1])  # the real port, also when --port 0 chose one
    server = uvicorn.Server(uvicorn.Config(target, log_level=config.log_level, access_log=access_log))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops gracefully, then raises the signal again
        pass
    return 0


def _listening(host: str, port: int) -> None:
    where = f"http://{host}:{port}"
    sys.stderr.write(f"sema serve: listening on {where} (OpenAI base URL {where}/v1)\n")
    sys.stderr.flush()


__all__ = ["main", "ServerThread", "app_from_env"]
