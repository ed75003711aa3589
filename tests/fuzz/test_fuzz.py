"""A bounded fuzzing run in the suite (issue 7): any outcome but a value or a Lisp error fails.

The long run is ``python -m tests.fuzz.runner --count 100000``; this one
tries a few thousand inputs, the same every run (derandomized), and prints
the family and seed of a failing input so that it can be replayed with
``generate(family, seed)``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.generators import FAMILIES, generate
from tests.fuzz.runner import Runner

RUNNER = Runner()
PER_FAMILY = int(os.environ.get("SEMA_FUZZ_EXAMPLES", "400"))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generated_inputs_end_in_a_value_or_a_lisp_error(family):
    @settings(max_examples=PER_FAMILY, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.integers(min_value=0, max_value=10**9))
    def check(seed):
        text = generate(family, seed)
        kind, exc = RUNNER.outcome(text)
        assert not kind.startswith("failure"), f"{family} seed {seed}: {kind}: {exc}\ninput: {text!r}"
    check()


def test_no_input_prints_a_traceback_through_the_cli(tmp_path):
    """Through the command, a user's mistake exits 1 with a rendered Lisp error, never a traceback."""
    inputs = [generate(family, seed) for family in ("bytes", "tokens", "form", "mutation") for seed in range(6)]
    inputs += ["(car 5)", "(", ")", '"unterminated', "(define)", "(let ((x)) x)", "#<foo>", "(1 2 3)"]
    for i, text in enumerate(inputs):
        path = tmp_path / f"in{i}.scm"
        path.write_text(text, encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "sema", "--no-llm", str(path)], capture_output=True,
                             text=True, timeout=60, cwd=tmp_path, stdin=subprocess.DEVNULL)
        assert out.returncode in (0, 1), f"{text!r}: exit {out.returncode}\n{out.stderr}"
        assert "Traceback" not in out.stderr and "internal error" not in out.stderr, f"{text!r}\n{out.stderr}"
        if out.returncode == 1:
            assert "error:" in out.stderr
