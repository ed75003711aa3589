"""Base64 (``base64/*``) and gzip (``gzip/*``): turning bytes into text and back, and squeezing them.

Loaded on first use.  Text goes in and out as UTF-8; bytes are bytevectors.
"""

from __future__ import annotations

from ..errors import LispValueError
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from .argcheck import type_error

Bytes = bytes


def _data(who: str, x) -> bytes:
    """A string (as its UTF-8 bytes) or a bytevector."""
    if x.__class__ is str:
        return x.encode("utf-8")
    if x.__class__ is bytes or x.__class__ is bytearray:
        return bytes(x)
    raise type_error(who, "a string or bytevector", x)


def _b64decode(who: str, text) -> bytes:
    import base64
    import binascii
    if text.__class__ is not str:
        raise type_error(who, "a Base64 string", text)
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise LispValueError(f"{who}: not valid Base64: {text[:40]!r}") from None


@builtin("base64/encode")
def b64_encode(s: typing.Any) -> str:
    """The Base64 encoding (standard alphabet, padded) of the UTF-8 bytes of S (a bytevector also works).

    (base64/encode "hello") ; => "aGVsbG8="
    """
    import base64
    return base64.b64encode(_data("base64/encode", s)).decode("ascii")


@builtin("base64/decode")
def b64_decode(text: str) -> str:
    """The text whose UTF-8 bytes TEXT encodes in Base64; an error if they are not UTF-8.

    (base64/decode "aGVsbG8=") ; => "hello"
    """
    data = _b64decode("base64/decode", text)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LispValueError("base64/decode: the decoded bytes are not UTF-8 text; use base64/decode-bytes") from None


@builtin("base64/encode-bytes")
def b64_encode_bytes(bv: Bytes) -> str:
    """The Base64 encoding of a bytevector.

    (base64/encode-bytes #u8(104 101 108 108 111)) ; => "aGVsbG8="
    """
    if bv.__class__ is not bytes and bv.__class__ is not bytearray:
        raise type_error("base64/encode-bytes", "a bytevector", bv)
    import base64
    return base64.b64encode(bytes(bv)).decode("ascii")


@builtin("base64/decode-bytes")
def b64_decode_bytes(text: str) -> Bytes:
    """The bytes TEXT encodes in Base64, as a bytevector.

    (base64/decode-bytes "AP8=") ; => #u8(0 255)
    """
    return _b64decode("base64/decode-bytes", text)


@builtin("gzip/compress")
def gzip_compress(data: typing.Any) -> Bytes:
    """DATA (a bytevector, or a string as its UTF-8 bytes) compressed with gzip, as a bytevector.

    (utf8->string (gzip/decompress (gzip/compress "hello"))) ; => "hello"
    """
    import gzip
    return gzip.compress(_data("gzip/compress", data), mtime=0)


@builtin("gzip/decompress")
def gzip_decompress(data: Bytes) -> Bytes:
    """The bytes that gzip-compressed DATA holds; an error if DATA is not gzip.

    (bytevector/length (gzip/decompress (gzip/compress #u8(1 2 3)))) ; => 3
    """
    import gzip
    import zlib
    if data.__class__ is not bytes and data.__class__ is not bytearray:
        raise type_error("gzip/decompress", "a bytevector", data)
    try:
        return gzip.decompress(bytes(data))
    except (OSError, EOFError, zlib.error) as exc:
        raise LispValueError(f"gzip/decompress: not valid gzip data ({exc})") from None
