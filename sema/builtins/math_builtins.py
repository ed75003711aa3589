"""Mathematical functions: powers and roots, rounding, transcendental functions and the ``math/`` family.

Exact arguments give exact results where the result is representable
(``(sqrt 16)`` => ``4``, ``(expt 2 -1)`` => ``1/2``); real arguments outside
a real function's domain give complex results (``(sqrt -4)`` => ``2i``).
The named constants (``pi``, ``e``, ``math/infinity``, ``math/nan``) are
:data:`sema.builtins.numbers.CONSTANTS`.
"""

from __future__ import annotations

import cmath
import math
from fractions import Fraction

from ..errors import DivisionByZero, LispValueError
from ..runtime.registry import Number, Real, builtin
from ..values import list_from
from .argcheck import type_error
from .numbers import (
    _EXACT,
    _INF,
    _NUM,
    _REAL,
    _check_real,
    _flt,
    _is_integer,
    _norm,
    _not_number,
    _not_real,
    add2,
    div2,
    mul2,
    sub2,
)

#: the stdlib reference (sema.docs) lists these builtins under "core: numbers"
DOC_GROUP = "numbers"


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
    (sqrt -4) ; => 0+2i
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
    raise type_error("sqrt", "a number", x)


@builtin("exact-integer-sqrt")
def exact_integer_sqrt(n: int):
    """The list ``(s r)`` with S*S + R = N and S as large as possible (a list, as in Sema).

    (exact-integer-sqrt 17) ; => (4 1)
    (exact-integer-sqrt 15241578750190521) ; => (123456789 0)
    """
    if n.__class__ is not int or n < 0:
        raise type_error("exact-integer-sqrt", "a non-negative integer", n)
    s = math.isqrt(n)
    return list_from(s, n - s * s)


#: the largest exact power computed, in bits (about ten million digits): one power is one long
#: C computation that nothing (not even Ctrl-C or a timeout) can stop before it ends
MAX_POWER_BITS = 1 << 25


def _check_result_size(base, power: int) -> None:
    b = abs(base)
    if b.__class__ is Fraction:
        b = max(b.numerator, b.denominator)
    if b > 1 and abs(power) * b.bit_length() > MAX_POWER_BITS:
        digits = int(abs(power) * b.bit_length() * 0.30103)
        raise LispValueError(f"expt: the exact result would have about {digits:,} digits, more than the "
                             f"{int(MAX_POWER_BITS * 0.30103):,} sema computes; use a float base for an estimate")


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
        _check_result_size(base, power)
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
    raise type_error(who, "a number", x)


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


def _rng():
    """Python's random module, imported on first use (it costs start-up ~1.5 ms)."""
    import random as module
    return module


@builtin("math/random")
def random() -> float:
    """A random float in [0, 1).

    (<= 0 (math/random) 1) ; => #t
    """
    return _rng().random()


@builtin("math/random-int")
def random_int(lo: int, hi: int | None = None) -> int:
    """A random integer from LO to HI inclusive; with one argument N, from 0 to N-1.

    (math/random-int 3 3) ; => 3
    (math/random-int 1) ; => 0
    """
    if lo.__class__ is not int or (hi is not None and hi.__class__ is not int):
        raise type_error("math/random-int", "an integer", lo if lo.__class__ is not int else hi)
    if hi is None:
        if lo <= 0:
            raise LispValueError(f"math/random-int: bound must be positive, got {lo}")
        return _rng().randrange(lo)
    if hi < lo:
        raise LispValueError(f"math/random-int: empty range {lo}..{hi}")
    return _rng().randint(lo, hi)


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
        raise type_error("math/round-to", "an integer", digits)
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
        raise type_error("math/format-fixed", "a non-negative integer", digits)
    if x.__class__ in _EXACT:
        # format exactly, without a detour through float
        scaled = round(Fraction(x) * 10 ** digits)
        text = str(abs(scaled)).rjust(digits + 1, "0")
        sign_ = "-" if scaled < 0 else ""
        return sign_ + (text[:-digits] + "." + text[-digits:] if digits else text)
    return f"{x:.{digits}f}"
