"""Kinds of numbers: the type predicates (``number?``, ``integer?``, ``zero?`` ...),
exactness (``exact``, ``inexact``) and the parts of rationals and complex numbers.
"""

from __future__ import annotations

import cmath
import math
from fractions import Fraction

from ..errors import LispValueError
from ..printer import write_str
from ..runtime.registry import Number, Real, builtin
from ..runtime.registry import typing_names as typing
from .argcheck import type_error
from .numbers import (
    _EXACT,
    _NUM,
    _REAL,
    _check_num,
    _check_real,
    _flt,
    _is_integer,
    _norm,
    _not_real,
)

#: the stdlib reference (sema.docs) lists these builtins under "core: numbers"
DOC_GROUP = "numbers"


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
    """True for exact integers and rationals; false for floats, as in Sema (which ties it to exactness).

    (rational? 1/2) ; => #t
    (rational? 3.14) ; => #f
    """
    return x.__class__ in _EXACT


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
        raise type_error(who, "an integer", x)
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
    raise type_error("exact", "a number", x)


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
    raise type_error("inexact", "a number", x)


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
