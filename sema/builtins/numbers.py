"""The numeric tower: arithmetic, comparison, rounding, transcendental and ``math/`` builtins.

Numbers are Python ``int`` (exact integers, never overflow), ``Fraction``
(exact rationals, always normalised: a Fraction whose denominator is 1 is
returned as an ``int``), ``float`` (inexact reals) and ``complex`` (inexact
complex numbers).  ``bool`` is never a number: ``(+ 1 #t)`` is a type error.

Exactness follows R7RS: exact operands give exact results where the result is
representable (``(/ 10 4)`` => ``5/2``, ``(sqrt 16)`` => ``4``, ``(expt 2 -1)``
=> ``1/2``); one inexact operand makes the result inexact.

Division by zero.  An *exact* zero divisor raises DivisionByZero
(``(/ 1 0)``, ``(/ 1.0 0)``, ``(modulo 5 0)``).  An *inexact* zero divisor
follows IEEE 754 as Sema's f64 arithmetic does: ``(/ 1 0.0)`` => ``inf``,
``(/ 0 0.0)`` => ``nan``.  Float results too large for a float become
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

``string->number`` returns ``#f`` for text that is not a number (R7RS);
:func:`parse_number` is the shared parser (reader syntax: ``1/3``, ``1e3``,
``3+4i``, ``#xFF``, ``#e1.5``, ``inf``, ``nan`` ...).
"""

from __future__ import annotations

import cmath
import math
import operator
import random as _random
import re
import typing
from fractions import Fraction
from functools import reduce

from ..errors import DivisionByZero, LispTypeError, LispValueError
from ..runtime.registry import Number, Real, builtin
from ..values import MultipleValues, equal, type_name, write_str

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


def _type_error(who: str, what: str, x) -> LispTypeError:
    return LispTypeError(f"{who}: expected {what}, got {type_name(x)} {write_str(x)}")


def _not_number(who: str, a, b=0) -> LispTypeError:
    """The type error for whichever of A, B is not a number."""
    bad = a if a.__class__ not in _NUM else b
    return _type_error(who, "a number", bad)


def _not_real(who: str, a, b=0) -> LispTypeError:
    bad = a if a.__class__ not in _REAL else b
    if bad.__class__ in _NUM:
        return _type_error(who, "a real number", bad)
    return _type_error(who, "a number", bad)


