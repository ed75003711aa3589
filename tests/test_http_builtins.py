"""Tests for the http/* builtins (sema/builtins/http.py), against a local server on 127.0.0.1.

:class:`LocalServer` is also used by the LLM tests (a custom HTTP API behind a Lisp provider).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from sema.builtins.http import HttpError
from sema.errors import LispTypeError, SemaError
from sema.runtime.registry import BUILTINS
from sema.values import Keyword, Map


class _Server(ThreadingHTTPServer):
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass  # clients that time out and hang up are part of the tests


class LocalServer:
    """A threaded HTTP server on 127.0.0.1.

    ``routes`` maps ``(method, path)`` (or ``path`` for any method) to a function
    ``handler(request) -> (status, headers, body)`` where request is a dict
    ``{method, path, query, headers, body}``.  Without a route, a few built-in ones answer:
    ``/echo`` (the body back), ``/inspect`` (the request as JSON), ``/status/N``, ``/slow``.
    Every request is recorded in ``requests``.
    """

    def __init__(self, routes=None):
        self.routes = dict(routes or {})
        self.requests: list[dict] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                server._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handle(self, h):
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        parsed = urlparse(h.path)
        req = {"method": h.command, "path": parsed.path, "query": parse_qs(parsed.query),
               "headers": {k.lower(): v for k, v in h.headers.items()}, "body": raw.decode("utf-8", "replace")}
        self.requests.append(req)
        route = self.routes.get((h.command, parsed.path)) or self.routes.get(parsed.path)
        if route is not None:
            status, headers, body = route(req)
        elif parsed.path == "/echo":
            status, headers, body = 200, {"content-type": req["headers"].get("content-type", "text/plain")}, req["body"]
        elif parsed.path == "/inspect":
            status, headers, body = 200, {"content-type": "application/json"}, json.dumps(req)
        elif parsed.path.startswith("/status/"):
            status, headers, body = int(parsed.path.rsplit("/", 1)[1]), {"x-kind": "status"}, "status body here"
        elif parsed.path == "/slow":
            self.stop.wait(3)
            status, headers, body = 200, {}, "late"
        elif parsed.path == "/hello":
            status, headers, body = 200, {}, "Hello, " + req["query"].get("name", ["world"])[0]
        else:
            status, headers, body = 404, {}, "not found"
        data = body.encode() if isinstance(body, str) else body
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("content-length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
        h.wfile.flush()


@pytest.fixture
def server():
    s = LocalServer()
    yield s
    s.close()


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class TestGetPostPutDelete:
    """The body-returning builtins."""

    def test_get_with_query(self, run, server):
        """http/get returns the body; :query becomes URL parameters."""
        assert run(f'(http/get "{server.url}/hello" {{:query {{:name "Ada"}}}})') == "Hello, Ada"

    def test_query_lists_and_booleans(self, run, server):
        """A list value repeats the parameter; booleans are true/false."""
        run(f'(http/get "{server.url}/inspect" {{:query {{:tag ["a" "b"] :on #t :n 3}}}})')
        assert server.requests[-1]["query"] == {"tag": ["a", "b"], "on": ["true"], "n": ["3"]}

    def test_post_options_map(self, run, server):
        """The contract's shape: (http/post url {:headers .. :body ..}) sends the body and headers as given."""
        body = run(f'(http/post "{server.url}/inspect" {{:headers {{"X-Trace" "7" "Content-Type" "text/plain"}} '
                   f':body "raw"}})')
        req = json.loads(body)
        assert req["method"] == "POST" and req["body"] == "raw"
        assert req["headers"]["x-trace"] == "7" and req["headers"]["content-type"] == "text/plain"

    def test_post_json_option(self, run, server):
        """:json encodes the value and sets content-type: application/json."""
        req = json.loads(run(f'(http/post "{server.url}/inspect" {{:json {{:a [1 2] :b nil}}}})'))
        assert json.loads(req["body"]) == {"a": [1, 2], "b": None}
        assert req["headers"]["content-type"] == "application/json"

    def test_post_body_argument(self, run, server):
        """A string second argument is the body; a data second argument is sent as JSON; options may follow."""
        assert run(f'(http/post "{server.url}/echo" "plain" {{:headers {{"X-A" "1"}}}})') == "plain"
        assert server.requests[-1]["headers"]["x-a"] == "1"
        assert json.loads(run(f'(http/post "{server.url}/echo" {{:name "Ada"}})')) == {"name": "Ada"}

    def test_put_and_delete(self, run, server):
        """http/put and http/delete use their methods."""
        assert run(f'(http/put "{server.url}/echo" {{:body "v2"}})') == "v2"
        assert server.requests[-1]["method"] == "PUT"
        run(f'(http/delete "{server.url}/echo")')
        assert server.requests[-1]["method"] == "DELETE"

    def test_keyword_header_names(self, run, server):
        """Header names may be keywords; values are displayed."""
        run(f'(http/get "{server.url}/inspect" {{:headers {{:x-count 3}}}})')
        assert server.requests[-1]["headers"]["x-count"] == "3"


