"""Issue #8: every auth method, each against a fake server on 127.0.0.1 that checks it with its own code.

The fake servers never call sema: SigV4 is recomputed here with hmac/hashlib,
the Vertex JWT is verified here with cryptography's RSA verify, PKCE is
checked here with hashlib.  A request that fails the check gets a 401/403, so
a wrong signature fails the test through the real error path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import stat
import subprocess
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest

from sema.llm import AuthError, ChatRequest, Message, ProviderRegistry, ToolSpec, UnsupportedError

from .routeserver import RouteServer, openai_answer

REQ = ChatRequest(None, (Message("user", "hi"),))
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def servers():
    made = []

    def make(routes):
        s = RouteServer(routes)
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()


def registry(**environ):
    return ProviderRegistry(environ=environ)


# ---------------------------------------------------------------- Anthropic OAuth tokens

ANTHROPIC_ANSWER = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
                    "content": [{"type": "text", "text": "hi from claude"}], "stop_reason": "end_turn",
                    "usage": {"input_tokens": 5, "output_tokens": 3}}


def anthropic_server(servers, token):
    def messages(req):
        h = req.headers
        if "x-api-key" in h:
            ok = h["x-api-key"] == token and not token.startswith("sk-ant-oat")
        else:
            ok = h.get("authorization") == f"Bearer {token}" and "oauth-2025-04-20" in h.get("anthropic-beta", "")
        if not ok or h.get("anthropic-version") != "2023-06-01":
            return 401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
        return 200, ANTHROPIC_ANSWER
    return servers({("POST", "/v1/messages"): messages})


class TestAnthropicOAuth:
    def test_oauth_token_is_sent_as_bearer_with_the_beta_header(self, servers):
        """A key starting sk-ant-oat goes as Authorization: Bearer + anthropic-beta, never as x-api-key."""
        token = "sk-ant-oat01-abcdefghijklmnop0123456789"
        server = anthropic_server(servers, token)
        reg = registry(ANTHROPIC_OAUTH_TOKEN=token, ANTHROPIC_BASE_URL=server.url)
        reg.auto_configure()
        assert reg.get("anthropic").complete(REQ).content == "hi from claude"
        assert "x-api-key" not in server.requests[0].headers

    def test_oauth_token_preferred_over_api_key(self, servers):
        """With both ANTHROPIC_OAUTH_TOKEN and ANTHROPIC_API_KEY set, the OAuth token is used."""
        token = "sk-ant-oat01-preferred0123456789abcdef"
        server = anthropic_server(servers, token)
        reg = registry(ANTHROPIC_OAUTH_TOKEN=token, ANTHROPIC_API_KEY="sk-ant-api03-other0123456789",
                       ANTHROPIC_BASE_URL=server.url)
        reg.auto_configure()
        assert reg.get("anthropic").complete(REQ).content == "hi from claude"
        assert server.requests[0].headers["authorization"] == f"Bearer {token}"

    def test_plain_key_still_uses_x_api_key(self, servers):
        """An ordinary API key keeps the x-api-key header."""
        key = "sk-ant-api03-plainkey0123456789"
        server = anthropic_server(servers, key)
        reg = registry(ANTHROPIC_API_KEY=key, ANTHROPIC_BASE_URL=server.url)
        reg.auto_configure()
        assert reg.get("anthropic").complete(REQ).content == "hi from claude"
        assert "authorization" not in server.requests[0].headers


# ---------------------------------------------------------------- GitHub Copilot

GITHUB_TOKEN = "gho_githubtoken0123456789abcdefgh"


def copilot_servers(servers, *, expires_in=1800):
    issued = []

    def exchange(req):
        if req.headers.get("authorization") != f"token {GITHUB_TOKEN}":
            return 401, {"message": "Bad credentials"}
        token = f"tid=copilot{len(issued)};exp={int(time.time()) + expires_in}"
        issued.append(token)
        return 200, {"token": token, "expires_at": int(time.time()) + expires_in, "refresh_in": expires_in - 300}

    github = servers({("GET", "/copilot_internal/v2/token"): exchange})

    def chat(req):
        if req.headers.get("authorization") != f"Bearer {issued[-1] if issued else '?'}":
            return 401, {"error": {"message": "unauthorized: token expired"}}
        if req.headers.get("copilot-integration-id") != "vscode-chat":
            return 400, {"error": {"message": "missing Copilot-Integration-Id"}}
        return 200, openai_answer("hi from copilot", req.json()["model"])

    api = servers({("POST", "/chat/completions"): chat})
    return github, api, issued


class TestCopilot:
    def configure(self, github, api, **env):
        reg = registry(COPILOT_TOKEN_URL=github.url + "/copilot_internal/v2/token", COPILOT_BASE_URL=api.url, **env)
        return reg

    def test_exchange_cached_and_refreshed(self, servers):
        """The GitHub token is exchanged once, the Copilot key cached, and fetched again once it expires."""
        github, api, issued = copilot_servers(servers)
        reg = self.configure(github, api, GITHUB_COPILOT_TOKEN=GITHUB_TOKEN)
        assert reg.auto_configure() == "copilot"
        provider = reg.get("copilot")
        assert provider.complete(REQ).content == "hi from copilot"
        assert provider.complete(REQ).content == "hi from copilot"
        assert len(github.requests) == 1  # cached: ~30 minutes
        source = provider.http.auth.source
        source._clock = lambda: time.time() + 1800  # half an hour later
        assert provider.complete(REQ).content == "hi from copilot"
        assert len(github.requests) == 2 and len(issued) == 2

    def test_revoked_key_is_refreshed_on_401(self, servers):
        """A Copilot key the server stops accepting is exchanged again and the request retried once."""
        github, api, issued = copilot_servers(servers)
        reg = self.configure(github, api, GITHUB_COPILOT_TOKEN=GITHUB_TOKEN)
        reg.auto_configure()
        provider = reg.get("copilot")
        provider.complete(REQ)
        issued.append("tid=rotated-by-server")  # the server now wants another key
        assert provider.complete(REQ).content == "hi from copilot"
        assert len(github.requests) == 2

    def test_token_file_and_no_leak(self, servers, tmp_path):
        """The GitHub token can come from the editors' apps.json; errors never show either token."""
        github, api, issued = copilot_servers(servers)
        apps = tmp_path / "github-copilot" / "apps.json"
        apps.parent.mkdir()
        apps.write_text(json.dumps({"github.com:Iv1.b507a08c87ecfe98": {"oauth_token": GITHUB_TOKEN}}))
        reg = self.configure(github, api, XDG_CONFIG_HOME=str(tmp_path))
        reg.configure("copilot", {})
        assert reg.get("copilot").complete(REQ).content == "hi from copilot"
        bad = self.configure(github, api)
        bad.configure("copilot", {"api-key": "gho_wrongtoken0123456789abcdefgh"})
        with pytest.raises(AuthError) as info:
            bad.get("copilot").complete(REQ)
        assert "refused (401): Bad credentials" in info.value.message
        assert "gho_" not in info.value.message and "wrongtoken" not in repr(bad.get("copilot"))

    def test_plain_token_file_of_the_gateway_document(self, servers, tmp_path):
        """Issue 8 / seed 002: a token_path file holding just the GitHub token (option or variable)."""
        github, api, issued = copilot_servers(servers)
        token_file = tmp_path / "copilot_token.txt"
        token_file.write_text(GITHUB_TOKEN + "\n")
        by_option = self.configure(github, api)
        by_option.configure("copilot", {"token-file": str(token_file)})
        assert by_option.get("copilot").complete(REQ).content == "hi from copilot"
        by_variable = self.configure(github, api, GITHUB_COPILOT_TOKEN_FILE=str(token_file))
        by_variable.configure("copilot", {})
        assert by_variable.get("copilot").complete(REQ).content == "hi from copilot"
        assert len(github.requests) == 2

    def test_missing_token_says_how(self):
        """Without a GitHub token the error names the variable and the option."""
        with pytest.raises(AuthError, match="GITHUB_COPILOT_TOKEN"):
            registry(HOME="/nonexistent").configure("copilot", {})