def _check_num(who: str, x) -> None:
    if x.__class__ not in _NUM:
        raise _type_error(who, "a number", x)


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
    """``(/ a b)``: exact when both are exact; an exact zero divisor raises DivisionByZero.

    A float zero divisor gives IEEE results: ``(/ 1 0.0)`` is inf, ``(/ 0 0.0)`` nan.
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
    if cb in _EXACT and b == 0:
        raise DivisionByZero("/: division by zero")
    if ca in _EXACT and cb in _EXACT:
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
    raise _type_error("-", "a number", a)


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
                raise _type_error(who, "a number", x)
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
            raise _type_error(who, "an integer", x)
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


# ---------------------------------------------------------------- powers and roots


def _exact_root(n: int, q: int):
    """The exact Q-th root of the non-negative int N, or None."""
    if n < 2:
        return n
    guess = _flt(n) ** (1.0 / q)
    if guess == _INF:
        return None
    r = int(round(guess))
    for c in (r - 1, r, r + 1):
        if c >= 0 and c ** q == n:
            return c
    return None


def _exact_sqrt(x):
    """Exact square root of a non-negative exact number, or None."""
    if x.__class__ is int:
        s = math.isqrt(x)
        return s if s * s == x else None
    sn, sd = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if sn * sn == x.numerator and sd * sd == x.denominator:
        return Fraction(sn, sd)
    return None


@builtin("sqrt", "math/sqrt")
def sqrt(x: Number) -> Number:
    """Square root: exact for exact perfect squares, complex for negative numbers.

    (sqrt 16) ; => 4
    (sqrt 1/4) ; => 1/2
    (sqrt 2.25) ; => 1.5
    (sqrt -4) ; => 2i
    """
    c = x.__class__
    if c in _EXACT:
        if x < 0:
            r = sqrt(-x)
            return complex(0, r)
        s = _exact_sqrt(x)
        if s is not None:
            return s
        try:
            return math.sqrt(x)
        except OverflowError:
            return float(math.isqrt(x.numerator // x.denominator if c is Fraction else x))
    if c is float:
        if x < 0:
            return complex(0, math.sqrt(-x))
        return math.sqrt(x)
    if c is complex:
        return cmath.sqrt(x)
    raise _type_error("sqrt", "a number", x)


@builtin("exact-integer-sqrt")
def exact_integer_sqrt(n: int):
    """Two values S and R with S*S + R = N and S as large as possible.

    (call-with-values (lambda () (exact-integer-sqrt 17)) list) ; => (4 1)
    """
    if n.__class__ is not int or n < 0:
        raise _type_error("exact-integer-sqrt", "a non-negative integer", n)
    s = math.isqrt(n)
    return MultipleValues((s, n - s * s))


@builtin("expt", "pow", "math/pow")
def expt(base: Number, power: Number) -> Number:
    """BASE raised to POWER: exact for exact arguments where possible.

    (expt 2 10) ; => 1024
    (expt 2 -2) ; => 1/4
    (expt 2/3 2) ; => 4/9
    (expt 4 1/2) ; => 2
    (expt 2.0 3) ; => 8.0
    (expt 2 0.5) ; => 1.4142135623730951
    """
    cb, cp = base.__class__, power.__class__
    if cb not in _NUM or cp not in _NUM:
        raise _not_number("expt", base, power)
    if cp is int and cb in _EXACT:
        if power < 0 and base == 0:
            raise DivisionByZero("expt: division by zero")
        return _norm(base ** power if power >= 0 else Fraction(base) ** power)
    if cp is Fraction and cb in _EXACT and base >= 0:
        bf = Fraction(base)
        rn = _exact_root(bf.numerator, power.denominator)
        rd = _exact_root(bf.denominator, power.denominator)
        if rn is not None and rd is not None:
            return expt(Fraction(rn, rd), power.numerator)
    try:
        r = base ** power
    except ZeroDivisionError:
        if cb is complex or cp is complex:
            raise DivisionByZero("expt: division by zero") from None
        return _INF
    except OverflowError:
        odd = _is_integer(power) and int(power) % 2 == 1
        return -_INF if odd and cb is not complex and base < 0 else _INF
    return _norm(r)


@builtin("square")
def square(x: Number) -> Number:
    """X times X.

    (square 5) ; => 25
    """
    return mul2(x, x)


# ---------------------------------------------------------------- rounding


def _rounder(who: str, x, fn):
    c = x.__class__
    if c is int:
        return x
    if c is Fraction:
        return fn(x)
    if c is float:
        return float(fn(x)) if math.isfinite(x) else x
    raise _not_real(who, x)


@builtin("floor", "math/floor")
def floor_(x: Real) -> Real:
    """Largest integer not above X; floats stay floats.

    (floor 2.5) ; => 2.0
    (floor 5/2) ; => 2
    (floor -2.5) ; => -3.0
    """
    return _rounder("floor", x, math.floor)


@builtin("ceiling", "ceil", "math/ceil")
def ceiling(x: Real) -> Real:
    """Smallest integer not below X; floats stay floats.

    (ceiling 2.1) ; => 3.0
    (ceil 5/2) ; => 3
    """
    return _rounder("ceiling", x, math.ceil)


@builtin("round", "math/round")
def round_(x: Real) -> Real:
    """Nearest integer, halves to even; floats stay floats.

    (round 2.5) ; => 2.0
    (round 3.5) ; => 4.0
    (round 7/2) ; => 4
    """
    return _rounder("round", x, round)


@builtin("truncate")
def truncate(x: Real) -> Real:
    """X with its fractional part dropped (rounds toward zero).

    (truncate -2.7) ; => -2.0
    (truncate 7/2) ; => 3
    """
    return _rounder("truncate", x, math.trunc)


# ---------------------------------------------------------------- transcendental functions


def _transcendental(who: str, x, f, cf):
    """Apply F to a real X, falling back to the complex CF outside F's real domain."""
    c = x.__class__
    if c in _REAL:
        try:
            return f(x)
        except (ValueError, OverflowError):
            pass
        try:
            return cf(_flt(x))
        except (ValueError, OverflowError):
            return math.nan
    if c is complex:
        return cf(x)
    raise _type_error(who, "a number", x)


