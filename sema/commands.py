"""Subcommands of the ``sema`` command: ``check``, ``doc``, ``fmt``, ``test``, ``login`` and ``serve``."""

from __future__ import annotations

import sys


def run_command(name: str, args: list[str]) -> int:
    try:
        if name == "check":
            return check(args)
        if name == "doc":
            return doc(args)
        if name == "fmt":
            from .fmt import main as fmt_main
            return fmt_main(args)
        if name == "test":
            from .testing import main as test_main
            return test_main(args)
        if name == "login":
            from .llm.gateway_builtins import main as login_main
            return login_main(args)
        if name == "serve":
            from .serve.command import main as serve_main
            return serve_main(args)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    sys.stderr.write(f"sema: unknown command {name}\n")
    return 2


def check(args: list[str]) -> int:
    """Read and macro-expand every form of each file without running it; then look for likely mistakes.

    Errors (a form that cannot be read or expanded) exit 1; warnings (a call
    with the wrong number of arguments, a name bound nowhere: see
    ``sema.analysis``) are printed with their positions and exit 0, or 1
    with ``--strict``.
    """
    from .analysis import analyze
    from .diagnostics import caret_snippet, report
    from .errors import SemaError
    from .interpreter import Interpreter
    from .reader import read_all
    from .runtime.modules import read_source

    strict = "--strict" in args
    paths = [a for a in args if a != "--strict"]
    if not paths or any(p.startswith("-") for p in paths):
        sys.stderr.write("usage: sema check [--strict] FILE...\n")
        return 2
    status = 0
    warnings = 0
    for path in paths:
        interp = Interpreter(llm=False)
        interp.on_warning = lambda message: None  # the compile pass's own notes are not findings
        try:
            interp._check_file(path)
            found = analyze(interp, path, read_all(read_source(path, "check"), path))
        except SemaError as exc:
            status = report(exc)
            continue
        for w in found:
            lines = [str(w)] + (caret_snippet(w.span) if w.span is not None else [])
            sys.stdout.write("\n".join(lines) + "\n")
        warnings += len(found)
    if status == 0:
        files = f"{len(paths)} file{'s' if len(paths) != 1 else ''} checked"
        tail = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        sys.stdout.write(f"{'ok' if not warnings else 'done'}: {files}{tail}\n")
        if strict and warnings:
            status = 1
    return status


def doc(names: list[str]) -> int:
    from .interpreter import Interpreter
    from .values import Symbol

    if len(names) != 1:
        sys.stderr.write("usage: sema doc NAME\n")
        return 2
    interp = Interpreter(llm=False)
    text = interp.doc_text(Symbol(names[0]))
    sys.stdout.write(text + "\n")
    return 0 if not text.startswith("no documentation") else 1
