"""Tests for the number builtins: numbers.py (tower, operators), numtypes.py, math_builtins.py, numparse.py.

The classes named ``Test...Direct`` call the Python functions; ``TestLisp...``
tables evaluate Lisp source through the ``show`` fixture of conftest.py.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from sema.builtins import math_builtins as MB
from sema.builtins import numbers as N
from sema.builtins import numparse as NP
from sema.builtins import numtypes as NT
from sema.errors import DivisionByZero, LispTypeError, LispValueError
from sema.printer import write_str
from sema.runtime.registry import BUILTINS
from sema.values import make_list

F = Fraction


class TestOperatorSlowPathsDirect:
    """The two-argument functions the compiler calls for inlined operators."""

    def test_add_mixed(self):
        """add2 mixes exact and inexact numbers and normalises rationals."""
        assert N.add2(1, 2.5) == 3.5
        assert N.add2(F(1, 2), F(1, 2)) == 1 and N.add2(F(1, 2), F(1, 2)).__class__ is int
        assert N.add2(F(1, 3), 1) == F(4, 3)
        assert N.add2(1j, 1) == 1 + 1j

    def test_sub_mul(self):
        """sub2 and mul2 keep exactness."""
        assert N.sub2(F(3, 2), F(1, 2)).__class__ is int
        assert N.mul2(F(2, 3), 3) == 2 and N.mul2(F(2, 3), 3).__class__ is int
        assert N.mul2(2, 0.5) == 1.0

    def test_big_ints_never_overflow(self):
        """Exact integers grow without bound and mixing with floats gives inf, not an error."""
        assert N.mul2(2 ** 100, 2 ** 100) == 2 ** 200
        assert N.add2(10 ** 400, 1.0) == math.inf

    @pytest.mark.parametrize("fn, op", [(N.add2, "+"), (N.sub2, "-"), (N.mul2, "*"), (N.div2, "/")])
    def test_type_errors_name_operator(self, fn, op):
        """A non-number operand is a LispTypeError naming the Lisp operator and the value."""
        with pytest.raises(LispTypeError) as err:
            fn(1, "a")
        assert str(err.value) == f'{op}: expected a number, got string "a"'

    @pytest.mark.parametrize("fn", [N.add2, N.sub2, N.mul2, N.div2, N.numeq2, N.lt2])
    def test_bools_are_not_numbers(self, fn):
        """#t and #f are rejected although Python treats them as ints."""
        with pytest.raises(LispTypeError, match="boolean #t"):
            fn(1, True)
        with pytest.raises(LispTypeError, match="boolean #f"):
            fn(False, 1)

    def test_neg(self):
        """neg negates numbers and rejects anything else."""
        assert N.neg(F(1, 2)) == F(-1, 2)
        with pytest.raises(LispTypeError, match="-: expected a number"):
            N.neg("x")

    def test_div_exact(self):
        """Exact division gives ints or normalised rationals."""
        assert N.div2(10, 4) == F(5, 2)
        assert N.div2(10, 5) == 2 and N.div2(10, 5).__class__ is int
        assert N.div2(F(1, 2), F(1, 4)).__class__ is int
        assert N.div2(1.0, 4) == 0.25

    def test_div_by_exact_zero(self):
        """Exact by exact zero raises DivisionByZero; a float dividend gives IEEE results, as in Sema (issue 11)."""
        for a in (1, F(1, 2)):
            with pytest.raises(DivisionByZero, match="/: division by zero"):
                N.div2(a, 0)
        assert N.div2(1.0, 0) == math.inf and N.div2(-1.0, 0) == -math.inf

    def test_div_by_float_zero_is_ieee(self):
        """A float zero divisor follows IEEE 754."""
        assert N.div2(1, 0.0) == math.inf
        assert N.div2(-1, 0.0) == -math.inf
        assert N.div2(1.0, -0.0) == -math.inf
        assert math.isnan(N.div2(0, 0.0))

    def test_comparisons(self):
        """lt2/gt2/le2/ge2 compare reals exactly, also across int and float."""
        assert N.lt2(1, 1.5) and N.gt2(F(3, 2), 1) and N.le2(2, 2.0) and N.ge2(2, 2)
        assert N.lt2(2 ** 53, 2 ** 53 + 1) and not N.lt2(float(2 ** 53), 2 ** 53)

    def test_comparing_complex_is_type_error(self):
        """Ordering a complex number is a type error that says a real is expected."""
        with pytest.raises(LispTypeError, match="<: expected a real number, got complex"):
            N.lt2(1j, 1)

    def test_numeq2(self):
        """numeq2 compares by value across exactness and rejects non-numbers."""
        assert N.numeq2(1, 1.0) and N.numeq2(F(1, 2), 0.5) and not N.numeq2(1, 2)
        with pytest.raises(LispTypeError, match='=: expected a number, got string "a"'):
            N.numeq2(1, "a")

    def test_eq2_general(self):
        """eq2 is general equality: numbers by value, other values structurally."""
        assert N.eq2(1, 1.0) and N.eq2("a", "a") and not N.eq2(1, True)
        assert N.eq2(make_list([1, 2]), make_list([1, 2.0]))
        assert not N.eq2(math.nan, math.nan)


