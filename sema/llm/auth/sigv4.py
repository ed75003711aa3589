"""AWS credentials and SigV4 request signing, for Bedrock (``pip install 'sema[bedrock]'``).

Credentials, in order (seed 002's order): the ``:access-key-id`` /
``:secret-access-key`` / ``:session-token`` options; ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN``; then the shared
credentials file (``~/.aws/credentials``, or ``AWS_SHARED_CREDENTIALS_FILE``)
under the profile from ``:profile``, ``AWS_PROFILE``, else ``default``.  No
instance-metadata lookup is ever made.  The region comes from ``:region``,
``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile's ``region`` in
``~/.aws/config``, else ``us-east-1``.

Signing uses botocore's ``SigV4Auth`` (imported only when a Bedrock provider
is built): every attempt is signed again, over the exact body bytes sent.
"""

from __future__ import annotations

import configparser
import os

import httpx

from ..errors import AuthError
from . import need_extra


class AwsCredentials:
    """An access key pair (and session token); the repr shows none of them."""

    __slots__ = ("access_key", "secret_key", "token", "source")

    def __init__(self, access_key: str, secret_key: str, token: str | None = None, source: str = ""):
        self.access_key, self.secret_key, self.token, self.source = access_key, secret_key, token, source

    def __repr__(self) -> str:
        return f"<AwsCredentials from {self.source or '?'}>"

    def secrets(self) -> tuple:
        return tuple(s for s in (self.secret_key, self.token) if s)


def _ini(path: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    try:
        parser.read(os.path.expanduser(path), encoding="utf-8")
    except (OSError, configparser.Error):
        pass
    return parser


def _home(environ) -> str:
    return environ.get("HOME") or os.path.expanduser("~")


def resolve_credentials(environ, *, access_key_id=None, secret_access_key=None, session_token=None,
                        profile=None) -> AwsCredentials:
    """The credentials from options, the environment or the shared file (see the module docstring)."""
    if access_key_id and secret_access_key:
        return AwsCredentials(access_key_id, secret_access_key, session_token, "options")
    key, secret = environ.get("AWS_ACCESS_KEY_ID", "").strip(), environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if key and secret:
        return AwsCredentials(key, secret, environ.get("AWS_SESSION_TOKEN", "").strip() or None, "environment")
    profile = profile or environ.get("AWS_PROFILE", "").strip() or "default"
    path = environ.get("AWS_SHARED_CREDENTIALS_FILE", "").strip() or os.path.join(_home(environ), ".aws", "credentials")
    parser = _ini(path)
    if parser.has_section(profile):
        section = parser[profile]
        key, secret = section.get("aws_access_key_id", ""), section.get("aws_secret_access_key", "")
        if key and secret:
            return AwsCredentials(key.strip(), secret.strip(), (section.get("aws_session_token") or "").strip() or None,
                                  f"{path} [{profile}]")
    raise AuthError(f"provider :bedrock has no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                    f"or add a [{profile}] profile to {path}", provider="bedrock")


def resolve_region(environ, region=None, profile=None) -> str:
    """The AWS region (see the module docstring)."""
    if region:
        return region
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if environ.get(name, "").strip():
            return environ[name].strip()
    profile = profile or environ.get("AWS_PROFILE", "").strip() or "default"
    path = environ.get("AWS_CONFIG_FILE", "").strip() or os.path.join(_home(environ), ".aws", "config")
    parser = _ini(path)
    for section in (profile, f"profile {profile}"):
        if parser.has_section(section) and parser[section].get("region"):
            return parser[section]["region"].strip()
    return "us-east-1"


class SigV4Auth(httpx.Auth):
    """httpx auth that signs each request with AWS Signature Version 4 (botocore's signer)."""

    requires_request_body = True

    def __init__(self, credentials: AwsCredentials, region: str, service: str = "bedrock"):
        self._auth_mod = need_extra("botocore.auth", "bedrock", "AWS Bedrock")
        self._awsrequest = need_extra("botocore.awsrequest", "bedrock", "AWS Bedrock")
        creds = need_extra("botocore.credentials", "bedrock", "AWS Bedrock")
        self.credentials = credentials
        self.region = region
        self.service = service
        self._botocore_creds = creds.Credentials(credentials.access_key, credentials.secret_key, credentials.token)

    def __repr__(self) -> str:
        return f"<SigV4Auth {self.service} {self.region}>"

    def secrets(self) -> tuple:
        return self.credentials.secrets()

    def sign(self, request: httpx.Request) -> None:
        signed = self._awsrequest.AWSRequest(method=request.method, url=str(request.url), data=request.content,
                                             headers={"content-type": request.headers.get("content-type", "")})
        self._auth_mod.SigV4Auth(self._botocore_creds, self.service, self.region).add_auth(signed)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in signed.headers:
                request.headers[name] = signed.headers[name]

    def auth_flow(self, request):
        self.sign(request)
        yield request


__all__ = ["AwsCredentials", "SigV4Auth", "resolve_credentials", "resolve_region"]
