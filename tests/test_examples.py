"""Every example in examples/ runs, as a user would run it, and prints what it should."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from sema.interpreter import Interpreter

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED = EXAMPLES / "expected"

CASES = sorted(p for p in EXPECTED.glob("*.out"))


def _script_for(expected: Path) -> Path:
    name = expected.stem
    if name.startswith("modules_"):
        return EXAMPLES / "modules" / (name[len("modules_"):] + ".scm")
    return EXAMPLES / (name + ".scm")


def _normalise(text: str) -> str:
    return re.sub(r"took \d+ ms", "took N ms", text)


@pytest.mark.parametrize("expected", CASES, ids=[c.stem for c in CASES])
def test_example_output(expected):
    """The example prints exactly its recorded output (timings normalised)."""
    script = _script_for(expected)
    out = io.StringIO()
    with redirect_stdout(out):
        Interpreter(llm=False).load_file(str(script))
    assert _normalise(out.getvalue()) == expected.read_text()


def test_every_example_has_expected_output():
    """No example is left out of the check above."""
    scripts = {p for p in EXAMPLES.rglob("*.scm") if "modules" not in p.parts or p.name == "main.scm"}
    covered = {_script_for(e) for e in CASES}
    llm_examples = {p for p in scripts if p.name.startswith("llm_") or p.name == "tour.scm"}
    assert scripts - llm_examples <= covered
