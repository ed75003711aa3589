"""Subcommands of the ``sema`` command: ``check``, ``doc``, ``fmt``, ``login`` and ``serve``."""

from __future__ import annotations

import sys


def run_command(name: str, args: list[str]) -> int:
    if name == "check":
        return check(args)
    if name == "doc":
        return doc(args)
    if name == "fmt":
        from .fmt import main as fmt_main
        return fmt_main(args)
    if name == "login":
        from .llm.gateway_builtins import main as login_main
        return login_main(args)
    if name == "serve":
        from .serve.command import main as serve_main
        return serve_main(args)
    sys.stderr.write(f"sema: unknown command {name}\n")
    return 2


def check(paths: list[str]) -> int:
    """Read and macro-expand every form of each file without running it."""
    from .diagnostics import report
    from .errors import SemaError
    from .interpreter import Interpreter

    if not paths:
        sys.stderr.write("usage: sema check FILE...\n")
        return 2
    status = 0
    interp = Interpreter(llm=False)
    for path in paths:
        try:
            interp.check_file(path)
        except SemaError as exc:
            status = report(exc)
    if status == 0:
        sys.stdout.write(f"ok: {len(paths)} file{'s' if len(paths) != 1 else ''} checked\n")
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
