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

_ESCAPED = re.compile(r"_([0-9a-f]+)_")
_cache: dict[str, str] = {}
#: every ASCII character -> itself, or its escape outside [A-Za-z0-9] (str.translate does a name in one
#: C call; a table with every character in it is twice as fast as one with only the escapes, whose
#: misses raise and catch a KeyError inside translate)
_ESCAPES = {i: chr(i) if chr(i).isalnum() else f"_{i:x}_" for i in range(128)}


def mangle(name: str) -> str:
    """The Python identifier for the Lisp name ``name``."""
    py = _cache.get(name)
    if py is None:
        # [A-Za-z][A-Za-z0-9]*, without a regular expression (this runs for every builtin at start-up)
        if (name.isascii() and name.isalnum() and name[0].isalpha() and not keyword.iskeyword(name)
                and name not in ("None", "True", "False")):
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
