"""Converting big integers to and from decimal text without CPython's quadratic algorithm.

CPython 3.11 converts ``int`` <-> ``str`` in quadratic time (and refuses past
4,300 digits unless the process-wide guard is lifted, which sema does not
do: it would expose the whole host program).  Past that size these use
divide and conquer instead: the binary halves of the number are converted
with the ``decimal`` module, whose multiplication is fast (1.7 million digits
take well under a second instead of minutes).
"""

from __future__ import annotations

#: below this many bits (about 3,600 digits) Python's own conversion is fast and allowed
_SMALL_BITS = 12_000
_SMALL_DIGITS = 3_000
#: ints strictly between -STR_LIMIT and STR_LIMIT have fewer than _SMALL_BITS bits: str() converts them
STR_LIMIT = 1 << (_SMALL_BITS - 1)


def int_to_str(n: int) -> str:
    """The decimal text of ``n``."""
    if n.bit_length() < _SMALL_BITS:
        return str(n)
    import decimal
    ctx = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    powers: dict[int, decimal.Decimal] = {}

    def pow2(w: int):
        p = powers.get(w)
        if p is None:
            p = powers[w] = ctx.power(2, w)
        return p

    def convert(x: int, width: int):
        if width <= _SMALL_BITS:
            return decimal.Decimal(str(x))
        half = width >> 1
        hi = x >> half
        lo = x - (hi << half)
        return ctx.add(ctx.multiply(convert(hi, width - half), pow2(half)), convert(lo, half))

    text = str(convert(abs(n), n.bit_length()))
    return "-" + text if n < 0 else text


def str_to_int(digits: str) -> int:
    """The integer written by the decimal ``digits`` (an optional sign, then digits)."""
    if len(digits) <= _SMALL_DIGITS:
        return int(digits)
    sign = 1
    if digits[0] in "+-":
        sign = -1 if digits[0] == "-" else 1
        digits = digits[1:]

    def convert(s: str) -> int:
        if len(s) <= _SMALL_DIGITS:
            return int(s)
        k = len(s) // 2
        return convert(s[:-k]) * 10 ** k + convert(s[-k:])

    return sign * convert(digits)
