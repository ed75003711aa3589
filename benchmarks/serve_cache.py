#!/usr/bin/env python3
"""sema serve and its semantic cache under load: hit latency, miss overhead, a 50-client load run.

Usage:
    python benchmarks/serve_cache.py [--entries 100000] [--requests 10000] [--clients 50]
                                     [--dim 384] [--samples 2000] [--json FILE]

Three processes on 127.0.0.1: a fake OpenAI-compatible upstream (a bare ASGI
app under uvicorn, answering ``A[words]`` where ``words`` are the prompt's
content words, sorted), ``sema serve`` (``--embed`` a bag-of-words embedding
of DIM dimensions, requests forwarded with ``X-LLM-Proxy-Upstream``), and
this process as the clients.

1. Miss overhead on an empty cache: new prompts sent alternately straight to
   the upstream and through the proxy (which looks up, embeds, searches,
   forwards and stores); the difference of the medians.
2. The store is filled with ENTRIES answers, computed exactly as the server
   computes them (the gateway's own plan, probe and save), all in one
   semantic scope: the worst case for the vector search.
3. Hit latency through the server at ENTRIES entries, one client: exact
   repeats, then paraphrases (semantic hits), p50 and p99.
4. Miss overhead again, at ENTRIES entries.
5. The load run: REQUESTS requests from CLIENTS concurrent clients, a mix of
   repeats, paraphrases and new prompts, with the store's maximum set to
   ENTRIES so that eviction runs.  Every answer is checked against its own
   prompt (an answer of another prompt is "mixed up"); reported: errors,
   mixed-up answers, requests/s, hit rate, and the server's resident memory
   before and after.

Targets: hit p50 <= 5 ms, miss overhead p50 <= 3 ms, no errors, nothing
mixed up.  A measurement tool: it prints the figures and exits 0 even when a
target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cache.bow import BagOfWords, words  # noqa: E402

KEY = "sk-bench-0123456789abcdef0123456789"
#: the clients send a request's headers and body in separate writes: without TCP_NODELAY the second
#: waits for the server's delayed ACK (40 ms)
NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
MODEL = "gpt-4o-mini"


# ---------------------------------------------------------------- prompts


def canonical(text: str) -> str:
    return " ".join(sorted(set(words(text))))


def topic(n: int) -> list[str]:
    """Three content words that no other N shares all of."""
    return [f"alpha{n % 1000}", f"beta{n // 1000}", f"gamma{(n * 7919) % 100003}"]


def original(n: int) -> str:
    a, b, c = topic(n)
    return f"What is {a} {b} {c}?"


def paraphrase(n: int) -> str:
    a, b, c = topic(n)
    return f"Tell me about {c}, {a} and {b}, please"


def new_prompt(n: int) -> str:
    return f"What is delta{n} epsilon{n % 9973} zeta{n * 31 % 10007}?"


def body(text: str) -> dict:
    return {"model": MODEL, "messages": [{"role": "user", "content": text}]}


# ---------------------------------------------------------------- the fake upstream


async def upstream_app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    data = json.loads(b"".join(chunks))
    text = data["messages"][-1]["content"]
    answer = {"id": "chatcmpl-up", "object": "chat.completion", "created": 1700000000, "model": data["model"],
              "choices": [{"index": 0, "message": {"role": "assistant", "content": f"A[{canonical(text)}]"},
                           "finish_reason": "stop"}],
              "usage": {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}}
    payload = json.dumps(answer).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


def run_upstream(sock):
    import uvicorn
    uvicorn.Server(uvicorn.Config(upstream_app, log_level="error", access_log=False)).run(sockets=[sock])


# ---------------------------------------------------------------- sema serve


def serve_config(cache: str, entries: int):
    from sema.serve.config import ServeConfig
    return ServeConfig(cache=cache, embed="bow", allow_upstream=["127.0.0.1"], max_entries=entries, ttl=0)


def interpreter(dim: int):
    from sema.interpreter import Interpreter
    interp = Interpreter(llm=False)
    interp.register_provider("bow", BagOfWords(dim), make_default=False)
    return interp


def run_proxy(sock, cache: str, entries: int, dim: int):
    import uvicorn

    from sema.serve.app import create_app
    app = create_app(serve_config(cache, entries), interpreter(dim))
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", access_log=False))
    profile = os.environ.get("SEMA_BENCH_PROFILE")  # a file for the proxy's cProfile statistics
    if not profile:
        server.run(sockets=[sock])
        return
    import cProfile
    cProfile.runctx("server.run(sockets=[sock])", globals(), {"server": server, "sock": sock}, profile)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process PID so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fill(cache: str, entries: int, dim: int, upstream_url: str) -> float:
    """ENTRIES answers stored as the server would store them; returns the seconds it took."""
    from sema.llm.types import ChatResponse
    from sema.serve import openai_format
    from sema.serve.gateway import Gateway
    gw = Gateway(serve_config(cache, entries + 10), interpreter(dim))
    headers = {"authorization": f"Bearer {KEY}"}
    started = time.perf_counter()
    for n in range(entries):
        text = original(n)
        plan = gw.plan(openai_format.parse(body(text)), endpoint="/v1/chat/completions", headers=headers,
                       upstream=upstream_url)
        plan.probe.vector = plan.probe.embedder.embed(plan.probe.text)
        gw.save(plan, ChatResponse(f"A[{canonical(text)}]", model=MODEL, provider="upstream"))
    gw.close()
    return time.perf_counter() - started


# ---------------------------------------------------------------- measuring


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


class Client:
    def __init__(self, proxy: str, upstream: str):
        import httpx
        self.http = httpx.Client(timeout=30, transport=httpx.HTTPTransport(verify=False, socket_options=NODELAY))
        self.proxy = proxy + "/v1/chat/completions"
        self.upstream = upstream
        self.headers = {"authorization": f"Bearer {KEY}", "x-llm-proxy-upstream": upstream}

    def via_proxy(self, text: str):
        started = time.perf_counter()
        r = self.http.post(self.proxy, json=body(text), headers=self.headers)
        seconds = time.perf_counter() - started
        r.raise_for_status()
        return seconds, r.headers.get("x-sema-cache"), r.json()["choices"][0]["message"]["content"]

    def direct(self, text: str) -> float:
        started = time.perf_counter()
        r = self.http.post(self.upstream, json=body(text), headers={"authorization": f"Bearer {KEY}"})
        seconds = time.perf_counter() - started
        r.raise_for_status()
        r.json()["choices"][0]["message"]["content"]
        return seconds


def miss_overhead(client: Client, samples: int, start: int) -> dict:
    direct, proxied, wrong = [], [], 0
    for k in range(samples):
        direct.append(client.direct(new_prompt(start + 2 * k)))
        seconds, status, answer = client.via_proxy(new_prompt(start + 2 * k + 1))
        if status != "miss" or answer != f"A[{canonical(new_prompt(start + 2 * k + 1))}]":
            wrong += 1
        proxied.append(seconds)
    d, p = statistics.median(direct) * 1000, statistics.median(proxied) * 1000
    return {"direct_p50_ms": round(d, 3), "proxy_p50_ms": round(p, 3), "overhead_p50_ms": round(p - d, 3),
            "proxy_p99_ms": round(percentile(proxied, 99) * 1000, 3), "not_a_miss_or_wrong": wrong}


def hits(client: Client, prompts, expect: str) -> dict:
    times, wrong, missed = [], 0, 0
    for n, text in prompts:
        seconds, status, answer = client.via_proxy(text)
        times.append(seconds)
        missed += status != "hit"
        wrong += answer != f"A[{canonical(original(n))}]"
    return {"p50_ms": round(statistics.median(times) * 1000, 3), "p99_ms": round(percentile(times, 99) * 1000, 3),
            "requests": len(times), "not_hits": missed, "wrong_answers": wrong, "kind": expect}


class Connection:
    """A bare HTTP/1.1 keep-alive connection: the load run's clients must not be its bottleneck
    (httpx spends milliseconds of CPU per request, more than the proxy it measures)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def post(self, path: str, payload: bytes, headers: dict) -> tuple[int, dict, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            sock = self.writer.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"POST {path} HTTP/1.1\r\nhost: {self.host}\r\ncontent-type: application/json\r\n"
                          f"content-length: {len(payload)}\r\n{head}\r\n".encode() + payload)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        response_headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode().partition(":")
            response_headers[k.strip().lower()] = v.strip()
        data = await self.reader.readexactly(int(response_headers.get("content-length", 0)))
        return status, response_headers, data


