"""HTTP client builtins: ``http/get``, ``http/post``, ``http/put``, ``http/delete``, ``http/request``.

``http/get`` and friends return the response body as a string and raise
:class:`HttpError` on a non-2xx answer (its message names the method, the
URL, the status and the start of the body; ``catch`` sees ``:status``,
``:url``, ``:method`` and ``:body``).  ``http/request`` returns the whole
answer, ``{:status :headers :body}``, whatever the status.

Options (a map): ``:headers`` (a map of names to values), ``:body`` (a
string sent as is), ``:json`` (any value, encoded as JSON, with
``content-type: application/json`` unless a header says otherwise),
``:query`` (a map of URL parameters; a list value repeats the parameter),
``:timeout`` (seconds, default 30).

httpx is imported on the first request; all requests share one pooled
client, so repeated calls to a host reuse its connection.  Credentials never
appear in errors: the values of authorization-like headers and key-like URL
parameters are masked.

In a sandbox every request needs the net capability, and its host (and that
of every redirect it follows) must be one the policy allows.
"""

from __future__ import annotations

import json
import numbers
import threading
from http import HTTPStatus

from ..errors import LispIOError, LispTypeError, LispValueError
from ..printer import display_str, type_and_value, write_str
from ..runtime import capabilities
from ..runtime.registry import Any, builtin
from ..runtime.registry import typing_names as typing
from ..values import (
    ArrayList,
    EmptyList,
    Keyword,
    Map,
    Pair,
    Symbol,
    iter_list,
    make_map,
    map_items,
)

DEFAULT_TIMEOUT = 30.0
_OPTION_KEYS = frozenset({"headers", "body", "json", "query", "timeout", "method", "url"})
_SECRET_HEADER_WORDS = ("auth", "key", "token", "secret", "cookie", "password")

_client = None
_client_lock = threading.Lock()


class HttpError(LispIOError):
    """An HTTP request failed: a non-2xx answer (``status`` set), a connection failure or a timeout."""

    def __init__(self, message: str, *, method: str, url: str, status: int | None = None,
                 body: str | None = None, timeout: bool = False, connection: bool = False,
                 retry_after: float | None = None):
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        self.timeout = timeout
        self.connection = connection
        self.retry_after = retry_after

    def extra_fields(self) -> dict:
        return {"status": self.status, "url": self.url, "method": self.method, "body": self.body}


def _check_host(request) -> None:
    """Every request the client sends, redirects included, goes to a host the sandbox allows."""
    capabilities.require("net", "http (a redirect)", url=str(request.url))


