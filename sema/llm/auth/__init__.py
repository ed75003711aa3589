"""Authentication schemes, one module each, kept apart from the wire formats.

- :mod:`.keys`            static API keys: shape checks, format warnings, which header carries them
- :mod:`.tokens`          a cached, refreshed token source and the httpx auth that sends it
- :mod:`.copilot`         GitHub token -> short-lived Copilot API key
- :mod:`.device_flow`     OAuth device flow + PKCE (Qwen), the credentials file, refresh
- :mod:`.sigv4`           AWS credentials and SigV4 request signing (botocore, ``sema[bedrock]``)
- :mod:`.service_account` Google service-account JWT -> access token (PyJWT, ``sema[vertex]``)

Anthropic's OAuth tokens need no exchange: :func:`.keys.key_headers` sends
them as a Bearer token with the OAuth beta header.
"""


def need_extra(module: str, extra: str, what: str):
    """Import MODULE, or fail with the command that installs it (``pip install 'sema[EXTRA]'``)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        from ..errors import UnsupportedError
        raise UnsupportedError(f"{what} needs the optional package {module.split('.')[0]}: "
                               f"pip install 'sema[{extra}]'") from None
