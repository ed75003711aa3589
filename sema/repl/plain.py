"""The plain REPL used when standard input is not a terminal: no prompt, no escape codes.

Lines are gathered until the reader says the input is complete; each result
is printed in ``write`` form (nil prints nothing); errors are printed to
stderr and reading goes on.  The exit code is 1 if any form failed.
"""

from __future__ import annotations

import sys

from ..errors import ExitRequest, IncompleteInput, SemaError, render
from ..values import write_str


def plain_repl(interp, stdin, stdout) -> int:
    from ..reader import read_all

    status = 0
    buffer = ""
    line_no = 0
    start_line = 1
    for line in stdin:
        line_no += 1
        if not buffer.strip():
            start_line = line_no
        buffer += line
        try:
            forms = read_all(buffer, "<stdin>")
        except IncompleteInput:
            continue
        except SemaError as exc:
            sys.stderr.write(render(exc) + "\n")
            status = 1
            buffer = ""
            continue
        buffer = ""
        for form in forms:
            try:
                from ..interpreter import run_with_deep_stack
                value = run_with_deep_stack(interp.eval_forms, [form], "<stdin>")
            except ExitRequest as exc:
                return exc.code
            except SemaError as exc:
                sys.stderr.write(render(exc) + "\n")
                status = 1
                continue
            if value is not None:
                stdout.write(write_str(value) + "\n")
                stdout.flush()
    if buffer.strip():
        sys.stderr.write(f"<stdin>:{start_line}: error: unexpected end of input (an unclosed form)\n")
        status = 1
    del start_line
    return status
