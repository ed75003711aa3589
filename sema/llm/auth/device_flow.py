"""OAuth 2.0 device authorization (RFC 8628) with PKCE (RFC 7636): Qwen's sign-in.

``sema login qwen`` (or ``(llm/login :qwen)``) runs the flow once:

1. ``POST {oauth}/api/v1/oauth2/device/code`` (form: ``client_id``, ``scope``,
   ``code_challenge`` = base64url(SHA-256(verifier)), ``code_challenge_method=S256``)
   answers ``device_code``, ``user_code``, ``verification_uri(_complete)``,
   ``expires_in``, ``interval``;
2. the verification URL and the code are printed for the user to open;
3. ``POST {oauth}/api/v1/oauth2/token`` (``grant_type`` device_code,
   ``device_code``, ``code_verifier``) is polled every ``interval`` seconds
   (``authorization_pending`` waits, ``slow_down`` adds 5 s) until it answers
   the tokens or the code expires;
4. the credentials are written to ``~/.qwen/oauth_creds.json`` (the file Qwen
   Code uses; ``:credentials-file`` or ``QWEN_OAUTH_CREDENTIALS`` chooses
   another) with permissions 0600, in a 0700 folder.

At run time :class:`QwenTokenSource` reads that file and, when the access
token has expired (or is about to), exchanges the refresh token for a new
one (``grant_type=refresh_token``) and writes the file back.  The OAuth
server (``QWEN_OAUTH_URL``) and the endpoints can be overridden, which is
how the tests point them at 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets as _secrets
import time

from ..errors import AuthError, LlmError
from .tokens import TokenSource, expiry, required

OAUTH_URL = "https://chat.qwen.ai"
DEVICE_PATH = "/api/v1/oauth2/device/code"
TOKEN_PATH = "/api/v1/oauth2/token"
CLIENT_ID = "f0304373b74a44d2b584a3fb70ca9e56"   # Qwen Code's public client id
SCOPE = "openid profile email model.completion"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
API_BASE = "https://portal.qwen.ai/v1"


def pkce_pair() -> tuple[str, str]:
    """``(code_verifier, code_challenge)``: a random verifier and its S256 challenge."""
    verifier = base64.urlsafe_b64encode(_secrets.token_bytes(32)).rstrip(b"=").decode("ascii")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def credentials_path(path: str | None = None, environ=os.environ) -> str:
    """Where the Qwen credentials live: PATH, ``QWEN_OAUTH_CREDENTIALS``, else ``~/.qwen/oauth_creds.json``."""
    path = path or (environ.get("QWEN_OAUTH_CREDENTIALS") or "").strip()
    if path:
        return os.path.expanduser(path)
    home = environ.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".qwen", "oauth_creds.json")


def oauth_url(environ=os.environ) -> str:
    return ((environ.get("QWEN_OAUTH_URL") or "").strip() or OAUTH_URL).rstrip("/")


def save_credentials(path: str, creds: dict) -> None:
    """Write CREDS to PATH readable by the owner only (0600, folder 0700), atomically."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, mode=0o700, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(creds, fh, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_credentials(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise AuthError(f"provider :qwen-oauth: the credentials file {path} cannot be read; "
                        f"run `sema login qwen` again", provider="qwen-oauth") from None
    return data if isinstance(data, dict) else None


def _stored(body: dict, clock, old: dict | None = None) -> dict:
    """The credentials file's content from a token answer (the refresh token kept if none is sent)."""
    at = expiry(body, clock)
    out = dict(old or {})
    out.update({"access_token": body["access_token"], "token_type": body.get("token_type") or "Bearer",
                "expires_at": at, "expiry_date": int(at * 1000)})
    if body.get("refresh_token"):
        out["refresh_token"] = body["refresh_token"]
    if body.get("resource_url"):
        out["resource_url"] = body["resource_url"]
    return out


def _expires_at(creds: dict) -> float:
    at = creds.get("expires_at")
    if isinstance(at, (int, float)) and not isinstance(at, bool):
        return float(at)
    ms = creds.get("expiry_date")
    if isinstance(ms, (int, float)) and not isinstance(ms, bool):
        return float(ms) / 1000.0
    return 0.0


def api_base(creds: dict | None) -> str:
    """The chat API's base URL: from the credentials' ``resource_url`` when the server named one."""
    host = (creds or {}).get("resource_url")
    if isinstance(host, str) and host:
        host = host if "://" in host else f"https://{host}"
        return host.rstrip("/") + ("" if host.rstrip("/").endswith("/v1") else "/v1")
    return API_BASE


