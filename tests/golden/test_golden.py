"""Golden transcripts: each ``NAME.scm`` here runs as a whole program; what it prints must equal
``NAME.out`` exactly and, if ``NAME.err`` exists, the program must fail with exactly that rendered
error (file names appear as ``golden/NAME.scm``).

The transcripts were checked by hand when written.  To see what a program
prints now: ``python tests/golden/test_golden.py NAME``.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

HERE = Path(__file__).parent
PROGRAMS = sorted(p.stem for p in HERE.glob("*.scm"))


@pytest.fixture(autouse=True)
def _private_code_cache(monkeypatch, tmp_path_factory):
    """Compiled code is cached in this session's own directory, so results never depend on ~/.cache."""
    monkeypatch.setenv("SEMA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sema-code-cache"))


def transcript(name: str) -> tuple[str, str | None]:
    """(standard output, rendered error or None) of running golden program NAME."""
    from sema.diagnostics import render
    from sema.errors import SemaError
    from sema.interpreter import Interpreter

    interp = Interpreter(llm=False)
    text = (HERE / f"{name}.scm").read_text()
    out = io.StringIO()
    error = None
    with redirect_stdout(out):
        try:
            interp.eval_source(text, f"golden/{name}.scm")
        except SemaError as exc:
            error = render(exc) + "\n"
    return out.getvalue(), error


def test_every_program_has_a_transcript():
    """Each golden program has its expected output next to it."""
    assert PROGRAMS
    for name in PROGRAMS:
        assert (HERE / f"{name}.out").exists(), name


@pytest.mark.parametrize("name", PROGRAMS)
def test_golden(name):
    """The program prints exactly its .out transcript and fails (or not) exactly as its .err says."""
    out, error = transcript(name)
    assert out == (HERE / f"{name}.out").read_text()
    err_file = HERE / f"{name}.err"
    expected_error = err_file.read_text() if err_file.exists() else None
    assert error == expected_error


if __name__ == "__main__":  # pragma: no cover - a helper for reviewing transcripts
    for name in sys.argv[1:] or PROGRAMS:
        out, error = transcript(name)
        print(f"==== {name}.out\n{out}", end="")
        if error is not None:
            print(f"==== {name}.err\n{error}", end="")