def _http_client():
    """The shared pooled client (created on first use)."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                import httpx
                _client = httpx.Client(follow_redirects=True, timeout=DEFAULT_TIMEOUT,
                                       limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                                       event_hooks={"request": [_check_host]})
    return _client


# ---------------------------------------------------------------- options


def _name(k) -> str:
    k = getattr(k, "value", k)
    if k.__class__ is Keyword or k.__class__ is Symbol:
        return k.name
    return k if isinstance(k, str) else display_str(k)


def _options(who: str, opts) -> dict:
    if opts is None:
        return {}
    if not isinstance(opts, Map):
        raise LispTypeError(f"{who}: options must be a map, got {type_and_value(opts)}")
    return {_name(k): v for k, v in map_items(opts)}


def _is_options(value) -> bool:
    """A map whose keys are all option names is an options map (anything else is a JSON body)."""
    return isinstance(value, Map) and len(value) > 0 and all(
        k.__class__ is Keyword and k.name in _OPTION_KEYS for k, _ in map_items(value))


def _headers(who: str, value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, Map):
        raise LispTypeError(f"{who}: :headers must be a map, got {type_and_value(value)}")
    return {_name(k): v if isinstance(v, str) else display_str(v) for k, v in map_items(value)}


def _query(who: str, value) -> list:
    if value is None:
        return []
    if not isinstance(value, Map):
        raise LispTypeError(f"{who}: :query must be a map, got {type_and_value(value)}")
    out = []
    for k, v in map_items(value):
        values = list(iter_list(v)) if isinstance(v, (Pair, ArrayList, EmptyList)) else \
            list(v) if v.__class__ is tuple else [v]
        for item in values:
            if item is True or item is False:
                item = "true" if item else "false"
            out.append((_name(k), item if isinstance(item, str) else display_str(item)))
    return out


def _timeout(who: str, value) -> float:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise LispTypeError(f"{who}: :timeout must be a number of seconds, got {type_and_value(value)}")
    if value <= 0:
        raise LispValueError(f"{who}: :timeout must be positive, got {write_str(value)}")
    return float(value)


def _method(who: str, value) -> str:
    name = _name(value) if value is not None else ""
    if not name or not isinstance(name, str):
        raise LispValueError(f"{who}: a method is required (:get, :post, ...)")
    return name.upper()


def _encode_json(who: str, value) -> str:
    from .jsonfmt import to_json_value
    return json.dumps(to_json_value(value, who), ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- sending


def _secrets(headers: dict) -> list[str]:
    out = []
    for name, value in headers.items():
        if any(w in name.lower() for w in _SECRET_HEADER_WORDS) and value:
            out.append(value)
            parts = value.split(None, 1)  # "Bearer KEY": the key alone too
            if len(parts) == 2:
                out.append(parts[1])
    return out


def _redact(text: str, secrets) -> str:
    from ..llm.errors import redact
    return redact(text, secrets)


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "..."


def _phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def send(who: str, method: str, url, opts: dict, body=None, *, raise_status: bool = True):
    """Send one request; returns the httpx response (read).  Errors are HttpErrors naming WHO."""
    import httpx

    if not isinstance(url, str):
        raise LispTypeError(f"{who}: the URL must be a string, got {type_and_value(url)}")
    capabilities.require("net", who, url=url)
    headers = _headers(who, opts.get("headers"))
    content = None
    if body is not None:
        opts = {**opts, "json": body} if not isinstance(body, (str, bytes)) else {**opts, "body": body}
    if opts.get("json") is not None:
        content = _encode_json(who, opts["json"])
        if not any(h.lower() == "content-type" for h in headers):
            headers["content-type"] = "application/json"
    elif opts.get("body") is not None:
        b = opts["body"]
        if isinstance(b, (str, bytes)):
            content = b
        elif isinstance(b, (Map, Pair, ArrayList, EmptyList, tuple)):
            content = _encode_json(who, b)
            if not any(h.lower() == "content-type" for h in headers):
                headers["content-type"] = "application/json"
        else:
            content = display_str(b)
    timeout = _timeout(who, opts.get("timeout"))
    secrets = _secrets(headers)
    shown = _redact(url, secrets)
    try:
        response = _http_client().request(method, url, headers=headers, content=content,
                                          params=_query(who, opts.get("query")) or None, timeout=timeout)
    except httpx.TimeoutException:
        raise HttpError(f"{who}: {method} {shown} timed out after {timeout:g}s", method=method, url=shown,
                        timeout=True) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise HttpError(f"{who}: invalid URL {shown}: {_redact(str(exc), secrets)}", method=method,
                        url=shown) from None
    except httpx.HTTPError as exc:
        from ..llm.http_errors import connection_detail  # the LLM layer's words: never "[Errno 111]"
        detail = _redact(connection_detail(exc), secrets)
        raise HttpError(f"{who}: {method} {shown} failed: {detail}", method=method, url=shown,
                        connection=True) from None
    if raise_status and not 200 <= response.status_code < 300:
        text = _redact(response.text, secrets)
        retry_after = response.headers.get("retry-after")
        try:
            retry_after = float(retry_after) if retry_after else None
        except ValueError:
            retry_after = None
        snippet = _snippet(text)
        raise HttpError(f"{who}: {method} {shown} returned {_phrase(response.status_code)}"
                        + (f": {snippet}" if snippet else ""),
                        method=method, url=shown, status=response.status_code, body=text, retry_after=retry_after)
    return response


def _body_call(who: str, method: str, url, body_or_opts, opts):
    """Shared by post and put: the second argument is a body, or the options when no third is given."""
    body = None
    if opts is None and (body_or_opts is None or _is_options(body_or_opts)):
        opts = body_or_opts
    else:
        body = body_or_opts
    return send(who, method, url, _options(who, opts), body).text


def response_map(response) -> Map:
    """``{:status :headers :body}`` of an httpx response (header names lower-case strings)."""
    headers = make_map((k.lower(), v) for k, v in response.headers.items())
    return make_map([(Keyword("status"), response.status_code), (Keyword("headers"), headers),
                     (Keyword("body"), response.text)])


def _skip(fn):
    fn.doc_example_skip = True  # the examples need a server
    return fn


# ---------------------------------------------------------------- builtins


@_skip
@builtin("http/get", needs="net")
def http_get(url: str, opts: Map | None = None) -> str:
    """GET URL and return the response body as a string; a non-2xx answer is an error.

    Options: :headers :query :timeout (seconds).

    (http/get "http://127.0.0.1:8000/hello" {:query {:name "Ada"}}) ; => "Hello, Ada"
    """
    return send("http/get", "GET", url, _options("http/get", opts)).text


@_skip
@builtin("http/post", needs="net")
def http_post(url: str, body_or_opts: typing.Any = None, opts: Map | None = None) -> str:
    """POST to URL and return the response body as a string; a non-2xx answer is an error.

    The second argument is the options map ({:headers :body :json :query :timeout}), or a body:
    a string is sent as is, any other value as JSON (then options may follow).

    (http/post "http://127.0.0.1:8000/echo" {:json {:a 1}}) ; => "{\\"a\\":1}"
    (http/post "http://127.0.0.1:8000/echo" "raw text" {:headers {"X-Trace" "1"}}) ; => "raw text"
    """
    return _body_call("http/post", "POST", url, body_or_opts, opts)


@_skip
@builtin("http/put", needs="net")
def http_put(url: str, body_or_opts: typing.Any = None, opts: Map | None = None) -> str:
    """PUT to URL and return the response body as a string (arguments as for http/post).

    (http/put "http://127.0.0.1:8000/echo" {:body "v2"}) ; => "v2"
    """
    return _body_call("http/put", "PUT", url, body_or_opts, opts)


@_skip
@builtin("http/delete", needs="net")
def http_delete(url: str, opts: Map | None = None) -> str:
    """DELETE URL and return the response body as a string; a non-2xx answer is an error.

    (http/delete "http://127.0.0.1:8000/items/1") ; => ""
    """
    return send("http/delete", "DELETE", url, _options("http/delete", opts)).text


@_skip
@builtin("http/request", needs="net")
def http_request(method_or_map: Any, url: str | None = None, opts: Map | None = None) -> Map:
    """Send any request and return {:status :headers :body}, whatever the status.

    Called with one map {:method :url :headers :body :json :query :timeout}, or as
    (http/request method url [opts]) with a keyword or string method.

    (:status (http/request {:method :get :url "http://127.0.0.1:8000/missing"})) ; => 404
    (:body (http/request :post "http://127.0.0.1:8000/echo" {:body "hi"})) ; => "hi"
    """
    who = "http/request"
    if isinstance(method_or_map, Map) and url is None:
        o = _options(who, method_or_map)
        method, url = _method(who, o.get("method") or "get"), o.get("url")
        if url is None:
            raise LispValueError(f"{who}: the request map needs a :url")
    else:
        method, o = _method(who, method_or_map), _options(who, opts)
    return response_map(send(who, method, url, o, raise_status=False))


__all__ = ["HttpError", "send", "response_map", "http_get", "http_post", "http_put", "http_delete",
           "http_request"]
