"""``sema serve``'s settings: command-line options and environment variables, checked once.

A :class:`ServeConfig` is plain data, so it can be handed to server worker
processes (``--workers``) as JSON in ``SEMA_SERVE_CONFIG``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

USAGE = """\
usage: sema serve [--host 127.0.0.1] [--port 8080] [--cache PATH|off] [--threshold 0.95]
                  [--embed PROVIDER[/MODEL]] [--ttl SECONDS] [--max-entries N]
                  [--allow-upstream HOST ...] [-l config.scm ...] [--admin-token TOKEN]
                  [--workers N] [--log-level info]

An OpenAI-compatible (and Anthropic-compatible) caching proxy in front of every provider.

options:
  --host HOST            address to listen on (default 127.0.0.1: this machine only)
  --port PORT            port (default 8080; 0 picks a free one)
  --cache PATH|off       the cache's SQLite file (default SEMA_CACHE_DB or the user cache folder)
  --threshold X          cosine similarity of a semantic hit (default 0.95)
  --embed P[/MODEL]      the embedding provider of the semantic layer (default SEMA_CACHE_EMBED;
                         without it only exact repeats are cached)
  --ttl SECONDS          how long an answer is kept (default 86400; 0: forever)
  --max-entries N        entries kept before the least recently used go (default 20000)
  --allow-upstream HOST  a host X-LLM-Proxy-Upstream may name, besides the configured providers'
                         (repeatable; HOST or HOST:PORT)
  -l, --load FILE        a Lisp file run at start: providers, and (define (route req) ...)
  --admin-token TOKEN    the token POST /cache/clear requires (default SEMA_ADMIN_TOKEN)
  --upstream-timeout S   seconds to wait for a forwarded request (default 300)
  --workers N            server processes sharing the cache file (default 1)
  --log-level LEVEL      uvicorn's log level (default warning)
  -h, --help             print this help
"""


class ConfigError(ValueError):
    """A bad option or value; the message says which."""


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    cache: str | None = None            # a path, "off", or None for SEMA_CACHE_DB / the default
    threshold: float | None = None
    embed: str | None = None
    ttl: float | None = None
    max_entries: int | None = None
    allow_upstream: list[str] = field(default_factory=list)
    load: list[str] = field(default_factory=list)
    admin_token: str | None = None
    upstream_timeout: float = 300.0
    workers: int = 1
    log_level: str = "warning"

    def cache_changes(self) -> dict:
        """The cache options these settings change (for :meth:`CacheOptions.merged`)."""
        out = {}
        if self.cache is not None:
            out["path"] = self.cache
        for key, value in (("threshold", self.threshold), ("embed", self.embed), ("ttl", self.ttl),
                           ("max-entries", self.max_entries)):
            if value is not None:
                out[key] = value
        return out

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "ServeConfig":
        return cls(**json.loads(text))


def _number(option: str, text: str, kind=float):
    try:
        value = kind(text)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise ConfigError(f"{option} needs {what}, got {text!r}") from None
    return value


def parse_args(argv: list[str], environ=None) -> ServeConfig | None:
    """The settings of ``sema serve ARGV`` (None for --help); a ConfigError says what is wrong."""
    environ = os.environ if environ is None else environ
    c = ServeConfig()
    c.admin_token = (environ.get("SEMA_ADMIN_TOKEN") or "").strip() or None
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")

        def value() -> str:
            nonlocal i
            if eq:
                return inline
            if i + 1 >= len(argv) or (argv[i + 1].startswith("-") and argv[i + 1] != "-"):
                raise ConfigError(f"option {name} needs a value")
            i += 1
            return argv[i]
        if name in ("-h", "--help"):
            return None
        if name == "--host":
            c.host = value()
        elif name == "--port":
            c.port = _number(name, value(), int)
            if not 0 <= c.port <= 65535:
                raise ConfigError(f"--port must be between 0 and 65535, got {c.port}")
        elif name == "--cache":
            c.cache = value()
        elif name == "--threshold":
            c.threshold = _number(name, value())
        elif name == "--embed":
            c.embed = value()
        elif name == "--ttl":
            c.ttl = _number(name, value())
        elif name == "--max-entries":
            c.max_entries = _number(name, value(), int)
        elif name == "--allow-upstream":
            c.allow_upstream.append(value())
            while i + 1 < len(argv) and not argv[i + 1].startswith("-"):  # HOST ...
                i += 1
                c.allow_upstream.append(argv[i])
        elif name in ("-l", "--load"):
            c.load.append(value())
        elif name == "--admin-token":
            c.admin_token = value()
        elif name == "--upstream-timeout":
            c.upstream_timeout = _number(name, value())
            if c.upstream_timeout <= 0:
                raise ConfigError("--upstream-timeout must be a positive number of seconds")
        elif name == "--workers":
            c.workers = _number(name, value(), int)
            if c.workers < 1:
                raise ConfigError("--workers must be at least 1")
        elif name == "--log-level":
            c.log_level = value().lower()
            if c.log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
                raise ConfigError(f"--log-level must be one of critical, error, warning, info, debug, trace; "
                                  f"got {c.log_level!r}")
        else:
            raise ConfigError(f"unknown option {arg}")
        i += 1
    return c


__all__ = ["ServeConfig", "ConfigError", "parse_args", "USAGE"]
