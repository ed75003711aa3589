"""Numbers to and from text: ``int``, ``float``, ``number->string``, ``string->number``.

``string->number`` returns ``#f`` for text that is not a number (R7RS);
:func:`parse_number` is the shared parser (reader syntax: ``1/3``, ``1e3``,
``3+4i``, ``#xFF``, ``#e1.5``, ``inf``, ``nan`` ...).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ..bignum import int_to_str, str_to_int
from ..errors import LispValueError
from ..printer import write_str
from ..runtime.registry import Number, builtin
from .argcheck import type_error
from .numbers import _EXACT, _INF, _flt, _norm
from .numtypes import exact, inexact

#: the stdlib reference (sema.docs) lists these builtins under "core: numbers"
DOC_GROUP = "numbers"


# ---------------------------------------------------------------- conversions


def _real_from_text(who: str, s: str):
    """The real number the string S denotes (blanks around it allowed), or a LispValueError."""
    n = parse_number(s.strip())
    if n is None or n.__class__ is complex:
        raise LispValueError(f"{who}: cannot parse {write_str(s)} as a number")
    return n


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
        return to_int(_real_from_text("int", x))
    if c is float:
        if not math.isfinite(x):
            raise LispValueError(f"int: cannot convert {write_str(x)} to an integer")
        return math.trunc(x)
    if c is Fraction:
        return math.trunc(x)
    if c is complex:
        raise type_error("int", "a real number", x)
    raise type_error("int", "a number or string", x)


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
        return _flt(_real_from_text("float", x))
    if c is complex:
        raise type_error("float", "a real number", x)
    raise type_error("float", "a number or string", x)


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _int_to_radix(n: int, radix: int) -> str:
    if radix == 10:
        return int_to_str(n)
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


@builtin("number->string", "number/to-string")
def number_to_string(n: Number, radix: int = 10) -> str:
    """The printed form of N, optionally in RADIX (2 to 36, exact numbers only).

    (number->string 42) ; => "42"
    (number->string 255 16) ; => "ff"
    (number->string 1/3) ; => "1/3"
    (number->string 2.5) ; => "2.5"
    """
    c = n.__class__
    if c is int and radix == 10:
        return int_to_str(n)
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
    raise type_error("number->string", "a number", n)


_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_SPECIAL = {"inf": _INF, "infinity": _INF, "inf.0": _INF, "nan": math.nan, "nan.0": math.nan}


def _parse_uint(text: str, radix: int):
    if not text:
        return None
    if radix == 10:
        return str_to_int(text) if text.isdigit() and text.isascii() else None
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


#: every decimal number has a digit, or is one of the inf/nan spellings
_MAYBE_DECIMAL = re.compile(r"[0-9]|inf|nan", re.IGNORECASE)


@builtin("string->number", "string/to-number")
def string_to_number(s: str, radix: int = 10):
    """The number S denotes (optionally in RADIX), or #f if S is not a number.

    Surrounding whitespace is ignored and a leading ``+`` is allowed, as in Sema.

    (string->number "42") ; => 42
    (string->number "  42  ") ; => 42
    (string->number "+7") ; => 7
    (string->number "-1.5e2") ; => -150.0
    (string->number "1/3") ; => 1/3
    (string->number "ff" 16) ; => 255
    (string->number "abc") ; => #f
    """
    if s.__class__ is not str:
        raise type_error("string->number", "a string", s)
    s = s.strip()
    if radix == 10:
        if s.isdigit() and s.isascii():
            return str_to_int(s)
        if _MAYBE_DECIMAL.search(s) is None:  # a word: quick #f, without the full parse
            return False
    if radix.__class__ is not int or not 2 <= radix <= 36:
        raise LispValueError(f"string->number: radix must be an integer from 2 to 36, got {write_str(radix)}")
    n = parse_number(s, radix)
    return False if n is None else n


@builtin("string->float", "string/to-float")
def string_to_float(s: str):
    """The number S denotes, as a float, or #f if S is not a real number.

    (string->float "3") ; => 3.0
    (string->float "x") ; => #f
    """
    if s.__class__ is not str:
        raise type_error("string->float", "a string", s)
    n = parse_number(s)
    if n is None or n.__class__ is complex:
        return False
    return _flt(n)
