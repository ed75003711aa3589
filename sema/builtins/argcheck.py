"""Pieces of the builtins' argument errors, shared so that every module words them alike."""

from __future__ import annotations

from ..errors import LispTypeError
from ..printer import short_write as short  # noqa: F401  (re-exported for the builtin modules)
from ..printer import type_and_value


def type_error(who: str, what: str, x) -> LispTypeError:
    """The error ``WHO: expected WHAT, got TYPE VALUE`` for an argument X of the wrong type."""
    return LispTypeError(f"{who}: expected {what}, got {type_and_value(x)}")