# ---------------------------------------------------------------- Qwen OAuth (device flow + PKCE)


def qwen_server(servers, *, pending=1):
    state = {"challenge": None, "polls": 0, "refreshes": 0}

    def device(req):
        form = req.form()
        if form.get("code_challenge_method") != "S256" or not form.get("code_challenge") or not form.get("client_id"):
            return 400, {"error": "invalid_request"}
        state["challenge"] = form["code_challenge"]
        return 200, {"device_code": "dev-123", "user_code": "ABCD-1234", "verification_uri": "https://chat.qwen.ai/authorize",
                     "verification_uri_complete": "https://chat.qwen.ai/authorize?user_code=ABCD-1234",
                     "expires_in": 300, "interval": 0.01}

    def token(req):
        form = req.form()
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") != "refresh-1":
                return 400, {"error": "invalid_grant"}
            state["refreshes"] += 1
            return 200, {"access_token": f"access-{state['refreshes'] + 1}", "refresh_token": "refresh-1",
                         "token_type": "Bearer", "expires_in": 3600}
        if form.get("device_code") != "dev-123":
            return 400, {"error": "invalid_grant"}
        state["polls"] += 1
        if state["polls"] <= pending:
            return 400, {"error": "authorization_pending"}
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if digest != state["challenge"]:  # PKCE, checked here
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        return 200, {"access_token": "access-1", "refresh_token": "refresh-1", "token_type": "Bearer",
                     "expires_in": 3600, "resource_url": "127.0.0.1:1"}

    def chat(req):
        if not req.headers.get("authorization", "").startswith("Bearer access-"):
            return 401, {"error": {"message": "invalid access token"}}
        return 200, openai_answer("hi from qwen " + req.headers["authorization"][7:])

    server = servers({("POST", "/api/v1/oauth2/device/code"): device, ("POST", "/api/v1/oauth2/token"): token,
                      ("POST", "/v1/chat/completions"): chat})
    return server, state