class TestArithmeticBuiltinsDirect:
    """The variadic + - * / and the division family."""

    def test_variadic(self):
        """+ and * fold any number of arguments; - and / need at least one."""
        assert N.plus() == 0 and N.times() == 1
        assert N.plus(1, 2, 3, F(1, 2)) == F(13, 2)
        assert N.minus(5) == -5 and N.minus(10, 3, 2) == 5
        assert N.divide(2) == F(1, 2) and N.divide(120, 2, 3, 4) == 5
        with pytest.raises(TypeError):
            N.minus()

    def test_variadic_type_error(self):
        """A bad argument anywhere in a variadic call is reported."""
        with pytest.raises(LispTypeError, match='\\+: expected a number, got string "x"'):
            N.plus(1, 2, "x")
        with pytest.raises(LispTypeError, match="\\*: expected a number, got nil$"):
            N.times(1, 2, None)

    def test_float_sum_is_a_left_fold(self):
        """Floats add left to right, as in Sema (no compensated summation)."""
        assert N.plus(0.1, 0.2, 0.3) == (0.1 + 0.2) + 0.3

    @pytest.mark.parametrize("a, b, mod, rem, quo", [
        (7, 3, 1, 1, 2), (-7, 3, 2, -1, -2), (7, -3, -2, 1, -2), (-7, -3, -1, -1, 2), (6, 3, 0, 0, 2),
    ])
    def test_division_family(self, a, b, mod, rem, quo):
        """modulo is floored, remainder and quotient are truncated."""
        assert N.modulo(a, b) == mod
        assert N.remainder(a, b) == rem
        assert N.quotient(a, b) == quo

    def test_division_family_floats_and_rationals(self):
        """modulo/remainder/quotient also work on floats and rationals."""
        assert N.modulo(5.5, 2) == 1.5 and N.modulo(-5.5, 2) == 0.5
        assert N.remainder(-5.5, 2) == -1.5 and N.quotient(-7.5, 2) == -3.0
        assert N.remainder(F(-7, 2), 2) == F(-3, 2)
        assert N.quotient(F(7, 2), 1) == 3

    def test_division_family_zero(self):
        """An exact zero divisor raises and names the builtin; a float zero gives nan."""
        for fn, name in ((N.modulo, "modulo"), (N.remainder, "remainder"), (N.quotient, "quotient")):
            with pytest.raises(DivisionByZero, match=f"{name}: division by zero"):
                fn(5, 0)
            assert math.isnan(fn(5, 0.0))

    def test_gcd_lcm(self):
        """gcd and lcm are variadic and non-negative."""
        assert N.gcd(12, -18) == 6 and N.gcd() == 0 and N.lcm() == 1 and N.lcm(4, 6, 10) == 60
        assert N.gcd(12.0, 18) == 6.0
        with pytest.raises(LispTypeError, match="gcd: expected an integer"):
            N.gcd(1.5, 2)

    def test_abs_min_max(self):
        """abs, min and max; an inexact argument makes min/max inexact."""
        assert N.abs_(-5) == 5 and N.abs_(F(-1, 2)) == F(1, 2) and N.abs_(3 + 4j) == 5.0
        assert N.min_(3, 1, 2) == 1 and N.max_(3, 1, 2.0) == 3.0 and N.max_(3, 1, 2.0).__class__ is float
        assert math.isnan(N.max_(1, math.nan))
        with pytest.raises(LispTypeError, match="max: expected a number"):
            N.max_(1, "2")