@builtin("sin")
def sin(x: Number) -> Number:
    """Sine of X radians.

    (sin 0) ; => 0.0
    """
    return _transcendental("sin", x, math.sin, cmath.sin)


@builtin("cos")
def cos(x: Number) -> Number:
    """Cosine of X radians.

    (cos 0) ; => 1.0
    """
    return _transcendental("cos", x, math.cos, cmath.cos)


@builtin("tan", "math/tan")
def tan(x: Number) -> Number:
    """Tangent of X radians.

    (tan 0) ; => 0.0
    """
    return _transcendental("tan", x, math.tan, cmath.tan)


@builtin("asin", "math/asin")
def asin(x: Number) -> Number:
    """Arcsine (complex outside [-1, 1]).

    (asin 1) ; => 1.5707963267948966
    """
    return _transcendental("asin", x, math.asin, cmath.asin)


@builtin("acos", "math/acos")
def acos(x: Number) -> Number:
    """Arccosine (complex outside [-1, 1]).

    (acos 1) ; => 0.0
    """
    return _transcendental("acos", x, math.acos, cmath.acos)


@builtin("atan", "math/atan")
def atan(y: Number, x: Real | None = None) -> Number:
    """Arctangent of Y, or with two arguments the angle of the point (X, Y).

    (atan 1) ; => 0.7853981633974483
    (atan 1 -1) ; => 2.356194490192345
    """
    if x is None:
        return _transcendental("atan", y, math.atan, cmath.atan)
    return atan2(y, x)


@builtin("math/atan2")
def atan2(y: Real, x: Real) -> float:
    """The angle in radians of the point (X, Y).

    (math/atan2 1 1) ; => 0.7853981633974483
    """
    if y.__class__ not in _REAL or x.__class__ not in _REAL:
        raise _not_real("atan", y, x)
    return math.atan2(_flt(y), _flt(x))


@builtin("exp", "math/exp")
def exp(x: Number) -> Number:
    """e raised to X.

    (exp 0) ; => 1.0
    """
    if x.__class__ in _REAL:
        try:
            return math.exp(x)
        except OverflowError:
            return _INF
    return _transcendental("exp", x, math.exp, cmath.exp)


def _log_real(x):
    if x == 0:
        return -_INF
    return math.log(x)


@builtin("log")
def log(x: Number, base: Number | None = None) -> Number:
    """Natural logarithm of X, or its logarithm to BASE; complex for negative X.

    (log 1) ; => 0.0
    (log 8 2) ; => 3.0
    (log 100 10) ; => 2.0
    """
    if base is None:
        return _transcendental("log", x, _log_real, cmath.log)
    if x.__class__ in _REAL and base.__class__ in _REAL and x > 0:
        if base == 2:
            return math.log2(x)
        if base == 10:
            return math.log10(x)
    lx = log(x)
    lb = log(base)
    if lb == 0:
        raise DivisionByZero("log: logarithm base 1")
    return lx / lb


@builtin("math/log10")
def log10(x: Number) -> Number:
    """Base-10 logarithm.

    (math/log10 1000) ; => 3.0
    """
    return log(x, 10)


@builtin("math/log2")
def log2(x: Number) -> Number:
    """Base-2 logarithm.

    (math/log2 8) ; => 3.0
    """
    return log(x, 2)


@builtin("math/sinh")
def sinh(x: Number) -> Number:
    """Hyperbolic sine.

    (math/sinh 0) ; => 0.0
    """
    return _transcendental("math/sinh", x, math.sinh, cmath.sinh)


@builtin("math/cosh")
def cosh(x: Number) -> Number:
    """Hyperbolic cosine.

    (math/cosh 0) ; => 1.0
    """
    return _transcendental("math/cosh", x, math.cosh, cmath.cosh)


@builtin("math/tanh")
def tanh(x: Number) -> Number:
    """Hyperbolic tangent.

    (math/tanh 0) ; => 0.0
    """
    return _transcendental("math/tanh", x, math.tanh, cmath.tanh)


# ---------------------------------------------------------------- exactness and parts