class TestQwenDeviceFlow:
    def test_login_stores_0600_credentials_then_chat(self, servers, tmp_path):
        """(llm/login :qwen) polls until approved, checks PKCE, stores 0600 credentials, configures :qwen-oauth."""
        from sema.llm.gateway_builtins import login_qwen
        server, state = qwen_server(servers)
        creds = tmp_path / "qwen" / "oauth_creds.json"
        reg = registry(QWEN_OAUTH_BASE_URL=server.url + "/v1")
        lines = []
        path = login_qwen(reg, str(creds), server.url, out=lines.append, sleep=lambda s: None)
        assert path == str(creds) and state["polls"] == 2
        assert any("https://chat.qwen.ai/authorize?user_code=ABCD-1234" in line for line in lines)
        assert any("ABCD-1234" in line for line in lines)
        assert stat.S_IMODE(creds.stat().st_mode) == 0o600
        assert stat.S_IMODE(creds.parent.stat().st_mode) == 0o700
        saved = json.loads(creds.read_text())
        assert saved["access_token"] == "access-1" and saved["refresh_token"] == "refresh-1"
        assert saved["expires_at"] > time.time() + 3000
        assert reg.get("qwen-oauth").complete(REQ).content == "hi from qwen access-1"

    def test_expired_token_is_refreshed_and_saved(self, servers, tmp_path):
        """An expired access token is exchanged with the refresh token, and the file rewritten (0600)."""
        server, state = qwen_server(servers)
        creds = tmp_path / "creds.json"
        creds.write_text(json.dumps({"access_token": "access-old", "refresh_token": "refresh-1",
                                     "expiry_date": int((time.time() - 10) * 1000)}))
        reg = registry(QWEN_OAUTH_URL=server.url, QWEN_OAUTH_BASE_URL=server.url + "/v1")
        reg.configure("qwen-oauth", {"credentials-file": str(creds)})
        assert reg.get("qwen-oauth").complete(REQ).content == "hi from qwen access-2"
        assert state["refreshes"] == 1
        assert json.loads(creds.read_text())["access_token"] == "access-2"
        assert stat.S_IMODE(creds.stat().st_mode) == 0o600

    def test_seed_credentials_file_with_expires_at(self, servers, tmp_path):
        """Issue 8 / seed 002: a file with access_token, refresh_token and expires_at (seconds) is refreshed."""
        server, state = qwen_server(servers)
        creds = tmp_path / "qwen_credentials.json"
        creds.write_text(json.dumps({"access_token": "access-old", "refresh_token": "refresh-1",
                                     "expires_at": int(time.time()) - 5}))
        reg = registry(QWEN_OAUTH_URL=server.url, QWEN_OAUTH_BASE_URL=server.url + "/v1")
        reg.configure("qwen-oauth", {"credentials-file": str(creds)})
        assert reg.get("qwen-oauth").complete(REQ).content == "hi from qwen access-2"
        assert state["refreshes"] == 1 and json.loads(creds.read_text())["expires_at"] > time.time() + 3000

    def test_not_signed_in(self, tmp_path):
        """Without credentials the error says to run `sema login qwen`."""
        reg = registry(QWEN_OAUTH_CREDENTIALS=str(tmp_path / "none.json"))
        reg.configure("qwen-oauth", {})
        with pytest.raises(AuthError, match="sema login qwen"):
            reg.get("qwen-oauth").complete(REQ)

    def test_sema_login_qwen_command(self, servers, tmp_path):
        """`sema login qwen` runs the flow from the shell and writes ~/.qwen/oauth_creds.json."""
        server, state = qwen_server(servers, pending=0)
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        env.update(HOME=str(tmp_path), QWEN_OAUTH_URL=server.url, PYTHONPATH=str(ROOT))
        proc = subprocess.run([sys.executable, "-m", "sema", "login", "qwen"], capture_output=True, text=True,
                              env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "ABCD-1234" in proc.stdout and "credentials saved" in proc.stdout
        creds = tmp_path / ".qwen" / "oauth_creds.json"
        assert stat.S_IMODE(creds.stat().st_mode) == 0o600


# ---------------------------------------------------------------- AWS Bedrock (SigV4)

AKID, SECRET = "AKIDEXAMPLE1234567", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def sigv4_valid(req, secret: str, region: str, service: str = "bedrock") -> bool:
    """Recompute the AWS Signature Version 4 of REQ (AWS's documented algorithm, nothing of sema's)."""
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})", req.headers.get("authorization", ""))
    if not m:
        return False
    akid, date, reg, svc, signed, signature = m.groups()
    if reg != region or svc != service or "host" not in signed.split(";"):
        return False
    amz_date = req.headers["x-amz-date"]
    path = req.raw_path.split("?")[0]
    canonical_uri = quote(path, safe="/~")  # AWS encodes the (already encoded) path once more
    canonical_headers = "".join(f"{h}:{' '.join(req.headers[h].split())}\n" for h in signed.split(";"))
    creq = "\n".join([req.method, canonical_uri, "", canonical_headers, signed,
                      hashlib.sha256(req.body).hexdigest()])
    scope = f"{date}/{reg}/{svc}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, reg, svc, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), signature)