class TestComparisonBuiltinsDirect:
    """The variadic comparison builtins."""

    def test_chains(self):
        """< > <= >= compare adjacent pairs."""
        assert N.lt(1, 2, 3) and not N.lt(1, 3, 2) and N.le(1, 1, 2) and N.gt(3, 2, 1) and N.ge(3, 3, 1)

    def test_single_argument(self):
        """One argument is trivially ordered, but must still be a real number."""
        assert N.lt(5) is True
        with pytest.raises(LispTypeError):
            N.lt("a")

    def test_all_arguments_checked(self):
        """A bad argument is reported even after the chain is already false."""
        with pytest.raises(LispTypeError, match="boolean #t"):
            N.lt(2, 1, True)

    def test_equals_general(self):
        """= compares numbers by value and other values structurally, never #t with booleans."""
        assert N.eq(1, 1.0, F(2, 2)) and not N.eq(1, 1, 2)
        assert N.eq("a", "a") and not N.eq(1, True) and not N.eq(0, False)


class TestRootsAndPowersDirect:
    """sqrt, exact-integer-sqrt and expt keep exactness where they can."""

    def test_sqrt(self):
        """Perfect squares stay exact, negative arguments give complex results."""
        assert MB.sqrt(16) == 4 and MB.sqrt(16).__class__ is int
        assert MB.sqrt(F(9, 4)) == F(3, 2)
        assert MB.sqrt(2) == math.sqrt(2)
        assert MB.sqrt(-4) == 2j and MB.sqrt(-2.0) == 1j * math.sqrt(2)
        assert MB.sqrt(10 ** 400) == 10 ** 200
        assert MB.sqrt(10 ** 401 + 1) == pytest.approx(math.sqrt(10) * 1e200)

    def test_exact_integer_sqrt(self):
        """exact-integer-sqrt returns the list (s r) with s*s + r = n, as Sema does (issue 11)."""
        assert write_str(MB.exact_integer_sqrt(17)) == "(4 1)"
        with pytest.raises(LispTypeError):
            MB.exact_integer_sqrt(-1)

    @pytest.mark.parametrize("base, power, expected", [
        (2, 10, 1024), (2, -2, F(1, 4)), (F(2, 3), 2, F(4, 9)), (4, F(1, 2), 2), (8, F(2, 3), 4),
        (F(4, 9), F(-1, 2), F(3, 2)), (2.0, 3, 8.0), (0, 0, 1), (10, 30, 10 ** 30),
    ])
    def test_expt_exact(self, base, power, expected):
        """expt is exact for exact arguments where the result is representable."""
        r = MB.expt(base, power)
        assert r == expected and r.__class__ is expected.__class__

    def test_expt_inexact_and_edge_cases(self):
        """Irrational results are floats; 0 to a negative power; huge floats give inf."""
        assert MB.expt(2, 0.5) == math.sqrt(2)
        assert MB.expt(2, F(1, 2)) == pytest.approx(math.sqrt(2))
        assert isinstance(MB.expt(-8, F(1, 3)), complex)
        with pytest.raises(DivisionByZero, match="expt"):
            MB.expt(0, -1)
        assert MB.expt(0.0, -1) == math.inf
        assert MB.expt(10.0, 400) == math.inf and MB.expt(-10.0, 401) == -math.inf
        assert BUILTINS["pow"] is BUILTINS["expt"] is BUILTINS["math/pow"]


