"""The LLM error family and key redaction.

::

    LlmError (SemaError, kind "llm")     llm_kind      retriable
    ├── AuthError                        auth          no    401, 403, Gemini API_KEY_INVALID
    ├── RateLimitError                   rate-limit    yes   429 (carries retry_after seconds)
    ├── BadRequestError                  bad-request   no    400, 404, 413, 422 ...
    │   └── ContextWindowError           context-window no   prompt longer than the model's window
    ├── ServerError                      server        yes   408, 409, 5xx, 529 overloaded (a body
    │                                                         that is not JSON: not retriable)
    ├── LlmTimeoutError (TimeoutError)   timeout       yes   connect / read / idle-chunk / total
    ├── LlmConnectionError (ConnectionError) connection yes  refused, DNS, TLS, dropped socket
    ├── StreamError                      stream        no    an error after HTTP 200, a stream cut short
    ├── ResponseFormatError              response-format no  the answer is not the JSON the schema asked for
    └── UnsupportedError                 unsupported   no    a feature the provider lacks

Every error carries ``provider`` (the provider's name, e.g. ``"openai"``),
``status`` (the HTTP status or None) and ``provider_message`` (the vendor's
own text).  Messages read like httpx's::

    provider :openai returned 429 Too Many Requests: Rate limit reached (retry after 2s)

API keys never appear in a message or repr: every message passes through
:func:`redact` with the provider's secrets, plus patterns that look like keys.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from ..errors import SemaError

# Shapes of vendor keys and credentials in URLs/headers; masked even when the
# exact secret is not known (a key echoed back by a proxy, a key in a URL).
_KEY_PATTERNS = (
    # a key echoed back shortened by the vendor: "sk-...4f6a8c0e", "sk-proj-****abcd", "AIza…xyz"
    re.compile(r"(?<![A-Za-z0-9_])(?:sk-(?:ant-(?:api\d\d-|oat\d\d-)?|proj-|or-v1-|or-)?|AIza|gsk_|xai-|gho_|ghu_|ghp_)"
               r"[A-Za-z0-9_\-]*(?:\.{2,}|\*{2,}|…)[A-Za-z0-9_\-*]*"),
    re.compile(r"(?<![A-Za-z0-9_])(?:gh[opusr]_|github_pat_)[A-Za-z0-9_]{16,}"),
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{6,}"),
    re.compile(r"sk-(?:proj-|or-v1-)?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"AIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"(?i)((?:[?&](?:key|api[_-]?key|token)=))[^&\s\"']+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]{8,}"),
    re.compile(r"(?i)((?:x-api-key|x-goog-api-key|authorization)[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]{6,}"),
)

MASK = "***"


def redact(text: str, secrets=()) -> str:
    """Return TEXT with every secret in SECRETS, and anything shaped like an API key, masked."""
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    for pat in _KEY_PATTERNS:
        if pat.groups:
            text = pat.sub(lambda m: m.group(1) + MASK, text)
        else:
            text = pat.sub(MASK, text)
    return text


def status_phrase(status: int) -> str:
    """``429`` -> ``"429 Too Many Requests"`` (529 is Anthropic's "Overloaded")."""
    if status == 529:
        return "529 Overloaded"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _fmt_seconds(s: float) -> str:
    return f"{int(s)}s" if float(s).is_integer() else f"{s:.3g}s"


class LlmError(SemaError):
    """An LLM call failed.  ``retriable`` says whether retrying (or failing over) may help."""

    kind = "llm"
    llm_kind = "error"
    default_retriable = False

    def __init__(self, message: str | None = None, *, provider: str | None = None,
                 status: int | None = None, provider_message: str | None = None,
                 retry_after: float | None = None, retriable: bool | None = None,
                 secrets=(), hints=None):
        if message is None:
            message = self.describe(provider, status, provider_message, retry_after)
        secrets = tuple(s for s in secrets if s)
        message = redact(message, secrets)
        super().__init__(message, hints=[redact(h, secrets) for h in (hints or ())])
        self.provider = provider
        self.status = status
        self.provider_message = redact(provider_message, secrets) if provider_message else provider_message
        self.retry_after = retry_after
        self._retriable = self.default_retriable if retriable is None else retriable
        #: every provider tried, in order (set by the router): dicts with provider, model, error, status, message
        self.attempts: list[dict] = []
        #: for a failed prompt of a batch: its index, and the other prompts' answers (None where they failed)
        self.index: int | None = None
        self.results: list | None = None

    @staticmethod
    def describe(provider, status, provider_message, retry_after) -> str:
        """The standard message: who answered what, the vendor's text, the retry-after."""
        who = f"provider :{provider}" if provider else "LLM provider"
        text = f"{who} returned {status_phrase(status)}" if status else f"{who} failed"
        if provider_message:
            text += f": {provider_message}"
        if retry_after is not None:
            text += f" (retry after {_fmt_seconds(retry_after)})"
        return text

    @property
    def retriable(self) -> bool:
        """True for errors worth retrying or failing over: rate limits, 5xx, timeouts, connections."""
        return self._retriable

    def __reduce__(self):
        return (_rebuild, (type(self), self.message, self.provider, self.status,
                           self.provider_message, self.retry_after, self._retriable))

    def extra_fields(self) -> dict:
        """Entries for the error map a Lisp ``catch`` sees (keys without the colon)."""
        out = {"llm-error": self.llm_kind, "provider": self.provider, "status": self.status,
               "retriable": self.retriable}
        if self.retry_after is not None:
            out["retry-after"] = self.retry_after
        if self.attempts:
            from ..convert import from_python
            out["attempts"] = from_python([dict(a) for a in self.attempts])
        if self.index is not None:
            out["index"] = self.index
        if self.results is not None:
            from ..convert import from_python
            out["results"] = from_python([getattr(r, "content", r) for r in self.results])
        return out


def _rebuild(cls, message, provider, status, provider_message, retry_after, retriable):
    return cls(message, provider=provider, status=status, provider_message=provider_message,
               retry_after=retry_after, retriable=retriable)


class AuthError(LlmError):
    """The key is missing, wrong or lacks permission (401, 403)."""

    llm_kind = "auth"


class RateLimitError(LlmError):
    """429: too many requests or tokens; ``retry_after`` is in seconds (or None)."""

    llm_kind = "rate-limit"
    default_retriable = True


class BadRequestError(LlmError):
    """The provider rejected the request (400, 404 unknown model, 413, 422)."""

    llm_kind = "bad-request"


class ContextWindowError(BadRequestError):
    """The prompt (plus max tokens) exceeds the model's context window."""

    llm_kind = "context-window"


class ServerError(LlmError):
    """The provider failed (5xx, 529 overloaded) or answered something unreadable."""

    llm_kind = "server"
    default_retriable = True


class LlmTimeoutError(LlmError, TimeoutError):
    """No answer in time: connect, read, idle time between stream chunks, or the total deadline."""

    llm_kind = "timeout"
    default_retriable = True


class LlmConnectionError(LlmError, ConnectionError):
    """The provider could not be reached (refused, DNS, TLS, socket dropped before an answer)."""

    llm_kind = "connection"
    default_retriable = True


class StreamError(LlmError):
    """The stream failed after HTTP 200: an error event, or the body ended before the stream did."""

    llm_kind = "stream"


class ResponseFormatError(LlmError):
    """The answer is not the JSON (or does not match the schema) that ``:response-format`` asked for."""

    llm_kind = "response-format"


class UnsupportedError(LlmError):
    """The provider does not offer this feature (e.g. chat on an embeddings-only provider)."""

    llm_kind = "unsupported"


__all__ = [
    "LlmError", "AuthError", "RateLimitError", "BadRequestError", "ContextWindowError",
    "ServerError", "LlmTimeoutError", "LlmConnectionError", "StreamError", "UnsupportedError", "ResponseFormatError",
    "redact", "status_phrase", "MASK",
]
