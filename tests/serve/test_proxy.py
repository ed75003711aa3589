"""Issue #9: sema serve's rules: the upstream allow-list, tenants, transparent errors, headers, metrics, admin."""

from __future__ import annotations

import os
import socket

import httpx
import pytest

from ..llm.wire import Reply
from .conftest import CLIENT_KEY

UPSTREAM = "X-LLM-Proxy-Upstream"
#: one pooled client for every test (a new one per request would load the CA bundle each time)
HTTP = httpx.Client(verify=False, timeout=10)


def chat(served, text="hi", headers=None, **body):
    payload = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], **body}
    h = {"authorization": f"Bearer {CLIENT_KEY}", **(headers or {})}
    return HTTP.post(served.url + "/v1/chat/completions", json=payload, headers=h)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class TestAllowList:
    @pytest.fixture
    def upstream(self, fake_server):
        return fake_server("openai")

    @pytest.mark.parametrize("url", [
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/v1/chat/completions",
        "http://10.0.0.7:8080/v1/chat/completions",
    ])
    def test_other_hosts_are_refused(self, serve, upstream, url):
        """An upstream that is neither a configured provider nor allowed is refused with 403."""
        served = serve()
        r = chat(served, headers={UPSTREAM: url})
        assert r.status_code == 403 and r.headers["x-sema-cache"] == "off"
        assert "is not allowed" in r.json()["error"]["message"] and r.json()["error"]["type"] == "forbidden"

    def test_loopback_needs_allowing(self, serve, upstream):
        """Even 127.0.0.1 is refused until --allow-upstream names it; then it is reached."""
        url = upstream.url + "/v1/chat/completions"
        assert chat(serve(), headers={UPSTREAM: url}).status_code == 403
        assert not upstream.requests
        assert chat(serve(allow_upstream=["127.0.0.1"]), headers={UPSTREAM: url}).status_code == 200

    def test_host_and_port_entry_allows_that_port_only(self, serve, upstream):
        """--allow-upstream HOST:PORT allows that port, not another on the same host."""
        served = serve(allow_upstream=[f"127.0.0.1:{closed_port()}"])
        assert chat(served, headers={UPSTREAM: upstream.url + "/v1/chat/completions"}).status_code == 403

    def test_configured_providers_are_allowed(self, serve, upstream, echo_interp):
        """The host and port of a configured provider's base URL are reachable without the option."""
        from .conftest import configure
        configure(echo_interp, "openai", upstream)
        r = chat(serve(echo_interp), headers={UPSTREAM: upstream.url + "/v1/chat/completions"})
        assert r.status_code == 200 and upstream.last.headers["authorization"] == f"Bearer {CLIENT_KEY}"

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "http://user:pw@127.0.0.1/x"])
    def test_bad_urls(self, serve, url):
        """Only http(s) URLs without user info are upstreams."""
        r = chat(serve(allow_upstream=["127.0.0.1"]), headers={UPSTREAM: url})
        assert r.status_code == 400 and "X-LLM-Proxy-Upstream" in r.json()["error"]["message"]

    def test_binds_to_loopback_by_default(self):
        """Without --host the server listens on 127.0.0.1 only."""
        from sema.serve.config import parse_args
        assert parse_args([]).host == "127.0.0.1"

    def test_every_documented_option(self):
        """Issue #9: the options of `sema serve` as the issue spells them, and SEMA_ADMIN_TOKEN from the environment."""
        from sema.serve.config import parse_args
        c = parse_args(["--host", "::1", "--port", "9090", "--cache", "off", "--threshold", "0.9",
                        "--embed", "ollama/nomic-embed-text", "--allow-upstream", "api.groq.com", "127.0.0.1:8765",
                        "-l", "config.scm"], environ={"SEMA_ADMIN_TOKEN": "from-env"})
        assert (c.host, c.port, c.cache, c.threshold, c.embed) == ("::1", 9090, "off", 0.9, "ollama/nomic-embed-text")
        assert c.allow_upstream == ["api.groq.com", "127.0.0.1:8765"] and c.load == ["config.scm"]
        assert c.admin_token == "from-env"
        assert parse_args(["--admin-token", "opt"], environ={"SEMA_ADMIN_TOKEN": "env"}).admin_token == "opt"
        assert c.cache_changes() == {"path": "off", "threshold": 0.9, "embed": "ollama/nomic-embed-text"}


