"""benchmarks/run.py, driven with a fake sema on tiny programs (issue 12's benchmark section).

No timing is asserted (speed is the benchmarks' business, not the tests'):
these check that the runner runs what it says, checks outputs, subtracts
start-up as documented, reports failures, and that our own programs' CPython
twins do the same work as the sema programs (they print the same text).
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import suite
from benchmarks.harness import expected_output, output_lines

REPO = Path(__file__).resolve().parents[1]
RUN = REPO / "benchmarks" / "run.py"

# Stands in for sema: `-e EXPR` prints 3 for (+ 1 2); NAME.scm runs py/NAME.py
# beside it (so the empty start-up file prints nothing), and a program whose
# name contains "broken" fails the way a sema error would.
FAKE_SEMA = """\
import pathlib, subprocess, sys
args = sys.argv[1:]
if args[0] == "-e":
    print(3 if args[1] == "(+ 1 2)" else "")
    sys.exit(0)
scm = pathlib.Path(args[0])
if "broken" in scm.stem:
    sys.stderr.write("error: boom at broken.scm:1:1\\n")
    sys.exit(3)
twin = scm.parent / "py" / (scm.stem + ".py")
sys.exit(subprocess.run([sys.executable, str(twin)]).returncode if twin.exists() else 0)
"""


def _program(folder: Path, name: str, expected: str, twin: str) -> None:
    (folder / f"{name}.scm").write_text(f";; {name}.scm\n;; Expected output: {expected}\n(println 0)\n")
    (folder / "py" / f"{name}.py").write_text(twin)


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    """One run of the runner over three tiny programs, start-up and one scaling row."""
    tmp = tmp_path_factory.mktemp("bench")
    shared = tmp / "shared"
    (shared / "py").mkdir(parents=True)
    _program(shared, "tiny", "42", "print(sum(range(10)) * 0 + 42)\n")
    _program(shared, "wrong", "1", "print(2)\n")
    _program(shared, "broken", "7", "print(7)\n")
    fake = tmp / "fake_sema.py"
    fake.write_text(FAKE_SEMA)
    env = {**os.environ, "SEMA_BENCH_CMD": shlex.join([sys.executable, str(fake)])}
    out = tmp / "results.json"
    p = subprocess.run([sys.executable, str(RUN), "--shared", str(shared), "--repeat", "1",
                        "--only", "tiny", "wrong", "broken", "startup", "deep-recursion", "--json", str(out)],
                       cwd=str(tmp), env=env, capture_output=True, text=True, timeout=120)
    return p, json.loads(out.read_text()) if out.exists() else None


def test_runner_runs_from_anywhere_and_exits_0_when_targets_are_missed(bench_run):
    p, results = bench_run
    assert p.returncode == 0, p.stderr
    assert results is not None
    assert "from SEMA_BENCH_CMD" in p.stdout
    assert "MISSED: " in p.stdout          # the broken program makes every ratio target miss


def test_each_program_is_checked_against_its_expected_output(bench_run):
    p, results = bench_run
    status = {r["name"]: r["status"] for r in results["programs"]}
    assert status == {"broken": "ERROR", "tiny": "OK", "wrong": "WRONG"}
    assert {r["set"] for r in results["programs"]} == {"shared"}
    lines = p.stdout.splitlines()
    assert any(ln.startswith("tiny") and ln.split()[1] == "shared" and ln.endswith("OK") for ln in lines)
    wrong = next(r for r in results["programs"] if r["name"] == "wrong")
    assert {"-1", "+2"} <= set(wrong["detail"].splitlines())      # a diff of expected against got
    assert "    +2" in lines                                        # printed under its row
    broken = next(r for r in results["programs"] if r["name"] == "broken")
    assert "exit code 3" in broken["detail"] and "boom" in broken["detail"]
    assert broken["whole_ratio"] is None and broken["work_ratio"] is None


def test_work_time_is_whole_time_minus_each_sides_empty_file_start_up(bench_run):
    _, results = bench_run
    base = results["startup_subtracted"]
    assert base["sema_s"] is not None and base["python_s"] is not None
    assert base["sema_command"][-1].endswith("empty.scm") and base["python_command"][-1].endswith("empty.py")
    tiny = next(r for r in results["programs"] if r["name"] == "tiny")
    assert tiny["sema_work_s"] == pytest.approx(tiny["sema_s"] - base["sema_s"])
    assert tiny["python_work_s"] == pytest.approx(tiny["python_s"] - base["python_s"])
    assert tiny["whole_ratio"] == pytest.approx(tiny["sema_s"] / tiny["python_s"])
    if tiny["sema_work_s"] > 0 and tiny["python_work_s"] > 0:
        assert tiny["work_ratio"] == pytest.approx(tiny["sema_work_s"] / tiny["python_work_s"])


def test_a_failed_program_leaves_the_ratio_targets_missed(bench_run):
    _, results = bench_run
    shared = results["summary"]["shared"]
    assert shared["measured_whole"] == 2 and shared["programs"] == ["broken", "tiny", "wrong"]
    assert shared["verdicts"] == {"work_geomean": False, "work_max": False, "whole_geomean": False,
                                  "outputs": False}
    assert "own" not in results["summary"]      # no own program was selected


def test_start_up_and_a_scaling_row_are_measured(bench_run):
    p, results = bench_run
    st = results["startup"]
    assert st["ok"] and st["sema_s"] is not None and st["python_s"] is not None
    assert "start-up: sema -e '(+ 1 2)'" in p.stdout
    [row] = results["scaling"]
    assert row["name"] == "deep-recursion" and not row["problems"]
    assert row["ratio"] == pytest.approx(row["sema_ms"] / row["twin_ms"])
    assert "reader" not in results


def test_unknown_only_names_are_refused_with_the_choices(tmp_path):
    (tmp_path / "fib.scm").write_text(";; Expected output: 1\n")  # a shared folder wherever the clone is
    p = subprocess.run([sys.executable, str(RUN), "--shared", str(tmp_path), "--only", "fibonacci"],
                       capture_output=True, text=True,
                       timeout=60)
    assert p.returncode != 0
    assert "unknown name(s) fibonacci" in p.stderr and "startup" in p.stderr and "interp" in p.stderr


def test_own_programs_are_found_beside_the_shared_ones(tmp_path):
    (tmp_path / "fib.scm").write_text(";; Expected output: 1\n")
    found = {(p.name, p.set) for p in suite.discover(tmp_path)}
    assert found == {("fib", "shared"), ("interp", "own"), ("json_transform", "own"), ("text_report", "own")}


@pytest.mark.parametrize("name", ["interp", "json_transform", "text_report"])
def test_own_twins_print_what_the_sema_program_must_print(name):
    """A twin that printed something else would be timing other work."""
    scm = suite.OWN_DIR / f"{name}.scm"
    p = subprocess.run([sys.executable, str(suite.OWN_DIR / "py" / f"{name}.py")], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert output_lines(p.stdout) == expected_output(scm)
