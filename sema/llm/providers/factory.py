"""Building a provider from a catalog row: its wire format plus its auth scheme.

:func:`build` joins the two halves the catalog keeps apart: the adapter (the
wire format, :func:`~sema.llm.providers.make_provider`) and the auth scheme
(:mod:`sema.llm.auth`): a static key in the right header, a Copilot token
exchange, Qwen's device-flow credentials, Bedrock's SigV4 signer, or a
Vertex service-account token.  Azure's base URL is completed here.
"""

from __future__ import annotations

from ..errors import LlmError
from . import make_provider

KEY_SCHEMES = ("bearer", "x-api-key", "x-goog-api-key", "api-key", "none")
AZURE_API_VERSION = "2024-10-21"


def azure_base_url(base_url: str, api_version: str | None) -> str:
    """An Azure endpoint as a base URL.

    ``https://RES.openai.azure.com`` becomes the v1 API, ``.../openai/v1``;
    a deployment URL (``.../openai/deployments/NAME``) gets ``?api-version=``
    (from :api-version, AZURE_OPENAI_API_VERSION or 2024-10-21) unless it has one.
    """
    base = base_url.rstrip("/")
    if "/openai" not in base.split("?")[0]:
        return base + "/openai/v1"
    if "/deployments/" in base and "api-version=" not in base:
        return f"{base}{'&' if '?' in base else '?'}api-version={api_version or AZURE_API_VERSION}"
    return base


def build(spec, o, *, api_key, base_url, environ, **options):
    """The provider for catalog row SPEC with options O (a ProviderOptions)."""
    transport = options.get("transport")
    common = dict(api_key=api_key, base_url=base_url, default_model=o.default_model or spec.default_model,
                  embedding_model=o.embedding_model or spec.embedding_model, supports=spec.supports,
                  chat_path=o.chat_path or spec.chat_path or None, **options)
    scheme = spec.auth
    if scheme in KEY_SCHEMES:
        if scheme != "none":
            common["auth_scheme"] = scheme
        if spec.id == "azure":
            common["base_url"] = azure_base_url(base_url, o.api_version or environ.get("AZURE_OPENAI_API_VERSION"))
        return make_provider(spec.adapter, spec.id, **common)
    common["api_key"] = None
    if scheme == "copilot":
        from ..auth.copilot import CHAT_HEADERS, CopilotTokenSource, find_github_token
        from ..auth.tokens import TokenAuth
        github = find_github_token(api_key, o.token_file, environ)
        source = CopilotTokenSource(github, token_url=o.token_url or environ.get("COPILOT_TOKEN_URL")
                                    or "https://api.github.com/copilot_internal/v2/token", transport=transport)
        common["headers"] = {**CHAT_HEADERS, **(common.get("headers") or {})}
        return make_provider("openai", spec.id, auth=TokenAuth(source), **common)
    if scheme == "qwen-oauth":
        from ..auth import device_flow
        from ..auth.tokens import TokenAuth
        path = device_flow.credentials_path(o.credentials_file, environ)
        source = device_flow.QwenTokenSource(path, oauth=o.token_url or device_flow.oauth_url(environ),
                                             transport=transport)
        if not (o.base_url or any(environ.get(n) for n in spec.base_url_env)):
            common["base_url"] = device_flow.api_base(device_flow.load_credentials(path))
        return make_provider("openai", spec.id, auth=TokenAuth(source), **common)
    if scheme == "sigv4":
        from ..auth.sigv4 import SigV4Auth, resolve_credentials, resolve_region
        creds = resolve_credentials(environ, access_key_id=o.access_key_id, secret_access_key=o.secret_access_key,
                                    session_token=o.session_token, profile=o.profile)
        region = resolve_region(environ, o.region, o.profile)
        common["base_url"] = base_url.replace("{region}", region)
        provider = make_provider("bedrock", spec.id, auth=SigV4Auth(creds, region), **common)
        provider.http.secrets = provider.http.secrets + creds.secrets()
        return provider
    if scheme == "service-account":
        from ..auth.service_account import ServiceAccountTokenSource, load_key_file
        from ..auth.tokens import TokenAuth
        key, _ = load_key_file(o.key_file, environ)
        project = o.project or key.get("project_id") or environ.get("GOOGLE_CLOUD_PROJECT")
        if not project:
            raise LlmError("provider :vertex needs a project: pass :project or use a key file with project_id",
                           provider="vertex")
        location = o.location or environ.get("GOOGLE_CLOUD_LOCATION") or environ.get("VERTEX_LOCATION") \
            or "us-central1"
        source = ServiceAccountTokenSource(key, token_url=o.token_url or environ.get("VERTEX_TOKEN_URL"),
                                           transport=transport)
        return make_provider("vertex", spec.id, auth=TokenAuth(source), project=project, location=location,
                             **common)
    raise LlmError(f"provider :{spec.id}: unknown auth scheme {scheme!r}")


__all__ = ["build", "azure_base_url"]
