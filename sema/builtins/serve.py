"""Small web servers: ``http/serve``, ``http/router`` and the response helpers (loaded on first use).

``(http/serve handler {:port 3000 :host "127.0.0.1"})`` serves HTTP on a real
ASGI server (Starlette on uvicorn, the optional extra ``sema[serve]``) and
blocks, as Sema's does, until it is interrupted (Ctrl-C, a timeout, or
``Interpreter.cancel``).  uvicorn runs on a background thread; each request
is handed to the thread that called ``http/serve``, which calls the Lisp
HANDLER with a request map and sends back the response map it returns, one
request at a time (Lisp code stays on one thread, as in Sema).

Request map: ``{:method :get :path "/users/42" :headers {"name" "value"}
:query {:page "2"} :params {:id "42"} :body "..." :json <parsed body>}``
(``:json`` only for a JSON body; ``:params`` filled by ``http/router``).
Response map: ``{:status 200 :headers {"content-type" "..."} :body "..."}``;
the body may be a string or a bytevector; a handler may also return a plain
string (sent as text/plain).  A handler that fails gives a 500 and the error
is printed to standard error; the server goes on.
"""

from __future__ import annotations

import os
import queue
import sys
import threading

from ..errors import LispIOError, LispValueError, SemaError
from ..printer import write_str
from ..runtime import capabilities
from ..runtime.capabilities import Need
from ..runtime.registry import Callable_, builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, Map, make_map, map_items
from .argcheck import type_error
from .io import skip_doc_examples
from .lists import seq_items

Any = typing.Any
_K = Keyword
MAX_BODY = 16 * 1024 * 1024


def _response(status: int, body, content_type: str | None) -> Map:
    headers = make_map([("content-type", content_type)]) if content_type else make_map([])
    return make_map([(_K("status"), status), (_K("headers"), headers), (_K("body"), body)])


def _json(data) -> str:
    from .jsonfmt import encode
    return encode(data)


# ---------------------------------------------------------------- response helpers


@builtin("http/ok")
def ok(data: Any) -> Map:
    """A 200 response with DATA encoded as JSON.

    (http/ok {:message "success"}) ; => {:body "{\\"message\\":\\"success\\"}" :headers {"content-type" "application/json"} :status 200}
    """
    return _response(200, _json(data), "application/json")


@builtin("http/created")
def created(data: Any) -> Map:
    """A 201 response with DATA encoded as JSON.

    (:status (http/created {:id 42})) ; => 201
    """
    return _response(201, _json(data), "application/json")


@builtin("http/no-content")
def no_content() -> Map:
    """A 204 response with an empty body.

    (:status (http/no-content)) ; => 204
    """
    return _response(204, "", None)


@builtin("http/not-found")
def not_found(data: Any = None) -> Map:
    """A 404 response with DATA encoded as JSON.

    (:body (http/not-found {:error "User not found"})) ; => "{\\"error\\":\\"User not found\\"}"
    """
    return _response(404, _json(data if data is not None else make_map([(_K("error"), "not found")])),
                     "application/json")


@builtin("http/error")
def error(status: int, data: Any = None) -> Map:
    """A response with the given STATUS and DATA encoded as JSON.

    (:status (http/error 422 {:errors ["Invalid email"]})) ; => 422
    """
    if status.__class__ is not int or not 100 <= status <= 599:
        raise type_error("http/error", "an HTTP status from 100 to 599", status)
    return _response(status, _json(data), "application/json")


@builtin("http/redirect")
def redirect(url: str, status: int = 302) -> Map:
    """A redirect (302 by default) to URL.

    (get (:headers (http/redirect "/login")) "location") ; => "/login"
    """
    if url.__class__ is not str:
        raise type_error("http/redirect", "a URL string", url)
    return make_map([(_K("status"), status), (_K("headers"), make_map([("location", url)])), (_K("body"), "")])


@builtin("http/html")
def html(text: str) -> Map:
    """A 200 response with TEXT as an HTML page.

    (get (:headers (http/html "<h1>Hi</h1>")) "content-type") ; => "text/html; charset=utf-8"
    """
    if text.__class__ is not str:
        raise type_error("http/html", "a string of HTML", text)
    return _response(200, text, "text/html; charset=utf-8")


@builtin("http/text")
def text(s: str) -> Map:
    """A 200 response with S as plain text.

    (:body (http/text "OK")) ; => "OK"
    """
    if s.__class__ is not str:
        raise type_error("http/text", "a string", s)
    return _response(200, s, "text/plain; charset=utf-8")