@builtin("exact", "inexact->exact")
def exact(x: Number) -> Number:
    """The exact number equal to X (floats become integers or rationals).

    (exact 2.5) ; => 5/2
    (exact 2.0) ; => 2
    (exact 3) ; => 3
    """
    c = x.__class__
    if c in _EXACT:
        return x
    if c is float:
        if not math.isfinite(x):
            raise LispValueError(f"exact: {write_str(x)} has no exact equivalent")
        return _norm(Fraction(x))
    if c is complex:
        if x.imag == 0:
            return exact(x.real)
        raise LispValueError(f"exact: {write_str(x)} has no exact equivalent")
    raise _type_error("exact", "a number", x)


@builtin("inexact", "exact->inexact")
def inexact(x: Number) -> Number:
    """The float (or complex) closest to X.

    (inexact 1/4) ; => 0.25
    (exact->inexact 3) ; => 3.0
    """
    c = x.__class__
    if c in _REAL:
        return _flt(x)
    if c is complex:
        return x
    raise _type_error("inexact", "a number", x)


def _as_fraction(who: str, x) -> Fraction:
    if x.__class__ is float and not math.isfinite(x):
        raise LispValueError(f"{who}: {write_str(x)} is not a rational number")
    if x.__class__ not in _REAL:
        raise _not_real(who, x)
    return Fraction(x)


@builtin("numerator")
def numerator(x: Real) -> Real:
    """Numerator of X in lowest terms.

    (numerator 6/4) ; => 3
    (numerator 5) ; => 5
    """
    n = _as_fraction("numerator", x).numerator
    return float(n) if x.__class__ is float else n


@builtin("denominator")
def denominator(x: Real) -> Real:
    """Denominator of X in lowest terms (1 for integers).

    (denominator 6/4) ; => 2
    (denominator 0.5) ; => 2.0
    """
    d = _as_fraction("denominator", x).denominator
    return float(d) if x.__class__ is float else d


def _simplest_between(lo: Fraction, hi: Fraction):
    """The simplest rational in [LO, HI] (fewest digits in lowest terms)."""
    if lo > 0:
        return _simplest_positive(lo, hi)
    if hi < 0:
        return -_simplest_positive(-hi, -lo)
    return 0


def _simplest_positive(lo: Fraction, hi: Fraction):
    fl = math.floor(lo)
    if fl == lo:
        return fl
    if fl < math.floor(hi):
        return fl + 1
    return fl + Fraction(1) / _simplest_positive(1 / (hi - fl), 1 / (lo - fl))


@builtin("rationalize")
def rationalize(x: Real, y: Real) -> Real:
    """The simplest rational differing from X by no more than Y.

    (rationalize 3/10 1/10) ; => 1/3
    (rationalize 0.3 1/10) ; => 0.3333333333333333
    """
    fx, fy = _as_fraction("rationalize", x), abs(_as_fraction("rationalize", y))
    r = _norm(Fraction(_simplest_between(fx - fy, fx + fy)))
    return _flt(r) if x.__class__ is float or y.__class__ is float else r


@builtin("real-part")
def real_part(z: Number) -> Real:
    """Real part of Z.

    (real-part 3+4i) ; => 3.0
    (real-part 5) ; => 5
    """
    _check_num("real-part", z)
    return z.real if z.__class__ is complex else z


@builtin("imag-part")
def imag_part(z: Number) -> Real:
    """Imaginary part of Z (0 for a real number).

    (imag-part 3+4i) ; => 4.0
    (imag-part 5) ; => 0
    """
    _check_num("imag-part", z)
    return z.imag if z.__class__ is complex else 0


@builtin("magnitude")
def magnitude(z: Number) -> Real:
    """Magnitude (absolute value) of Z.

    (magnitude 3+4i) ; => 5.0
    (magnitude -7) ; => 7
    """
    _check_num("magnitude", z)
    return abs(z)


@builtin("angle")
def angle(z: Number) -> Real:
    """Angle of Z in the complex plane, in radians.

    (angle -1) ; => 3.141592653589793
    (angle 1) ; => 0
    """
    c = z.__class__
    if c is complex:
        return cmath.phase(z)
    _check_real("angle", z)
    if z < 0:
        return math.pi
    return 0 if c in _EXACT else 0.0


