"""Helpers for the AI layer's tests: an interpreter pointed at a fake wire-format server."""

from __future__ import annotations

import json

import pytest

from tests.llm.conftest import ADAPTERS, KEYS, PREFIX  # noqa: F401  (the fake servers' dialects and keys)


def configure(run, adapter, server, **opts):
    """(llm/configure :ADAPTER ...) pointed at SERVER, with no retries."""
    opts.setdefault("max-retries", 0)
    parts = [f':base-url "{server.url}{PREFIX[adapter]}"']
    if KEYS[adapter]:
        parts.append(f':api-key "{KEYS[adapter]}"')
    parts += [f":{k} {json.dumps(v)}" for k, v in opts.items()]
    run(f"(llm/configure :{adapter} {{{' '.join(parts)}}})")


@pytest.fixture(params=ADAPTERS)
def adapter(request):
    return request.param


@pytest.fixture
def lisp(interp):
    """Evaluate Lisp and return Python data (the embedding API's conversion)."""
    return lambda src: interp.eval(src)
