"""Static API keys: checked when configured, sent in the header their vendor expects.

:func:`validate_key` rejects a key that cannot be a key (a newline, a
control character, an empty string) at configuration time, with a message
that shows no part of it: an HTTP library would otherwise echo the header in
its own exception.  :func:`check_key` warns (never fails) when a key does not
look like its vendor's kind of key, but never for a key sent to a local or
loopback server, which accepts anything (``OPENAI_API_KEY=ollama``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ...errors import LispValueError

#: Anthropic OAuth tokens (Claude Max): ``sk-ant-oat01-...``
ANTHROPIC_OAUTH_PREFIX = "sk-ant-oat"
ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20"

_KEY_HINTS = {"sk-ant-": "an Anthropic", "AIza": "a Google", "sk-or-": "an OpenRouter", "sk-": "an OpenAI"}
_LOCAL_HOSTS = ("localhost", "0.0.0.0", "::1", "host.docker.internal")


class BadKeyError(LispValueError):
    """A key that cannot be sent (its message never contains any part of the key)."""


def validate_key(provider: str, key, what: str = "API key") -> str | None:
    """KEY stripped of surrounding whitespace, or an error if it holds a newline or control character."""
    if key is None:
        return None
    if not isinstance(key, str):
        from ..describe import kind
        raise BadKeyError(f"the {what} for :{provider} must be a string, got {kind(key)}")
    stripped = key.strip()
    if not stripped:
        raise BadKeyError(f"the {what} for :{provider} is empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in stripped):
        where = "a line break" if ("\n" in stripped or "\r" in stripped) else "a control character"
        raise BadKeyError(f"the {what} for :{provider} contains {where}; "
                        f"it was probably pasted with extra text (the key is not shown)")
    return stripped


def is_local_url(url: str | None) -> bool:
    """True for loopback, ``localhost``, private-network and ``.local`` hosts (servers that take any key)."""
    if not url:
        return False
    try:
        host = (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower()
    except ValueError:
        return False
    if host in _LOCAL_HOSTS or host.endswith((".local", ".localhost", ".internal")):
        return True
    import ipaddress
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


def check_key(spec, key: str | None, base_url: str | None = None) -> str | None:
    """A warning when KEY does not look like SPEC's kind of key (never quoting the key), else None.

    No warning for a key sent to a local server (BASE_URL on loopback or a
    private network), which accepts any key, nor for a provider whose keys
    have no known shape.
    """
    if not key or is_local_url(base_url):
        return None
    prefix = spec.key_prefix
    if prefix is None:
        return None
    if key.startswith(prefix) and not (prefix == "sk-" and key.startswith(("sk-ant-", "sk-or-"))):
        return None
    other = next((label for p, label in _KEY_HINTS.items() if key.startswith(p)), None)
    looks = f"; it looks like {other} key" if other else ""
    return (f"the API key for :{spec.id} does not look like a key for {spec.label} "
            f"(expected it to start with \"{prefix}\"){looks}; requests will probably fail with 401")


def is_anthropic_oauth(key: str | None) -> bool:
    return bool(key) and key.startswith(ANTHROPIC_OAUTH_PREFIX)


def key_headers(scheme: str, key: str | None) -> dict:
    """The headers that carry KEY for an auth SCHEME of the catalog (``bearer``, ``x-api-key`` ...)."""
    if not key:
        return {}
    if scheme == "x-api-key":
        if is_anthropic_oauth(key):  # Claude Max OAuth token: Bearer plus the OAuth beta
            return {"authorization": f"Bearer {key}", "anthropic-beta": ANTHROPIC_OAUTH_BETA}
        return {"x-api-key": key}
    if scheme == "x-goog-api-key":
        return {"x-goog-api-key": key}
    if scheme == "api-key":
        return {"api-key": key}
    return {"authorization": f"Bearer {key}"}


__all__ = ["validate_key", "check_key", "is_local_url", "key_headers", "is_anthropic_oauth",
           "ANTHROPIC_OAUTH_PREFIX", "ANTHROPIC_OAUTH_BETA"]
