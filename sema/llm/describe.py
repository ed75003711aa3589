"""Values named and shown in Lisp terms, for the LLM layer's error messages.

The LLM layer handles two kinds of values: Lisp values (from Lisp providers
and option maps) and JSON data (from vendors and Python providers).  Either
way an error message says ``integer``, ``string``, ``map``, ``list`` and
shows the value as Lisp would print it (``{:a 1}``, ``nil``), never a
Python type name or repr.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..printer import write_str
from ..values import type_name

_NAMES = {"int": "integer", "bool": "boolean", "rational": "rational number"}


def kind(x) -> str:
    """The Lisp name of X's type: ``integer``, ``float``, ``string``, ``boolean``, ``nil``, ``map``, ``list`` ..."""
    if isinstance(x, Mapping) and not hasattr(x, "set"):
        return "map"
    if x.__class__ is list:
        return "list"
    name = type_name(x)
    return _NAMES.get(name, name)


def show(x, limit: int = 60) -> str:
    """X as Lisp prints it, cut to LIMIT characters (JSON data is shown as the Lisp value it becomes)."""
    if isinstance(x, (dict, list)):
        from ..convert import from_python
        x = from_python(x)
    try:
        text = write_str(x)
    except Exception:  # an exotic object: say what it is, not how Python spells it
        text = f"#<{kind(x)}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def got(x) -> str:
    """``"string \\"x\\""``: the type and the value, for "expected ..., got ..." messages (``nil`` alone)."""
    return "nil" if x is None else f"{kind(x)} {show(x)}"


__all__ = ["kind", "show", "got"]