def event_frame(event_type: str, payload: dict, message_type: str = "event") -> bytes:
    """One AWS event-stream frame (prelude, headers, payload, CRCs), encoded here."""
    headers = b""
    kind = ":event-type" if message_type == "event" else ":exception-type"
    for name, value in ((kind, event_type), (":content-type", "application/json"), (":message-type", message_type)):
        n, v = name.encode(), value.encode()
        headers += bytes([len(n)]) + n + bytes([7]) + len(v).to_bytes(2, "big") + v
    body = json.dumps(payload).encode()
    prelude = (12 + len(headers) + len(body) + 4).to_bytes(4, "big") + len(headers).to_bytes(4, "big")
    prelude += zlib.crc32(prelude).to_bytes(4, "big")
    message = prelude + headers + body
    return message + zlib.crc32(message).to_bytes(4, "big")


MODEL_ID = "anthropic.claude-3-5-sonnet-20241022-v2:0"


def bedrock_server(servers, region="eu-west-3", secret=SECRET, stream_frames=None):
    def converse(req):
        if not sigv4_valid(req, secret, region):
            return 403, {"message": "The request signature we calculated does not match the signature you provided."}, \
                {"x-amzn-errortype": "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"}
        if req.path.endswith("/converse-stream"):
            return 200, stream_frames or [], {"content-type": "application/vnd.amazon.eventstream"}
        body = req.json()
        text = body["messages"][-1]["content"][-1].get("text", "")
        if body.get("toolConfig"):
            return 200, {"output": {"message": {"role": "assistant", "content": [
                {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}}]}},
                "stopReason": "tool_use", "usage": {"inputTokens": 30, "outputTokens": 9, "totalTokens": 39}}
        return 200, {"output": {"message": {"role": "assistant", "content": [{"text": f"echo: {text}"}]}},
                     "stopReason": "end_turn", "usage": {"inputTokens": 11, "outputTokens": 4, "totalTokens": 15},
                     "metrics": {"latencyMs": 120}}
    return servers({("POST", "/model/*"): converse})


