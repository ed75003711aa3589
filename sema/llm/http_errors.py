"""HTTP answers and httpx exceptions mapped to the LLM error tree, the vendor's own message kept.

:func:`error_from_response` reads every vendor's error body (OpenAI/Anthropic
``{"error": {"message", "type", "code"}}``, Gemini's ``status``/``details``,
Ollama's ``{"error": "text"}``, Bedrock's ``{"message"}`` with
``x-amzn-errortype``, FastAPI's ``{"detail"}``) and picks the error class by
status and tags.  :func:`error_from_exception` describes a failure before any
answer (refused, DNS, timeout) in words, never as an errno.  Messages pass
through :func:`~sema.llm.errors.redact`, which also masks keys a vendor
echoes back truncated (``sk-...4f6a8c0e``).
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from typing import Any

import httpx

from .errors import (AuthError, BadRequestError, ContextWindowError, LlmConnectionError, LlmError,
                     LlmTimeoutError, RateLimitError, ServerError, redact)

RETRY_STATUSES = frozenset({408, 409, 429})  # and every status >= 500 (529 is Anthropic's "overloaded")


def is_retry_status(status: int) -> bool:
    """Statuses worth retrying: 408, 409, 429 and 5xx."""
    return status >= 500 or status in RETRY_STATUSES

_CONTEXT_RE = re.compile(
    r"context[ _]length|context[ _]window|maximum context|prompt is too long|too many tokens|"
    r"exceeds the maximum number of tokens|input length and `?max_tokens`? exceed|"
    r"reduce the length of the messages", re.I)
_AUTH_RE = re.compile(r"API_KEY_INVALID|API key not valid|invalid x-api-key|invalid api key", re.I)


def parse_retry_after(headers, now: float | None = None) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (a number or an HTTP date), else None."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def snippet(text: str, limit: int = 200) -> str:
    """The first LIMIT characters of TEXT on one line, for error messages."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "..."


def extract_error(body: Any) -> tuple[str | None, list[str], dict]:
    """The vendor's message, its type/code/status tags and the error object, from an error body.

    Shapes: OpenAI/Anthropic ``{"error": {"message", "type", "code"}}``, Gemini
    ``{"error": {"code", "message", "status", "details"}}``, Ollama ``{"error": "text"}``,
    vLLM/FastAPI ``{"message": ...}`` or ``{"detail": ...}``.
    """
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]  # Gemini without alt=sse wraps errors in an array
    if not isinstance(body, dict):
        return None, [], {}
    err = body.get("error")
    if isinstance(err, dict):
        tags = [str(err[k]) for k in ("type", "code", "status") if err.get(k) is not None]
        for detail in err.get("details") or ():
            if isinstance(detail, dict) and detail.get("reason"):
                tags.append(str(detail["reason"]))
        msg = err.get("message")
        return (str(msg) if msg is not None else None), tags, err
    if isinstance(err, str):
        return err, [], {}
    for key in ("message", "detail"):
        if isinstance(body.get(key), str):
            return body[key], [str(body[t]) for t in ("type", "code") if body.get(t) is not None], body
    return None, [], {}


def _gemini_retry_delay(err: dict) -> float | None:
    for detail in err.get("details") or ():
        if isinstance(detail, dict) and isinstance(detail.get("retryDelay"), str):
            m = re.fullmatch(r"([\d.]+)s", detail["retryDelay"])
            if m:
                return float(m.group(1))
    return None


def error_from_response(provider: str, status: int, text: str, headers=None, *, secrets=()) -> LlmError:
    """Map an HTTP error answer to the LLM error tree, keeping the provider's own message."""
    headers = headers if headers is not None else {}
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    message, tags, err = extract_error(body)
    if message is None and text:
        message = snippet(text)
    retry_after = parse_retry_after(headers)
    if retry_after is None and err:
        retry_after = _gemini_retry_delay(err)
    joined = " ".join(tags)
    kw = dict(provider=provider, status=status, provider_message=message, secrets=secrets)
    if status in (401, 403) or (status == 400 and _AUTH_RE.search(f"{joined} {message or ''}")):
        exc: LlmError = AuthError(**kw)
    elif status == 429 or "RESOURCE_EXHAUSTED" in tags:
        exc = RateLimitError(retry_after=retry_after, **kw)
    elif status in (400, 404, 413, 422) or (400 <= status < 500 and status not in RETRY_STATUSES):
        if "context_length_exceeded" in tags or _CONTEXT_RE.search(message or ""):
            exc = ContextWindowError(**kw)
        else:
            exc = BadRequestError(**kw)
    else:
        retry = is_retry_status(status) and status not in (501, 505)  # "not implemented" stays so
        exc = ServerError(retry_after=retry_after if retry else None, retriable=retry, **kw)
    should = headers.get("x-should-retry")
    if should in ("true", "false"):
        exc._retriable = should == "true"
    return exc


