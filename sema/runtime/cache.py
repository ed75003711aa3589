"""A cache of compiled code, so that a warm start neither imports lark nor parses.

Compiling a unit of source (a file, an ``-e`` expression) gives, per
top-level form, a code object plus the constants and macros it put into the
namespace: its recording (``runtime.units``).  It is stored under a key made
of the source text, its file name, sema's and Python's versions, the
compiler's own sources, and the compile-time state the compilation depended
on (see ``runtime.units``); with it go the files the unit loaded, checked by
content before the recording is used.

Files live in ``$SEMA_CACHE_DIR`` or ``$XDG_CACHE_HOME/sema/code`` (default
``~/.cache/sema/code``).  ``SEMA_NO_CACHE=1`` turns the cache off.  Any
problem reading or writing the cache only means compiling again.
"""

from __future__ import annotations

import marshal
import os
import sys

from fractions import Fraction

from .._version import __version__
from ..values import EMPTY, ArrayList, Char, Keyword, Map, Pair, Symbol, make_map, map_items
from .units import Entry, digest

_FORMAT = 3


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
        files = []
        for folder in ("compiler", "runtime"):
            path = os.path.join(here, folder)
            files += [os.path.join(path, name) for name in sorted(os.listdir(path)) if name.endswith(".py")]
        files.append(os.path.join(here, "builtins", "macros.py"))  # the library macros written in Python
        files.append(os.path.join(here, "ai", "forms.py"))  # the AI layer's derived forms (with-retry, prompt...)
        files.append(os.path.join(here, "macro_rules.py"))  # syntax-rules expansion
        for file in files:
            st = os.stat(file)
            parts.append(f"{os.path.basename(file)}:{st.st_size}:{st.st_mtime_ns}")
        _compiler_stamp = ";".join(parts)
    return _compiler_stamp


def key_for(text: str, filename: str, state: str) -> str:
    return digest(str(_FORMAT), __version__, sys.version, compiler_stamp(), filename, state, text)


def load(key: str):
    """The cached unit for ``key`` as (entries, deps), or None."""
    path = os.path.join(cache_dir(), key[:2], key + ".bin")
    try:
        with open(path, "rb") as fh:
            raw_entries, deps = marshal.loads(fh.read())
        entries = [Entry(kind, name, marshal.loads(code) if code is not None else None, py_name,
                         {k: _decode(v) for k, v in consts.items()} if consts is not None else None, fingerprint)
                   for kind, name, code, py_name, consts, fingerprint in raw_entries]
        return entries, [tuple(d) for d in deps]
    except Exception:  # missing, unreadable or from an incompatible build: compile instead
        return None


def store(key: str, entries, deps) -> None:
    """Save a unit's recording: its entries and the (path, digest) of the files it loaded."""
    folder = os.path.join(cache_dir(), key[:2])
    try:
        raw = [(e.kind, e.name, marshal.dumps(e.code) if e.code is not None else None, e.py_name,
                {k: _encode(v) for k, v in e.consts.items()} if e.consts is not None else None, e.fingerprint)
               for e in entries]
        data = marshal.dumps((raw, [list(d) for d in deps]))
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{key}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, os.path.join(folder, key + ".bin"))
    except Exception:  # an unwritable cache, or a constant it cannot hold: just not cached
        pass


# Constants of compiled code (quoted data) in a form marshal can store: plain Python
# scalars as they are, every other value as a tuple tagged with its kind.  (Not
# pickle: importing it costs a millisecond of every start.)

def _encode(x):
    cls = x.__class__
    if cls in (int, float, str, bool, complex, bytes) or x is None:
        return x
    if cls is Keyword:
        return ("K", x.name)
    if cls is Symbol:
        return ("S", x.name)
    if cls is Char:
        return ("C", x.ch)
    if cls is Fraction:
        return ("F", x.numerator, x.denominator)
    if x is EMPTY:
        return ("E",)
    if cls is tuple:
        return ("V",) + tuple(_encode(i) for i in x)
    if cls is Pair or cls is ArrayList:
        items = []
        while x.__class__ is Pair:
            items.append(_encode(x.car))
            x = x.cdr
        if x.__class__ is ArrayList:
            items.extend(_encode(i) for i in x.items[x.start:])
            x = EMPTY
        return ("L", _encode(x), tuple(items))
    if isinstance(x, Map):
        return ("M",) + tuple((_encode(k), _encode(v)) for k, v in map_items(x))
    raise TypeError(f"cannot cache a constant of type {cls.__name__}")


def _decode(x):
    if x.__class__ is not tuple:
        return x
    tag = x[0]
    if tag == "K":
        return Keyword(x[1])
    if tag == "S":
        return Symbol(x[1])
    if tag == "C":
        return Char(x[1])
    if tag == "F":
        return Fraction(x[1], x[2])
    if tag == "E":
        return EMPTY
    if tag == "V":
        return tuple(_decode(i) for i in x[1:])
    if tag == "L":
        out = _decode(x[1])
        for item in reversed(x[2]):
            out = Pair(_decode(item), out)
        return out
    if tag == "M":
        return make_map((_decode(k), _decode(v)) for k, v in x[1:])
    raise ValueError(f"unknown cached constant tag {tag!r}")