async def load_run(proxy: str, upstream: str, requests: int, clients: int, entries: int, seed: int,
                   fresh: int = 10_000_000) -> dict:
    rng = random.Random(seed)
    work = []
    first = fresh
    for i in range(requests):
        r = rng.random()
        if r < 0.4:
            n = rng.randrange(entries)
            work.append((original(n), f"A[{canonical(original(n))}]"))
        elif r < 0.7:
            n = rng.randrange(entries)
            work.append((paraphrase(n), f"A[{canonical(original(n))}]"))
        else:
            fresh += 1
            if rng.random() < 0.3 and fresh > first + 1:  # a new prompt asked again later
                fresh -= 1
            work.append((new_prompt(fresh), f"A[{canonical(new_prompt(fresh))}]"))
    queue = list(enumerate(work))
    results = [None] * len(work)
    mixups: list = []
    headers = {"authorization": f"Bearer {KEY}", "x-llm-proxy-upstream": upstream}
    host, port = proxy.split("//")[1].split(":")

    async def worker():
        conn = Connection(host, int(port))
        while queue:
            index, (text, expected) = queue.pop()
            try:
                status, h, data = await conn.post("/v1/chat/completions", json.dumps(body(text)).encode(), headers)
                ok = status == 200
                answer = json.loads(data)["choices"][0]["message"]["content"] if ok else None
                results[index] = (ok, answer == expected, h.get("x-sema-cache"))
                if ok and answer != expected and len(mixups) < 5:
                    mixups.append({"prompt": text, "expected": expected, "got": answer, "cache": h.get("x-sema-cache"),
                                   "similarity": h.get("x-sema-cache-similarity")})
            except Exception as exc:  # counted as an error
                results[index] = (False, False, repr(exc))
                conn = Connection(host, int(port))
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    seconds = time.perf_counter() - started
    errors = sum(1 for r in results if r is None or not r[0])
    mixed = sum(1 for r in results if r is not None and r[0] and not r[1])
    hit = sum(1 for r in results if r is not None and r[2] == "hit")
    return {"requests": len(work), "clients": clients, "seconds": round(seconds, 2),
            "requests_per_s": round(len(work) / seconds, 1), "errors": errors, "mixed_up": mixed,
            "hit_rate": round(hit / len(work), 4), "mixed_up_examples": mixups}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    folder = tempfile.mkdtemp(prefix="sema-bench-")
    cache = os.path.join(folder, "cache.sqlite3")
    results: dict = {"entries": args.entries, "dim": args.dim}

    up_sock = bound_socket()
    upstream_url = f"http://127.0.0.1:{up_sock.getsockname()[1]}/v1/chat/completions"
    procs = [ctx.Process(target=run_upstream, args=(up_sock,), daemon=True)]
    procs[0].start()

    def start_proxy(cache):
        sock = bound_socket()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        p = ctx.Process(target=run_proxy, args=(sock, cache, args.entries, args.dim), daemon=True)
        p.start()
        sock.close()
        procs.append(p)
        import httpx
        for _ in range(400):
            try:
                httpx.get(url + "/health", timeout=1)
                return p, url
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("sema serve did not start")

    try:
        proxy, proxy_url = start_proxy(os.path.join(folder, "empty.sqlite3"))
        client = Client(proxy_url, upstream_url)
        for k in range(50):  # warm both paths
            client.direct(new_prompt(-1 - k))
            client.via_proxy(new_prompt(-1000 - k))
        results["miss_overhead_empty_cache"] = miss_overhead(client, args.samples // 2, 20_000_000)
        print(f"miss overhead, small cache: {results['miss_overhead_empty_cache']}", flush=True)
        client.http.close()
        proxy.terminate()
        proxy.join()

        seconds = fill(cache, args.entries, args.dim, upstream_url)
        results["fill_seconds"] = round(seconds, 1)
        print(f"filled {args.entries} entries in {seconds:.1f} s", flush=True)

        proxy, proxy_url = start_proxy(cache)
        client = Client(proxy_url, upstream_url)
        rng = random.Random(7)
        client.via_proxy(paraphrase(0))  # loads the vector index
        picks = rng.sample(range(args.entries), min(args.entries, args.samples * 2))
        results["exact_hits"] = hits(client, [(n, original(n)) for n in picks[:args.samples]], "exact")
        print(f"exact hits at {args.entries} entries: {results['exact_hits']}", flush=True)
        results["semantic_hits"] = hits(client, [(n, paraphrase(n)) for n in picks[args.samples:]], "semantic")
        print(f"semantic hits at {args.entries} entries: {results['semantic_hits']}", flush=True)
        results["miss_overhead_full_cache"] = miss_overhead(client, args.samples // 2, 30_000_000)
        print(f"miss overhead at {args.entries} entries: {results['miss_overhead_full_cache']}", flush=True)
        client.http.close()

        rss_before = rss_mb(proxy.pid)
        cpu_before = {"proxy": cpu_seconds(proxy.pid), "upstream": cpu_seconds(procs[0].pid),
                      "clients": time.process_time()}
        load = asyncio.run(load_run(proxy_url, upstream_url, args.requests, args.clients, args.entries, seed=11))
        rss_after = rss_mb(proxy.pid)
        # the same mix again, with new prompts of its own: memory must level off, not keep growing
        again = asyncio.run(load_run(proxy_url, upstream_url, args.requests, args.clients, args.entries, seed=12,
                                     fresh=20_000_000))
        load["second_run"] = {k: again[k] for k in ("requests_per_s", "errors", "mixed_up", "hit_rate")}
        load["rss_after_second_run_mb"] = round(rss_mb(proxy.pid), 1)
        load["cpu_seconds"] = {"proxy": round(cpu_seconds(proxy.pid) - cpu_before["proxy"], 2),
                               "upstream": round(cpu_seconds(procs[0].pid) - cpu_before["upstream"], 2),
                               "clients": round(time.process_time() - cpu_before["clients"], 2)}
        load.update(rss_before_mb=round(rss_before, 1), rss_after_mb=round(rss_after, 1))
        import httpx
        stats = httpx.get(proxy_url + "/cache/stats", timeout=10).json()
        load["entries_after"] = stats["entries"]
        results["load"] = load
        print(f"load run: {load}", flush=True)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(5)

    verdicts = {
        "exact hit p50 <= 5 ms": results["exact_hits"]["p50_ms"] <= 5,
        "semantic hit p50 <= 5 ms": results["semantic_hits"]["p50_ms"] <= 5,
        "miss overhead p50 <= 3 ms (small cache)": results["miss_overhead_empty_cache"]["overhead_p50_ms"] <= 3,
        f"miss overhead p50 <= 3 ms ({args.entries} entries)": results["miss_overhead_full_cache"]["overhead_p50_ms"] <= 3,
        "load: no errors, nothing mixed up": results["load"]["errors"] == 0 and results["load"]["mixed_up"] == 0
        and results["load"]["second_run"]["errors"] == 0 and results["load"]["second_run"]["mixed_up"] == 0,
        "load: entries bounded": results["load"]["entries_after"] <= args.entries,
        "load: memory levels off (second run within 10% of the first)":
            results["load"]["rss_after_second_run_mb"] <= 1.1 * results["load"]["rss_after_mb"],
    }
    print()
    for name, ok in verdicts.items():
        print(f"  {'ok    ' if ok else 'MISSED'}  {name}")
    results["verdicts"] = verdicts
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
