"""Character builtins: R7RS ``char-*`` names and Sema's ``char/`` aliases.

Characters are interned :class:`~sema.values.Char` objects holding one code
point.  Classification uses Unicode (``char-alphabetic?`` is true for ``é``);
``char-numeric?`` follows Rust's ``char::is_numeric`` (any Unicode numeric
character).  Case mappings that would produce several characters (``ß`` to
``SS``) leave the character unchanged, as R7RS requires.
"""

from __future__ import annotations

from ..errors import LispTypeError, LispValueError
from ..printer import type_and_value
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Char


def _check(who: str, *cs) -> None:
    for c in cs:
        if c.__class__ is not Char:
            raise LispTypeError(f"{who}: expected a character, got {type_and_value(c)}")


@builtin("char?")
def char_p(x: typing.Any) -> bool:
    """True if X is a character.

    (char? #\\a) ; => #t
    (char? "a") ; => #f
    """
    return x.__class__ is Char


@builtin("char->integer", "char/to-integer")
def char_to_integer(c: Char) -> int:
    """The Unicode code point of C.

    (char->integer #\\A) ; => 65
    """
    _check("char->integer", c)
    return ord(c.ch)


@builtin("integer->char", "integer/to-char")
def integer_to_char(n: int) -> Char:
    """The character with Unicode code point N.

    (integer->char 97) ; => #\\a
    """
    if n.__class__ is not int:
        raise LispTypeError(f"integer->char: expected an integer, got {type_and_value(n)}")
    if not 0 <= n <= 0x10FFFF or 0xD800 <= n <= 0xDFFF:
        raise LispValueError(f"integer->char: {n} is not a Unicode scalar value")
    return Char(chr(n))


@builtin("char/to-string")
def char_to_string(c: Char) -> str:
    """The one-character string holding C.

    (char/to-string #\\a) ; => "a"
    """
    _check("char/to-string", c)
    return c.ch


def _map_case(c: Char, mapped: str) -> Char:
    return Char(mapped) if len(mapped) == 1 else c


@builtin("char-upcase", "char/upcase")
def char_upcase(c: Char) -> Char:
    """C in upper case.

    (char-upcase #\\a) ; => #\\A
    """
    _check("char-upcase", c)
    return _map_case(c, c.ch.upper())


@builtin("char-downcase", "char/downcase")
def char_downcase(c: Char) -> Char:
    """C in lower case.

    (char-downcase #\\A) ; => #\\a
    """
    _check("char-downcase", c)
    return _map_case(c, c.ch.lower())


@builtin("char-foldcase")
def char_foldcase(c: Char) -> Char:
    """C case-folded (for caseless comparison).

    (char-foldcase #\\Q) ; => #\\q
    """
    _check("char-foldcase", c)
    return _map_case(c, c.ch.casefold())


@builtin("char-alphabetic?", "char/alphabetic?")
def char_alphabetic_p(c: Char) -> bool:
    """True if C is a letter.

    (char-alphabetic? #\\a) ; => #t
    (char-alphabetic? #\\1) ; => #f
    """
    _check("char-alphabetic?", c)
    return c.ch.isalpha()


@builtin("char-numeric?", "char/numeric?")
def char_numeric_p(c: Char) -> bool:
    """True if C is a numeric character.

    (char-numeric? #\\7) ; => #t
    (char-numeric? #\\x) ; => #f
    """
    _check("char-numeric?", c)
    return c.ch.isnumeric()


@builtin("char-whitespace?", "char/whitespace?")
def char_whitespace_p(c: Char) -> bool:
    """True if C is whitespace.

    (char-whitespace? #\\space) ; => #t
    (char-whitespace? #\\a) ; => #f
    """
    _check("char-whitespace?", c)
    return c.ch.isspace()


@builtin("char-upper-case?", "char/upper-case?")
def char_upper_case_p(c: Char) -> bool:
    """True if C is an upper-case letter.

    (char-upper-case? #\\A) ; => #t
    """
    _check("char-upper-case?", c)
    return c.ch.isupper()


@builtin("char-lower-case?", "char/lower-case?")
def char_lower_case_p(c: Char) -> bool:
    """True if C is a lower-case letter.

    (char-lower-case? #\\a) ; => #t
    """
    _check("char-lower-case?", c)
    return c.ch.islower()


@builtin("digit-value")
def digit_value(c: Char) -> int | bool:
    """The value of the decimal digit C, or #f if C is not a digit.

    (digit-value #\\7) ; => 7
    (digit-value #\\a) ; => #f
    """
    _check("digit-value", c)
    return int(c.ch) if c.ch.isdecimal() else False


def _compare(who: str, op, chars, fold: bool = False) -> bool:
    _check(who, *chars)
    codes = [ord(c.ch.casefold()[0]) if fold else ord(c.ch) for c in chars]
    return all(op(a, b) for a, b in zip(codes, codes[1:]))


@builtin("char=?")
def char_eq_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if all characters are the same.

    (char=? #\\a #\\a) ; => #t
    """
    return _compare("char=?", int.__eq__, (a, b) + rest)


@builtin("char<?")
def char_lt_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if the characters are in strictly increasing code point order.

    (char<? #\\a #\\b #\\c) ; => #t
    """
    return _compare("char<?", int.__lt__, (a, b) + rest)


@builtin("char>?")
def char_gt_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if the characters are in strictly decreasing code point order.

    (char>? #\\b #\\a) ; => #t
    """
    return _compare("char>?", int.__gt__, (a, b) + rest)


@builtin("char<=?")
def char_le_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if the characters are in non-decreasing code point order.

    (char<=? #\\a #\\a #\\b) ; => #t
    """
    return _compare("char<=?", int.__le__, (a, b) + rest)


@builtin("char>=?")
def char_ge_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if the characters are in non-increasing code point order.

    (char>=? #\\b #\\b #\\a) ; => #t
    """
    return _compare("char>=?", int.__ge__, (a, b) + rest)


@builtin("char-ci=?")
def char_ci_eq_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if all characters are the same ignoring case.

    (char-ci=? #\\a #\\A) ; => #t
    """
    return _compare("char-ci=?", int.__eq__, (a, b) + rest, fold=True)


@builtin("char-ci<?")
def char_ci_lt_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if the characters are in increasing order ignoring case.

    (char-ci<? #\\a #\\B) ; => #t
    """
    return _compare("char-ci<?", int.__lt__, (a, b) + rest, fold=True)


@builtin("char-ci>?")
def char_ci_gt_p(a: Char, b: Char, *rest: Char) -> bool:
    """True if the characters are in decreasing order ignoring case.

    (char-ci>? #\\b #\\A) ; => #t
    """
    return _compare("char-ci>?", int.__gt__, (a, b) + rest, fold=True)
