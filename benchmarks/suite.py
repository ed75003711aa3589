"""The benchmark programs beside their CPython twins: whole-process and work time.

Two sets: the nine shared programs (the bench folder, twins in its `py/`) and
our own (`benchmarks/programs/`, twins in `programs/py/`), so that the
optimisations are not fitted to the shared nine only.

Work time is whole-process time minus start-up, and start-up is each side's
median time to run an empty file through the same command line
(`sema EMPTY.scm`, `python EMPTY.py`). One empty run of each side follows
every round of every program, so drift on a busy machine reaches the
start-up figure as it reaches the programs; the medians pool all of them.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import (Run, expected_output, failure_detail, geomean, median,
                                output_lines, timed)

OWN_DIR = Path(__file__).resolve().parent / "programs"

# issue 12's targets, on the work ratios (start-up subtracted) and the whole ones
WORK_GEOMEAN_TARGET = 1.2
WORK_MAX_TARGET = 1.5
WHOLE_GEOMEAN_TARGET = 1.3


@dataclass
class Program:
    """One benchmark program, its CPython twin and the set it belongs to."""
    name: str
    set: str                             # "shared" or "own"
    scm: Path
    twin: Path


def discover(bench: Path) -> list[Program]:
    """The shared programs (sorted), then our own (sorted)."""
    found = []
    for set_name, folder in (("shared", bench), ("own", OWN_DIR)):
        for scm in sorted(folder.glob("*.scm")):
            found.append(Program(scm.stem, set_name, scm, folder / "py" / f"{scm.stem}.py"))
    return found


class Startup:
    """Each side's start-up: an empty file run through the same command line."""

    def __init__(self, folder: Path, sema_cmd: list[str]):
        self.sema_cmd = sema_cmd
        self.folder = folder
        self.files = {"sema": folder / "empty.scm", "python": folder / "empty.py"}
        for f in self.files.values():
            f.write_text("", encoding="utf-8")
        self.runs = {"sema": [], "python": []}
        self.problems = {"sema": "", "python": ""}
        self.warmed = False

    def warm_up(self, timeout: float) -> None:
        """One untimed run of each side (fills sema's code cache, the page cache)."""
        if not self.warmed:
            self.warmed = True
            for side in self.files:
                timed(self.command(side), str(self.folder), timeout)

    def command(self, side: str) -> list[str]:
        base = self.sema_cmd if side == "sema" else [sys.executable]
        return base + [str(self.files[side])]

    def measure(self, side: str, timeout: float) -> None:
        """One more empty run of SIDE; a run that fails or prints counts for nothing."""
        run = timed(self.command(side), str(self.folder), timeout)
        bad = run.failed or output_lines(run.stdout) != []
        self.runs[side].append(None if bad else run.seconds)
        if bad and not self.problems[side]:
            self.problems[side] = failure_detail(run, [], f"{side} (empty file)")

    def median(self, side: str):
        return median(self.runs[side])

    def as_json(self) -> dict:
        return {"definition": "median wall time of an empty file run through the same command line",
                "sema_command": self.command("sema"), "python_command": self.command("python"),
                "sema_s": self.median("sema"), "python_s": self.median("python"),
                "sema_runs": self.runs["sema"], "python_runs": self.runs["python"],
                "problems": {k: v for k, v in self.problems.items() if v}}


@dataclass
class Row:
    """Result of one benchmark program (sema against its twin)."""
    program: Program
    sema: list = field(default_factory=list)
    python: list = field(default_factory=list)
    status: str = "OK"
    notes: list = field(default_factory=list)
    sema_work: float | None = None       # filled by apply_startup once start-up is known
    python_work: float | None = None
    work_ratio: float | None = None

    @property
    def name(self) -> str:
        return self.program.name

    @property
    def set(self) -> str:
        return self.program.set

    @property
    def detail(self) -> str:
        return "\n".join(self.notes)

    @property
    def sema_s(self):
        return median(self.sema)

    @property
    def python_s(self):
        return median(self.python)

    @property
    def failed(self) -> bool:
        """Sema failed or timed out: its time then means nothing."""
        return self.status in ("ERROR", "TIMEOUT")

    @property
    def whole_ratio(self):
        s, p = self.sema_s, self.python_s
        if self.failed or s is None or not p:
            return None
        return s / p

    def as_json(self) -> dict:
        return {"name": self.name, "set": self.set, "program": str(self.program.scm),
                "twin": str(self.program.twin), "status": self.status, "detail": self.detail,
                "sema_s": self.sema_s, "python_s": self.python_s, "whole_ratio": self.whole_ratio,
                "sema_work_s": self.sema_work, "python_work_s": self.python_work,
                "work_ratio": self.work_ratio, "sema_runs": self.sema, "python_runs": self.python}