WEATHER = ToolSpec("get_weather", "Weather for a city", {"type": "object", "properties": {"city": {"type": "string"}}})


class TestBedrock:
    def test_converse_signed_from_environment(self, servers):
        """Credentials and region from the environment; the server verifies the SigV4 signature itself."""
        server = bedrock_server(servers)
        reg = registry(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="eu-west-3",
                       BEDROCK_BASE_URL=server.url)
        reg.configure("bedrock", {})
        r = reg.get("bedrock").complete(REQ)
        assert (r.content, r.stop_reason, r.usage.prompt_tokens, r.usage.completion_tokens) == ("echo: hi", "end_turn", 11, 4)
        req = server.requests[0]
        assert req.raw_path == f"/model/{quote(MODEL_ID, safe='')}/converse"
        assert req.json()["messages"] == [{"role": "user", "content": [{"text": "hi"}]}]

    def test_wrong_secret_is_rejected_by_the_server(self, servers):
        """A signature made with another secret fails the server's check: an auth error, no secret shown."""
        server = bedrock_server(servers, secret="another-secret")
        reg = registry(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="eu-west-3",
                       BEDROCK_BASE_URL=server.url)
        reg.configure("bedrock", {"max-retries": 0})
        with pytest.raises(AuthError, match="signature we calculated does not match") as info:
            reg.get("bedrock").complete(REQ)
        assert SECRET not in info.value.message

    def test_credentials_file_profile_and_session_token(self, servers, tmp_path):
        """~/.aws/credentials with a profile (and a session token); the region from the config option."""
        server = bedrock_server(servers, region="us-west-2")
        aws = tmp_path / ".aws"
        aws.mkdir()
        (aws / "credentials").write_text(f"[default]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = wrong\n\n"
                                         f"[work]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n"
                                         f"aws_session_token = session-token-123\n")
        reg = registry(HOME=str(tmp_path), BEDROCK_BASE_URL=server.url)
        reg.configure("bedrock", {"profile": "work", "region": "us-west-2"})
        assert reg.get("bedrock").complete(REQ).content == "echo: hi"
        assert server.requests[0].headers["x-amz-security-token"] == "session-token-123"

    def test_tools(self, servers):
        """Tools go as toolSpec; a toolUse answer comes back as a tool call."""
        server = bedrock_server(servers)
        reg = registry(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="eu-west-3",
                       BEDROCK_BASE_URL=server.url)
        reg.configure("bedrock", {})
        r = reg.get("bedrock").complete(ChatRequest(None, (Message("user", "weather?"),), tools=(WEATHER,),
                                                    tool_choice="get_weather"))
        assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [("tooluse_1", "get_weather", {"city": "Paris"})]
        sent = server.requests[0].json()["toolConfig"]
        assert sent["tools"][0]["toolSpec"]["inputSchema"]["json"]["properties"] == {"city": {"type": "string"}}
        assert sent["toolChoice"] == {"tool": {"name": "get_weather"}}

    def test_stream_with_text_and_tool_call(self, servers):
        """converse-stream: binary event-stream frames give text chunks, a tool call in fragments, usage."""
        frames = [event_frame("messageStart", {"role": "assistant"}),
                  event_frame("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Let me "}}),
                  event_frame("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "check."}}),
                  event_frame("contentBlockStop", {"contentBlockIndex": 0}),
                  event_frame("contentBlockStart", {"contentBlockIndex": 1, "start": {"toolUse": {
                      "toolUseId": "tooluse_9", "name": "get_weather"}}}),
                  event_frame("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '{"ci'}}}),
                  event_frame("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": 'ty": "Oslo"}'}}}),
                  event_frame("contentBlockStop", {"contentBlockIndex": 1}),
                  event_frame("messageStop", {"stopReason": "tool_use"}),
                  event_frame("metadata", {"usage": {"inputTokens": 21, "outputTokens": 12, "totalTokens": 33},
                                           "metrics": {"latencyMs": 300}})]
        server = bedrock_server(servers, stream_frames=frames)
        reg = registry(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="eu-west-3",
                       BEDROCK_BASE_URL=server.url)
        reg.configure("bedrock", {})
        chunks = []
        r = reg.get("bedrock").stream(ChatRequest(None, (Message("user", "weather?"),), tools=(WEATHER,)),
                                      chunks.append)
        assert chunks == ["Let me ", "check."] and r.content == "Let me check."
        assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [("tooluse_9", "get_weather", {"city": "Oslo"})]
        assert r.stop_reason == "tool_use" and (r.usage.prompt_tokens, r.usage.completion_tokens) == (21, 12)
        assert server.requests[0].path.endswith("/converse-stream")

    def test_stream_exception_frame(self, servers):
        """An exception frame mid-stream is a StreamError with the vendor's message."""
        from sema.llm import StreamError
        frames = [event_frame("messageStart", {"role": "assistant"}),
                  event_frame("throttlingException", {"message": "Too many tokens, please wait"}, "exception")]
        server = bedrock_server(servers, stream_frames=frames)
        reg = registry(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="eu-west-3",
                       BEDROCK_BASE_URL=server.url)
        reg.configure("bedrock", {})
        with pytest.raises(StreamError, match=r"throttlingException\): Too many tokens"):
            reg.get("bedrock").stream(REQ)

    def test_no_credentials(self, tmp_path):
        """Without credentials the error names the variables and the credentials file."""
        with pytest.raises(AuthError, match=r"AWS_ACCESS_KEY_ID.*\[default\] profile"):
            registry(HOME=str(tmp_path)).configure("bedrock", {})

    def test_missing_extra(self, monkeypatch):
        """Without botocore installed, the error names the pip command."""
        monkeypatch.setitem(sys.modules, "botocore.auth", None)
        reg = registry(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET)
        with pytest.raises(UnsupportedError, match=r"pip install 'sema\[bedrock\]'"):
            reg.configure("bedrock", {})