class TestRoundingDirect:
    """floor, ceiling, round and truncate keep exactness; round halves to even."""

    @pytest.mark.parametrize("fn, x, expected", [
        (MB.floor_, 2.5, 2.0), (MB.floor_, -2.5, -3.0), (MB.floor_, F(5, 2), 2), (MB.floor_, 7, 7),
        (MB.ceiling, 2.1, 3.0), (MB.ceiling, F(5, 2), 3),
        (MB.round_, 2.5, 2.0), (MB.round_, 3.5, 4.0), (MB.round_, -2.5, -2.0), (MB.round_, F(7, 2), 4),
        (MB.round_, F(5, 2), 2),
        (MB.truncate, -2.7, -2.0), (MB.truncate, F(-7, 2), -3),
    ])
    def test_rounding(self, fn, x, expected):
        """The result has the exactness of the argument."""
        r = fn(x)
        assert r == expected and r.__class__ is expected.__class__

    def test_non_finite_floats_pass_through(self):
        """inf and nan are returned unchanged rather than raising."""
        assert MB.floor_(math.inf) == math.inf and math.isnan(MB.round_(math.nan))

    def test_rounding_complex_is_type_error(self):
        """Rounding needs a real number."""
        with pytest.raises(LispTypeError, match="floor: expected a real number"):
            MB.floor_(1j)


class TestTranscendentalDirect:
    """Trigonometric, exponential and logarithmic functions."""

    def test_basic(self):
        """Real arguments give floats."""
        assert MB.sin(0) == 0.0 and MB.cos(0) == 1.0 and MB.exp(0) == 1.0 and MB.log(1) == 0.0
        assert MB.atan(1, 1) == math.pi / 4 and MB.atan(1) == math.pi / 4

    def test_log_bases(self):
        """(log x base) is exact-looking for powers of 2 and 10."""
        assert MB.log(8, 2) == 3.0 and MB.log(1000, 10) == 3.0 and MB.log(27, 3) == pytest.approx(3.0)
        assert MB.log10(1000) == 3.0 and MB.log2(1024) == 10.0

    def test_out_of_domain_goes_complex(self):
        """Outside the real domain the result is complex (R7RS), log 0 is -inf."""
        assert MB.log(-1) == pytest.approx(1j * math.pi)
        assert MB.log(0) == -math.inf
        assert isinstance(MB.asin(2), complex)
        assert MB.exp(1000) == math.inf

    def test_complex_arguments(self):
        """Complex arguments use cmath."""
        assert MB.exp(1j * math.pi) == pytest.approx(-1)


class TestExactnessDirect:
    """exact, inexact, numerator, denominator, rationalize and complex parts."""

    def test_exact_inexact(self):
        """exact turns floats into exact rationals; inexact turns exact numbers into floats."""
        assert NT.exact(2.5) == F(5, 2) and NT.exact(2.0).__class__ is int
        assert NT.exact(0.1) == F(3602879701896397, 36028797018963968)
        assert NT.inexact(F(1, 4)) == 0.25 and NT.inexact(10 ** 400) == math.inf
        with pytest.raises(LispValueError):
            NT.exact(math.inf)

    def test_numerator_denominator(self):
        """Parts of a rational in lowest terms; floats give floats."""
        assert (NT.numerator(F(6, 4)), NT.denominator(F(6, 4))) == (3, 2)
        assert NT.denominator(5) == 1 and NT.denominator(0.5) == 2.0

    def test_rationalize(self):
        """rationalize finds the simplest rational within the tolerance."""
        assert NT.rationalize(F(3, 10), F(1, 10)) == F(1, 3)
        assert NT.rationalize(0.3, F(1, 10)) == pytest.approx(1 / 3)
        assert NT.rationalize(F(-3, 10), F(1, 10)) == F(-1, 3)
        assert NT.rationalize(5, 1) == 4
        assert NT.rationalize(F(1, 3), 1) == 0

    def test_complex_parts(self):
        """real-part, imag-part, magnitude, angle, make-rectangular and make-polar."""
        assert NT.real_part(3 + 4j) == 3.0 and NT.imag_part(3 + 4j) == 4.0 and NT.imag_part(5) == 0
        assert NT.magnitude(3 + 4j) == 5.0 and NT.magnitude(-7) == 7
        assert NT.angle(-1) == math.pi and NT.angle(1) == 0
        assert NT.make_rectangular(3, 4) == 3 + 4j and NT.make_rectangular(3, 0) == 3
        assert NT.make_polar(2, 0) == 2 and NT.make_polar(1, math.pi) == pytest.approx(-1)


