#!/usr/bin/env python3
"""Measure sema against CPython on the shared benchmark programs.

Usage:
    python benchmarks/run.py [--shared PATH] [--repeat N] [--only NAME...]
                             [--timeout SECONDS] [--json FILE]

For every ``*.scm`` program in the shared bench folder this runs
``sys.executable -m sema PROGRAM`` and its CPython twin
``sys.executable py/NAME.py`` alternately, N times each, and reports the
median whole-process wall time of each, their ratio, and whether sema's
stdout matches the ``;; Expected output:`` lines of the program's header.
Then start-up time, reader throughput on ``parse-data.scm`` and three of
Rust Sema's weak spots (assoc, cons and cdr loops) timed inside the program.

``SEMA_BENCH_CMD`` (environment) replaces ``sys.executable -m sema`` with
another command line (split with shlex), e.g. a fake while the compiler is
being written. See benchmarks/README.md for the columns and the targets.
It is a measurement tool: the exit code is 0 even when targets are missed.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import math
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_OUT = REPO / "benchmarks"          # parse-data.scm is generated here (gitignored)

GEOMEAN_TARGET = 1.5
MAX_RATIO_TARGET = 3.0
STARTUP_TARGET_S = 0.1
READER_TARGET_MBS = 1.0
WEAK_TARGET_MS = 1000.0
PARSE_DATA_FORMS = 3010                  # stated in the shared bench README

# Rust Sema's weak spots (bench README, "Where Sema falls short"). Each prints
# a check line, then the elapsed milliseconds measured with (time-ms).
WEAK_SPOTS = {
    "assoc-loop": ("100,000 assoc on one map, named let", "100000 199998", """\
;; 100,000 assocs, each on the map returned by the previous one.
(define t0 (time-ms))
(define m
  (let loop ((i 0) (m {}))
    (if (= i 100000)
        m
        (loop (+ i 1) (assoc m i (* 2 i))))))
(define t1 (time-ms))
(println (count m) (get m 99999))
(println (- t1 t0))
"""),
    "cons-loop": ("100,000-step cons loop building a list", "100000 99999", """\
