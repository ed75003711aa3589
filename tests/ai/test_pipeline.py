"""The request pipeline (issue 10): one path for every call, with a seam for a response cache in front."""

from __future__ import annotations

import pytest

from sema.llm import FakeProvider
from sema.llm.builtins import state_of
from sema.llm.pipeline import SLOTS
from sema.llm.types import ChatResponse, Usage


class AnswerEverything:
    """A stand-in for a cache layer: answers every call itself, with zero usage."""

    def __init__(self):
        self.calls = []

    def handle(self, call, proceed):
        self.calls.append(call)
        return ChatResponse("from the cache", model="cached", usage=Usage(), provider="cache")


def test_slots_outermost_first():
    """The cache slot is outermost: a hit is neither budgeted nor rate limited."""
    assert SLOTS == ("cache", "budget", "cassette", "rate-limit")


def test_a_cache_layer_sits_in_front(interp, run):
    """A layer in the "cache" slot answers before the budget sees the call, and the provider is not called."""
    fake = FakeProvider(replies=["from the provider"])
    interp.register_provider("fake", fake, make_default=True)
    layer = AnswerEverything()
    state_of(interp).pipeline.install("cache", layer)
    assert run('(llm/with-budget {:max-tokens 1} (fn () (llm/complete "a prompt longer than one token")))') \
        == "from the cache"
    assert fake.requests == [] and len(layer.calls) == 1
    assert layer.calls[0].who == "llm/complete" and layer.calls[0].request.model is None


def test_python_respond_goes_through_the_layers(interp, tmp_path):
    """Embedders get the same path: pipeline.respond records to a cassette and is budgeted."""
    fake = FakeProvider(replies=["first answer"])
    interp.register_provider("fake", fake, make_default=True)
    pipeline = state_of(interp).pipeline
    tape = tmp_path / "py.ndjson"
    interp.eval(f'(llm/with-cassette "{tape}" {{:mode :record}} (fn () nil))')  # loads the cassette layer
    from sema.ai.cassette import Cassette, layer_of
    layer = layer_of(state_of(interp))
    layer.stack.append(Cassette(str(tape), "record"))
    out = pipeline.respond({"messages": "hi", "max-tokens": 5})
    assert out["content"] == "first answer" and out["provider"] == "fake"
    layer.stack[-1] = Cassette(str(tape), "replay")
    assert pipeline.respond({"messages": "hi", "max-tokens": 5})["content"] == "first answer"
    assert len(fake.requests) == 1


def test_unknown_slot(interp):
    """Installing into a slot that does not exist is refused."""
    with pytest.raises(ValueError):
        state_of(interp).pipeline.install("nope", object())
