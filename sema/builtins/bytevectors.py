"""Bytevectors: ``bytevector/*`` with their R7RS names, UTF-8 conversion and the ``bytes/*`` scanners.

A bytevector is Python ``bytes`` (``#u8(1 2 255)`` reads as one).  Like
every sema value it is immutable: ``bytevector/set!`` and
``bytevector-u8-set!`` return a new bytevector with the byte changed and
leave the original alone, which is Sema's copy-on-write behaviour.

``bytes/*`` take optional ``start``/``end`` byte offsets (start inclusive,
end exclusive, end defaulting to the length) so that a scan reads a
sub-range in place instead of copying it with ``bytes/slice``.
"""

from __future__ import annotations

from ..errors import LispValueError
from ..printer import write_str
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import ListBase, make_list
from .argcheck import type_error
from .lists import seq_items

Bytes = bytes


def _bv(who: str, x, pos: int = 1) -> bytes:
    if x.__class__ is bytes:
        return x
    if x.__class__ is bytearray:
        return bytes(x)
    raise type_error(who, "a bytevector", x)


def _byte(who: str, b) -> int:
    if b.__class__ is not int or not 0 <= b <= 255:
        raise type_error(who, "a byte (an integer from 0 to 255)", b)
    return b


def _range(who: str, bv: bytes, start, end) -> tuple[int, int]:
    """START and END checked as byte offsets into BV (END nil or absent: the length)."""
    n = len(bv)
    if end is None:
        end = n
    for k in (start, end):
        if k.__class__ is not int:
            raise type_error(who, "an integer byte offset", k)
    if not 0 <= start <= end <= n:
        raise LispValueError(f"{who}: range {start}..{end} is out of bounds for {n} bytes")
    return start, end


def _index(who: str, bv: bytes, k) -> int:
    if k.__class__ is not int:
        raise type_error(who, "an integer index", k)
    if not 0 <= k < len(bv):
        raise LispValueError(f"{who}: index {k} out of range for a bytevector of length {len(bv)}")
    return k


# ---------------------------------------------------------------- construction


@builtin("bytevector")
def bytevector(*bs: int) -> Bytes:
    """A bytevector of the given bytes.

    (bytevector 1 2 3) ; => #u8(1 2 3)
    (bytevector) ; => #u8()
    """
    return bytes(_byte("bytevector", b) for b in bs)


@builtin("bytevector?")
def bytevector_p(x: typing.Any) -> bool:
    """True for a bytevector.

    (bytevector? #u8(1)) ; => #t
    (bytevector? '(1)) ; => #f
    """
    return x.__class__ is bytes or x.__class__ is bytearray


@builtin("bytevector/new", "bytevector/make", "make-bytevector")
def bytevector_new(n: int, fill: int = 0) -> Bytes:
    """A bytevector of N bytes, each FILL (0 by default).

    (bytevector/new 4) ; => #u8(0 0 0 0)
    (make-bytevector 3 255) ; => #u8(255 255 255)
    """
    if n.__class__ is not int or n < 0:
        raise type_error("bytevector/new", "a non-negative integer length", n)
    return bytes([_byte("bytevector/new", fill)]) * n


@builtin("bytevector/from-list", "list/to-bytevector", "list->bytevector")
def from_list(xs: typing.Any) -> Bytes:
    """The bytevector of the bytes in the list (or vector) XS.

    (list/to-bytevector '(1 2 3)) ; => #u8(1 2 3)
    """
    return bytes(_byte("list->bytevector", b) for b in seq_items(xs, "list->bytevector"))


@builtin("bytevector/to-list", "bytevector->list")
def to_list(bv: Bytes, start: int = 0, end: int | None = None) -> ListBase:
    """The bytes of BV (from START to END) as a list of integers.

    (bytevector/to-list #u8(65 66)) ; => (65 66)
    (bytevector->list #u8(1 2 3 4) 1 3) ; => (2 3)
    """
    bv = _bv("bytevector->list", bv)
    start, end = _range("bytevector->list", bv, start, end)
    return make_list(list(bv[start:end]))


# ---------------------------------------------------------------- access


@builtin("bytevector/length", "bytevector-length", "bytes/length")
def length(bv: Bytes) -> int:
    """The number of bytes in BV.

    (bytevector/length #u8(1 2 3)) ; => 3
    """
    return len(_bv("bytevector/length", bv))


@builtin("bytevector/ref", "bytevector/u8-ref", "bytevector-u8-ref", "bytes/ref")
def ref(bv: Bytes, k: int) -> int:
    """The byte at index K of BV (an error when out of range).

    (bytevector/ref #u8(10 20 30) 1) ; => 20
    """
    bv = _bv("bytevector/ref", bv)
    return bv[_index("bytevector/ref", bv, k)]


@builtin("bytevector/set!", "bytevector/u8-set!", "bytevector-u8-set!")
def set_(bv: Bytes, k: int, b: int) -> Bytes:
    """A copy of BV with the byte at K set to B (the original is unchanged: bytevectors are values).

    (bytevector/set! #u8(1 2 3) 0 9) ; => #u8(9 2 3)
    """
    bv = _bv("bytevector/set!", bv)
    k = _index("bytevector/set!", bv, k)
    return bv[:k] + bytes([_byte("bytevector/set!", b)]) + bv[k + 1:]