;; a 100,000-element list built by cons in a named-let loop.
(define t0 (time-ms))
(define xs
  (let loop ((i 0) (acc '()))
    (if (= i 100000) acc (loop (+ i 1) (cons i acc)))))
(define t1 (time-ms))
(println (length xs) (car xs))
(println (- t1 t0))
"""),
    "cdr-walk": ("null?/cdr walk over a 100,000-pair list", "100000 99999", """\
;; walk a 100,000-pair list (built by cons, untimed) with null? and cdr.
(define xs
  (let loop ((i 0) (acc '()))
    (if (= i 100000) acc (loop (+ i 1) (cons i acc)))))
(define t0 (time-ms))
(define n
  (let walk ((p xs) (n 0))
    (if (null? p) n (walk (cdr p) (+ n 1)))))
(define t1 (time-ms))
(println n (car xs))
(println (- t1 t0))
"""),
}

# Runs in a fresh interpreter from the repo root: times read_all only (the
# file read, the imports and a first tiny read that builds the parser are
# excluded) and prints one JSON line.
READER_CODE = r"""
import json, sys, time
path, repeat = sys.argv[1], int(sys.argv[2])
try:
    from sema.reader import read_all
except Exception as e:
    print(json.dumps({"error": "cannot import sema.reader.read_all: %s: %s" % (type(e).__name__, e)}))
    sys.exit(0)
with open(path, encoding="utf-8") as f:
    text = f.read()
times, count = [], None
try:
    read_all('(warm-up [1 2.5] {:a "b"})', "warm-up.scm")
    for _ in range(repeat):
        t0 = time.perf_counter()
        forms = read_all(text, "parse-data.scm")
        if not hasattr(forms, "__len__"):
            forms = list(forms)        # a lazy reader must still do the work
        times.append(time.perf_counter() - t0)
        count = len(forms)
        del forms
except Exception as e:
    print(json.dumps({"error": "read_all failed: %s: %s" % (type(e).__name__, str(e)[:500])}))
    sys.exit(0)
print(json.dumps({"times": times, "forms": count}))
"""


@dataclass
class Run:
    """One timed process: wall seconds (None on timeout), output, exit code."""
    seconds: float | None
    stdout: str = ""
    stderr: str = ""
    code: int | None = None

    @property
    def failed(self) -> bool:
        return self.seconds is None or self.code != 0


@dataclass
class Row:
    """Result of one benchmark program (sema against its twin)."""
    name: str
    sema: list = field(default_factory=list)
    python: list = field(default_factory=list)
    status: str = "OK"
    notes: list = field(default_factory=list)

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
    def ratio(self):
        """sema/python; None when sema failed (its time then means nothing)."""
        s, p = self.sema_s, self.python_s
        if self.status in ("ERROR", "TIMEOUT") or s is None or not p:
            return None
        return s / p


def median(xs):
    """Median of the non-None values, or None when there are none."""
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def sema_command() -> list[str]:
    """The command that runs sema: $SEMA_BENCH_CMD or `python -m sema`."""
    override = os.environ.get("SEMA_BENCH_CMD", "").strip()
    return shlex.split(override) if override else [sys.executable, "-m", "sema"]


def child_env() -> dict:
    """Environment for children: the repo importable without installing it."""
    env = dict(os.environ)
    # Measure sema as a user runs it: with its modules byte-compiled (pip does
    # that on install).  Some sandboxes set PYTHONDONTWRITEBYTECODE, which would
    # make every run recompile sema from source and time the compiler instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def timed(cmd, cwd, timeout) -> Run:
    """Run CMD once and time the whole process with perf_counter."""
    posix = os.name == "posix"
    t0 = time.perf_counter()
    try:
        # own session, so a timeout can kill a wrapper's children too
        p = subprocess.Popen(cmd, cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=posix)
    except OSError as e:                 # e.g. SEMA_BENCH_CMD names no program
        return Run(time.perf_counter() - t0, "", str(e), 127)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            os.killpg(p.pid, signal.SIGKILL)
        else:
            p.kill()
        p.communicate()
        return Run(None)
    dt = time.perf_counter() - t0
    return Run(dt, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), p.returncode)


def expected_output(path: Path) -> list[str] | None:
    """The lines of the `;; Expected output:` block of a program's header.

    Either inline (`;; Expected output: 832040`) or the following comment
    lines indented by at least two spaces after `;;`.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*;+\s*Expected output:\s*(.*?)\s*$", line)
        if m is None:
            if line.strip() and not line.lstrip().startswith(";"):
                return None              # the header ended without one
            continue
        if m.group(1):
            return [m.group(1)]
        out = []
        for nxt in lines[i + 1:]:
            m2 = re.match(r"\s*;+ {2,}(\S.*?)\s*$", nxt)
            if m2 is None:
                break
            out.append(m2.group(1))
        return out or None
    return None


def output_lines(text: str) -> list[str]:
    """Stdout as lines, ignoring trailing blanks and trailing whitespace."""
    return [ln.rstrip() for ln in text.rstrip().splitlines()]


def failure_detail(run: Run, expected=None, label="sema") -> str:
    """A short explanation of a failed or wrong run (diff or stderr tail)."""
    if run.seconds is None:
        return f"{label}: timed out"
    if run.code != 0:
        tail = "\n".join(run.stderr.rstrip().splitlines()[-12:])
        return f"{label}: exit code {run.code}\n{tail}"
    got = output_lines(run.stdout)
    diff = difflib.unified_diff(expected or [], got, "expected", label, lineterm="")
    return "\n".join(diff)


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


def bench_program(scm: Path, twin: Path, repeat: int, timeout: float) -> Row:
    """Time PROGRAM under sema and its twin alternately; check sema's output."""
    row = Row(scm.stem)
    expected = expected_output(scm)
    if not twin.exists():
        row.notes.append(f"twin: {twin} not found")
    for i in range(repeat):
        # alternate which side goes first so drift hits both equally
        sides = ["sema", "python"] if i % 2 == 0 else ["python", "sema"]
        for side in sides:
            if side == "sema" and (i == 0 or row.sema[-1] is not None):
                run = timed(sema_command() + [str(scm)], scm.parent, timeout)
                row.sema.append(run.seconds)
                check_run(row, run, expected)
            elif side == "python" and twin.exists() and (i == 0 or row.python[-1] is not None):
                run = timed([sys.executable, str(twin)], scm.parent, timeout)
                row.python.append(None if run.failed else run.seconds)
                if run.failed:
                    row.notes.append(failure_detail(run, label="twin"))
    return row


def bench_startup(repeat: int, timeout: float) -> dict:
    """Median start-up of `sema -e '(+ 1 2)'` against `python -c pass`."""
    sema, py, problem = [], [], ""
    for i in range(repeat):
        r = timed(sema_command() + ["-e", "(+ 1 2)"], str(REPO), timeout)
        sema.append(None if r.failed else r.seconds)
        if not problem and (r.failed or output_lines(r.stdout) != ["3"]):
            problem = failure_detail(r, ["3"])
        py.append(timed([sys.executable, "-c", "pass"], str(REPO), timeout).seconds)
    s = median(sema)
    return {"sema_s": s, "python_s": median(py), "sema_runs": sema, "python_runs": py,
            "ok": not problem, "detail": problem,
            "met": bool(s is not None and not problem and s <= STARTUP_TARGET_S)}


def readme_sha256(bench: Path) -> str | None:
    """The sha256 of parse-data.scm stated in the shared bench README, if any."""
    readme = bench / "README.md"
    if not readme.exists():
        return None
    m = re.search(r"sha256\s+`?([0-9a-f]{64})", readme.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def bench_reader(bench: Path, repeat: int, timeout: float) -> dict:
    """Reader throughput: sema.reader.read_all over parse-data.scm, in MB/s."""
    data = BENCH_OUT / "parse-data.scm"
    gen = bench / "gen_parse_data.py"
    if not data.exists():
        if not gen.exists():
            return {"error": f"{gen} not found", "met": False}
        tmp = data.with_suffix(".scm.tmp")   # never leave a half-written file
        p = subprocess.run([sys.executable, str(gen), str(tmp)], capture_output=True, text=True)
        if p.returncode != 0:
            return {"error": f"gen_parse_data.py failed: {p.stderr.strip()[-500:]}", "met": False}
        os.replace(tmp, data)
    raw = data.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    want = readme_sha256(bench)
    result = {"file": str(data), "bytes": len(raw), "sha256": sha,
              "sha256_matches_readme": None if want is None else sha == want}
    try:
        p = subprocess.run([sys.executable, "-c", READER_CODE, str(data), str(repeat)],
                           cwd=str(REPO), env=child_env(), capture_output=True, text=True,
                           timeout=timeout * repeat)
    except subprocess.TimeoutExpired:
        return {**result, "error": "timed out", "met": False}
    last = (p.stdout.strip().splitlines() or [""])[-1]
    try:
        info = json.loads(last)
    except ValueError:
        info = {"error": f"reader process failed (exit {p.returncode}): {p.stderr.strip()[-500:]}"}
    if "error" in info:
        return {**result, **info, "met": False}
    s = median(info["times"])
    mbs = len(raw) / 1e6 / s if s else None
    return {**result, "seconds": s, "runs": info["times"], "forms": info["forms"],
            "forms_ok": info["forms"] == PARSE_DATA_FORMS, "mb_per_s": mbs,
            "met": bool(mbs and mbs >= READER_TARGET_MBS and info["forms"] == PARSE_DATA_FORMS)}


def bench_weak_spot(name: str, tmp: Path, repeat: int, timeout: float) -> dict:
    """Run one weak-spot program REPEAT times; median of its own (time-ms)."""
    what, expected, src = WEAK_SPOTS[name]
    path = tmp / f"{name}.scm"
    path.write_text(src, encoding="utf-8")
    ms, problem = [], ""
    for _ in range(repeat):
        r = timed(sema_command() + [str(path)], str(tmp), timeout)
        lines = output_lines(r.stdout)
        value = None
        if not r.failed and len(lines) == 2 and lines[0] == expected:
            try:
                value = float(lines[1])
            except ValueError:
                pass
        if value is None:
            problem = failure_detail(r, [expected, "<elapsed ms>"])
            break
        ms.append(value)
    m = median(ms)
    return {"name": name, "what": what, "ms": m, "runs": ms, "ok": not problem,
            "detail": problem, "met": bool(m is not None and m < WEAK_TARGET_MS)}


# ---------------------------------------------------------------- reporting

def fmt(x, spec=".3f", none="-"):
    """Format a number, or NONE when it is missing."""
    return none if x is None else format(x, spec)


def verdict(ok: bool) -> str:
    """`met` or a loud `MISSED`."""
    return "met" if ok else "MISSED"


def indent(text: str, pad="    ") -> str:
    """Indent every line of TEXT (diffs and stderr under a row)."""
    return "\n".join(pad + ln for ln in text.splitlines())


def print_row(row: Row) -> None:
    """One aligned table row, then any diff or error below it."""
    ratio = fmt(row.ratio, ".2f") + ("x" if row.ratio is not None else "")
    print(f"{row.name:<12} {fmt(row.sema_s):>9} {fmt(row.python_s):>11} {ratio:>12}  {row.status}",
          flush=True)
    if row.detail:
        print(indent(row.detail), flush=True)


def summarize(rows: list[Row]) -> dict:
    """Geometric mean and max of the ratios, and whether the targets hold."""
    ratios = [(r.ratio, r.name) for r in rows if r.ratio is not None]
    geo = math.exp(sum(math.log(x) for x, _ in ratios) / len(ratios)) if ratios else None
    worst = max(ratios) if ratios else (None, None)
    complete = len(ratios) == len(rows)
    wrong = [r.name for r in rows if r.status != "OK"]
    return {"geomean": geo, "max_ratio": worst[0], "max_ratio_program": worst[1],
            "measured": len(ratios), "programs": len(rows), "not_ok": wrong,
            "geomean_met": bool(complete and geo is not None and geo <= GEOMEAN_TARGET),
            "max_ratio_met": bool(complete and worst[0] is not None and worst[0] <= MAX_RATIO_TARGET),
            "outputs_met": not wrong}


def report_programs(bench: Path, selected, args, results) -> list[str]:
    """Run the programs, print the table and the ratio targets; return misses."""
    print(f"\n{'program':<12} {'sema (s)':>9} {'python (s)':>11} {'sema/python':>12}  result")
    rows = []
    for scm in selected:
        row = bench_program(scm, bench / "py" / f"{scm.stem}.py", args.repeat, args.timeout)
        print_row(row)
        rows.append(row)
    s = summarize(rows)
    results["programs"] = [{"name": r.name, "sema_s": r.sema_s, "python_s": r.python_s,
                            "ratio": r.ratio, "status": r.status, "detail": r.detail,
                            "sema_runs": r.sema, "python_runs": r.python} for r in rows]
    results["summary"] = s
    worst = f" ({s['max_ratio_program']})" if s["max_ratio_program"] else ""
    print(f"\ngeometric mean of ratios: {fmt(s['geomean'], '.2f')}   target <= {GEOMEAN_TARGET}"
          f"   {verdict(s['geomean_met'])}")
    print(f"max ratio:                {fmt(s['max_ratio'], '.2f')}{worst}   "
          f"target <= {MAX_RATIO_TARGET}   {verdict(s['max_ratio_met'])}")
    if s["measured"] < s["programs"]:
        print(f"    (ratios of only {s['measured']} of {s['programs']} programs: "
              "the rest failed, so both ratio targets count as MISSED)")
    print("outputs:                  " + ("all OK   met" if s["outputs_met"] else
                                          f"not OK: {', '.join(s['not_ok'])}   MISSED"))
    return [k for k, ok in (("geomean", s["geomean_met"]), ("max ratio", s["max_ratio_met"]),
                            ("outputs", s["outputs_met"])) if not ok]


def report_startup(args, results) -> list[str]:
    """Measure and print start-up; return misses."""
    st = results["startup"] = bench_startup(args.repeat, args.timeout)
    sema = "failed" if st["sema_s"] is None else f"{st['sema_s']:.3f} s"
    print(f"\nstart-up: sema -e '(+ 1 2)' {sema}, python -c pass {fmt(st['python_s'])} s   "
          f"target sema <= {STARTUP_TARGET_S} s   {verdict(st['met'])}")
    if st["detail"]:
        print(indent(st["detail"]))
    return [] if st["met"] else ["start-up"]


def report_reader(bench: Path, args, results) -> list[str]:
    """Measure and print reader throughput; return misses."""
    rd = results["reader"] = bench_reader(bench, args.repeat, args.timeout)
    if "error" in rd:
        print(f"\nreader: {rd['error']}   target >= {READER_TARGET_MBS} MB/s   MISSED")
    else:
        note = "" if rd["forms_ok"] else f" (expected {PARSE_DATA_FORMS} forms)"
        print(f"\nreader: parse-data.scm {rd['bytes'] / 1e6:.2f} MB, {rd['forms']} forms{note}, "
              f"{fmt(rd['seconds'])} s: {fmt(rd['mb_per_s'], '.2f')} MB/s   "
              f"target >= {READER_TARGET_MBS} MB/s   {verdict(rd['met'])}")
    if rd.get("sha256_matches_readme") is False:
        print(f"    warning: {rd['file']} differs from the README's sha256 (delete it to regenerate)")
    return [] if rd["met"] else ["reader"]


def report_weak_spots(names, args, results) -> list[str]:
    """Run and print the weak-spot programs; return misses."""
    print(f"\nweak spots of Rust Sema (time inside the program, (time-ms), median of {args.repeat}):")
    missed, results["weak_spots"] = [], []
    with tempfile.TemporaryDirectory(prefix="sema-bench-") as tmp:
        for name in names:
            w = bench_weak_spot(name, Path(tmp), args.repeat, args.timeout)
            results["weak_spots"].append(w)
            ms = "failed" if w["ms"] is None else f"{w['ms']:.1f} ms"
            print(f"  {name:<11} {w['what']:<42} {ms:>10}   target < {WEAK_TARGET_MS:.0f} ms"
                  f"   {verdict(w['met'])}", flush=True)
            if w["detail"]:
                print(indent(w["detail"], "      "))
            missed += [] if w["met"] else [name]
    return missed


def parse_args(argv):
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="shared bench folder (default: $SEMA_BENCH_DIR, "
                                     "else ../shared/bench next to the repo)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    ap.add_argument("--only", nargs="+", metavar="NAME",
                    help="run only these: program names (fib, ...), startup, reader, "
                         + ", ".join(WEAK_SPOTS))
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds before one run is abandoned (default 300)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    return args


def locate_bench(arg: str | None) -> Path:
    """--shared, else $SEMA_BENCH_DIR, else ../shared/bench beside the repo."""
    raw = arg or os.environ.get("SEMA_BENCH_DIR") or str(REPO.parent / "shared" / "bench")
    bench = Path(raw).expanduser().resolve()
    if not bench.is_dir() or not any(bench.glob("*.scm")):
        sys.exit(f"run.py: no benchmark programs (*.scm) in {bench}\n"
                 "Pass --shared PATH or set SEMA_BENCH_DIR to the shared bench folder.")
    return bench


def main(argv=None) -> int:
    """Run the selected sections and print the report; always 0 once running."""
    args = parse_args(argv)
    bench = locate_bench(args.shared)
    programs = sorted(bench.glob("*.scm"))
    known = [p.stem for p in programs] + ["startup", "reader"] + list(WEAK_SPOTS)
    if args.only:
        unknown = [n for n in args.only if n.removesuffix(".scm") not in known]
        if unknown:
            sys.exit(f"run.py: unknown name(s) {', '.join(unknown)}; choose from: {' '.join(known)}")
    wanted = set(n.removesuffix(".scm") for n in args.only) if args.only else set(known)
    results = {"python": sys.version.split()[0], "executable": sys.executable,
               "platform": platform.platform(), "cpus": os.cpu_count(),
               "date": time.strftime("%Y-%m-%d %H:%M:%S"), "bench_dir": str(bench),
               "sema_command": sema_command(), "repeat": args.repeat}
    missed = []

    print(f"sema benchmarks: Python {results['python']} ({sys.executable}), "
          f"{args.repeat} run{'s' if args.repeat > 1 else ''} each, medians of whole-process wall time")
    print(f"bench folder: {bench}")
    print(f"sema command: {shlex.join(sema_command())}"
          + ("   (from SEMA_BENCH_CMD)" if os.environ.get("SEMA_BENCH_CMD", "").strip() else ""))

    selected = [p for p in programs if p.stem in wanted]
    if selected:
        missed += report_programs(bench, selected, args, results)
    if "startup" in wanted:
        missed += report_startup(args, results)
    if "reader" in wanted:
        missed += report_reader(bench, args, results)
    weak = [n for n in WEAK_SPOTS if n in wanted]
    if weak:
        missed += report_weak_spots(weak, args, results)

    results["missed"] = missed
    print("\n" + ("all targets met" if not missed else "MISSED: " + ", ".join(missed)))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