class _Client(TokenSource):
    provider = "qwen-oauth"

    def __init__(self, *, oauth: str = OAUTH_URL, client_id: str = CLIENT_ID, **kw):
        super().__init__(**kw)
        self.oauth = oauth.rstrip("/")
        self.client_id = client_id

    def form(self, path: str, data: dict, what: str) -> dict:
        return self.post(self.oauth + path, data=data, headers={"accept": "application/json"}, what=what)


def login(path: str | None = None, *, oauth: str | None = None, client_id: str = CLIENT_ID, out=print,
          sleep=time.sleep, clock=time.time, transport=None, environ=os.environ, max_wait: float | None = None) -> dict:
    """Run the device flow; print the URL and code with OUT; store and return the credentials."""
    import httpx

    path = credentials_path(path, environ)
    client = _Client(oauth=oauth or oauth_url(environ), client_id=client_id, transport=transport, clock=clock)
    verifier, challenge = pkce_pair()
    device = client.form(DEVICE_PATH, {"client_id": client_id, "scope": SCOPE, "code_challenge": challenge,
                                       "code_challenge_method": "S256"}, "device-code request")
    device_code = required(device, "device_code", client, "device-code request")
    user_code = device.get("user_code") or ""
    url = device.get("verification_uri_complete") or device.get("verification_uri") or ""
    out(f"To sign in to Qwen, open {url}")
    if user_code:
        out(f"and enter the code {user_code}")
    out("Waiting for you to approve ...")
    interval = float(device.get("interval") or 5)
    deadline = clock() + float(max_wait if max_wait is not None else device.get("expires_in") or 600)
    while True:
        if clock() >= deadline:
            raise AuthError("provider :qwen-oauth: the sign-in code expired before it was approved; "
                            "run `sema login qwen` again", provider="qwen-oauth")
        sleep(interval)
        try:
            with httpx.Client(transport=transport, timeout=30.0) as http:
                response = http.post(client.oauth + TOKEN_PATH, headers={"accept": "application/json"}, data={
                    "grant_type": DEVICE_GRANT, "client_id": client_id, "device_code": device_code,
                    "code_verifier": verifier})
        except httpx.HTTPError:
            continue  # a network blip while polling: poll again
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and isinstance(body, dict) and body.get("access_token"):
            creds = _stored(body, clock)
            save_credentials(path, creds)
            out(f"Signed in; credentials saved to {path}")
            return creds
        error = body.get("error") if isinstance(body, dict) else None
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += 5
            continue
        reason = (body.get("error_description") or error) if isinstance(body, dict) else None
        raise AuthError(f"provider :qwen-oauth: sign-in failed ({response.status_code}): "
                        f"{reason or 'the server refused the device code'}", provider="qwen-oauth",
                        status=response.status_code)


class QwenTokenSource(_Client):
    """The access token from the credentials file, refreshed with the refresh token when it expires."""

    def __init__(self, path: str, **kw):
        super().__init__(**kw)
        self.path = path

    def fetch(self) -> tuple[str, float]:
        creds = load_credentials(self.path)
        if not creds or not creds.get("access_token"):
            raise AuthError(f"provider :qwen-oauth is not signed in (no credentials in {self.path}); "
                            f"run `sema login qwen` or (llm/login :qwen)", provider="qwen-oauth")
        at = _expires_at(creds)
        if at - 60 > self._clock():
            return creds["access_token"], at
        refresh = creds.get("refresh_token")
        if not refresh:
            raise AuthError("provider :qwen-oauth: the access token expired and there is no refresh token; "
                            "run `sema login qwen` again", provider="qwen-oauth")
        body = self.form(TOKEN_PATH, {"grant_type": "refresh_token", "refresh_token": refresh,
                                      "client_id": self.client_id}, "token refresh")
        if not isinstance(body.get("access_token"), str):
            raise LlmError("provider :qwen-oauth: the token refresh answer has no access_token", provider="qwen-oauth")
        updated = _stored(body, self._clock, creds)
        save_credentials(self.path, updated)
        return updated["access_token"], updated["expires_at"]

    def secrets(self) -> tuple:
        return super().secrets()


__all__ = ["login", "QwenTokenSource", "pkce_pair", "credentials_path", "save_credentials", "load_credentials",
           "api_base", "OAUTH_URL", "CLIENT_ID"]
