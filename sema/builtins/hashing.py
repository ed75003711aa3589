"""Digests and identifiers: ``hash/md5``, ``hash/sha256``, ``hash/hmac-sha256``, ``hash/digest``, ``uuid/v4``.

Loaded on first use (hashlib and uuid stay out of start-up).  Digests are
lowercase hexadecimal strings of the UTF-8 bytes of a string (or of a
bytevector's bytes).
"""

from __future__ import annotations

from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from .encoding import _data


def _hex(name: str, who: str, data) -> str:
    import hashlib
    return hashlib.new(name, _data(who, data)).hexdigest()


@builtin("hash/md5")
def md5(data: typing.Any) -> str:
    """The MD5 digest of DATA (a string or bytevector), in hex.

    (hash/md5 "hello") ; => "5d41402abc4b2a76b9719d911017c592"
    """
    return _hex("md5", "hash/md5", data)


@builtin("hash/sha256")
def sha256(data: typing.Any) -> str:
    """The SHA-256 digest of DATA (a string or bytevector), in hex.

    (hash/sha256 "hello") ; => "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    """
    return _hex("sha256", "hash/sha256", data)


@builtin("hash/digest")
def digest(data: typing.Any) -> str:
    """The SHA-256 digest of DATA in hex: a fingerprint to correlate equal values without keeping them.

    (string/length (hash/digest "correct horse battery staple")) ; => 64
    """
    return _hex("sha256", "hash/digest", data)


@builtin("hash/hmac-sha256")
def hmac_sha256(key: typing.Any, message: typing.Any) -> str:
    """The HMAC-SHA256 of MESSAGE under KEY (strings or bytevectors), as 64 hex digits.

    (hash/hmac-sha256 "key" "The quick brown fox jumps over the lazy dog") ; => "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    """
    import hashlib
    import hmac
    return hmac.new(_data("hash/hmac-sha256", key), _data("hash/hmac-sha256", message), hashlib.sha256).hexdigest()


@builtin("uuid/v4")
def uuid_v4() -> str:
    """A random (version 4) UUID as a string.

    (string/length (uuid/v4)) ; => 36
    """
    import uuid
    return str(uuid.uuid4())