@builtin("make-rectangular")
def make_rectangular(re_part: Real, im_part: Real) -> Number:
    """The complex number RE + IM*i (a real number when IM is exact zero).

    (make-rectangular 3 4) ; => 3+4i
    (make-rectangular 3 0) ; => 3
    """
    if re_part.__class__ not in _REAL or im_part.__class__ not in _REAL:
        raise _not_real("make-rectangular", re_part, im_part)
    if im_part == 0 and im_part.__class__ in _EXACT:
        return re_part
    return complex(_flt(re_part), _flt(im_part))


@builtin("make-polar")
def make_polar(mag: Real, ang: Real) -> Number:
    """The complex number with magnitude MAG and angle ANG.

    (make-polar 2 0) ; => 2
    """
    if mag.__class__ not in _REAL or ang.__class__ not in _REAL:
        raise _not_real("make-polar", mag, ang)
    if ang == 0 and ang.__class__ in _EXACT:
        return mag
    return cmath.rect(_flt(mag), _flt(ang))


# ---------------------------------------------------------------- conversions


@builtin("int")
def to_int(x: Number | str) -> int:
    """X as an integer, truncating toward zero; strings are parsed.

    (int 3.7) ; => 3
    (int -7/2) ; => -3
    (int "42") ; => 42
    """
    c = x.__class__
    if c is int:
        return x
    if c is str:
        n = parse_number(x.strip())
        if n is None or n.__class__ is complex:
            raise LispValueError(f"int: cannot parse {write_str(x)} as a number")
        return to_int(n)
    if c is float:
        if not math.isfinite(x):
            raise LispValueError(f"int: cannot convert {write_str(x)} to an integer")
        return math.trunc(x)
    if c is Fraction:
        return math.trunc(x)
    if c is complex:
        raise _type_error("int", "a real number", x)
    raise _type_error("int", "a number or string", x)


@builtin("float")
def to_float(x: Number | str) -> float:
    """X as a float; strings are parsed.

    (float 1/2) ; => 0.5
    (float "2.5") ; => 2.5
    """
    c = x.__class__
    if c is float:
        return x
    if c in _EXACT:
        return _flt(x)
    if c is str:
        n = parse_number(x.strip())
        if n is None or n.__class__ is complex:
            raise LispValueError(f"float: cannot parse {write_str(x)} as a number")
        return _flt(n)
    if c is complex:
        raise _type_error("float", "a real number", x)
    raise _type_error("float", "a number or string", x)


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _int_to_radix(n: int, radix: int) -> str:
    if radix == 10:
        return str(n)
    if radix == 16:
        return format(n, "x")
    if radix == 2:
        return format(n, "b")
    if radix == 8:
        return format(n, "o")
    digits = []
    m = abs(n)
    while m:
        m, d = divmod(m, radix)
        digits.append(_DIGITS[d])
    return ("-" if n < 0 else "") + ("".join(reversed(digits)) or "0")


@builtin("number->string")
def number_to_string(n: Number, radix: int = 10) -> str:
    """The printed form of N, optionally in RADIX (2 to 36, exact numbers only).

    (number->string 42) ; => "42"
    (number->string 255 16) ; => "ff"
    (number->string 1/3) ; => "1/3"
    (number->string 2.5) ; => "2.5"
    """
    c = n.__class__
    if c is int and radix == 10:
        return str(n)
    if radix.__class__ is not int or not 2 <= radix <= 36:
        raise LispValueError(f"number->string: radix must be an integer from 2 to 36, got {write_str(radix)}")
    if c is int:
        return _int_to_radix(n, radix)
    if c is Fraction:
        return _int_to_radix(n.numerator, radix) + "/" + _int_to_radix(n.denominator, radix)
    if c is float or c is complex:
        if radix != 10:
            raise LispValueError(f"number->string: radix {radix} needs an exact number, got {write_str(n)}")
        return write_str(n)
    raise _type_error("number->string", "a number", n)


_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_SPECIAL = {"inf": _INF, "infinity": _INF, "inf.0": _INF, "nan": math.nan, "nan.0": math.nan}