def _describe_url(request: httpx.Request | None) -> str:
    if request is None:
        return ""
    return f"{request.method} {redact(str(request.url))}"


def error_from_exception(provider: str, exc: Exception, request=None, *, secrets=(),
                         timeout: float | None = None) -> LlmError:
    """Map an httpx exception raised before a response arrived to the LLM error tree."""
    where = _describe_url(request) or "the request"
    if isinstance(exc, httpx.TimeoutException):
        phase, key = {httpx.ConnectTimeout: ("connecting", "connect"),
                      httpx.ReadTimeout: ("waiting for the answer", "read"),
                      httpx.WriteTimeout: ("sending the request", "write"),
                      httpx.PoolTimeout: ("waiting for a free connection", "pool"),
                      }.get(type(exc), ("waiting", "read"))
        if timeout is None and request is not None:
            timeout = (request.extensions.get("timeout") or {}).get(key)
        # an attempt cut to the time left before the deadline has a timeout like 0.599954: show 0.6
        after = f" after {round(timeout, 2):g}s" if timeout else ""
        return LlmTimeoutError(f"provider :{provider} timed out{after} {phase} ({where})",
                               provider=provider, secrets=secrets)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return LlmConnectionError(f"provider :{provider}: invalid base URL for {where} "
                                  f"(it must start with http:// or https://)",
                                  provider=provider, retriable=False, secrets=secrets)
    if isinstance(exc, httpx.LocalProtocolError):  # sema could not even write the request
        return LlmConnectionError(f"provider :{provider}: the request could not be sent ({where}): "
                                  f"a header value is invalid (a key or header with a line break?)",
                                  provider=provider, retriable=False, secrets=secrets)
    return LlmConnectionError(f"provider :{provider}: cannot reach the server ({where}): {connection_detail(exc)}",
                              provider=provider, secrets=secrets)


_ERRNO = re.compile(r"\[Errno -?\d+\]\s*")
_CONNECTION_WORDS = (
    (("refused",), "the connection was refused (is the server running?)"),
    (("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo", "no address"),
     "the host name could not be resolved"),
    (("certificate", "ssl", "tls"), "the TLS handshake failed"),
    (("reset by peer", "connection reset"), "the server reset the connection"),
    (("network is unreachable", "no route to host"), "the network is unreachable"),
    (("server disconnected", "remoteprotocolerror", "without sending"), "the server closed the connection "
                                                                           "without answering"),
)


def connection_detail(exc: BaseException) -> str:
    """What went wrong with a connection, in words (never ``[Errno 111]`` or a Python class name)."""
    text = f"{type(exc).__name__} {exc}".lower()
    for words, meaning in _CONNECTION_WORDS:
        if any(w in text for w in words):
            return meaning
    detail = _ERRNO.sub("", str(exc)).strip()
    return detail or "the connection failed"


def not_json_error(provider: str, response: httpx.Response, text: str, *, secrets=()) -> LlmError:
    """A 2xx answer whose body is not the JSON the API promises (an HTML page from a proxy, ...)."""
    ctype = response.headers.get("content-type", "?")
    shown = json.dumps(snippet(text)) if text.strip() else "an empty body"
    return ServerError(
        f"provider :{provider} returned a body that is not JSON "
        f"(status {response.status_code}, content-type {ctype}): {shown}",
        provider=provider, status=response.status_code, retriable=False, secrets=secrets)


__all__ = ["error_from_response", "error_from_exception", "extract_error", "not_json_error", "parse_retry_after",
           "snippet", "is_retry_status", "RETRY_STATUSES", "connection_detail"]