class TestConversionsDirect:
    """int, float, number->string, string->number and parse_number."""

    def test_int_float(self):
        """int truncates and parses strings; float converts and parses."""
        assert NP.to_int(3.7) == 3 and NP.to_int(-3.7) == -3 and NP.to_int(F(-7, 2)) == -3 and NP.to_int("42") == 42
        assert NP.to_float(F(1, 2)) == 0.5 and NP.to_float("2.5") == 2.5 and NP.to_float(3) == 3.0
        with pytest.raises(LispValueError, match='int: cannot parse "abc"'):
            NP.to_int("abc")
        with pytest.raises(LispValueError):
            NP.to_int(math.nan)
        with pytest.raises(LispTypeError):
            NP.to_int(True)

    @pytest.mark.parametrize("n, radix, expected", [
        (42, 10, "42"), (255, 16, "ff"), (-255, 16, "-ff"), (5, 2, "101"), (8, 8, "10"), (35, 36, "z"),
        (F(1, 3), 10, "1/3"), (F(-1, 3), 2, "-1/11"), (2.5, 10, "2.5"), (1.0, 10, "1.0"), (10 ** 20, 10, "100000000000000000000"),
    ])
    def test_number_to_string(self, n, radix, expected):
        """number->string prints in write form, optionally in a radix."""
        assert NP.number_to_string(n, radix) == expected

    def test_number_to_string_errors(self):
        """Floats need radix 10, radix must be 2..36, and booleans are not numbers."""
        with pytest.raises(LispValueError):
            NP.number_to_string(2.5, 2)
        with pytest.raises(LispValueError):
            NP.number_to_string(5, 1)
        with pytest.raises(LispTypeError):
            NP.number_to_string(True)

    @pytest.mark.parametrize("text, expected", [
        ("42", 42), ("-7", -7), ("+5", 5), ("007", 7), ("1.5", 1.5), ("-0.5", -0.5), ("6.022e23", 6.022e23),
        ("1e-9", 1e-9), ("-2.5E6", -2.5e6), (".5", 0.5), ("1.", 1.0), ("1/3", F(1, 3)), ("3/6", F(1, 2)),
        ("-22/7", F(-22, 7)), ("4/2", 2), ("3+4i", 3 + 4j), ("1.5+2.5i", 1.5 + 2.5j), ("2i", 2j), ("+i", 1j),
        ("-i", -1j), ("-3.5i", -3.5j), ("1e3-2e-3i", 1000 - 0.002j), ("3+0i", 3), ("#xFF", 255), ("#o17", 15),
        ("#b1010", 10), ("#d42", 42), ("#e1.5", F(3, 2)), ("#i1/2", 0.5), ("#e#xFF", 255), ("#x#eFF", 255),
        ("#x-1f", -31), ("inf", math.inf), ("+inf", math.inf), ("-Infinity", -math.inf), ("Inf", math.inf),
    ])
    def test_parse_number(self, text, expected):
        """parse_number reads Sema's number syntax."""
        r = NP.parse_number(text)
        assert r == expected and r.__class__ is expected.__class__

    @pytest.mark.parametrize("text", ["nan", "NaN", "NAN", "+nan", "-nan"])
    def test_parse_nan(self, text):
        """Every NaN spelling parses to a NaN float."""
        assert math.isnan(NP.parse_number(text))

    @pytest.mark.parametrize("text", [
        "", "abc", "1_000", " 1", "1 ", "1/0", "1/", "/2", "i", "+", "-", "1e", "1.2.3", "#", "#q1", "#x1.5",
        "١٢", "1/2.5", "pi", "0x10", "1e3i3",
    ])
    def test_parse_number_rejects(self, text):
        """Text that is not a number gives None."""
        assert NP.parse_number(text) is None

    def test_string_to_number(self):
        """string->number returns #f for non-numbers and honours a radix."""
        assert NP.string_to_number("42") == 42 and NP.string_to_number("ff", 16) == 255
        assert NP.string_to_number("101", 2) == 5 and NP.string_to_number("abc") is False
        assert NP.string_to_number("12", 2) is False
        assert NP.string_to_float("3") == 3.0 and NP.string_to_float("3+i") is False
        with pytest.raises(LispTypeError):
            NP.string_to_number(42)


