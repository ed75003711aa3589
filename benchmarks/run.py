#!/usr/bin/env python3
"""Measure sema against CPython: programs, start-up, reader, scaling.

Usage:
    python benchmarks/run.py [--shared PATH] [--repeat N] [--only NAME...]
                             [--timeout SECONDS] [--json FILE]

Every program of the shared bench folder and of benchmarks/programs/ runs
under sema and as its CPython twin, alternately, N times each; each row
shows the median whole-process wall time of both sides, their work time
(whole minus that side's start-up: an empty file through the same command
line) and both ratios, and whether sema's stdout matches the program's
`;; Expected output:` header. Then start-up (`sema -e '(+ 1 2)'` against
`python -c pass`), reader throughput on parse-data.scm, and the scaling rows
timed inside the programs. Every target of issue 12 is printed met/MISSED.

sema runs as the `sema` console script next to sys.executable when there is
one, else as `sys.executable -m sema`; SEMA_BENCH_CMD (split with shlex)
replaces either. See benchmarks/README.md for the definitions. It is a
measurement tool: the exit code is 0 even when targets are missed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:            # run as a script from anywhere: import the package
    sys.path.insert(0, str(REPO))

from benchmarks import probes, report, scaling, suite  # noqa: E402
from benchmarks.harness import sema_command, use_private_code_cache  # noqa: E402

GROUPS = ("programs", "shared", "own", "startup", "reader", "scaling")


def parse_args(argv):
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="shared bench folder (default: $SEMA_BENCH_DIR, "
                                     "else ../shared/bench next to the repo)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    ap.add_argument("--only", nargs="+", metavar="NAME",
                    help="run only these: program names (fib, interp, ...), the groups "
                         + ", ".join(GROUPS) + ", or scaling rows (" + ", ".join(scaling.NAMES) + ")")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds before one run is abandoned (default 300)")
    ap.add_argument("--json", metavar="FILE", help="also write every run and result as JSON")
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


def select(only, programs):
    """The programs, sections and scaling rows that --only names (all without it)."""
    known = list(dict.fromkeys([p.name for p in programs] + list(GROUPS) + scaling.NAMES))
    wanted = {n.removesuffix(".scm") for n in only} if only else set(GROUPS)
    unknown = sorted(wanted - set(known))
    if unknown:
        sys.exit(f"run.py: unknown name(s) {', '.join(unknown)}; choose from: {' '.join(known)}")
    chosen = [p for p in programs
              if {p.name, p.set, "programs"} & wanted]
    rows = [r for r in scaling.ROWS if {r.name, "scaling"} & wanted]
    return chosen, "startup" in wanted, "reader" in wanted, rows


def editable_finders() -> list[str]:
    """The editable installs' import finders this interpreter loaded at start-up (from .pth files)."""
    return sorted(name for name in sys.modules if name.startswith("__editable__"))


def machine_info() -> dict:
    """What the figures were taken on, for comparing runs in history."""
    def git(*a):
        p = subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True)
        return p.stdout.strip() if p.returncode == 0 else None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"python": sys.version.split()[0], "executable": sys.executable,
            "editable_install_finder": editable_finders(),
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "date": time.strftime("%Y-%m-%d %H:%M:%S"), "repo": str(REPO),
            "commit": git("rev-parse", "HEAD"), "dirty": None if status is None else bool(status)}


def run_programs(programs, sema_cmd, tmp, args, results) -> list[str]:
    """The program table, the start-up it subtracted and the summaries; return misses."""
    startup = suite.Startup(tmp, sema_cmd)
    report.print_program_header()
    rows = []
    for prog in programs:
        row = suite.bench_program(prog, sema_cmd, startup, args.repeat, args.timeout)
        rows.append(row)
        if sys.stderr.isatty():          # progress, since the rows print at the end
            print(f"  {row.name} done ({len(rows)}/{len(programs)})\033[K", end="\r", file=sys.stderr, flush=True)
    # work times need the pooled start-up, so the rows are printed once all ran
    suite.apply_startup(rows, startup)
    if sys.stderr.isatty():
        print("\033[K", end="", file=sys.stderr, flush=True)
    for row in rows:
        report.print_row(row)
    report.print_startup_subtracted(startup)
    sets = {"all": rows, "shared": [r for r in rows if r.set == "shared"],
            "own": [r for r in rows if r.set == "own"]}
    summaries, missed = {}, []
    print()
    for label, members in sets.items():
        if not members:
            continue
        summaries[label] = suite.summarize(members)
        missed += report.print_summary(label, summaries[label], with_targets=label != "own")
    missed += report.print_outputs(rows)
    results["programs"] = [r.as_json() for r in rows]
    results["startup_subtracted"] = startup.as_json()
    results["summary"] = summaries
    return missed


def run_scaling(rows, sema_cmd, tmp, args, results) -> list[str]:
    report.print_scaling_header(args.repeat)
    missed, results["scaling"] = [], []
    for row in rows:
        sc = scaling.bench_scaling(row, sema_cmd, tmp / "scaling", args.repeat, args.timeout)
        results["scaling"].append(sc)
        missed += report.print_scaling(sc)
    return missed


def main(argv=None) -> int:
    """Run the selected sections and print the report; always 0 once running."""
    args = parse_args(argv)
    bench = locate_bench(args.shared)
    programs, want_startup, want_reader, scaling_rows = select(args.only, suite.discover(bench))
    sema_cmd, origin = sema_command()
    results = {"machine": machine_info(), "bench_dir": str(bench), "own_dir": str(suite.OWN_DIR),
               "sema_command": sema_cmd, "sema_command_origin": origin, "repeat": args.repeat,
               "targets": {"work_geomean": suite.WORK_GEOMEAN_TARGET, "work_max": suite.WORK_MAX_TARGET,
                           "whole_geomean": suite.WHOLE_GEOMEAN_TARGET,
                           "startup_s": probes.STARTUP_TARGET_S, "reader_mb_per_s": probes.READER_TARGET_MBS,
                           "scaling_ratio": scaling.RATIO_TARGET}}
    m = results["machine"]
    print(f"sema benchmarks: Python {m['python']} ({sys.executable}), "
          f"{args.repeat} run{'s' if args.repeat > 1 else ''} of each side, medians")
    print(f"bench folder: {bench}   own programs: {suite.OWN_DIR}")
    print(f"sema command: {shlex.join(sema_cmd)}   ({origin})")
    if m["editable_install_finder"]:
        # measured: python -c pass 26 ms instead of 10 ms (the finder imports pathlib, re...)
        print("warning: this interpreter imports an editable install's finder at every start"
              f" ({', '.join(m['editable_install_finder'])}), which slows every process of both sides"
              " and flatters sema's whole-process ratios: measure from a venv with `pip install .`")
    missed = []
    with tempfile.TemporaryDirectory(prefix="sema-bench-") as tmp:
        results["code_cache"] = use_private_code_cache(Path(tmp) / "code-cache")
        print(f"compiled-code cache: {results['code_cache']}")
        if programs:
            missed += run_programs(programs, sema_cmd, Path(tmp), args, results)
        if want_startup:
            results["startup"] = probes.bench_startup(sema_cmd, args.repeat, args.timeout)
            missed += report.print_startup(results["startup"])
        if want_reader:
            results["reader"] = probes.bench_reader(bench, args.repeat, args.timeout)
            missed += report.print_reader(results["reader"])
        if scaling_rows:
            missed += run_scaling(scaling_rows, sema_cmd, Path(tmp), args, results)

    results["missed"] = missed
    print("\n" + ("all targets met" if not missed else "MISSED: " + ", ".join(missed)))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