@builtin("bytevector/copy", "bytevector-copy")
def copy(bv: Bytes, start: int = 0, end: int | None = None) -> Bytes:
    """The bytes of BV from START to END (exclusive) as a new bytevector.

    (bytevector/copy #u8(1 2 3 4 5) 1 3) ; => #u8(2 3)
    """
    bv = _bv("bytevector/copy", bv)
    start, end = _range("bytevector/copy", bv, start, end)
    return bv[start:end]


@builtin("bytevector/append", "bytevector-append")
def append(*bvs: Bytes) -> Bytes:
    """The bytevectors joined end to end.

    (bytevector/append #u8(1 2) #u8(3 4)) ; => #u8(1 2 3 4)
    """
    return b"".join(_bv("bytevector/append", bv, i) for i, bv in enumerate(bvs, 1))


# ---------------------------------------------------------------- text


@builtin("utf8/to-string", "utf8->string")
def utf8_to_string(bv: Bytes, start: int = 0, end: int | None = None) -> str:
    """BV (from START to END) decoded as UTF-8 text; invalid UTF-8 is an error.

    (utf8/to-string #u8(104 105)) ; => "hi"
    """
    return _decode("utf8->string", bv, start, end)


def _decode(who: str, bv, start, end) -> str:
    bv = _bv(who, bv)
    start, end = _range(who, bv, start, end)
    try:
        return bv[start:end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LispValueError(f"{who}: not valid UTF-8 at byte {start + exc.start}") from None


@builtin("string/to-utf8", "string->utf8")
def string_to_utf8(s: str) -> Bytes:
    """The UTF-8 bytes of S.

    (string/to-utf8 "hi") ; => #u8(104 105)
    (bytevector/length (string->utf8 "é")) ; => 2
    """
    if s.__class__ is not str:
        raise type_error("string->utf8", "a string", s)
    return s.encode("utf-8")


# ---------------------------------------------------------------- bytes/: byte-oriented scanning


@builtin("bytes/->string")
def bytes_to_string(bv: Bytes, start: int = 0, end: int | None = None) -> str:
    """The bytes of BV from START to END decoded as UTF-8 (no intermediate copy with bytes/slice).

    (bytes/->string (string->utf8 "Oslo;-12.3") 0 4) ; => "Oslo"
    (bytes/->string (string->utf8 "abc")) ; => "abc"
    """
    return _decode("bytes/->string", bv, start, end)


@builtin("bytes/slice")
def bytes_slice(bv: Bytes, start: int, end: int | None = None) -> Bytes:
    """The bytes of BV from START to END (exclusive; the end by default), as plain byte offsets.

    (bytes/slice (string->utf8 "hello") 1 3) ; => #u8(101 108)
    (bytes/slice (string->utf8 "hello") 3) ; => #u8(108 111)
    """
    bv = _bv("bytes/slice", bv)
    start, end = _range("bytes/slice", bv, start, end)
    return bv[start:end]


@builtin("bytes/find")
def bytes_find(bv: Bytes, needle: typing.Any, start: int = 0) -> int | None:
    """The index of the first NEEDLE in BV at or after START, or nil; NEEDLE is a byte, bytevector or string.

    (bytes/find (string->utf8 "Oslo;-12.3") 59) ; => 4
    (bytes/find (string->utf8 "hello") "llo") ; => 2
    (bytes/find (string->utf8 "a;b;c") 59 2) ; => 3
    (bytes/find (string->utf8 "abc") 59) ; => nil
    """
    bv = _bv("bytes/find", bv)
    if needle.__class__ is int:
        needle = _byte("bytes/find", needle)
    elif needle.__class__ is str:
        needle = needle.encode("utf-8")
    elif needle.__class__ is not bytes:
        raise type_error("bytes/find", "a byte, bytevector or string to look for", needle)
    start, _ = _range("bytes/find", bv, start, None)
    i = bv.find(needle, start)
    return None if i < 0 else i


@builtin("bytes/parse-int10")
def parse_int10(bv: Bytes, start: int = 0, end: int | None = None) -> int:
    """ASCII ``-?digits(.digit)?`` in BV (from START to END) as an integer scaled by ten.

    The fixed-point reading of one-decimal measurements: "-12.3" gives -123
    and "5" gives 50.  Anything else (empty, stray characters, more than one
    decimal) is an error.

    (bytes/parse-int10 (string->utf8 "-12.3")) ; => -123
    (bytes/parse-int10 (string->utf8 "5")) ; => 50
    (bytes/parse-int10 (string->utf8 "Oslo;-12.3") 5) ; => -123
    """
    bv = _bv("bytes/parse-int10", bv)
    start, end = _range("bytes/parse-int10", bv, start, end)
    text = bv[start:end]
    body = text[1:] if text[:1] == b"-" else text
    whole, dot, frac = body.partition(b".")
    if not whole.isdigit() or not whole.isascii() or (dot and not (len(frac) == 1 and frac.isdigit())):
        raise LispValueError(f"bytes/parse-int10: not a number with at most one decimal: {write_str(text)}")
    value = int(whole) * 10 + (int(frac) if dot else 0)
    return -value if text[:1] == b"-" else value