def _parse_uint(text: str, radix: int):
    if not text:
        return None
    if radix == 10:
        return int(text) if text.isdigit() and text.isascii() else None
    allowed = _DIGITS[:radix]
    if all(ch in allowed for ch in text.lower()):
        return int(text, radix)
    return None


def _parse_ureal(text: str, radix: int):
    """An unsigned real: integer, rational, decimal (radix 10 only), inf or nan."""
    special = _SPECIAL.get(text.lower())
    if special is not None:
        return special
    if "/" in text:
        num, _, den = text.partition("/")
        n, d = _parse_uint(num, radix), _parse_uint(den, radix)
        if n is None or d is None or d == 0:
            return None
        return _norm(Fraction(n, d))
    n = _parse_uint(text, radix)
    if n is not None:
        return n
    if radix == 10 and _DECIMAL.match(text):
        return float(text)
    return None


def _parse_real(text: str, radix: int):
    if text[:1] in "+-":
        r = _parse_ureal(text[1:], radix)
        if r is None:
            return None
        return -r if text[0] == "-" else r
    return _parse_ureal(text, radix)


def _parse_complex(text: str, radix: int):
    """``a+bi``, ``a-bi``, ``bi``, ``+i``, ``-i``; TEXT ends with ``i``."""
    body = text[:-1]
    # the imaginary part starts at the last sign that is not an exponent's
    split = -1
    for i in range(len(body) - 1, -1, -1):
        if body[i] in "+-" and not (i > 0 and radix == 10 and body[i - 1] in "eE"):
            split = i
            break
    if split == -1:
        re_text, im_text = "", body
    else:
        re_text, im_text = body[:split], body[split:]
    if im_text in ("+", "-"):
        im_text += "1"
    elif im_text == "":
        return None
    im = _parse_real(im_text, radix)
    re_part = _parse_real(re_text, radix) if re_text else 0
    if im is None or re_part is None:
        return None
    if im == 0 and im.__class__ in _EXACT:
        return re_part
    return complex(_flt(re_part), _flt(im))


def parse_number(text: str, radix: int = 10):
    """The number TEXT denotes in Sema's number syntax, or None if it is not one.

    Handles integers, rationals (``1/3``), decimals (``1.5e3``), complex
    (``3+4i``), ``inf``/``nan`` spellings, and the prefixes ``#x #o #b #d``
    (radix) and ``#e #i`` (exactness), combinable in either order.
    """
    exactness = None
    while text[:1] == "#" and len(text) >= 2:
        p = text[1].lower()
        if p in "xobd":
            radix = {"x": 16, "o": 8, "b": 2, "d": 10}[p]
        elif p in "ei" and exactness is None:
            exactness = p
        else:
            return None
        text = text[2:]
    if not text:
        return None
    low = text.lower()
    if low.endswith("i"):
        value = _parse_complex(text, radix)
    else:
        value = _parse_real(text, radix)
    if value is None or exactness is None:
        return value
    if exactness == "i":
        return inexact(value)
    try:
        return exact(value)
    except LispValueError:
        return None


@builtin("string->number", "string/to-number")
def string_to_number(s: str, radix: int = 10):
    """The number S denotes (optionally in RADIX), or #f if S is not a number.

    (string->number "42") ; => 42
    (string->number "-1.5e2") ; => -150.0
    (string->number "1/3") ; => 1/3
    (string->number "ff" 16) ; => 255
    (string->number "abc") ; => #f
    """
    if s.__class__ is not str:
        raise _type_error("string->number", "a string", s)
    if radix == 10 and s.isdigit() and s.isascii():
        return int(s)
    if radix.__class__ is not int or not 2 <= radix <= 36:
        raise LispValueError(f"string->number: radix must be an integer from 2 to 36, got {write_str(radix)}")
    n = parse_number(s, radix)
    return False if n is None else n


@builtin("string->float")
def string_to_float(s: str):
    """The number S denotes, as a float, or #f if S is not a real number.

    (string->float "3") ; => 3.0
    (string->float "x") ; => #f
    """
    if s.__class__ is not str:
        raise _type_error("string->float", "a string", s)
    n = parse_number(s)
    if n is None or n.__class__ is complex:
        return False
    return _flt(n)


# ---------------------------------------------------------------- predicates