# ---------------------------------------------------------------- Google Vertex AI (service-account JWT)


def rsa_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return key, pem


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def jwt_valid(assertion: str, public_key, token_url: str, email: str) -> bool:
    """Verify an RS256 JWT with cryptography directly (not PyJWT, not sema)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    head, claims, sig = assertion.split(".")
    header = json.loads(_b64(head))
    body = json.loads(_b64(claims))
    try:
        public_key.verify(_b64(sig), f"{head}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    now = time.time()
    return (header.get("alg") == "RS256" and header.get("kid") == "key-1" and body["iss"] == email
            and body["aud"] == token_url and body["scope"] == "https://www.googleapis.com/auth/cloud-platform"
            and body["iat"] <= now + 5 and now < body["exp"] <= body["iat"] + 3600)


EMAIL = "sema-test@my-project.iam.gserviceaccount.com"


def vertex_setup(servers, tmp_path, *, project="my-project"):
    key, pem = rsa_key()
    tokens = []

    def token(req):
        form = req.form()
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" or \
                not jwt_valid(form.get("assertion", ""), key.public_key(), token_url, EMAIL):
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        tokens.append(f"ya29.token-{len(tokens)}")
        return 200, {"access_token": tokens[-1], "expires_in": 3599, "token_type": "Bearer"}

    def generate(req):
        if req.headers.get("authorization") != f"Bearer {tokens[-1] if tokens else '?'}":
            return 401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                   "status": "UNAUTHENTICATED"}}
        return 200, {"candidates": [{"content": {"role": "model", "parts": [{"text": "hi from vertex"}]},
                                     "finishReason": "STOP"}],
                     "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 3, "totalTokenCount": 7}}

    server = servers({("POST", "/token"): token, ("POST", "/v1/projects/*"): generate})
    token_url = server.url + "/token"
    keyfile = tmp_path / "sa.json"
    keyfile.write_text(json.dumps({"type": "service_account", "project_id": project, "private_key_id": "key-1",
                                   "private_key": pem, "client_email": EMAIL, "token_uri": token_url}))
    return server, keyfile, tokens


class TestVertex:
    def test_jwt_exchange_then_generate(self, servers, tmp_path):
        """The key file's JWT (verified by the token server) gives a cached token used as Bearer."""
        server, keyfile, tokens = vertex_setup(servers, tmp_path)
        reg = registry(GOOGLE_APPLICATION_CREDENTIALS=str(keyfile), VERTEX_BASE_URL=server.url + "/v1")
        reg.configure("vertex", {"location": "europe-west4"})
        provider = reg.get("vertex")
        r = provider.complete(REQ.with_model("gemini-2.5-flash"))
        assert r.content == "hi from vertex" and r.usage.total_tokens == 7
        assert provider.complete(REQ).content == "hi from vertex"
        assert len(server.hits("/token")) == 1 and tokens == ["ya29.token-0"]
        paths = [r.path for r in server.requests if r.path != "/token"]
        assert paths[0] == ("/v1/projects/my-project/locations/europe-west4/publishers/google/models/"
                            "gemini-2.5-flash:generateContent")

    def test_token_refreshed_when_expired(self, servers, tmp_path):
        """A token past its expiry is replaced by a new exchange."""
        server, keyfile, tokens = vertex_setup(servers, tmp_path)
        reg = registry(VERTEX_BASE_URL=server.url + "/v1")
        reg.configure("vertex", {"key-file": str(keyfile)})
        provider = reg.get("vertex")
        provider.complete(REQ)
        source = provider.http.auth.source
        assert source.expires_at > time.time() + 3000  # cached for the hour the server granted
        source._expires_at = time.time() + 30  # within the refresh margin: fetched again before it expires
        provider.complete(REQ)
        assert tokens == ["ya29.token-0", "ya29.token-1"]

    def test_project_option_and_bad_key_file(self, servers, tmp_path):
        """:project overrides the key file's; a key file that is not JSON is a clear error."""
        server, keyfile, _ = vertex_setup(servers, tmp_path)
        reg = registry(VERTEX_BASE_URL=server.url + "/v1")
        reg.configure("vertex", {"key-file": str(keyfile), "project": "other-project"})
        reg.get("vertex").complete(REQ)
        assert server.requests[-1].path.startswith("/v1/projects/other-project/locations/us-central1/")
        bad = tmp_path / "bad.json"
        bad.write_text("not json")
        with pytest.raises(AuthError, match="not a JSON service-account key"):
            registry().configure("vertex", {"key-file": str(bad)})

    def test_missing_extra(self, servers, tmp_path, monkeypatch):
        """Without PyJWT installed, the error names the pip command."""
        server, keyfile, _ = vertex_setup(servers, tmp_path)
        monkeypatch.setitem(sys.modules, "jwt", None)
        with pytest.raises(UnsupportedError, match=r"pip install 'sema\[vertex\]'"):
            registry().configure("vertex", {"key-file": str(keyfile)})