class TestTransparentErrors:
    @pytest.fixture
    def setup(self, serve, fake_server):
        upstream = fake_server("openai")
        served = serve(allow_upstream=["127.0.0.1"])
        return served, upstream, {UPSTREAM: upstream.url + "/v1/chat/completions"}

    def test_status_body_and_rate_limit_headers(self, setup):
        """The upstream's 429 comes back as it was: status, vendor body, rate-limit headers; nothing cached."""
        served, upstream, headers = setup
        upstream.push(Reply.error(429, "Rate limit reached for gpt-4o-mini", retry_after=7,
                                  headers={"x-ratelimit-remaining-requests": "0",
                                           "x-ratelimit-reset-requests": "7s"}))
        r = chat(served, headers=headers)
        assert r.status_code == 429
        assert r.json() == {"error": {"message": "Rate limit reached for gpt-4o-mini", "type": "invalid_request_error",
                                      "param": None, "code": "rate_limit_exceeded"}}
        assert r.headers["retry-after"] == "7" and r.headers["x-ratelimit-remaining-requests"] == "0"
        assert r.headers["x-ratelimit-reset-requests"] == "7s" and r.headers["x-sema-cache"] == "miss"
        upstream.push(Reply.say("now it works"))
        assert chat(served, headers=headers).json()["choices"][0]["message"]["content"] == "now it works"

    def test_rate_limit_headers_of_a_success(self, setup):
        """Rate-limit headers of a successful answer are passed through too."""
        served, upstream, headers = setup
        upstream.push(Reply(headers={"x-ratelimit-remaining-tokens": "999"}))
        r = chat(served, "rl", headers=headers)
        assert r.status_code == 200 and r.headers["x-ratelimit-remaining-tokens"] == "999"

    def test_semcache_request_as_documented(self, setup):
        """Issue #9: semcache's own curl (POST /chat/completions, a `host: api.openai.com` header) is forwarded
        to the named upstream with the client's key; the upstream sees its own Host; the repeat is a hit."""
        served, upstream, headers = setup
        upstream.push(Reply.say("Semantic caching reuses answers."))
        h = {"authorization": "Bearer sk-proj-client-key-0123456789", "host": "api.openai.com", **headers}
        body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "What is semantic caching?"}]}
        r = HTTP.post(served.url + "/chat/completions", json=body, headers=h)
        assert r.status_code == 200 and r.headers["x-sema-cache"] == "miss"
        assert r.json()["choices"][0]["message"]["content"] == "Semantic caching reuses answers."
        sent = upstream.last
        assert sent.headers["authorization"] == "Bearer sk-proj-client-key-0123456789"
        assert sent.headers["host"] == upstream.url.split("//")[1]
        again = HTTP.post(served.url + "/chat/completions", json=body, headers=h)
        assert again.headers["x-sema-cache"] == "hit" and len(upstream.requests) == 1

    def test_connection_error_body(self, serve):
        """An upstream that refuses the connection gives semcache's JSON error (502)."""
        served = serve(allow_upstream=["127.0.0.1"])
        r = chat(served, headers={UPSTREAM: f"http://127.0.0.1:{closed_port()}/v1/chat/completions"})
        assert r.status_code == 502
        assert r.json()["error"].startswith("Failed to connect to upstream: ")
        assert "refused" in r.json()["error"]

    def test_upstream_401_is_forwarded(self, setup):
        """A bad client key is the upstream's 401, as the vendor wrote it."""
        served, upstream, headers = setup
        upstream.push(Reply.error(401, "Incorrect API key provided"))
        r = chat(served, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"

    def test_router_connection_error(self, serve, echo_interp):
        """Through sema's providers, an unreachable provider is the same 502 body."""
        echo_interp.llm.configure("groq", {"api-key": "gsk_" + "x" * 40,
                                           "base-url": f"http://127.0.0.1:{closed_port()}/v1", "max-retries": 0})
        r = chat(serve(echo_interp), model="groq/llama")
        assert r.status_code == 502 and r.json()["error"].startswith("Failed to connect to upstream: ")

    def test_bad_json(self, serve):
        """A body that is not JSON is a 400 in the endpoint's own error shape."""
        served = serve()
        r = HTTP.post(served.url + "/v1/chat/completions", content=b"{nope", timeout=5)
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
        r = HTTP.post(served.url + "/v1/messages", content=b"[]", timeout=5)
        assert r.status_code == 400 and r.json()["type"] == "error"
        r = HTTP.post(served.url + "/v1/chat/completions", json={"model": "x", "messages": []}, timeout=5)
        assert r.status_code == 400 and "messages" in r.json()["error"]["message"]

    def test_bad_field(self, serve, echo_interp):
        """A field of the wrong type is a 400 naming it."""
        r = chat(serve(echo_interp), max_tokens="lots")
        assert r.status_code == 400 and ":max-tokens must be a positive integer" in r.json()["error"]["message"]


class TestTenants:
    @pytest.fixture
    def served(self, serve, echo_interp):
        return serve(echo_interp)

    def test_tenants_do_not_share_answers(self, served):
        """The same request with another key is a miss: one tenant never gets another's answer."""
        assert chat(served, "t").headers["x-sema-cache"] == "miss"
        assert chat(served, "t").headers["x-sema-cache"] == "hit"
        other = chat(served, "t", headers={"authorization": "Bearer sk-another-tenant-0123456789"})
        assert other.headers["x-sema-cache"] == "miss"
        anthropic_style = chat(served, "t", headers={"authorization": "", "x-api-key": CLIENT_KEY})
        assert anthropic_style.headers["x-sema-cache"] == "hit"  # the same key, sent as x-api-key
        assert served.interp.eval("@calls") == 2

    def test_keys_are_never_stored(self, served):
        """The client's key appears nowhere in the cache file; only its hash partitions the entries."""
        chat(served, "secret-free")
        served.gateway.cache.store(served.gateway.options).flush()
        path = served.gateway.options.path
        raw = b"".join(open(path + s, "rb").read() for s in ("", "-wal") if os.path.exists(path + s))
        assert CLIENT_KEY.encode() not in raw and b"sk-client" not in raw

    def test_namespace_header(self, served):
        """x-sema-cache-namespace gives a client separate entries within its tenant."""
        chat(served, "n")
        assert chat(served, "n", headers={"x-sema-cache-namespace": "exp-2"}).headers["x-sema-cache"] == "miss"
        assert chat(served, "n", headers={"x-sema-cache-namespace": "exp-2"}).headers["x-sema-cache"] == "hit"

    def test_client_can_turn_the_cache_off(self, served):
        """x-sema-cache: off neither reads nor writes the cache."""
        assert chat(served, "o", headers={"x-sema-cache": "off"}).headers["x-sema-cache"] == "off"
        assert chat(served, "o").headers["x-sema-cache"] == "miss"


class TestMetricsAndAdmin:
    def test_metrics_in_prometheus_text(self, serve, echo_interp):
        """/metrics counts requests, hits, misses, errors by type, and upstream latency."""
        served = serve(echo_interp)
        chat(served, "m")
        chat(served, "m")
        chat(served, headers={UPSTREAM: "http://evil.example/v1/chat/completions"})
        r = HTTP.get(served.url + "/metrics", timeout=5)
        assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
        lines = r.text.splitlines()
        assert 'sema_cache_lookups_total{layer="exact",result="hit"} 1' in lines
        assert 'sema_cache_lookups_total{layer="",result="miss"} 1' in lines
        assert 'sema_requests_total{endpoint="/v1/chat/completions",status="200"} 2' in lines
        assert 'sema_requests_total{endpoint="/v1/chat/completions",status="403"} 1' in lines
        assert 'sema_errors_total{type="forbidden"} 1' in lines
        assert 'sema_upstream_latency_seconds_count{route="provider"} 1' in lines
        assert any(line.startswith('sema_request_duration_seconds_bucket{cache="hit",endpoint="/v1/chat/completions",le="0.005"}')
                   for line in lines)
        assert "sema_cache_entries 1" in lines
        for line in lines:  # every sample line is NAME{labels} VALUE
            if not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                float(value)

    def test_clear_needs_the_admin_token(self, serve, echo_interp):
        """POST /cache/clear: 403 without a configured token, 401 with a wrong one, done with the right one."""
        served = serve(echo_interp)
        assert HTTP.post(served.url + "/cache/clear", timeout=5).status_code == 403
        served = serve(echo_interp, admin_token="s3cret-admin")
        chat(served, "c")
        assert HTTP.post(served.url + "/cache/clear", headers={"authorization": "Bearer wrong"},
                          timeout=5).status_code == 401
        r = HTTP.post(served.url + "/cache/clear", headers={"authorization": "Bearer s3cret-admin"}, timeout=5)
        assert r.json() == {"cleared": 1}
        assert chat(served, "c").headers["x-sema-cache"] == "miss"
        r = HTTP.post(served.url + "/cache/clear", headers={"x-sema-admin-token": "s3cret-admin"},
                       json={"namespace": "nothing-here"}, timeout=5)
        assert r.json() == {"cleared": 0}

    def test_stats_and_health(self, serve, echo_interp):
        """/cache/stats shows the store's counts; /health the providers' circuits."""
        served = serve(echo_interp, threshold=0.9)
        chat(served, "s")
        chat(served, "s")
        stats = HTTP.get(served.url + "/cache/stats", timeout=5).json()
        assert (stats["entries"], stats["hits"], stats["misses"], stats["hit-rate"]) == (1, 1, 1, 0.5)
        assert stats["threshold"] == 0.9 and stats["embed"] is None
        health = HTTP.get(served.url + "/health", timeout=5).json()
        assert health["status"] == "ok" and health["cache"] == "on" and health["providers"]["echo"]["state"] == "closed"

    def test_cache_off(self, serve, echo_interp):
        """--cache off: every answer says off, and the provider answers every time."""
        served = serve(echo_interp, cache="off")
        assert chat(served, "x").headers["x-sema-cache"] == "off"
        assert chat(served, "x").headers["x-sema-cache"] == "off"
        assert echo_interp.eval("@calls") == 2


class TestLispRouting:
    CONFIG = """
    (llm/define-provider :fast {:complete (fn (req) (str "fast: " (:content (last (:messages req))))) :default-model "f-1"})
    (llm/define-provider :smart {:complete (fn (req) (str "smart (" (:system req) "): " (:content (last (:messages req)))))
                                 :default-model "s-1"})
    (llm/set-default :fast)
    (define (route req)
      (define text (:content (last (:messages req))))
      (cond ((string/starts-with? text "think") {:provider :smart :system "think hard"})
            ((= (get (:headers req) "x-team") "b") {:cache {:namespace "team-b"}})
            ((string/starts-with? text "fresh") {:cache #f})
            ((string/starts-with? text "oops") (error "no route for oops"))
            (else nil)))
    """

    @pytest.fixture
    def served(self, serve, tmp_path):
        config = tmp_path / "config.scm"
        config.write_text(self.CONFIG)
        return serve(load=[str(config)])

    def text(self, r):
        return r.json()["choices"][0]["message"]["content"]

    def test_route_picks_and_rewrites(self, served):
        """The routing function picks a provider and rewrites the system prompt."""
        assert self.text(chat(served, "think about it")) == "smart (think hard): think about it"
        assert self.text(chat(served, "quick one")) == "fast: quick one"

    def test_route_sets_cache_options(self, served):
        """The routing function can put a request in a namespace, or keep it out of the cache."""
        chat(served, "shared")
        assert chat(served, "shared", headers={"x-team": "b"}).headers["x-sema-cache"] == "miss"
        assert chat(served, "shared", headers={"x-team": "b"}).headers["x-sema-cache"] == "hit"
        assert chat(served, "fresh data").headers["x-sema-cache"] == "off"

    def test_route_error(self, served):
        """A routing function that fails is a 500 that says so."""
        r = chat(served, "oops")
        assert r.status_code == 500 and "the routing function failed: no route for oops" in r.json()["error"]["message"]

    def test_route_sees_no_credentials(self, serve, tmp_path):
        """The request map's :headers leave the client's key out."""
        config = tmp_path / "config.scm"
        config.write_text('(llm/define-provider :p {:complete (fn (r) "ok")})\n'
                          '(define seen (atom nil))\n(define (route req) (reset! seen (:headers req)) nil)')
        served = serve(load=[str(config)])
        chat(served, "x", headers={"x-api-key": "sk-hidden-0123456789", "x-trace": "t1"})
        seen = served.interp.eval("@seen")
        assert seen["x-trace"] == "t1" and "authorization" not in seen and "x-api-key" not in seen


class TestConcurrency:
    def test_answers_match_their_requests(self, serve, echo_interp):
        """Many clients at once, repeats and new prompts mixed: every answer is its own request's."""
        from concurrent.futures import ThreadPoolExecutor
        served = serve(echo_interp)
        prompts = [f"prompt {n % 40}" for n in range(200)]

        def one(p):
            r = chat(served, p)
            return p, r.status_code, r.json()["choices"][0]["message"]["content"]
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(one, prompts))
        assert all(status == 200 and answer == f"echo: {p}" for p, status, answer in results)
        stats = served.gateway.stats()
        assert stats["entries"] == 40 and stats["hits"] + stats["misses"] == 200