@builtin("number?", "complex?")
def number_p(x: typing.Any) -> bool:
    """True for any number (never for #t/#f).

    (number? 1/2) ; => #t
    (number? "1") ; => #f
    """
    return x.__class__ in _NUM


@builtin("real?")
def real_p(x: typing.Any) -> bool:
    """True for numbers that are not complex.

    (real? 1.5) ; => #t
    (real? 1+2i) ; => #f
    """
    return x.__class__ in _REAL


@builtin("rational?")
def rational_p(x: typing.Any) -> bool:
    """True for integers, rationals and finite floats.

    (rational? 1/2) ; => #t
    (rational? inf) ; => #f
    """
    c = x.__class__
    return c in _EXACT or (c is float and math.isfinite(x))


@builtin("integer?")
def integer_p(x: typing.Any) -> bool:
    """True for integers, including integral floats.

    (integer? 5) ; => #t
    (integer? 5.0) ; => #t
    (integer? 5.5) ; => #f
    """
    c = x.__class__
    return c is int or (c is float and x.is_integer())


@builtin("exact-integer?")
def exact_integer_p(x: typing.Any) -> bool:
    """True for exact integers only.

    (exact-integer? 5) ; => #t
    (exact-integer? 5.0) ; => #f
    """
    return x.__class__ is int


@builtin("float?")
def float_p(x: typing.Any) -> bool:
    """True for floats.

    (float? 1.0) ; => #t
    (float? 1) ; => #f
    """
    return x.__class__ is float


@builtin("exact?")
def exact_p(x: Number) -> bool:
    """True for exact numbers (integers and rationals).

    (exact? 1/2) ; => #t
    (exact? 0.5) ; => #f
    """
    _check_num("exact?", x)
    return x.__class__ in _EXACT


@builtin("inexact?")
def inexact_p(x: Number) -> bool:
    """True for inexact numbers (floats and complex numbers).

    (inexact? 0.5) ; => #t
    """
    _check_num("inexact?", x)
    return x.__class__ not in _EXACT


@builtin("zero?")
def zero_p(x: Number) -> bool:
    """True if X is zero.

    (zero? 0) ; => #t
    (zero? 0.0) ; => #t
    """
    _check_num("zero?", x)
    return x == 0


@builtin("positive?")
def positive_p(x: Real) -> bool:
    """True if X is greater than zero.

    (positive? 3) ; => #t
    """
    _check_real("positive?", x)
    return x > 0


@builtin("negative?")
def negative_p(x: Real) -> bool:
    """True if X is less than zero.

    (negative? -3) ; => #t
    """
    _check_real("negative?", x)
    return x < 0


def _integer_arg(who: str, x) -> int:
    if not _is_integer(x):
        raise _type_error(who, "an integer", x)
    return int(x)


@builtin("even?")
def even_p(n: int) -> bool:
    """True if the integer N is even.

    (even? 4) ; => #t
    """
    if n.__class__ is int:
        return not n & 1
    return not _integer_arg("even?", n) & 1


@builtin("odd?")
def odd_p(n: int) -> bool:
    """True if the integer N is odd.

    (odd? 3) ; => #t
    """
    if n.__class__ is int:
        return bool(n & 1)
    return bool(_integer_arg("odd?", n) & 1)


@builtin("nan?", "math/nan?")
def nan_p(x: Number) -> bool:
    """True if X is a NaN (not-a-number) float.

    (nan? nan) ; => #t
    (nan? 1.0) ; => #f
    """
    _check_num("nan?", x)
    return x != x


@builtin("math/infinite?")
def infinite_p(x: Number) -> bool:
    """True if X is positive or negative infinity.

    (math/infinite? -inf) ; => #t
    (math/infinite? 1e308) ; => #f
    """
    c = x.__class__
    if c is float:
        return math.isinf(x)
    if c is complex:
        return cmath.isinf(x)
    _check_num("math/infinite?", x)
    return False


# ---------------------------------------------------------------- math/


