"""sema serve in front of an upstream, answering a paraphrase from its semantic cache.

    python examples/serve_proxy.py

Starts a stand-in for an OpenAI-compatible API on 127.0.0.1 (it answers
from a small table, and counts what it is asked), then `sema serve` with the
Lisp embedding provider of examples/llm_serve_config.scm, and sends three
questions through the proxy with the X-LLM-Proxy-Upstream header, as an
application would.  The second question is a paraphrase of the first: the
cache answers it, and the upstream never sees it.  Needs sema[serve]
(starlette and uvicorn); no key and no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HERE = os.path.dirname(os.path.abspath(__file__))
ANSWERS = {"france": "Paris.", "spain": "Madrid."}


class Upstream(BaseHTTPRequestHandler):
    """A stand-in for an OpenAI-compatible chat completions API."""

    asked: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        question = body["messages"][-1]["content"]
        Upstream.asked.append(question)
        answer = next((a for k, a in ANSWERS.items() if k in question.lower()), "I do not know.")
        data = json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": answer}}],
                           "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main() -> None:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    upstream_url = f"http://127.0.0.1:{upstream.server_address[1]}/v1/chat/completions"

    cache = os.path.join(tempfile.mkdtemp(prefix="sema-example-"), "cache.sqlite3")
    server = subprocess.Popen(
        [sys.executable, "-m", "sema", "serve", "--port", "0", "--cache", cache,
         "--allow-upstream", "127.0.0.1", "-l", os.path.join(HERE, "llm_serve_config.scm"), "--embed", "words"],
        stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()  # sema serve: listening on http://127.0.0.1:PORT (...)
        if "listening on" not in line:
            raise SystemExit(line + server.stderr.read())
        proxy = line.split("listening on ")[1].split()[0]
        print(f"sema serve is at {proxy}; the upstream at {upstream_url}")
        with httpx.Client(base_url=proxy, timeout=10) as client:
            for question in ("What is the capital of France?", "capital of France, please",
                             "What is the capital of Spain?"):
                r = client.post("/v1/chat/completions",
                                headers={"authorization": "Bearer sk-example-key",
                                         "x-llm-proxy-upstream": upstream_url},
                                json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": question}]})
                answer = r.json()["choices"][0]["message"]["content"]
                cache_status = r.headers["x-sema-cache"]
                similarity = r.headers.get("x-sema-cache-similarity")
                shown = f" (similarity {similarity})" if similarity else ""
                print(f"{question!r:36} -> {answer!r:10} cache: {cache_status}{shown}")
            stats = client.get("/cache/stats").json()
        print(f"the upstream was asked {len(Upstream.asked)} times: {Upstream.asked}")
        print(f"cache: {stats['entries']} entries, {stats['hits']} hit, {stats['misses']} misses")
    finally:
        server.terminate()
        server.wait(10)
        upstream.shutdown()


if __name__ == "__main__":
    main()
