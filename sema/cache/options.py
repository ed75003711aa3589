"""The cache's settings: defaults, the environment, and checked overrides.

- ``path`` (``SEMA_CACHE_DB``): the SQLite file, default ``llm-cache.sqlite3`` in the
  user cache folder; ``"off"`` turns caching off.
- ``ttl`` (``SEMA_CACHE_TTL``): seconds an entry lives, default 86400 (a day); 0 or
  nil: until evicted.
- ``max-entries`` (``SEMA_CACHE_MAX_ENTRIES``): entries kept before the least recently
  used go, default 20000.
- ``namespace``: a separate set of entries, default ``"default"``.
- ``threshold`` (``SEMA_CACHE_THRESHOLD``): the cosine similarity of a semantic hit,
  default 0.95.
- ``embed`` (``SEMA_CACHE_EMBED``): ``provider`` or ``provider/model`` computing
  embeddings; without it only the exact layer is used.
- ``semantic``: #f keeps to the exact layer even with ``embed``.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

DEFAULT_TTL = 86400.0
DEFAULT_MAX_ENTRIES = 20_000
DEFAULT_THRESHOLD = 0.95
FILE_NAME = "llm-cache.sqlite3"
KEYS = ("path", "ttl", "max-entries", "namespace", "threshold", "embed", "semantic")


class OptionError(ValueError):
    """A cache option of the wrong kind; ``message`` reads in Lisp terms."""

    def __init__(self, message: str, type_error: bool = True):
        super().__init__(message)
        self.message = message
        self.type_error = type_error


def default_path(environ: Mapping | None = None) -> str:
    """``$SEMA_CACHE_DB``, else ``llm-cache.sqlite3`` in the user cache folder."""
    environ = os.environ if environ is None else environ
    explicit = (environ.get("SEMA_CACHE_DB") or "").strip()
    if explicit:
        return explicit
    import platformdirs
    return os.path.join(platformdirs.user_cache_dir("sema", appauthor=False), FILE_NAME)


@dataclass(frozen=True)
class CacheOptions:
    """How a call is cached (see the module docstring); ``path`` None means off."""

    path: str | None = None
    ttl: float | None = DEFAULT_TTL
    max_entries: int = DEFAULT_MAX_ENTRIES
    namespace: str = "default"
    threshold: float = DEFAULT_THRESHOLD
    embed: str | None = None
    semantic: bool = True

    @property
    def enabled(self) -> bool:
        return self.path is not None

    @property
    def uses_embeddings(self) -> bool:
        return self.enabled and self.semantic and bool(self.embed)

    @classmethod
    def from_env(cls, environ: Mapping | None = None) -> "CacheOptions":
        """The defaults with the ``SEMA_CACHE_*`` variables applied (a bad value is an OptionError)."""
        environ = os.environ if environ is None else environ
        path = default_path(environ)
        o = cls(path=None if path.lower() == "off" else os.path.expanduser(path))
        changes = {}
        for var, key in (("SEMA_CACHE_TTL", "ttl"), ("SEMA_CACHE_MAX_ENTRIES", "max-entries"),
                         ("SEMA_CACHE_THRESHOLD", "threshold"), ("SEMA_CACHE_EMBED", "embed")):
            text = (environ.get(var) or "").strip()
            if not text:
                continue
            if key == "embed":
                changes[key] = text
                continue
            try:
                changes[key] = int(text) if key == "max-entries" else float(text)
            except ValueError:
                raise OptionError(f"{var}={text!r} is not a number") from None
        return o.merged(changes) if changes else o

    def merged(self, changes: Mapping) -> "CacheOptions":
        """A copy with CHANGES (Lisp or underscore keys, values as Python data), each one checked."""
        out = {}
        for raw, value in changes.items():
            key = str(getattr(raw, "name", raw)).lstrip(":").replace("_", "-")
            if key not in KEYS:
                raise OptionError(f"unknown cache option :{key} (expected one of "
                                  + ", ".join(":" + k for k in KEYS) + ")", type_error=False)
            out[key.replace("-", "_")] = _check(key, value)
        return replace(self, **out)


def _number(key, value, *, integer=False):
    if value.__class__ is bool or not isinstance(value, numbers.Real) or (integer and value.__class__ is not int):
        from ..llm.describe import got
        raise OptionError(f":{key} must be {'an integer' if integer else 'a number'}, got {got(value)}")
    return value


def _check(key: str, value):
    from ..llm.describe import got
    if key == "path":
        if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
            return None
        if not isinstance(value, str) or not value.strip():
            raise OptionError(f":path must be a file name (a string) or \"off\", got {got(value)}")
        return os.path.expanduser(value)
    if key == "ttl":
        if value is None:
            return None
        v = float(_number(key, value))
        if v < 0:
            raise OptionError(f":ttl must not be negative, got {v:g}", type_error=False)
        return v or None
    if key == "max-entries":
        v = _number(key, value, integer=True)
        if v < 1:
            raise OptionError(f":max-entries must be at least 1, got {v}", type_error=False)
        return v
    if key == "threshold":
        v = float(_number(key, value))
        if not 0.0 < v <= 1.0:
            raise OptionError(f":threshold must be above 0 and at most 1, got {v:g}", type_error=False)
        return v
    if key == "namespace":
        name = getattr(value, "name", value) if type(value).__name__ == "Keyword" else value
        if not isinstance(name, str) or not name:
            raise OptionError(f":namespace must be a string or keyword, got {got(value)}")
        return name
    if key == "embed":
        if value is None or value is False:
            return None
        name = getattr(value, "name", value) if type(value).__name__ == "Keyword" else value
        if not isinstance(name, str) or not name.strip():
            raise OptionError(f":embed must name a provider (\"provider\" or \"provider/model\"), got {got(value)}")
        return name.strip().lstrip(":")
    if key == "semantic":
        return value is not None and value is not False
    raise AssertionError(key)


__all__ = ["CacheOptions", "OptionError", "default_path", "DEFAULT_TTL", "DEFAULT_MAX_ENTRIES",
           "DEFAULT_THRESHOLD", "KEYS"]