class TestPredicatesDirect:
    """Number predicates never confuse booleans with numbers."""

    @pytest.mark.parametrize("fn, x, expected", [
        (NT.number_p, 1, True), (NT.number_p, 1j, True), (NT.number_p, True, False), (NT.number_p, "1", False),
        (NT.real_p, 1.5, True), (NT.real_p, 1j, False), (NT.rational_p, F(1, 2), True), (NT.rational_p, 0.5, False),  # Sema: floats are not rational?
        (NT.rational_p, math.inf, False), (NT.integer_p, 5.0, True), (NT.integer_p, 5.5, False),
        (NT.integer_p, True, False), (NT.exact_integer_p, 5, True), (NT.exact_integer_p, 5.0, False),
        (NT.float_p, 1.0, True), (NT.float_p, 1, False), (NT.exact_p, F(1, 2), True), (NT.inexact_p, 0.5, True),
        (NT.zero_p, 0.0, True), (NT.zero_p, 0j, True), (NT.positive_p, 3, True), (NT.negative_p, -0.5, True),
        (NT.even_p, 4, True), (NT.even_p, 4.0, True), (NT.odd_p, -3, True), (NT.nan_p, math.nan, True),
        (NT.nan_p, 1, False), (NT.infinite_p, -math.inf, True), (NT.infinite_p, 5, False),
    ])
    def test_predicate(self, fn, x, expected):
        """Each predicate on a typical argument."""
        assert fn(x) is expected

    @pytest.mark.parametrize("fn, x", [
        (NT.exact_p, "1"), (NT.zero_p, False), (NT.positive_p, 1j), (NT.even_p, 1.5), (NT.odd_p, True),
        (NT.nan_p, None),
    ])
    def test_predicate_type_errors(self, fn, x):
        """Predicates that need a number reject non-numbers."""
        with pytest.raises(LispTypeError):
            fn(x)


