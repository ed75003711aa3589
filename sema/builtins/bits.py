"""Bitwise operations on exact integers: ``bit/and``, ``bit/or``, ``bit/xor``, ``bit/not`` and the shifts.

Integers never overflow, so a shift left grows the number and ``bit/not``
is ``-n - 1`` (two's complement of any width), as for Sema's bignums.
"""

from __future__ import annotations

from functools import reduce
from operator import and_, or_, xor

from ..errors import LispValueError
from ..runtime.registry import builtin
from .argcheck import type_error


def _ints(who: str, xs) -> None:
    for x in xs:
        if x.__class__ is not int:
            raise type_error(who, "an integer", x)


@builtin("bit/and")
def bit_and(*xs: int) -> int:
    """The bitwise AND of the integers (-1 for none).

    (bit/and 5 3) ; => 1
    (bit/and 15 9) ; => 9
    """
    _ints("bit/and", xs)
    return reduce(and_, xs, -1)


@builtin("bit/or")
def bit_or(*xs: int) -> int:
    """The bitwise OR of the integers (0 for none).

    (bit/or 5 3) ; => 7
    (bit/or 8 4) ; => 12
    """
    _ints("bit/or", xs)
    return reduce(or_, xs, 0)


@builtin("bit/xor")
def bit_xor(*xs: int) -> int:
    """The bitwise exclusive OR of the integers (0 for none).

    (bit/xor 5 3) ; => 6
    """
    _ints("bit/xor", xs)
    return reduce(xor, xs, 0)


@builtin("bit/not")
def bit_not(n: int) -> int:
    """The bitwise complement of N (``-n - 1``).

    (bit/not 5) ; => -6
    """
    _ints("bit/not", (n,))
    return ~n


def _shift_count(who: str, n, k) -> int:
    _ints(who, (n, k))
    if k < 0:
        raise LispValueError(f"{who}: the shift count must not be negative, got {k}")
    return k


@builtin("bit/shift-left")
def shift_left(n: int, k: int) -> int:
    """N shifted left by K bits (N times 2 to the K).

    (bit/shift-left 1 4) ; => 16
    (bit/shift-left 3 2) ; => 12
    """
    return n << _shift_count("bit/shift-left", n, k)


@builtin("bit/shift-right")
def shift_right(n: int, k: int) -> int:
    """N shifted right by K bits (arithmetic: the sign is kept).

    (bit/shift-right 16 2) ; => 4
    (bit/shift-right -16 2) ; => -4
    """
    return n >> _shift_count("bit/shift-right", n, k)
