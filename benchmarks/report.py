"""Printing run.py's tables and verdicts; each printer returns the targets it missed."""
from __future__ import annotations

import shlex

from benchmarks import probes, scaling, suite


def fmt(x, spec=".3f", none="-"):
    """Format a number, or NONE when it is missing."""
    return none if x is None else format(x, spec)


def ratio(x) -> str:
    return "-" if x is None else f"{x:.2f}x"


def verdict(ok: bool) -> str:
    """`met` or a loud `MISSED`."""
    return "met" if ok else "MISSED"


def indent(text: str, pad="    ") -> str:
    """Indent every line of TEXT (diffs and stderr under a row)."""
    return "\n".join(pad + ln for ln in text.splitlines())


PROGRAM_HEADER = (f"{'program':<15} {'set':<6} {'sema (s)':>9} {'python (s)':>10} {'whole':>7}"
                  f" {'sema work':>10} {'py work':>8} {'work':>7}  result")


def print_program_header() -> None:
    print("\nprograms: whole = whole-process wall time, work = whole minus that side's start-up"
          " (seconds, medians)")
    print(PROGRAM_HEADER)


def print_row(row: suite.Row) -> None:
    """One aligned table row, then any diff or error below it."""
    print(f"{row.name:<15} {row.set:<6} {fmt(row.sema_s):>9} {fmt(row.python_s):>10}"
          f" {ratio(row.whole_ratio):>7} {fmt(row.sema_work):>10} {fmt(row.python_work):>8}"
          f" {ratio(row.work_ratio):>7}  {row.status}", flush=True)
    if row.detail:
        print(indent(row.detail), flush=True)


def print_startup_subtracted(startup: suite.Startup) -> None:
    n = len(startup.runs["sema"])
    print(f"start-up subtracted: {shlex.join(startup.sema_cmd)} empty.scm {fmt(startup.median('sema'))} s, "
          f"python empty.py {fmt(startup.median('python'))} s "
          f"(medians of {n} run{'s' if n != 1 else ''} each, one after every round of every program)")
    for side, text in startup.problems.items():
        if text:
            print(indent(text))


def print_summary(label: str, s: dict, with_targets: bool) -> list[str]:
    """The geometric means and maxima of one set of programs; return its misses."""
    n = len(s["programs"])
    v = s["verdicts"]
    print(f"{label} ({n} program{'s' if n != 1 else ''})"
          + ("" if with_targets else ", no targets of their own: they count in 'all'") + ":")
    work_max = f"{fmt(s['work_max'], '.2f')}" + (f" ({s['work_max_program']})" if s["work_max_program"] else "")
    whole_max = f"{fmt(s['whole_max'], '.2f')}" + (f" ({s['whole_max_program']})" if s["whole_max_program"] else "")
    if with_targets:
        print(f"  work ratio:  geomean {fmt(s['work_geomean'], '.2f'):>5}  target <= {suite.WORK_GEOMEAN_TARGET}"
              f"  {verdict(v['work_geomean']):<6}   max {work_max:<22} target <= {suite.WORK_MAX_TARGET}"
              f"  {verdict(v['work_max'])}")
        print(f"  whole ratio: geomean {fmt(s['whole_geomean'], '.2f'):>5}  target <= {suite.WHOLE_GEOMEAN_TARGET}"
              f"  {verdict(v['whole_geomean']):<6}   max {whole_max}")
    else:
        print(f"  work ratio:  geomean {fmt(s['work_geomean'], '.2f'):>5}   max {work_max}")
        print(f"  whole ratio: geomean {fmt(s['whole_geomean'], '.2f'):>5}   max {whole_max}")
    if s["measured_work"] < n or s["measured_whole"] < n:
        print(f"  (work ratios of {s['measured_work']}, whole ratios of {s['measured_whole']} of {n} programs:"
              " the rest failed, so their ratio targets count as MISSED)")
    if not with_targets:
        return []
    names = {"work_geomean": "work geomean", "work_max": "work max", "whole_geomean": "whole geomean"}
    return [f"{label}: {names[k]}" for k in names if not v[k]]


def print_outputs(rows) -> list[str]:
    bad = [r.name for r in rows if r.status != "OK"]
    print("outputs: " + ("all OK   met" if not bad else f"not OK: {', '.join(bad)}   MISSED"))
    return [] if not bad else ["outputs"]


def print_startup(st: dict) -> list[str]:
    sema = "failed" if st["sema_s"] is None else f"{st['sema_s']:.3f} s"
    gap = "" if st["sema_s"] is None or st["python_s"] is None else \
        f" (sema - python {st['sema_s'] - st['python_s']:.3f} s)"
    print(f"\nstart-up: sema -e '(+ 1 2)' {sema}, python -c pass {fmt(st['python_s'])} s{gap}   "
          f"target sema <= {probes.STARTUP_TARGET_S} s   {verdict(st['met'])}")
    if st["detail"]:
        print(indent(st["detail"]))
    return [] if st["met"] else ["start-up"]


def print_reader(rd: dict) -> list[str]:
    target = f"target >= {probes.READER_TARGET_MBS} MB/s"
    if "error" in rd:
        print(f"\nreader: {rd['error']}   {target}   MISSED")
    else:
        note = "" if rd["forms_ok"] else f" (expected {probes.PARSE_DATA_FORMS} forms)"
        print(f"\nreader: parse-data.scm {rd['bytes'] / 1e6:.2f} MB, {rd['forms']} forms{note}, "
              f"{fmt(rd['seconds'])} s: {fmt(rd['mb_per_s'], '.2f')} MB/s   {target}   {verdict(rd['met'])}")
    if rd.get("sha256_matches_readme") is False:
        print(f"    warning: {rd['file']} differs from the README's sha256 (delete it to regenerate)")
    return [] if rd["met"] else ["reader"]


def print_scaling_header(repeat: int) -> None:
    print(f"\nscaling: time inside each program (sema (sys/elapsed), twin time.perf_counter), "
          f"ms, median of {repeat}")
    print(f"  {'row':<15} {'what':<46} {'sema ms':>9} {'twin ms':>9} {'ratio':>7}"
          f"  target <= {scaling.RATIO_TARGET}x")


def print_scaling(sc: dict) -> list[str]:
    print(f"  {sc['name']:<15} {sc['what']:<46} {fmt(sc['sema_ms'], '.1f'):>9} {fmt(sc['twin_ms'], '.1f'):>9}"
          f" {ratio(sc['ratio']):>7}  {verdict(sc['met'])}", flush=True)
    extra = [f"twin: {sc['twin_what']}"]
    for label, ms in sc["references"].items():
        rel = "" if ms is None or sc["sema_ms"] is None else f", sema/reference {sc['sema_ms'] / ms:.2f}x"
        extra.append(f"reference (no verdict): {label} {fmt(ms, '.1f')} ms{rel}")
    print(indent("; ".join(extra), "      "))
    for side, text in sc["problems"].items():
        print(indent(text, "      "))
    return [] if sc["met"] else [sc["name"]]