class TestRequest:
    """http/request returns the whole answer whatever the status."""

    def test_map_form(self, run, server):
        """(http/request {:method :url ...}) gives {:status :headers :body}."""
        m = run(f'(http/request {{:method :get :url "{server.url}/status/404"}})')
        assert isinstance(m, Map)
        assert m[Keyword("status")] == 404 and m[Keyword("body")] == "status body here"
        assert m[Keyword("headers")]["x-kind"] == "status"

    def test_positional_form(self, run, server):
        """(http/request method url opts) with a keyword or string method."""
        assert run(f'(:body (http/request :post "{server.url}/echo" {{:body "hi"}}))') == "hi"
        assert run(f'(:status (http/request "PATCH" "{server.url}/echo"))') == 200
        assert server.requests[-1]["method"] == "PATCH"

    def test_needs_url(self, run):
        """A request map without :url is a clear error."""
        with pytest.raises(SemaError, match="needs a :url"):
            run('(http/request {:method :get})')


class TestErrors:
    """Failures are HttpErrors naming the method, the URL and the status, with the start of the body."""

    def test_non_2xx(self, run, server):
        """A 404 from http/get raises with method, URL, status and a body snippet."""
        with pytest.raises(HttpError) as info:
            run(f'(http/get "{server.url}/status/404")')
        msg = info.value.message
        assert "GET" in msg and f"{server.url}/status/404" in msg and "404 Not Found" in msg
        assert "status body here" in msg and info.value.status == 404

    def test_catch_sees_status(self, run, server):
        """catch receives :status, :url and :body entries."""
        m = run(f'(try (http/post "{server.url}/status/503" {{:body "x"}}) (catch e e))')
        assert m[Keyword("status")] == 503 and m[Keyword("type")] == Keyword("io")
        assert m[Keyword("body")] == "status body here" and m[Keyword("method")] == "POST"

    def test_connection_refused(self, run):
        """An unreachable server is an HttpError saying the request failed, in words (issue 7: no "[Errno 111]")."""
        with pytest.raises(HttpError, match="GET http://127.0.0.1:.*failed: the connection was refused") as info:
            run(f'(http/get "http://127.0.0.1:{closed_port()}/x")')
        assert info.value.connection and "Errno" not in str(info.value)

    def test_timeout(self, run, server):
        """:timeout is in seconds; a slow server is a timeout error."""
        start = time.monotonic()
        with pytest.raises(HttpError, match="timed out after 0.2s") as info:
            run(f'(http/get "{server.url}/slow" {{:timeout 0.2}})')
        assert info.value.timeout and time.monotonic() - start < 2

    def test_bad_options(self, run, server):
        """Options of the wrong type are type errors naming the builtin."""
        with pytest.raises(LispTypeError, match="http/get: :headers must be a map"):
            run(f'(http/get "{server.url}/echo" {{:headers 5}})')
        with pytest.raises(SemaError, match="http/get: :timeout must be"):
            run(f'(http/get "{server.url}/echo" {{:timeout "1"}})')

    def test_invalid_url(self, run):
        """A URL without a scheme is an error, not a crash."""
        with pytest.raises(HttpError, match="invalid URL"):
            run('(http/get "nowhere")')

    def test_credentials_never_in_errors(self, run):
        """A server echoing the Authorization header in a 401 body: the key is masked in the error."""
        key = "sk-secret-0123456789abcdefXYZ"

        def echo_auth(req):
            return 401, {}, f"bad credentials: {req['headers'].get('authorization')}"
        s = LocalServer({"/auth": echo_auth})
        try:
            with pytest.raises(HttpError) as info:
                run(f'(http/get "{s.url}/auth?api_key={key}" {{:headers {{"Authorization" "Bearer {key}"}}}})')
        finally:
            s.close()
        err = info.value
        assert key not in err.message and key not in str(err) and key not in (err.body or "")
        assert key not in err.url and "401" in err.message


class TestDocs:
    """Every http builtin is documented and its (network) examples are marked as not runnable."""

    @pytest.mark.parametrize("name", ["http/get", "http/post", "http/put", "http/delete", "http/request"])
    def test_doc(self, name):
        """A docstring with an example line, and doc_example_skip set."""
        fn = BUILTINS[name]
        assert "; =>" in fn.__doc__ and fn.doc_example_skip is True
