"""Start-up configuration of the LLM layer (``sema`` without ``--no-llm``).

:func:`configure_at_startup` registers the providers found in the
environment, then applies ``--provider`` and ``--model``.  With no relevant
variable set and no flag given it returns at once without touching the
registry, so httpx is not imported and start-up stays fast; httpx loads only
when a provider is actually built.

A misconfigured environment (``SEMA_LLM_PROVIDER`` naming a provider without
a key, a key of the wrong shape) prints a warning and start-up goes on: a
script that never calls an LLM must not fail because of it.  A wrong
``--provider`` flag is an error.
"""

from __future__ import annotations

import os
import sys


#: variables that make auto-configuration do something
_SEMA_VARS = ("SEMA_LLM_PROVIDER", "SEMA_CHAT_PROVIDER", "SEMA_DEFAULT_MODEL", "SEMA_CHAT_MODEL",
              "SEMA_EMBEDDING_PROVIDER", "SEMA_LLM_FALLBACK", "LLM_PROVIDER", "LLM_DEFAULT_MODEL", "LLM_BASE_URL",
              "SEMA_USAGE_DB")


#: endings of the variable names providers are configured by (a cheap first test)
_LLM_SUFFIXES = ("_API_KEY", "_BASE_URL", "_API_BASE", "_HOST", "_API_URL")


def might_have_llm_environment(environ=None) -> bool:
    """A quick test that needs no provider table: False means nothing to configure.

    True only means the precise test (:func:`has_llm_environment`) must run.
    """
    environ = os.environ if environ is None else environ
    return any((k.endswith(_LLM_SUFFIXES) or k in _SEMA_VARS) and v.strip() for k, v in environ.items())


def env_names() -> tuple[str, ...]:
    """Every environment variable auto-configuration reads to decide what to register."""
    from .catalog import SPECS
    names = list(_SEMA_VARS)
    for spec in SPECS:
        if not spec.auto:
            continue
        names.extend(spec.key_env if spec.needs_key or spec.auth == "copilot" else spec.base_url_env)
    return tuple(names)


def has_llm_environment(environ=None) -> bool:
    """True when some provider key, local server URL or SEMA_* LLM variable is set."""
    environ = os.environ if environ is None else environ
    return any((environ.get(n) or "").strip() for n in env_names())


def _warn(message: str) -> None:
    sys.stderr.write(f"sema: warning: {message}\n")


def configure_at_startup(interp, model: str | None = None, provider: str | None = None) -> str | None:
    """Configure INTERP's providers from the environment and the ``--model``/``--provider`` flags.

    Returns the default provider's name, or None.
    """
    order = os.environ.get("SEMA_LLM_FALLBACK", "").strip()
    if order:  # names only; checked when a call uses them
        interp.llm.router.set_order([n.strip().lstrip(":") for n in order.split(",") if n.strip()])
    usage_db = os.environ.get("SEMA_USAGE_DB", "").strip()
    if usage_db:
        interp.llm.usage.open_log(usage_db)
    if not model and not provider and not (might_have_llm_environment() and has_llm_environment()):
        return None
    from .errors import LlmError
    from .registry import split_model
    registry = interp.llm
    before = len(registry.warnings)
    if has_llm_environment():
        try:
            registry.auto_configure()
        except LlmError as exc:
            _warn(exc.message)
    for message in registry.warnings[before:]:
        _warn(message)
    if model:
        prefix, rest = split_model(model, registry.known_names())
        if prefix is not None and not provider:
            provider, model = prefix, rest
    if provider:
        _select(registry, provider)
    if model:
        default = registry.default_provider()
        if default is not None and hasattr(default, "default_model"):
            default.default_model = model
    return registry.default


def _select(registry, provider: str) -> None:
    """``--provider NAME``: make it the default, configuring a keyless (local) provider if needed."""
    from .errors import LlmError
    key = registry.canonical(provider)
    if key not in registry:
        spec = registry.specs.get(key)
        if spec is None:
            raise LlmError(f"--provider {provider}: unknown provider (known: "
                           + ", ".join(sorted(registry.specs)) + ")")
        if spec.needs_key and not registry._env(spec.key_env):
            raise LlmError(f"--provider {provider}: provider :{spec.id} needs an API key; set "
                           + " or ".join(spec.key_env))
        registry.configure(key, make_default=False)
    registry.set_default(key)


__all__ = ["configure_at_startup", "has_llm_environment", "env_names"]