class TestMathFamilyDirect:
    """The math/ builtins and the constants."""

    def test_constants(self):
        """pi, e, math/infinity and math/nan are values, not functions."""
        assert N.CONSTANTS["pi"] == math.pi and N.CONSTANTS["e"] == math.e
        assert N.CONSTANTS["math/infinity"] == math.inf and math.isnan(N.CONSTANTS["math/nan"])

    def test_clamp_sign_lerp(self):
        """clamp, sign, lerp and map-range keep exactness."""
        assert MB.clamp(15, 0, 10) == 10 and MB.clamp(-1, 0, 10) == 0 and MB.clamp(5, 0, 10) == 5
        assert MB.sign(-3) == -1 and MB.sign(2.5) == 1.0 and MB.sign(F(-1, 2)) == -1 and MB.sign(0) == 0
        assert MB.lerp(0, 10, F(1, 2)) == 5 and MB.lerp(0.0, 10, 0.25) == 2.5
        assert MB.map_range(5, 0, 10, 0, 100) == 50 and MB.map_range(1, 0, 3, 0, 1) == F(1, 3)

    def test_random(self):
        """random is in [0, 1); random-int is inclusive of both bounds."""
        for _ in range(50):
            assert 0 <= MB.random() < 1
            assert 1 <= MB.random_int(1, 3) <= 3
            assert 0 <= MB.random_int(3) < 3
        assert MB.random_int(7, 7) == 7
        with pytest.raises(LispValueError):
            MB.random_int(3, 1)

    def test_angles_and_hyperbolics(self):
        """Degree/radian conversion and hyperbolic functions."""
        assert MB.degrees_to_radians(180) == math.pi and MB.radians_to_degrees(math.pi) == 180.0
        assert MB.sinh(0) == 0.0 and MB.cosh(0) == 1.0 and MB.tanh(0) == 0.0 and MB.atan2(1, 1) == math.pi / 4

    def test_round_to_and_format_fixed(self):
        """round-to rounds to decimal places; format-fixed prints a fixed number of decimals."""
        assert MB.round_to(3.14159, 2) == 3.14 and MB.round_to(1234, -2) == 1200
        assert MB.round_to(F(1, 3), 2) == F(33, 100)
        assert MB.format_fixed(3.14159, 2) == "3.14" and MB.format_fixed(2, 3) == "2.000"
        assert MB.format_fixed(F(-1, 3), 2) == "-0.33" and MB.format_fixed(7, 0) == "7"

    def test_aliases_registered(self):
        """Scheme and Sema aliases point at the same functions."""
        for a, b in [("mod", "modulo"), ("ceil", "ceiling"), ("exact->inexact", "inexact"),
                     ("inexact->exact", "exact"), ("math/gcd", "gcd"), ("math/nan?", "nan?"),
                     ("string/to-number", "string->number")]:
            assert BUILTINS[a] is BUILTINS[b]


class TestDocExamplesShape:
    """Every builtin of the number modules documents itself with an example line."""

    def test_every_builtin_has_example(self):
        """Each docstring has a one-line summary and a `(expr) ; => result` line."""
        modules = {m.__name__ for m in (N, NT, MB, NP)}
        for name, fn in BUILTINS.items():
            if fn.__module__ not in modules:
                continue
            doc = fn.__doc__ or ""
            assert doc.strip(), name
            assert any(line.strip().startswith("(") and "; =>" in line for line in doc.splitlines()), name


# ---------------------------------------------------------------- Lisp level (needs the compiler)