@skip_doc_examples
@builtin("http/file", needs=Need("fs-read", paths=0))
def file(path: str, content_type: str | None = None) -> Map:
    """A 200 response with the file at PATH; the content type is guessed from its extension unless given.

    (http/file "public/index.html") ; => {:body #u8(...) :headers {"content-type" "text/html"} :status 200}
    """
    import mimetypes
    if path.__class__ is not str:
        raise type_error("http/file", "a file path", path)
    try:
        with open(path, "rb") as fh:
            body = fh.read()
    except OSError as exc:
        raise LispIOError(f"http/file: cannot read {write_str(path)}: {exc.strerror or exc}") from None
    kind = content_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
    return _response(200, body, kind)


# ---------------------------------------------------------------- routing


def _compile_route(pattern: str):
    parts = [p for p in pattern.split("/") if p]
    return parts


def _match(parts: list[str], path: str):
    segs = [s for s in path.split("/") if s]
    params = []
    for i, p in enumerate(parts):
        if p == "*":
            params.append((_K("*"), "/".join(segs[i:])))
            return params
        if i >= len(segs):
            return None
        if p.startswith(":"):
            params.append((_K(p[1:]), segs[i]))
        elif p != segs[i]:
            return None
    return params if len(segs) == len(parts) else None


def _static(prefix: str, directory: str, path: str, policy=None):
    """The response for a GET of PATH under a :static route, or None to fall through.

    ``policy``: the sandbox the router was made in; a file it may not read (a
    symlink leading out of the folder) is not served.
    """
    import mimetypes
    if not (path == prefix or path.startswith(prefix.rstrip("/") + "/")):
        return None
    rest = path[len(prefix.rstrip("/")):].lstrip("/")
    if ".." in rest.split("/"):
        return _response(400, "bad path", "text/plain; charset=utf-8")
    target = os.path.join(directory, rest) if rest else directory
    if os.path.isdir(target):
        target = os.path.join(target, "index.html")
    if not os.path.isfile(target):
        return None
    if policy is not None:
        try:
            policy.check("fs-read", "http/router", path=target)
        except PermissionError:
            return _response(403, "forbidden", "text/plain; charset=utf-8")
    with open(target, "rb") as fh:
        body = fh.read()
    resp = _response(200, body, mimetypes.guess_type(target)[0] or "application/octet-stream")
    headers = resp.get(_K("headers")).set("cache-control", "public, max-age=3600")
    return resp.set(_K("headers"), headers)


def _static_dirs(args, interp) -> list:
    """The folders of a router's [:static prefix folder] routes (for the sandbox)."""
    from ..values import ListBase, iter_list
    routes = args[0] if args else None
    if not isinstance(routes, (ListBase, tuple)):
        return []
    out = []
    for route in (routes if routes.__class__ is tuple else list(iter_list(routes))):
        items = list(route) if route.__class__ is tuple else list(iter_list(route)) if isinstance(route, ListBase) \
            else []
        if len(items) == 3 and items[0] == _K("static"):
            out.append(items[2])
    return out


@builtin("http/router", needs=Need("fs-read", paths=_static_dirs, optional=True))
def router(routes: Any) -> Callable_:
    """A handler that sends each request to the first route that matches it (404 when none does).

    Each route is ``[method pattern handler]``: METHOD is :get :post :put
    :patch :delete or :any; PATTERN segments ``:name`` capture into the
    request's :params and a final ``*`` captures the rest.  ``[:static
    "/assets" "./public"]`` serves files from a directory (falling through
    when the file does not exist).

    ((http/router [[:get "/users/:id" (fn (req) (http/ok (:params req)))]]) {:method :get :path "/users/42"}) ; => {:body "{\\"id\\":\\"42\\"}" :headers {"content-type" "application/json"} :status 200}
    (:status ((http/router []) {:method :get :path "/"})) ; => 404
    """
    table = []
    policy = capabilities.current()
    for route in seq_items(routes, "http/router"):
        items = list(seq_items(route, "http/router"))
        if len(items) != 3 or items[0].__class__ is not Keyword or items[1].__class__ is not str:
            raise LispValueError(f"http/router: each route must be [method pattern handler], got {write_str(route)}")
        method, pattern, target = items
        if method.name == "static":
            table.append(("static", pattern, target))
        else:
            if not callable(target):
                raise type_error("http/router", "a handler function in each route", target)
            table.append((method.name, _compile_route(pattern), target))

    def handle(req: Any) -> Any:
        method = req.get(_K("method")) if isinstance(req, Map) else None
        path = req.get(_K("path"), "/") if isinstance(req, Map) else "/"
        name = method.name if method.__class__ is Keyword else str(method or "get").lower()
        for kind, pattern, target in table:
            if kind == "static":
                if name in ("get", "head"):
                    resp = _static(pattern, target, path, policy)
                    if resp is not None:
                        return resp
                continue
            if kind != "any" and kind != name:
                continue
            params = _match(pattern, path)
            if params is not None:
                return target(req.set(_K("params"), make_map(params)))
        return _response(404, "Not Found", "text/plain; charset=utf-8")

    handle.__name__ = handle.__qualname__ = "router"
    return handle


