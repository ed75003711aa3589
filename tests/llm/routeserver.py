"""A threaded HTTP server on 127.0.0.1 whose routes are Python functions (for the auth tests).

``RouteServer({("POST", "/token"): fn, ...})``: each ``fn(req)`` gets a
:class:`Req` (method, raw path, query, lower-case headers, raw body bytes)
and returns ``(status, body)`` or ``(status, body, headers)``; a dict or
list body is sent as JSON, bytes as they are, a list of bytes as a chunked
stream.  Every request is recorded in ``server.requests``.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Req:
    def __init__(self, method, raw_path, headers, body):
        self.method = method
        self.raw_path = raw_path
        parts = urlsplit(raw_path)
        self.path = parts.path
        self.query = parse_qs(parts.query)
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None

    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class RouteServer:
    def __init__(self, routes: dict):
        self.routes = dict(routes)
        self.requests: list[Req] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def _handle(self, method):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Req(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                server.requests.append(req)
                fn = server.routes.get((method, req.path))
                if fn is None:
                    fn = next((f for (m, p), f in server.routes.items() if m == method and p.endswith("*")
                               and req.path.startswith(p[:-1])), None)
                if fn is None:
                    return self._send(404, {"error": {"message": f"no route {method} {req.path}"}}, {})
                out = fn(req)
                status, payload = out[0], out[1]
                headers = out[2] if len(out) > 2 else {}
                self._send(status, payload, headers)

            def _send(self, status, payload, headers):
                if isinstance(payload, list) and payload and isinstance(payload[0], bytes):
                    self.send_response(status)
                    self.send_header("content-type", headers.pop("content-type", "application/octet-stream"))
                    self.send_header("transfer-encoding", "chunked")
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    for chunk in payload:
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                    return
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", headers.pop("content-type", "application/json"))
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
        self.thread.start()

    def hits(self, path: str) -> list[Req]:
        return [r for r in self.requests if r.path == path]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def openai_answer(text="Hello!", model="m", usage=(7, 3)):
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}}
