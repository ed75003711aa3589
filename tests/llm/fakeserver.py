"""A threaded HTTP server on 127.0.0.1 speaking one LLM wire format.

Tests push :class:`~.wire.Reply` scripts; each request takes the next one
(a text answer when the queue is empty) and is recorded.  Streams use
chunked transfer encoding, so a stream "cut halfway" is a connection closed
before the terminating chunk, exactly what a dropped proxy produces.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .wire import DIALECTS, Reply


class Recorded:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def __repr__(self):
        return f"Recorded({self.method} {self.path})"


class FakeServer:
    """One dialect's fake server.  ``url`` is its root (``http://127.0.0.1:PORT``)."""

    def __init__(self, dialect: str):
        self.dialect = DIALECTS[dialect]
        self.queue: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.stop = threading.Event()
        self.delay = 0.0
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()
        server = self

        class Handler(_Handler):
            fake = server

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
        self.thread.start()

    def push(self, *replies: Reply) -> "FakeServer":
        self.queue.extend(replies)
        return self

    def next_reply(self) -> Reply:
        try:
            return self.queue.popleft()
        except IndexError:
            return Reply.say()

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default backlog of 5 drops SYNs under a concurrent batch (1 s stalls)

    def handle_error(self, request, client_address):
        pass  # clients that hang up early (timeouts, cut streams) are part of the tests


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    fake: FakeServer

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        fake = self.fake
        fake.requests.append(Recorded(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        d = fake.dialect
        route = d.route(method, self.path.split("?")[0] if d.name != "gemini" else self.path)
        if route is None:
            return self._json(404, d.error(404, f"no route for {method} {self.path}"))
        if route == "models":
            return self._json(200, d.models())
        reply = fake.next_reply()
        if fake.delay:
            with fake.lock:
                fake.active += 1
                fake.peak = max(fake.peak, fake.active)
            time.sleep(fake.delay)
            with fake.lock:
                fake.active -= 1
        model = d.model(self.path, body)
        if reply.kind == "error":
            return self._json(reply.status, d.error(reply.status, reply.message), reply.headers)
        if reply.kind == "raw":
            return self._send(reply.status, reply.body, reply.content_type)
        if reply.kind == "hang":
            fake.stop.wait(5)
            self.close_connection = True
            return
        if route == "embed":
            return self._json(200, d.embeddings(reply.vectors or ((0.1, 0.2, 0.3), (0.4, 0.5, 0.6)), model))
        if not d.is_stream(self.path, body):
            if reply.kind == "stream_error":
                return self._json(500, d.error(500, reply.message))
            return self._json(200, d.complete(reply, model), reply.headers)
        if reply.style == "array":  # Gemini without alt=sse: a JSON array
            return self._json(200, [d.complete(reply, model)])
        chunks = d.stream(reply, model)
        self.send_response(200)
        self.send_header("content-type", d.stream_type)
        self.send_header("transfer-encoding", "chunked")
        self.send_header("cache-control", "no-cache")
        for k, v in reply.headers.items():  # a success's rate-limit headers, as real vendors send them
            self.send_header(k, v)
        self.end_headers()
        if reply.kind == "stream_error":
            chunks = chunks[:1] + [d.stream_error(reply.message)]
        elif reply.kind in ("cut", "stall", "truncated"):
            chunks = chunks[: max(1, len(chunks) // 2)]
        for chunk in chunks:
            self._chunk(chunk)
        if reply.kind == "cut":  # drop the connection without the terminating chunk
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if reply.kind == "stall":
            fake.stop.wait(5)
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, data: bytes):
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _json(self, status, payload, headers=None):
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _send(self, status, data: bytes, content_type, headers=None):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
