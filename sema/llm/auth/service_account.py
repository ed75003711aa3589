"""Google service-account keys -> OAuth access tokens, for Vertex AI (``pip install 'sema[vertex]'``).

The key file (``:key-file``, else ``GOOGLE_APPLICATION_CREDENTIALS``) is the
JSON a GCP console creates: ``client_email``, ``private_key``,
``private_key_id``, ``project_id``, ``token_uri``.  A JWT signed with the key
(RS256, by PyJWT with cryptography) asserts ``iss`` = the client email,
``scope`` = cloud-platform, ``aud`` = the token endpoint, one hour of
validity; ``POST token_uri`` (``grant_type`` jwt-bearer, ``assertion``)
answers an access token, cached until shortly before it expires.  The token
endpoint can be overridden (``:token-url`` or ``VERTEX_TOKEN_URL``).
"""

from __future__ import annotations

import json
import os

from ..errors import AuthError
from . import need_extra
from .tokens import TokenSource, expiry, required

SCOPE = "https://www.googleapis.com/auth/cloud-platform"
TOKEN_URL = "https://oauth2.googleapis.com/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def load_key_file(path: str | None, environ=os.environ) -> tuple[dict, str]:
    """``(key, path)``: the service-account key from PATH or GOOGLE_APPLICATION_CREDENTIALS."""
    path = path or (environ.get("GOOGLE_APPLICATION_CREDENTIALS") or "").strip()
    if not path:
        raise AuthError("provider :vertex needs a service-account key file: pass :key-file or set "
                        "GOOGLE_APPLICATION_CREDENTIALS", provider="vertex")
    path = os.path.expanduser(path)
    try:
        with open(path, encoding="utf-8") as fh:
            key = json.load(fh)
    except FileNotFoundError:
        raise AuthError(f"provider :vertex: the key file {path} does not exist", provider="vertex") from None
    except (OSError, ValueError):
        raise AuthError(f"provider :vertex: the key file {path} is not a JSON service-account key",
                        provider="vertex") from None
    missing = [k for k in ("client_email", "private_key") if not isinstance(key, dict) or not key.get(k)]
    if missing:
        raise AuthError(f"provider :vertex: the key file {path} has no \"{missing[0]}\" "
                        f"(is it a service-account key?)", provider="vertex")
    return key, path


class ServiceAccountTokenSource(TokenSource):
    """Signs a JWT with the service account's key and exchanges it for an access token."""

    provider = "vertex"

    def __init__(self, key: dict, *, token_url: str | None = None, scope: str = SCOPE, **kw):
        super().__init__(**kw)
        self._jwt = need_extra("jwt", "vertex", "Google Vertex AI")
        need_extra("cryptography", "vertex", "Google Vertex AI")
        self._key = key
        self.client_email = key["client_email"]
        self.token_url = token_url or key.get("token_uri") or TOKEN_URL
        self.scope = scope

    def __repr__(self) -> str:
        return f"<ServiceAccountTokenSource {self.client_email}>"

    def assertion(self) -> str:
        """The signed JWT (RS256) asserting this service account."""
        now = int(self._clock())
        claims = {"iss": self.client_email, "sub": self.client_email, "scope": self.scope, "aud": self.token_url,
                  "iat": now, "exp": now + 3600}
        headers = {"kid": self._key["private_key_id"]} if self._key.get("private_key_id") else None
        try:
            return self._jwt.encode(claims, self._key["private_key"], algorithm="RS256", headers=headers)
        except (ValueError, TypeError, self._jwt.PyJWTError):
            raise AuthError("provider :vertex: the key file's private_key is not a valid RSA key",
                            provider="vertex") from None

    def fetch(self) -> tuple[str, float]:
        body = self.post(self.token_url, data={"grant_type": JWT_GRANT, "assertion": self.assertion()},
                         what="service-account token request")
        return required(body, "access_token", self, "service-account token request"), expiry(body, self._clock)


__all__ = ["ServiceAccountTokenSource", "load_key_file", "TOKEN_URL", "SCOPE"]
