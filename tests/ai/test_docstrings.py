"""Every builtin of the AI layer (issue 10) has a docstring with an example, and the examples are right."""

from __future__ import annotations

import importlib
import inspect

import pytest

from sema.builtins import LAZY
from sema.interpreter import Interpreter
from sema.printer import write_str
from sema.runtime.names import mangle
from tests.test_special_docs import examples_in

AI_MODULES = [m for m in LAZY if m.startswith("sema.ai.")]
NAMES = sorted(n for m in AI_MODULES for n in LAZY[m] if not n.startswith("%"))


def _function(name):
    interp = Interpreter(llm=False)
    for m in AI_MODULES:
        importlib.import_module(m)
    from sema.runtime.namespace import resolve_lazy
    for m in AI_MODULES:
        if name in LAZY[m]:
            return resolve_lazy(interp, interp.namespace, name, m)
    return interp.namespace[mangle(name)]


def _cases():
    out = []
    for name in NAMES:
        for k, (src, expected) in enumerate(examples_in(inspect.getdoc(_function(name))), 1):
            out.append(pytest.param(src, expected, id=f"{name}:{k}"))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_documented(name):
    """A one-line summary, more text, and at least one `(expr) ; => value` line."""
    doc = inspect.getdoc(_function(name))
    assert doc and not doc.startswith("(")
    assert examples_in(doc), name


@pytest.mark.parametrize("src, expected", _cases())
def test_example(src, expected, tmp_path, monkeypatch):
    """The example, run in a fresh interpreter, shows the value after `; =>`."""
    monkeypatch.chdir(tmp_path)
    assert write_str(Interpreter(llm=False).eval_source(src, "<doc-example>")) == expected


def test_every_name_is_covered():
    """The list above is the AI layer: prompts, conversations, tools, agents, extraction, costs, cassettes."""
    for name in ("llm/extract", "conversation/say", "tool/new", "agent/run",
                 "llm/with-cassette", "llm/with-budget", "llm/set-pricing", "retry", "message", "prompt/fill"):
        assert name in NAMES
