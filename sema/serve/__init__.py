"""``sema serve``: an OpenAI- and Anthropic-compatible caching proxy in front of every provider.

::

    client ──▶ app (ASGI: parse, render) ──▶ gateway ──▶ [cache: exact ▸ semantic] ──▶ router ──▶ provider
                                                  └──▶ X-LLM-Proxy-Upstream (allow-listed) ──▶ upstream

- :mod:`.config`           :class:`ServeConfig`, the command's options
- :mod:`.app`              the Starlette app and its endpoints
- :mod:`.gateway`          the synchronous core: routing, cache, router, usage
- :mod:`.openai_format`    OpenAI's chat and embeddings JSON and SSE
- :mod:`.anthropic_format` Anthropic's Messages JSON and SSE
- :mod:`.upstream`         the upstream allow-list and the transparent relay
- :mod:`.routing`          ``-l config.scm`` and its ``(define (route req) ...)``
- :mod:`.metrics`          Prometheus text
- :mod:`.command`          ``sema serve`` itself, and :class:`ServerThread`

Starlette and uvicorn are the optional extra ``sema[serve]``; nothing here
is imported by ``import sema``.
"""

_LAZY = {"ServeConfig": ".config", "parse_args": ".config", "create_app": ".app", "Gateway": ".gateway",
         "ServerThread": ".command", "main": ".command"}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sema.serve' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = sorted(_LAZY)
