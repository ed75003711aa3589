"""GitHub Copilot: a GitHub token exchanged for a short-lived Copilot API key.

The GitHub token (an OAuth token from Copilot's device-flow sign-in, as the
editors store it) comes from, in order: the ``:api-key`` option,
``GITHUB_COPILOT_TOKEN`` / ``GH_COPILOT_TOKEN``, the ``:token-file`` option or
``GITHUB_COPILOT_TOKEN_FILE`` (a file holding the token, or the editors'
``apps.json``/``hosts.json`` with an ``oauth_token``), then
``~/.config/github-copilot/apps.json`` and ``hosts.json``.

``GET https://api.github.com/copilot_internal/v2/token`` with
``Authorization: token GITHUB_TOKEN`` answers ``{"token", "expires_at",
"refresh_in"}``: the Copilot key, valid about 30 minutes.  It is cached and
fetched again a minute before it expires (:class:`~.tokens.TokenSource`);
neither token is ever logged or shown in an error.
"""

from __future__ import annotations

import json
import os

from ..errors import AuthError
from .tokens import TokenSource, expiry, required

TOKEN_URL = "https://api.github.com/copilot_internal/v2/token"
TOKEN_ENV = ("GITHUB_COPILOT_TOKEN", "GH_COPILOT_TOKEN")
FILE_ENV = "GITHUB_COPILOT_TOKEN_FILE"
#: headers Copilot's chat endpoint expects from an editor integration
CHAT_HEADERS = {"copilot-integration-id": "vscode-chat", "editor-version": "sema/0.1",
                "editor-plugin-version": "sema/0.1", "openai-intent": "conversation-panel"}


def _from_file(path: str) -> str | None:
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip() or None
    if isinstance(data, dict):
        for entry in data.values():
            if isinstance(entry, dict) and isinstance(entry.get("oauth_token"), str):
                return entry["oauth_token"]
        if isinstance(data.get("oauth_token"), str):
            return data["oauth_token"]
    return None


def find_github_token(api_key: str | None, token_file: str | None, environ) -> str:
    """The GitHub token, from the first place that has one (see the module docstring)."""
    if api_key:
        return api_key
    for name in TOKEN_ENV:
        if (environ.get(name) or "").strip():
            return environ[name].strip()
    files = [token_file] if token_file else []
    if (environ.get(FILE_ENV) or "").strip():
        files.append(environ[FILE_ENV].strip())
    config = environ.get("XDG_CONFIG_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".config")
    files += [os.path.join(config, "github-copilot", "apps.json"), os.path.join(config, "github-copilot", "hosts.json")]
    for path in files:
        token = _from_file(path)
        if token:
            return token
    raise AuthError("provider :copilot needs a GitHub token: pass :api-key or :token-file, or set "
                    "GITHUB_COPILOT_TOKEN (sign in to Copilot in an editor to create one)", provider="copilot")


class CopilotTokenSource(TokenSource):
    """Exchanges the GitHub token for a Copilot API key, cached until shortly before it expires."""

    provider = "copilot"

    def __init__(self, github_token: str, *, token_url: str = TOKEN_URL, **kw):
        super().__init__(**kw)
        self._github_token = github_token
        self.token_url = token_url

    def secrets(self) -> tuple:
        return super().secrets() + (self._github_token,)

    def fetch(self) -> tuple[str, float]:
        body = self.get(self.token_url, what="Copilot token exchange",
                        headers={"authorization": f"token {self._github_token}", "accept": "application/json",
                                 "user-agent": "sema", "editor-version": CHAT_HEADERS["editor-version"]})
        token = required(body, "token", self, "Copilot token exchange")
        return token, expiry(body, self._clock, default=1500.0)


__all__ = ["CopilotTokenSource", "find_github_token", "TOKEN_URL", "CHAT_HEADERS"]
