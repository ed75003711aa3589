"""The options of ``llm/configure`` (and ``ProviderRegistry.configure``), checked when given.

:class:`ProviderOptions` is an attrs class: every option has a validator, so
``(llm/configure :openai {:headers 5})``, ``{:max-retries "x"}`` or
``{:timeout "soon"}`` is a type error at configuration time, in Lisp terms,
instead of a failure at the first call.  Keys are read in Lisp or
underscore spelling (``:api-key``, ``api_key``).  API keys are validated by
:func:`~sema.llm.auth.keys.validate_key` (no part of a bad key is shown).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import attrs
from attrs import field, frozen

from .types import FieldError, norm_key, plain


def _opt(expected, ok):
    def check(inst, attribute, value):
        if value is not None and not ok(value):
            raise FieldError(attribute.name.replace("_", "-"), expected, value)
    return check


def _is_str(x):
    return isinstance(x, str)


def _is_seconds(x):
    return isinstance(x, numbers.Real) and x.__class__ is not bool and x > 0


def _is_retries(x):
    return x.__class__ is int and 0 <= x <= 20


def _headers(x):
    if isinstance(x, Mapping):
        return {str(getattr(k, "name", k)): v for k, v in plain(x).items()}
    return x


def _is_headers(x):
    return isinstance(x, dict) and all(isinstance(v, str) and "\n" not in v and "\r" not in v for v in x.values())


def _seconds(x):
    return float(x) if _is_seconds(x) else x


STR = _opt("a string", _is_str)
SECONDS = _opt("a positive number of seconds", _is_seconds)


@frozen
class ProviderOptions:
    """What ``llm/configure`` accepts.  Every field is optional (None: from the environment or the catalog)."""

    api_key: str | None = field(default=None, repr=False, validator=STR)
    base_url: str | None = field(default=None, validator=STR)
    default_model: str | None = field(default=None, validator=STR)
    embedding_model: str | None = field(default=None, validator=STR)
    chat_path: str | None = field(default=None, validator=STR)
    timeout: float | None = field(default=None, converter=_seconds, validator=SECONDS)
    connect_timeout: float | None = field(default=None, converter=_seconds, validator=SECONDS)
    idle_timeout: float | None = field(default=None, converter=_seconds, validator=SECONDS)
    max_retries: int | None = field(default=None, validator=_opt("an integer from 0 to 20", _is_retries))
    headers: dict | None = field(default=None, converter=_headers,
                                 validator=_opt("a map of header names to strings", _is_headers))
    # auth schemes that need more than a key
    region: str | None = field(default=None, validator=STR)            # Bedrock
    profile: str | None = field(default=None, validator=STR)           # Bedrock (~/.aws/credentials)
    access_key_id: str | None = field(default=None, repr=False, validator=STR)
    secret_access_key: str | None = field(default=None, repr=False, validator=STR)
    session_token: str | None = field(default=None, repr=False, validator=STR)
    key_file: str | None = field(default=None, validator=STR)          # Vertex service-account JSON
    project: str | None = field(default=None, validator=STR)           # Vertex
    location: str | None = field(default=None, validator=STR)          # Vertex
    token_url: str | None = field(default=None, validator=STR)         # Vertex, Copilot, Qwen token endpoints
    token_file: str | None = field(default=None, validator=STR)        # Copilot: a file holding the GitHub token
    credentials_file: str | None = field(default=None, validator=STR)  # Qwen OAuth credentials
    api_version: str | None = field(default=None, validator=STR)       # Azure

    @classmethod
    def from_mapping(cls, opts: Mapping | None) -> "ProviderOptions":
        """Options from a mapping with Lisp or underscore keys; an unknown key is an error naming the known ones."""
        if opts is None:
            return cls()
        if isinstance(opts, ProviderOptions):
            return opts
        d = {norm_key(k): v for k, v in opts.items()}
        if "host" in d:  # Ollama's spelling
            d.setdefault("base_url", d.pop("host"))
        if "model" in d:
            d.setdefault("default_model", d.pop("model"))
        names = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            known = ", ".join(":" + n.replace("_", "-") for n in sorted(names | {"host"}))
            raise FieldError(unknown[0].replace("_", "-"), "a known option", None,
                             message=f"unknown option :{unknown[0].replace('_', '-')} (known: {known})")
        return cls(**{k: v for k, v in d.items() if v is not None})

    def transport_options(self) -> dict:
        """The options that HttpProvider takes (timeouts, retries, headers)."""
        out = {}
        for key in ("timeout", "connect_timeout", "idle_timeout", "max_retries", "headers"):
            value = getattr(self, key)
            if value is not None:
                out[key] = dict(value) if key == "headers" else value
        return out


__all__ = ["ProviderOptions"]