def check_run(row: Row, run: Run, expected) -> None:
    """Mark ROW as ERROR/TIMEOUT/WRONG from one sema run (first problem kept)."""
    if row.status != "OK":
        return
    if run.seconds is None:
        row.status = "TIMEOUT"
    elif run.code != 0:
        row.status = "ERROR"
    elif expected is None:
        row.status = "UNCHECKED"
        row.notes.append("no ';; Expected output:' header")
        return
    elif output_lines(run.stdout) != expected:
        row.status = "WRONG"
    else:
        return
    row.notes.append(failure_detail(run, expected))


def bench_program(prog: Program, sema_cmd: list[str], startup: Startup,
                  repeat: int, timeout: float) -> Row:
    """Time PROG under sema and its twin alternately, each round followed by the empty runs."""
    row = Row(prog)
    expected = expected_output(prog.scm)
    if not prog.twin.exists():
        row.notes.append(f"twin: {prog.twin} not found")
    cwd = str(prog.scm.parent)
    startup.warm_up(timeout)
    # one untimed run of each side first: sema's compiled-code cache is then
    # warm, as on a user's second run; a failed warm-up spares the timed runs
    warm = timed(sema_cmd + [str(prog.scm)], cwd, timeout)
    check_run(row, warm, expected)
    if row.failed:
        row.notes.append("(the untimed warm-up run failed: no timed sema runs)")
    if prog.twin.exists():
        timed([sys.executable, str(prog.twin)], cwd, timeout)
    for i in range(repeat):
        # alternate which side goes first so drift hits both equally
        sides = ["sema", "python"] if i % 2 == 0 else ["python", "sema"]
        for side in sides:
            if side == "sema" and not row.failed:
                run = timed(sema_cmd + [str(prog.scm)], cwd, timeout)
                row.sema.append(run.seconds)
                check_run(row, run, expected)
            elif side == "python" and prog.twin.exists() and (i == 0 or row.python[-1] is not None):
                run = timed([sys.executable, str(prog.twin)], cwd, timeout)
                row.python.append(None if run.failed else run.seconds)
                if run.failed:
                    row.notes.append(failure_detail(run, label="twin"))
        for side in sides:
            startup.measure(side, timeout)
    return row


def apply_startup(rows: list[Row], startup: Startup) -> None:
    """Fill in each row's work times and work ratio from the pooled start-up."""
    s0, p0 = startup.median("sema"), startup.median("python")
    for row in rows:
        s, p = row.sema_s, row.python_s
        row.sema_work = None if s is None or s0 is None or row.failed else s - s0
        row.python_work = None if p is None or p0 is None else p - p0
        if row.sema_work is None or row.python_work is None:
            continue
        if row.sema_work <= 0 or row.python_work <= 0:
            row.notes.append("work time not positive (the program is no slower than start-up)")
            continue
        row.work_ratio = row.sema_work / row.python_work


def _extreme(rows, key):
    pairs = [(key(r), r.name) for r in rows if key(r) is not None]
    return max(pairs) if pairs else (None, None)


def summarize(rows: list[Row]) -> dict:
    """Geometric means and maxima of both ratios over ROWS, and the verdicts.

    A ratio target counts as met only when every program of the set has that
    ratio: a failed program cannot make a set look faster.
    """
    whole = [r.whole_ratio for r in rows if r.whole_ratio is not None]
    work = [r.work_ratio for r in rows if r.work_ratio is not None]
    whole_max, whole_max_prog = _extreme(rows, lambda r: r.whole_ratio)
    work_max, work_max_prog = _extreme(rows, lambda r: r.work_ratio)
    whole_geo, work_geo = geomean(whole), geomean(work)
    complete_whole, complete_work = len(whole) == len(rows), len(work) == len(rows)
    not_ok = [r.name for r in rows if r.status != "OK"]

    def within(value, complete, target):
        return bool(complete and value is not None and value <= target)

    return {"programs": [r.name for r in rows], "measured_whole": len(whole), "measured_work": len(work),
            "whole_geomean": whole_geo, "whole_max": whole_max, "whole_max_program": whole_max_prog,
            "work_geomean": work_geo, "work_max": work_max, "work_max_program": work_max_prog,
            "not_ok": not_ok,
            "verdicts": {"work_geomean": within(work_geo, complete_work, WORK_GEOMEAN_TARGET),
                         "work_max": within(work_max, complete_work, WORK_MAX_TARGET),
                         "whole_geomean": within(whole_geo, complete_whole, WHOLE_GEOMEAN_TARGET),
                         "outputs": not not_ok}}
