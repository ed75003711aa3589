"""The request path: layers around the router that every LLM call goes through.

::

    llm/* builtins, agents, Python ──▶ Pipeline.call(Call)
        ──▶ [cache] ──▶ budget ──▶ cassette ──▶ rate-limit ──▶ router (failover, breaker, usage)

A :class:`Call` is the request as its caller made it (the model it named, or
none), before a provider is chosen: a cassette replays it offline with no
provider configured, and a budget sees the same call a cache would.  Each
layer is an object with ``handle(call, proceed)`` (and optionally
``embed(call, proceed)``) that either answers itself (a cassette replaying,
a cache hit) or calls ``proceed(call)`` and looks at the response.  Layers
sit in named :data:`SLOTS`, outermost first; an empty slot costs nothing.

**The seam for a response cache**: the ``"cache"`` slot, outermost, so that
a hit is free (no budget, no rate limit) and reports zero usage.  Install
one with ``pipeline.install("cache", layer)``.

The innermost step chooses the providers (``:provider``, a
``provider/model`` name, ``llm/with-fallback``, the standing order), wraps
native ones so that a call in flight stops at once on Ctrl-C or
``cancel()`` (:mod:`.inflight`), and runs
:func:`~sema.llm.router.complete_with_fallback`, which records usage.

Layers that the environment asks for (``SEMA_LLM_CASSETTE``) are built on
first use from :data:`ENV_LAYERS`; the call pricer (``:cost-usd``) from
:data:`PRICER`.  Both name modules of :mod:`sema.ai`, imported only then.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping

from attrs import evolve, field, frozen

from .errors import LlmError
from .types import ChatRequest, ChatResponse, norm_key, request_from_python

#: layer slots, outermost first
SLOTS = ("cache", "budget", "cassette", "rate-limit")
#: environment variable -> "module:function(pipeline, environ) -> (slot, layer) or None"
ENV_LAYERS = {"SEMA_LLM_CASSETTE": "sema.ai.cassette:from_environment"}
#: "module:function(pipeline) -> pricer(provider, model, usage)", installed into the usage tracker
PRICER = "sema.ai.pricing:make_pricer"


@frozen
class Call:
    """One call: what to send, how, and for whom.

    ``kind`` is ``"chat"`` (complete, chat, request, agents ...), ``"stream"``
    or ``"embed"`` (``texts`` then holds the strings).  ``options`` are the
    routing options (``provider``); ``who`` names the builtin for errors.
    """

    request: ChatRequest
    who: str = "llm"
    kind: str = "chat"
    options: Mapping = field(factory=dict)
    on_chunk: object = field(default=None, eq=False)
    texts: tuple = ()

    @property
    def stream(self) -> bool:
        return self.kind == "stream"

    def evolve(self, **changes) -> "Call":
        return evolve(self, **changes)

    def describe(self) -> str:
        """The call in a few words, for errors: builtin, model, messages, the start of the last one."""
        r = self.request
        if self.kind == "embed":
            first = self.texts[0] if self.texts else ""
            return f"{self.who} embedding {len(self.texts)} text(s), model {r.model or '(default)'}, " \
                   f"first {_preview(first)}"
        last = r.messages[-1].content if r.messages else ""
        provider = self.options.get("provider")
        via = f", provider :{provider}" if provider else ""
        return (f"{self.who} ({self.kind}), model {r.model or '(default)'}{via}, {len(r.messages)} message(s), "
                f"last {_preview(last)}")


def _preview(text: str, n: int = 60) -> str:
    import json
    text = " ".join(text.split())
    return json.dumps(text if len(text) <= n else text[:n - 3] + "...")


class Pipeline:
    """One interpreter's request path (see the module docstring).  ``state`` is its LlmState."""

    def __init__(self, state):
        self.state = state
        self.layers: dict[str, object] = {}
        self._env_done = False
        usage = state.registry.usage
        if getattr(usage, "pricer", None) is None:
            usage.pricer = _load(PRICER)(self)

    # -- layers

    def install(self, slot: str, layer) -> object:
        """Put LAYER in SLOT (replacing what was there); returns it."""
        if slot not in SLOTS:
            raise ValueError(f"unknown pipeline slot {slot!r} (known: {', '.join(SLOTS)})")
        self.layers[slot] = layer
        return layer

    def layer(self, slot: str, make=None):
        """The layer in SLOT; with MAKE, made and installed on first use."""
        self._from_environment()
        found = self.layers.get(slot)
        if found is None and make is not None:
            found = self.install(slot, make(self))
        return found

    def _from_environment(self) -> None:
        if self._env_done:
            return
        self._env_done = True
        environ = getattr(self.state.registry, "environ", os.environ)
        for var, target in ENV_LAYERS.items():
            if (environ.get(var) or "").strip():
                made = _load(target)(self, environ)
                if made is not None:
                    self.install(*made)

    def _chain(self):
        self._from_environment()
        return [self.layers[s] for s in SLOTS if self.layers.get(s) is not None]

    @property
    def active(self) -> bool:
        """True when some layer may act on a call (batches then go through :meth:`call` one by one)."""
        return any(getattr(layer, "active", True) for layer in self._chain())

    # -- calls

    def call(self, call: Call) -> ChatResponse:
        """Send CALL through every layer and the router; returns the ChatResponse."""
        chain = self._chain()

        def step(i, c):
            if i == len(chain):
                return self.route(c)
            return chain[i].handle(c, lambda c2: step(i + 1, c2))
        return step(0, call)

    def embed(self, call: Call) -> list:
        """The vectors for ``call.texts`` through the layers that handle embeddings."""
        chain = [layer for layer in self._chain() if hasattr(layer, "embed")]

        def step(i, c):
            if i == len(chain):
                return self.state.embed_vectors(c)
            return chain[i].embed(c, lambda c2: step(i + 1, c2))
        return step(0, call)

    def route(self, call: Call) -> ChatResponse:
        """The innermost step: choose the providers and call them (failover, breaker, usage)."""
        from .inflight import interruptible
        from .router import complete_with_fallback
        state = self.state
        entries, request = state.targets(call.who, dict(call.options), call.request)
        entries = [interruptible(e) for e in entries]
        return complete_with_fallback(entries, request, on_chunk=call.on_chunk, stream=call.stream,
                                      usage=state.registry.usage, breaker=state.router.breaker)

    # -- the Python side

    def respond(self, request: Mapping, *, on_chunk=None) -> dict:
        """Like :meth:`Router.respond <sema.llm.router.Router.respond>`, through every layer."""
        d = {norm_key(k): v for k, v in request.items()}
        options = {"provider": d["provider"]} if d.get("provider") is not None else {}
        kind = "stream" if d.get("stream") or on_chunk is not None else "chat"
        response = self.call(Call(request_from_python(request), "respond", kind, options, on_chunk))
        out = response.to_dict()
        out["provider"] = response.provider
        out["latency-ms"] = round((response.latency or 0.0) * 1000.0, 3)
        return out


def _load(target: str):
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


__all__ = ["Pipeline", "Call", "SLOTS", "ENV_LAYERS", "PRICER", "LlmError"]
