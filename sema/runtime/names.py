"""How Lisp names become Python identifiers in compiled code, and back.

A Lisp name that is already a plain identifier (and no Python keyword, and
not starting with ``_``) is used as it is, so compiled code stays readable.
Any other name is escaped as ``L_`` followed by the name with each character
outside ``[A-Za-z0-9]`` written as ``_XX_`` (hex).  Names that start with an
underscore are reserved for the runtime's own helpers.
"""

from __future__ import annotations

import keyword
import re

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
_ESCAPED = re.compile(r"_([0-9a-f]+)_")
_cache: dict[str, str] = {}
#: every ASCII character outside [A-Za-z0-9] -> its escape (str.translate does a name in one C call)
_ESCAPES = {i: f"_{i:x}_" for i in range(128) if not chr(i).isalnum()}


def mangle(name: str) -> str:
    """The Python identifier for the Lisp name ``name``."""
    py = _cache.get(name)
    if py is None:
        if _PLAIN.match(name) and not keyword.iskeyword(name) and name not in ("None", "True", "False"):
            py = name
        elif name.isascii():
            py = "L_" + name.translate(_ESCAPES)
        else:
            py = "L_" + "".join(c if c.isalnum() and c.isascii() else f"_{ord(c):x}_" for c in name)
        _cache[name] = py
    return py


def unmangle(py: str) -> str:
    """The Lisp name for a Python identifier made by :func:`mangle`."""
    if not py.startswith("L_"):
        return py
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), py[2:])