# ---------------------------------------------------------------- the server


def _require_stack():
    import importlib.util
    if importlib.util.find_spec("starlette") is None or importlib.util.find_spec("uvicorn") is None:
        raise LispIOError("http/serve needs the web server extra: pip install 'sema[serve]'")


def _request_map(method: str, path: str, headers, query, body: bytes, content_type: str) -> Map:
    text_body = body.decode("utf-8", errors="replace")
    pairs = [(_K("method"), _K(method.lower())), (_K("path"), path),
             (_K("headers"), make_map(headers)), (_K("query"), make_map((_K(k), v) for k, v in query)),
             (_K("params"), make_map([])), (_K("body"), text_body)]
    if "json" in content_type and text_body.strip():
        from .jsonfmt import decode
        try:
            pairs.append((_K("json"), decode(text_body)))
        except SemaError:
            pass
    return make_map(pairs)


def _wire_response(value) -> tuple[int, list, bytes]:
    """(status, headers, body bytes) for what a handler returned."""
    if value.__class__ is str:
        return 200, [("content-type", "text/plain; charset=utf-8")], value.encode("utf-8")
    if not isinstance(value, Map):
        raise LispValueError(f"http/serve: the handler must return a response map, got {write_str(value)[:80]}")
    status = value.get(_K("status"), 200)
    if status.__class__ is not int:
        raise LispValueError(f"http/serve: :status must be an integer, got {write_str(status)}")
    body = value.get(_K("body"), "")
    if body is None:
        body = b""
    elif body.__class__ is str:
        body = body.encode("utf-8")
    elif body.__class__ is not bytes:
        from .jsonfmt import encode
        body = encode(body).encode("utf-8")
    headers = []
    for k, v in map_items(value.get(_K("headers")) or make_map([])):
        name = k.name if k.__class__ is Keyword else str(k)
        headers.append((name.lower(), v if v.__class__ is str else write_str(v)))
    return status, headers, body


def _app(inbox: queue.Queue):
    import asyncio

    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request):
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return Response("payload too large", status_code=413)
        req = _request_map(request.method, request.url.path, list(request.headers.items()),
                           list(request.query_params.multi_items()), body,
                           request.headers.get("content-type", ""))
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        inbox.put((req, loop, done))
        status, headers, payload = await done
        return Response(payload, status_code=status, headers=dict(headers))

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", endpoint, methods=methods)])


@skip_doc_examples
@builtin("http/serve", needs="net")
def serve(handler: Callable_, opts: Map | None = None) -> None:
    """Serve HTTP with HANDLER (request map -> response map) until interrupted; options :port (3000), :host.

    The host defaults to 127.0.0.1 (only this machine); give :host "0.0.0.0"
    to serve the network.  Needs ``pip install 'sema[serve]'``.

    (http/serve (fn (req) (http/ok {:hello "world"})) {:port 8080}) ; => nil
    """
    if not callable(handler):
        raise type_error("http/serve", "a handler function", handler)
    if opts is not None and not isinstance(opts, Map):
        raise type_error("http/serve", "an options map {:port :host}", opts)
    port = opts.get(_K("port"), 3000) if opts is not None else 3000
    host = opts.get(_K("host"), "127.0.0.1") if opts is not None else "127.0.0.1"
    if port.__class__ is not int or not 0 <= port <= 65535 or host.__class__ is not str:
        raise type_error("http/serve", "a :port from 0 to 65535 and a :host string", port)
    capabilities.require("net", "http/serve", host=host)  # in a sandbox: a host it may listen on
    _require_stack()
    import uvicorn

    inbox: queue.Queue = queue.Queue()
    config = uvicorn.Config(_app(inbox), host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sema-http-serve", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            try:
                req, loop, done = inbox.get(timeout=0.05)
            except queue.Empty:
                continue
            try:
                result = _wire_response(handler(req))
            except Exception as exc:  # a failing handler costs one request, not the server
                sys.stderr.write(f"http/serve: the handler failed: {exc}\n")
                result = (500, [("content-type", "text/plain; charset=utf-8")], b"Internal Server Error")
            loop.call_soon_threadsafe(lambda d=done, r=result: d.done() or d.set_result(r))
        if not server.started:
            raise LispIOError(f"http/serve: cannot listen on {host}:{port}")
    finally:
        server.should_exit = True
        thread.join(5)
    return None
