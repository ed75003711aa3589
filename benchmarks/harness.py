"""Timing whole processes: the sema command line, one timed run, output checks.

Every figure of run.py comes from `timed`: wall time of one child process
taken with perf_counter around it, the child's stdout and exit code kept so
that a wrong answer is never reported as a speed.
"""
from __future__ import annotations

import difflib
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


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

    def as_json(self) -> dict:
        return {"seconds": self.seconds, "code": self.code}


def median(xs):
    """Median of the non-None values, or None when there are none."""
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def geomean(xs):
    """Geometric mean of positive numbers, or None for none."""
    xs = list(xs)
    if not xs:
        return None
    return statistics.geometric_mean(xs)


def console_script() -> Path | None:
    """The `sema` console script installed next to the running interpreter, if any."""
    folder = Path(sys.executable).parent
    for name in ("sema", "sema.exe"):
        if (folder / name).is_file():
            return folder / name
    return None


def sema_command() -> tuple[list[str], str]:
    """The command that runs sema and where it came from.

    $SEMA_BENCH_CMD (split like a shell would) wins; else the `sema` console
    script beside sys.executable, the way a user runs an installed sema; else
    `sys.executable -m sema`.
    """
    override = os.environ.get("SEMA_BENCH_CMD", "").strip()
    if override:
        return shlex.split(override), "from SEMA_BENCH_CMD"
    script = console_script()
    if script is not None:
        return [str(script)], "the console script next to sys.executable"
    return [sys.executable, "-m", "sema"], "no console script next to sys.executable"


def child_env() -> dict:
    """Environment for children: this checkout's sema first on the path."""
    env = dict(os.environ)
    # Measure sema as a user runs it: with its modules byte-compiled (pip does
    # that on install).  Some sandboxes set PYTHONDONTWRITEBYTECODE, which would
    # make every run recompile sema from source and time the compiler instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # PYTHONPATH comes before site-packages (and before an editable install's
    # finder), so the console script of another checkout still runs this one.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def use_private_code_cache(folder: Path) -> str:
    """Point sema's compiled-code cache at FOLDER unless the caller chose; say which.

    sema caches the code it compiles (the prelude too) and a user's second run
    loads it: that is the state measured, after one untimed warm-up run of each
    command. A private folder keeps the user's cache out of it and theirs clean.
    """
    if os.environ.get("SEMA_NO_CACHE", "").strip():
        return "off (SEMA_NO_CACHE is set): every run compiles"
    if os.environ.get("SEMA_CACHE_DIR", "").strip():
        return f"{os.environ['SEMA_CACHE_DIR']} (from SEMA_CACHE_DIR), warmed by one untimed run of each command"
    os.environ["SEMA_CACHE_DIR"] = str(folder)
    return "a private temporary folder, warmed by one untimed run of each command"


def timed(cmd, cwd, timeout) -> Run:
    """Run CMD once and time the whole process with perf_counter."""
    posix = os.name == "posix"
    env = child_env()
    t0 = time.perf_counter()
    try:
        # own session, so a timeout can kill a wrapper's children too
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
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