# ---------------------------------------------------------------- the same from Lisp


class TestFromLisp:
    """Issue 8: every auth method configured and called from Lisp (llm/configure, llm/login), each server
    still checking the credentials with its own code."""

    def test_bedrock_and_vertex_options(self, servers, tmp_path):
        from sema.interpreter import Interpreter
        bedrock = bedrock_server(servers, region="ap-south-1")
        vertex, keyfile, tokens = vertex_setup(servers, tmp_path)
        interp = Interpreter(llm=False)
        interp.eval_source(f'''
          (llm/configure :bedrock {{:access-key-id "{AKID}" :secret-access-key "{SECRET}" :region "ap-south-1"
                                    :base-url "{bedrock.url}"}})
          (llm/configure :vertex {{:key-file "{keyfile}" :location "europe-west4" :base-url "{vertex.url}/v1"}})''')
        assert interp.eval_source('(llm/complete "hi" {:provider :bedrock})') == "echo: hi"
        assert interp.eval_source('(llm/complete "hi" {:provider :Vertex :model "gemini-2.5-flash"})') == \
            "hi from vertex"
        assert tokens == ["ya29.token-0"] and "/locations/europe-west4/" in vertex.requests[-1].path
        assert SECRET not in repr(interp.eval_source("(llm/providers)"))

    def test_login_qwen_then_chat(self, servers, tmp_path, monkeypatch, capsys):
        from sema.interpreter import Interpreter
        server, state = qwen_server(servers, pending=1)
        monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url + "/v1")
        creds = tmp_path / "qwen.json"
        interp = Interpreter(llm=False)
        path = interp.eval_source(f'(llm/login :qwen {{:credentials-file "{creds}" :oauth-url "{server.url}"}})')
        assert path == str(creds) and stat.S_IMODE(creds.stat().st_mode) == 0o600 and state["polls"] == 2
        out = capsys.readouterr().out
        assert "https://chat.qwen.ai/authorize?user_code=ABCD-1234" in out and "ABCD-1234" in out
        assert "access-1" not in out and "refresh-1" not in out
        assert interp.eval_source('(llm/complete "hi" {:provider :qwen-oauth})') == "hi from qwen access-1"
        from sema.errors import SemaError
        with pytest.raises(SemaError, match=r"llm/login: :gemini has no device-flow sign-in"):
            interp.eval_source("(llm/login :gemini)")

    def test_copilot_and_anthropic_oauth(self, servers):
        from sema.interpreter import Interpreter
        github, api, issued = copilot_servers(servers)
        token = "sk-ant-oat01-fromlisp0123456789abcdef"
        claude = anthropic_server(servers, token)
        interp = Interpreter(llm=False)
        interp.eval_source(f'''
          (llm/configure :copilot {{:api-key "{GITHUB_TOKEN}" :token-url "{github.url}/copilot_internal/v2/token"
                                    :base-url "{api.url}"}})
          (llm/configure :anthropic {{:api-key "{token}" :base-url "{claude.url}"}})''')
        assert interp.eval_source('(llm/complete "hi" {:provider :copilot})') == "hi from copilot"
        assert interp.eval_source('(llm/complete "hi" {:provider :copilot})') == "hi from copilot"
        assert len(github.requests) == 1  # the Copilot key is cached
        assert interp.eval_source('(llm/complete "hi" {:provider :claude})') == "hi from claude"
        assert claude.requests[0].headers["authorization"] == f"Bearer {token}"
        shown = repr(interp.eval_source("(llm/providers)")) + repr(interp.eval_source("(llm/provider-health)"))
        assert GITHUB_TOKEN not in shown and token not in shown and "tid=copilot" not in shown
