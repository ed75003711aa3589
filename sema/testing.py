"""``sema test [PATHS]``: run the ``deftest`` forms of Lisp test files, without pytest.

A path is a file (run as given) or a folder (its ``test*.scm`` and
``*_test.scm`` files, recursively; ``tests/`` or the current folder when no
path is given).  Each file runs in a fresh interpreter, which registers its
``deftest``s; then each test runs, and passes unless it raises.  A failure
is printed as a rendered sema error at its ``file:line``.  The last line is
the summary, ``3 passed, 1 failed in 0.12 s``; the exit code is 0 when
everything passed, 1 when a test (or a file) failed, 2 when no test was
found or the arguments are wrong.
"""

from __future__ import annotations

import os
import sys
import time

USAGE = "usage: sema test [-k TEXT] [-x] [-q] [PATH...]"


def find_files(paths: list[str]) -> list[str]:
    """The test files named by ``paths`` (files as given, folders searched), in a stable order."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
                for name in sorted(files):
                    if name.endswith((".scm", ".sema")) and (name.startswith("test") or
                                                             name.rsplit(".", 1)[0].endswith("_test")):
                        out.append(os.path.normpath(os.path.join(root, name)))
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def main(args: list[str], stdout=None, stderr=None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    pattern, stop_first, quiet, paths = None, False, False, []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-k" and i + 1 < len(args):
            pattern = args[i + 1]
            i += 1
        elif a in ("-x", "--exitfirst"):
            stop_first = True
        elif a in ("-q", "--quiet"):
            quiet = True
        elif a in ("-h", "--help"):
            out.write(USAGE + "\n")
            return 0
        elif a.startswith("-"):
            err.write(f"sema test: unknown option {a}\n{USAGE}\n")
            return 2
        else:
            paths.append(a)
        i += 1
    if not paths:
        paths = ["tests"] if os.path.isdir("tests") else ["."]
    for p in paths:
        if not os.path.exists(p):
            err.write(f"sema test: no such file or folder: {p}\n")
            return 2
    files = find_files(paths)
    return Run(out, err, pattern, stop_first, quiet).files(files)


class Run:
    """One ``sema test`` run: counts, and what it prints."""

    def __init__(self, out, err, pattern, stop_first, quiet):
        self.out, self.err = out, err
        self.pattern, self.stop_first, self.quiet = pattern, stop_first, quiet
        self.passed = self.failed = self.errors = 0

    def files(self, files: list[str]) -> int:
        began = time.perf_counter()
        for path in files:
            if not self.file(path) and self.stop_first:
                break
        elapsed = time.perf_counter() - began
        total = self.passed + self.failed
        if total == 0 and self.errors == 0:
            self.out.write(f"no tests found in {len(files)} file{'s' if len(files) != 1 else ''}\n")
            return 2
        parts = [f"{self.passed} passed"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.errors:
            parts.append(f"{self.errors} file{'s' if self.errors != 1 else ''} could not run")
        self.out.write(", ".join(parts) + f" in {elapsed:.2f} s\n")
        self.out.flush()
        return 0 if not self.failed and not self.errors else 1

    def file(self, path: str) -> bool:
        """Run one file's tests; False if something failed."""
        from .diagnostics import render
        from .errors import SemaError
        from .interpreter import Interpreter
        from .runtime.worker import run_with_deep_stack

        try:
            interp = Interpreter(llm=False, allow="all")
            interp.load_file(path)
        except SemaError as exc:
            self.errors += 1
            self.err.write(f"ERROR {path}: the file could not run\n{render(exc)}\n")
            return False
        ok = True
        if not self.quiet:
            self.out.write(f"{path}\n")
        for name, thunk, file, line in interp.tests:
            if self.pattern is not None and self.pattern.lower() not in str(name).lower():
                continue
            try:
                run_with_deep_stack(interp._run, thunk)
            except SemaError as exc:
                self.failed += 1
                ok = False
                self.out.write(f"  FAIL {name}  ({file}:{line})\n")
                self.err.write(render(exc) + "\n")
                if self.stop_first:
                    return False
                continue
            self.passed += 1
            if not self.quiet:
                self.out.write(f"  ok   {name}\n")
        self.out.flush()
        return ok
