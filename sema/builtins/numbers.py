"""The numeric tower's arithmetic and comparisons: ``+ - * /``, ``< = >``, ``abs``, ``min``/``max``, division.

Numbers are Python ``int`` (exact integers, never overflow), ``Fraction``
(exact rationals, always normalised: a Fraction whose denominator is 1 is
returned as an ``int``), ``float`` (inexact reals) and ``complex`` (inexact
complex numbers).  ``bool`` is never a number: ``(+ 1 #t)`` is a type error.

Exactness follows R7RS: exact operands give exact results where the result is
representable (``(/ 10 4)`` => ``5/2``); one inexact operand makes the result
inexact.

Division by zero.  Exact by exact zero raises DivisionByZero (``(/ 1 0)``,
``(modulo 5 0)``).  With a float on either side, division follows IEEE 754
as Sema's f64 arithmetic does: ``(/ 1 0.0)`` and ``(/ 1.0 0)`` => ``inf``,
``(/ 0 0.0)`` => ``NaN``.  Float results too large for a float become
``inf`` instead of raising Python's OverflowError.

The two-argument functions :func:`add2`, :func:`sub2`, :func:`mul2`,
:func:`div2`, :func:`lt2`, :func:`gt2`, :func:`le2`, :func:`ge2`,
:func:`numeq2` and :func:`neg` are the slow paths of operators the compiler
inlines (it handles int/int itself), so they check types by class and name
the Lisp operator in their errors.

``=`` is general equality, as in Sema and DESIGN.md: numbers compare by value
across exactness (``(= 1 1.0)`` is ``#t``), other values structurally, and
``(= 1 #t)`` is ``#f``.  :func:`numeq2` is the strictly numeric variant the
brief asks for (a non-number is a type error); :func:`eq2` is the general one.

The tower's helpers (``_check_real``, ``_flt``, ``_norm`` ...) live here and
serve the other number modules: :mod:`.numtypes` (predicates, exactness,
parts), :mod:`.math_builtins` (powers, rounding, transcendental functions,
``math/``) and :mod:`.numparse` (reading and printing numbers).
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from functools import reduce

from ..errors import DivisionByZero, LispTypeError
from ..runtime.registry import Number, Real, builtin
from ..runtime.registry import typing_names as typing
from ..values import equal
from .argcheck import type_error

#: named values the lead installs as globals (they are not functions)
CONSTANTS = {
    "pi": math.pi,
    "e": math.e,
    "math/infinity": math.inf,
    "math/nan": math.nan,
}

_NUM = frozenset((int, float, Fraction, complex))
_REAL = frozenset((int, float, Fraction))
_EXACT = frozenset((int, Fraction))
_INF = math.inf


# ---------------------------------------------------------------- helpers


def _not_number(who: str, a, b=0) -> LispTypeError:
    """The type error for whichever of A, B is not a number."""
    bad = a if a.__class__ not in _NUM else b
    return type_error(who, "a number", bad)


def _not_real(who: str, a, b=0) -> LispTypeError:
    bad = a if a.__class__ not in _REAL else b
    if bad.__class__ in _NUM:
        return type_error(who, "a real number", bad)
    return type_error(who, "a number", bad)


def _check_num(who: str, x) -> None:
    if x.__class__ not in _NUM:
        raise type_error(who, "a number", x)


def _check_real(who: str, x) -> None:
    if x.__class__ not in _REAL:
        raise _not_real(who, x)


def _norm(r):
    """An exact result with denominator 1 becomes an int."""
    if r.__class__ is Fraction and r.denominator == 1:
        return r.numerator
    return r


def _flt(x) -> float:
    """``float(x)``, but ±inf instead of OverflowError for huge exact numbers."""
    try:
        return float(x)
    except OverflowError:
        return _INF if x > 0 else -_INF


def _cplx(x) -> complex:
    return x if x.__class__ is complex else complex(_flt(x))


def _retry_inexact(op, a, b):
    """Redo OP after an OverflowError from mixing a huge exact number with a float."""
    a = _cplx(a) if a.__class__ is complex else _flt(a)
    b = _cplx(b) if b.__class__ is complex else _flt(b)
    try:
        return op(a, b)
    except OverflowError:
        return _INF


def _is_integer(x) -> bool:
    c = x.__class__
    return c is int or (c is float and x.is_integer())


# ---------------------------------------------------------------- inlined-operator slow paths


def add2(a, b):
    """``(+ a b)`` for any two numbers."""
    if a.__class__ in _NUM and b.__class__ in _NUM:
        try:
            r = a + b
        except OverflowError:
            return _retry_inexact(operator.add, a, b)
        return r.numerator if r.__class__ is Fraction and r.denominator == 1 else r
    raise _not_number("+", a, b)


def sub2(a, b):
    """``(- a b)`` for any two numbers."""
    if a.__class__ in _NUM and b.__class__ in _NUM:
        try:
            r = a - b
        except OverflowError:
            return _retry_inexact(operator.sub, a, b)
        return r.numerator if r.__class__ is Fraction and r.denominator == 1 else r
    raise _not_number("-", a, b)


def mul2(a, b):
    """``(* a b)`` for any two numbers."""
    if a.__class__ in _NUM and b.__class__ in _NUM:
        try:
            r = a * b
        except OverflowError:
            return _retry_inexact(operator.mul, a, b)
        return r.numerator if r.__class__ is Fraction and r.denominator == 1 else r
    raise _not_number("*", a, b)


def div2(a, b):
    """``(/ a b)``: exact when both are exact; exact by exact zero raises DivisionByZero.

    With a float on either side the result follows IEEE 754, as in Sema:
    ``(/ 1 0.0)`` and ``(/ 1.0 0)`` are inf, ``(/ 0 0.0)`` is NaN.
    """
    ca, cb = a.__class__, b.__class__
    if ca is int and cb is int:
        if b == 0:
            raise DivisionByZero("/: division by zero")
        if a % b == 0:
            return a // b
        return Fraction(a, b)
    if ca not in _NUM or cb not in _NUM:
        raise _not_number("/", a, b)
    if ca in _EXACT and cb in _EXACT:
        if b == 0:
            raise DivisionByZero("/: division by zero")
        return _norm(Fraction(a) / b)
    try:
        return a / b
    except ZeroDivisionError:
        if ca is complex or cb is complex:
            raise DivisionByZero("/: division by zero") from None
        x = _flt(a)
        if x != x or x == 0:
            return math.nan
        return math.copysign(_INF, x) * math.copysign(1.0, b)
    except OverflowError:
        return _retry_inexact(operator.truediv, a, b)


def neg(a):
    """``(- a)``."""
    if a.__class__ in _NUM:
        return -a
    raise type_error("-", "a number", a)


def lt2(a, b) -> bool:
    """``(< a b)`` for real numbers."""
    if a.__class__ in _REAL and b.__class__ in _REAL:
        return a < b
    raise _not_real("<", a, b)


def gt2(a, b) -> bool:
    """``(> a b)`` for real numbers."""
    if a.__class__ in _REAL and b.__class__ in _REAL:
        return a > b
    raise _not_real(">", a, b)


def le2(a, b) -> bool:
    """``(<= a b)`` for real numbers."""
    if a.__class__ in _REAL and b.__class__ in _REAL:
        return a <= b
    raise _not_real("<=", a, b)


def ge2(a, b) -> bool:
    """``(>= a b)`` for real numbers."""
    if a.__class__ in _REAL and b.__class__ in _REAL:
        return a >= b
    raise _not_real(">=", a, b)


def numeq2(a, b) -> bool:
    """Numeric equality by value (``1`` and ``1.0`` are equal); a non-number is a type error."""
    if a.__class__ in _NUM and b.__class__ in _NUM:
        return a == b
    raise _not_number("=", a, b)


def eq2(a, b) -> bool:
    """General ``(= a b)``: numbers by value, anything else structurally; never raises."""
    if a.__class__ in _NUM and b.__class__ in _NUM:
        return a == b
    return equal(a, b)


# ---------------------------------------------------------------- arithmetic builtins


def _fold_checked(who: str, op2, args, start):
    all_int = True
    for x in args:
        c = x.__class__
        if c is not int:
            if c not in _NUM:
                raise type_error(who, "a number", x)
            all_int = False
    if all_int and op2 is add2:
        return sum(args, start)
    return reduce(op2, args, start)


@builtin("+")
def plus(*args: Number) -> Number:
    """Sum of the numbers; ``(+)`` is 0.

    (+ 1 2 3) ; => 6
    (+ 1/2 1/2) ; => 1
    (+ 1 2.5) ; => 3.5
    """
    if len(args) == 2:
        return add2(args[0], args[1])
    return _fold_checked("+", add2, args, 0)


@builtin("-")
def minus(first: Number, *rest: Number) -> Number:
    """Subtract the rest from the first number; ``(- x)`` negates.

    (- 10 3 2) ; => 5
    (- 5) ; => -5
    """
    if not rest:
        return neg(first)
    if len(rest) == 1:
        return sub2(first, rest[0])
    _check_num("-", first)
    return _fold_checked("-", sub2, rest, first)


@builtin("*")
def times(*args: Number) -> Number:
    """Product of the numbers; ``(*)`` is 1.

    (* 2 3 4) ; => 24
    (* 2/3 3) ; => 2
    """
    if len(args) == 2:
        return mul2(args[0], args[1])
    return _fold_checked("*", mul2, args, 1)


@builtin("/")
def divide(first: Number, *rest: Number) -> Number:
    """Divide the first number by the rest (exactly for exact numbers); ``(/ x)`` is 1/x.

    (/ 10 4) ; => 5/2
    (/ 10 5) ; => 2
    (/ 1.0 4) ; => 0.25
    (/ 2) ; => 1/2
    """
    if not rest:
        return div2(1, first)
    if len(rest) == 1:
        return div2(first, rest[0])
    _check_num("/", first)
    return _fold_checked("/", div2, rest, first)


def _chain(who: str, op2, first, rest) -> bool:
    """A variadic comparison: every argument is checked, then adjacent pairs compared."""
    if first.__class__ not in _REAL:
        raise _not_real(who, first)
    if len(rest) == 1:
        return op2(first, rest[0])
    for x in rest:
        if x.__class__ not in _REAL:
            raise _not_real(who, x)
    prev = first
    for x in rest:
        if not op2(prev, x):
            return False
        prev = x
    return True


@builtin("<")
def lt(first: Real, *rest: Real) -> bool:
    """True if the numbers are strictly increasing.

    (< 1 2 3) ; => #t
    (< 1 3 2) ; => #f
    """
    return _chain("<", lt2, first, rest)


@builtin(">")
def gt(first: Real, *rest: Real) -> bool:
    """True if the numbers are strictly decreasing.

    (> 3 2 1) ; => #t
    """
    return _chain(">", gt2, first, rest)


@builtin("<=")
def le(first: Real, *rest: Real) -> bool:
    """True if the numbers are non-decreasing.

    (<= 1 1 2) ; => #t
    """
    return _chain("<=", le2, first, rest)


@builtin(">=")
def ge(first: Real, *rest: Real) -> bool:
    """True if the numbers are non-increasing.

    (>= 3 3 1) ; => #t
    """
    return _chain(">=", ge2, first, rest)


@builtin("=")
def eq(first: typing.Any, *rest: typing.Any) -> bool:
    """True if all arguments are equal: numbers by value across exactness, other values structurally.

    (= 1 1.0) ; => #t
    (= 1 1 2) ; => #f
    (= "a" "a") ; => #t
    (= 1 #t) ; => #f
    """
    for x in rest:
        if not eq2(first, x):
            return False
    return True


@builtin("abs")
def abs_(x: Number) -> Number:
    """Absolute value (the magnitude for a complex number).

    (abs -5) ; => 5
    (abs -1/2) ; => 1/2
    """
    _check_num("abs", x)
    return abs(x)


def _extremum(who: str, pick, first, rest):
    args = (first,) + rest
    for x in args:
        _check_real(who, x)
    if any(x.__class__ is float for x in args):
        # R7RS: one inexact argument makes the result inexact; NaN is contagious
        if any(x != x for x in args):
            return math.nan
        return _flt(pick(args))
    return pick(args)


@builtin("min")
def min_(first: Real, *rest: Real) -> Real:
    """The smallest argument (inexact if any argument is).

    (min 3 1 2) ; => 1
    (min 1 2.0) ; => 1.0
    """
    return _extremum("min", min, first, rest)


@builtin("max")
def max_(first: Real, *rest: Real) -> Real:
    """The largest argument (inexact if any argument is).

    (max 3 1 2) ; => 3
    """
    return _extremum("max", max, first, rest)


def _check_divisor(who: str, a, b):
    """Type-check A and B; True when B is an inexact zero (the result is then NaN)."""
    if a.__class__ not in _REAL or b.__class__ not in _REAL:
        raise _not_real(who, a, b)
    if b == 0:
        if b.__class__ is float:
            return True
        raise DivisionByZero(f"{who}: division by zero")
    return False


@builtin("modulo", "mod", "floor-remainder")
def modulo(a: Real, b: Real) -> Real:
    """Floored remainder: the result has the sign of the divisor.

    (modulo 7 3) ; => 1
    (modulo -7 3) ; => 2
    (modulo 7 -3) ; => -2
    (mod 5.5 2) ; => 1.5
    """
    if a.__class__ is int and b.__class__ is int and b:
        return a % b
    if _check_divisor("modulo", a, b):
        return math.nan
    return _norm(a % b)


@builtin("remainder", "math/remainder", "truncate-remainder")
def remainder(a: Real, b: Real) -> Real:
    """Truncated remainder: the result has the sign of the dividend.

    (remainder 7 3) ; => 1
    (remainder -7 3) ; => -1
    (remainder 7 -3) ; => 1
    """
    if a.__class__ is int and b.__class__ is int and b:
        r = a % b
        return r - b if r and (a < 0) != (b < 0) else r
    if _check_divisor("remainder", a, b):
        return math.nan
    if a.__class__ is float or b.__class__ is float:
        return math.fmod(a, b)
    r = a % b
    return _norm(r - b if r and (a < 0) != (b < 0) else r)


@builtin("quotient", "math/quotient", "truncate-quotient")
def quotient(a: Real, b: Real) -> Real:
    """Integer division truncated toward zero.

    (quotient 7 2) ; => 3
    (quotient -7 2) ; => -3
    """
    if a.__class__ is int and b.__class__ is int and b:
        q = a // b
        return q + 1 if q < 0 and q * b != a else q
    if _check_divisor("quotient", a, b):
        return math.nan
    if a.__class__ is float or b.__class__ is float:
        return float(math.trunc(a / b))
    return math.trunc(Fraction(a) / b)


@builtin("floor-quotient")
def floor_quotient(a: Real, b: Real) -> Real:
    """Integer division rounded toward negative infinity.

    (floor-quotient -7 2) ; => -4
    """
    if _check_divisor("floor-quotient", a, b):
        return math.nan
    return a // b


def _integers(who: str, args):
    for x in args:
        if not _is_integer(x):
            raise type_error(who, "an integer", x)
    if all(x.__class__ is int for x in args):
        return args, False
    return [int(x) for x in args], True


@builtin("gcd", "math/gcd")
def gcd(*args: Real) -> Real:
    """Greatest common divisor (non-negative); ``(gcd)`` is 0.

    (gcd 12 18) ; => 6
    (gcd) ; => 0
    """
    ints, inexact = _integers("gcd", args)
    r = math.gcd(*ints)
    return float(r) if inexact else r


@builtin("lcm", "math/lcm")
def lcm(*args: Real) -> Real:
    """Least common multiple (non-negative); ``(lcm)`` is 1.

    (lcm 4 6) ; => 12
    """
    ints, inexact = _integers("lcm", args)
    r = math.lcm(*ints)
    return float(r) if inexact else r
