"""A cache of compiled code, so that a warm start neither imports lark nor parses.

Compiling a source file gives, per top-level form, a code object plus the
constants and macros it put into the namespace.  These are stored under a
key made of the source text, its file name, sema's and Python's versions,
and the compile-time state the compilation depended on (the macros defined
and the builtins redefined before it).  A unit whose own execution changed
that state in the middle (an ``import`` that brings macros, say) is not
cached, since its later forms were compiled against state the key does not
capture.

Files live in ``$SEMA_CACHE_DIR`` or ``$XDG_CACHE_HOME/sema/code`` (default
``~/.cache/sema/code``).  ``SEMA_NO_CACHE=1`` turns the cache off.  Any
problem reading or writing the cache only means compiling again.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys

from .. import __version__

_FORMAT = 1


def enabled() -> bool:
    return not os.environ.get("SEMA_NO_CACHE")


def cache_dir() -> str:
    explicit = os.environ.get("SEMA_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "sema", "code")


_compiler_stamp: str | None = None


def compiler_stamp() -> str:
    """Size and mtime of the compiler's own sources: editing sema invalidates its cached code."""
    global _compiler_stamp
    if _compiler_stamp is None:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        parts = []
        for folder in ("compiler", "runtime"):
            path = os.path.join(here, folder)
            for name in sorted(os.listdir(path)):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(path, name))
                    parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        _compiler_stamp = ";".join(parts)
    return _compiler_stamp


def key_for(text: str, filename: str, state: str) -> str:
    h = hashlib.sha256()
    for part in (str(_FORMAT), __version__, sys.version, compiler_stamp(), filename, state, text):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def load(key: str):
    """The cached unit for ``key``, or None."""
    path = os.path.join(cache_dir(), key[:2], key + ".bin")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        entries = pickle.loads(data)
        return [(kind, name, marshal.loads(code), py_name, consts) for kind, name, code, py_name, consts in entries]
    except Exception:  # missing, unreadable or from an incompatible build: compile instead
        return None


def store(key: str, entries) -> None:
    """Save a unit: a list of (kind, name, code, py_name, constants) entries."""
    folder = os.path.join(cache_dir(), key[:2])
    try:
        data = pickle.dumps([(kind, name, marshal.dumps(code), py_name, consts)
                             for kind, name, code, py_name, consts in entries], protocol=pickle.HIGHEST_PROTOCOL)
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{key}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, os.path.join(folder, key + ".bin"))
    except Exception:  # an unwritable cache is not an error
        pass