@builtin("math/clamp")
def clamp(x: Real, lo: Real, hi: Real) -> Real:
    """X limited to the range [LO, HI].

    (math/clamp 15 0 10) ; => 10
    (math/clamp -5 0 10) ; => 0
    (math/clamp 5 0 10) ; => 5
    """
    for v in (x, lo, hi):
        _check_real("math/clamp", v)
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@builtin("math/sign")
def sign(x: Real) -> Real:
    """-1, 0 or 1 according to the sign of X (floats give floats).

    (math/sign -3) ; => -1
    (math/sign 2.5) ; => 1.0
    (math/sign 0) ; => 0
    """
    _check_real("math/sign", x)
    s = (x > 0) - (x < 0)
    if x.__class__ is float:
        return x if x != x else float(s)
    return s


@builtin("math/random")
def random() -> float:
    """A random float in [0, 1).

    (<= 0 (math/random) 1) ; => #t
    """
    return _random.random()


@builtin("math/random-int")
def random_int(lo: int, hi: int | None = None) -> int:
    """A random integer from LO to HI inclusive; with one argument N, from 0 to N-1.

    (math/random-int 3 3) ; => 3
    (math/random-int 1) ; => 0
    """
    if lo.__class__ is not int or (hi is not None and hi.__class__ is not int):
        raise _type_error("math/random-int", "an integer", lo if lo.__class__ is not int else hi)
    if hi is None:
        if lo <= 0:
            raise LispValueError(f"math/random-int: bound must be positive, got {lo}")
        return _random.randrange(lo)
    if hi < lo:
        raise LispValueError(f"math/random-int: empty range {lo}..{hi}")
    return _random.randint(lo, hi)


@builtin("math/degrees->radians")
def degrees_to_radians(x: Real) -> float:
    """X degrees in radians.

    (math/degrees->radians 180) ; => 3.141592653589793
    """
    _check_real("math/degrees->radians", x)
    return math.radians(_flt(x))


@builtin("math/radians->degrees")
def radians_to_degrees(x: Real) -> float:
    """X radians in degrees.

    (math/radians->degrees 3.141592653589793) ; => 180.0
    """
    _check_real("math/radians->degrees", x)
    return math.degrees(_flt(x))


@builtin("math/lerp")
def lerp(a: Number, b: Number, t: Number) -> Number:
    """Linear interpolation from A to B by T (T = 0 gives A, T = 1 gives B).

    (math/lerp 0 10 1/2) ; => 5
    (math/lerp 0.0 10 0.25) ; => 2.5
    """
    return add2(a, mul2(sub2(b, a), t))


@builtin("math/map-range")
def map_range(x: Real, in_min: Real, in_max: Real, out_min: Real, out_max: Real) -> Real:
    """X mapped linearly from the range [IN-MIN, IN-MAX] onto [OUT-MIN, OUT-MAX].

    (math/map-range 5 0 10 0 100) ; => 50
    """
    for v in (x, in_min, in_max, out_min, out_max):
        _check_real("math/map-range", v)
    span = sub2(in_max, in_min)
    if span == 0:
        raise DivisionByZero("math/map-range: empty input range")
    return add2(out_min, div2(mul2(sub2(x, in_min), sub2(out_max, out_min)), span))


@builtin("math/round-to")
def round_to(x: Real, digits: int) -> Real:
    """X rounded to DIGITS decimal places (halves to even).

    (math/round-to 3.14159 2) ; => 3.14
    (math/round-to 1234 -2) ; => 1200
    """
    _check_real("math/round-to", x)
    if digits.__class__ is not int:
        raise _type_error("math/round-to", "an integer", digits)
    if x.__class__ is float and not math.isfinite(x):
        return x
    return _norm(round(x, digits))


@builtin("math/format-fixed")
def format_fixed(x: Real, digits: int) -> str:
    """X formatted with exactly DIGITS decimal places.

    (math/format-fixed 3.14159 2) ; => "3.14"
    (math/format-fixed 2 3) ; => "2.000"
    """
    _check_real("math/format-fixed", x)
    if digits.__class__ is not int or digits < 0:
        raise _type_error("math/format-fixed", "a non-negative integer", digits)
    if x.__class__ in _EXACT:
        # format exactly, without a detour through float
        scaled = round(Fraction(x) * 10 ** digits)
        text = str(abs(scaled)).rjust(digits + 1, "0")
        sign_ = "-" if scaled < 0 else ""
        return sign_ + (text[:-digits] + "." + text[-digits:] if digits else text)
    return f"{x:.{digits}f}"