LISP_CASES = [
    ("(+ 1 2 3)", "6"),
    ("(+)", "0"),
    ("(+ 1/2 1/2)", "1"),
    ("(+ 1 2.5)", "3.5"),
    ("(- 10 3 2)", "5"),
    ("(- 5)", "-5"),
    ("(* 2 3 4)", "24"),
    ("(*)", "1"),
    ("(/ 10 4)", "5/2"),
    ("(/ 10 5)", "2"),
    ("(/ 1.0 4)", "0.25"),
    ("(/ 2)", "1/2"),
    ("(/ 1 0.0)", "inf"),
    ("(* 99999999999 99999999999 99999999999)", "999999999970000000000299999999999"),
    ("(< 1 2 3)", "#t"),
    ("(< 1 3 2)", "#f"),
    ("(>= 3 3 1)", "#t"),
    ("(= 1 1.0)", "#t"),
    ("(= 1 #t)", "#f"),
    ("(= \"a\" \"a\")", "#t"),
    ("(abs -5)", "5"),
    ("(max 1 2.0)", "2.0"),
    ("(min 3 1 2)", "1"),
    ("(modulo -7 3)", "2"),
    ("(mod 7 -3)", "-2"),
    ("(remainder -7 3)", "-1"),
    ("(quotient -7 2)", "-3"),
    ("(gcd 12 18)", "6"),
    ("(lcm 4 6)", "12"),
    ("(expt 2 10)", "1024"),
    ("(expt 2 -1)", "1/2"),
    ("(expt 2.0 3)", "8.0"),
    ("(pow 2 3)", "8"),
    ("(sqrt 16)", "4"),
    ("(sqrt 1/4)", "1/2"),
    ("(sqrt -4)", "0+2i"),  # issue 11: Sema shows the real part
    ("(floor 2.5)", "2.0"),
    ("(floor 5/2)", "2"),
    ("(ceiling 2.1)", "3.0"),
    ("(ceil 5/2)", "3"),
    ("(round 2.5)", "2.0"),
    ("(round 3.5)", "4.0"),
    ("(round 7/2)", "4"),
    ("(truncate -2.7)", "-2.0"),
    ("(exp 0)", "1.0"),
    ("(log 8 2)", "3.0"),
    ("(exact 2.5)", "5/2"),
    ("(inexact 1/4)", "0.25"),
    ("(exact->inexact 1/2)", "0.5"),
    ("(numerator 6/4)", "3"),
    ("(denominator 6/4)", "2"),
    ("(rationalize 3/10 1/10)", "1/3"),
    ("(real-part 3+4i)", "3.0"),
    ("(magnitude 3+4i)", "5.0"),
    ("(make-rectangular 3 4)", "3+4i"),
    ("(int 3.7)", "3"),
    ("(float 1/2)", "0.5"),
    ("(number->string 255 16)", '"ff"'),
    ("(number->string 42)", '"42"'),
    ("(string->number \"1/3\")", "1/3"),
    ("(string->number \"abc\")", "#f"),
    ("(string->number \"ff\" 16)", "255"),
    ("(number? 1)", "#t"),
    ("(number? #t)", "#f"),
    ("(integer? 2.0)", "#t"),
    ("(rational? 1/2)", "#t"),
    ("(exact? 1/2)", "#t"),
    ("(even? 4)", "#t"),
    ("(odd? 4)", "#f"),
    ("(zero? 0.0)", "#t"),
    ("(nan? (/ 0 0.0))", "#t"),
    ("(math/clamp 15 0 10)", "10"),
    ("(math/sign -3)", "-1"),
    ("(math/lerp 0 10 1/2)", "5"),
    ("(math/round-to 3.14159 2)", "3.14"),
    ("(math/format-fixed 3.14159 2)", '"3.14"'),
    ("(math/infinite? math/infinity)", "#t"),
    ("(math/nan? math/nan)", "#t"),
    ("(< 3.14 pi 3.15)", "#t"),
    ("(> e 2.7)", "#t"),
    ("(math/random-int 4 4)", "4"),
]


class TestLispNumbers:
    """Numbers through the compiler (needs the `show` fixture from conftest.py)."""

    @pytest.mark.parametrize("src, expected", LISP_CASES)
    def test_show(self, show, src, expected):
        """The expression prints as expected in write form."""
        assert show(src) == expected


LISP_ERRORS = [
    ('(+ 1 "a")', '+: expected a number, got string "a"'),
    ("(+ 1 #t)", "+: expected a number, got boolean #t"),
    ("(/ 1 0)", "/: division by zero"),
    ("(modulo 5 0)", "modulo: division by zero"),
    ("(< 1 1+2i)", "<: expected a real number"),
    ("(-)", "-"),
]


class TestLispNumberErrors:
    """Errors through the compiler name the builtin (needs `run` from conftest.py)."""

    @pytest.mark.parametrize("src, fragment", LISP_ERRORS)
    def test_error(self, run, src, fragment):
        """The error message contains the expected fragment."""
        from sema.errors import SemaError

        with pytest.raises(SemaError) as err:
            run(src)
        assert fragment in str(err.value)