class TestCommand:
    def test_help_and_usage_errors(self):
        """sema serve --help prints the options; a bad option exits 2."""
        from sema.serve.command import main
        assert main(["--help"]) == 0
        assert main(["--port", "many"]) == 2
        assert main(["--bogus"]) == 2

    def test_bad_embedder_fails_at_start(self, capsys, tmp_path):
        """An embedding provider that does not exist stops the server before it listens."""
        from sema.serve.command import main
        assert main(["--embed", "nope", "--cache", str(tmp_path / "c.sqlite3"), "--port", "0"]) == 1
        assert "no embedding provider :nope" in capsys.readouterr().err

    def test_sema_serve_runs(self, tmp_path, fake_server):
        """`sema serve` starts, reports its port, answers /health and a forwarded chat, and stops on SIGINT."""
        import signal
        import subprocess
        import sys
        upstream = fake_server("openai")
        env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))}
        proc = subprocess.Popen([sys.executable, "-m", "sema", "serve", "--port", "0", "--allow-upstream", "127.0.0.1",
                                 "--cache", str(tmp_path / "cli.sqlite3")], stderr=subprocess.PIPE, text=True, env=env)
        try:
            line = proc.stderr.readline()
            assert "sema serve: listening on http://127.0.0.1:" in line
            url = line.split("listening on ")[1].split(" ")[0]
            assert HTTP.get(url + "/health", timeout=5).json()["status"] == "ok"
            r = HTTP.post(url + "/v1/chat/completions", timeout=5,
                           headers={UPSTREAM: upstream.url + "/v1/chat/completions", "authorization": "Bearer k"},
                           json={"model": "m", "messages": [{"role": "user", "content": "cli"}]})
            assert r.json()["choices"][0]["message"]["content"] == "Hello!"
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(10) == 0
