"""Running generated programs and classifying what happened.

An input may end in a value, a Lisp error (a ``SemaError``), a timeout, or a
*failure*: any other Python exception, which is a bug of sema (a crash, an
internal error, invalid generated Python).  The interpreter used is
sandboxed with ``allow="strict"`` (issue 13: no files, network, programs,
environment, LLMs, Python or exit; each is a Lisp permission error), with
output and memory limits, and runs in a scratch folder.

Long run (issue 7; prints counts per outcome and the failures)::

    python -m tests.fuzz.runner --count 100000
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import os
import re
import sys
import tempfile
import time

from tests.fuzz.generators import FAMILIES, generate

TIMEOUT = 2.0
#: a fresh interpreter after this many inputs (user code may redefine anything)
RENEW = 150

#: words of Python, not of Lisp, that must not appear in a Lisp error message (issue 7)
PYTHON_ISMS = re.compile(
    r"(?<![\w/?!*<>=-])(int|str|dict|tuple|bool|NoneType|Pair|ArrayList|Fraction)(?![\w/?!*<>=:-])"
    r"|object has no attribute|positional argument|keyword argument|not subscriptable|unhashable|Errno|"
    r"Expecting |__[a-z]\w*__|Traceback|<function |<built-in|0x[0-9a-f]{6,}|index-sized")


def python_words(message: str, source: str) -> bool:
    """True if ``message`` speaks Python (a word the input itself wrote does not count)."""
    return any(m.group(0) not in source for m in PYTHON_ISMS.finditer(message))


#: waiting is no capability, but an input must not spend its time budget asleep
SLEEPERS = ("sleep", "async/sleep")


def _no_sleep(*args):
    return None


def make_interpreter():
    from sema.interpreter import Interpreter
    interp = Interpreter(llm=False, allow="strict", max_output=1_000_000, max_memory=_memory_limit())
    interp.on_warning = lambda message: None
    for name in SLEEPERS:
        interp.register_function(name, _no_sleep, convert=False)
    return interp


def _memory_limit() -> int | None:
    from sema.runtime.limits import resident_size
    return 1 << 30 if resident_size() is not None else None


class Runner:
    """Evaluates inputs one by one in a sandboxed interpreter, renewing it now and then."""

    def __init__(self):
        self.interp = None
        self.used = 0
        self.scratch = tempfile.mkdtemp(prefix="sema-fuzz-")

    def outcome(self, text: str) -> tuple[str, BaseException | None]:
        """("value" | "error:<kind>" | "timeout" | "failure:<type>", the exception if any)."""
        from sema.errors import EvalCancelledError, EvalTimeoutError, ExitRequest, ResourceLimitError, SemaError
        if self.interp is None or self.used >= RENEW:
            self.interp = make_interpreter()
            self.used = 0
        self.used += 1
        cwd = os.getcwd()
        os.chdir(self.scratch)
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                self.interp.eval(text, filename="fuzz.scm", timeout=TIMEOUT)
            return "value", None
        except (EvalTimeoutError, EvalCancelledError) as exc:
            self.interp = None  # it may hold a runaway state
            return "timeout", exc
        except ResourceLimitError as exc:
            self.interp = None
            return f"limit:{exc.resource}", exc
        except SemaError as exc:
            if exc.kind != "user" and python_words(exc.message, text):
                return "failure:python-words-in-message", exc
            return f"error:{exc.kind}", exc
        except ExitRequest as exc:
            return "exit", exc
        except RecursionError as exc:
            return "failure:RecursionError", exc
        except Exception as exc:
            self.interp = None
            return f"failure:{type(exc).__name__}", exc
        finally:
            os.chdir(cwd)


def run(count: int, families=None, start: int = 0, report_every: int = 0):
    """Run ``count`` inputs round-robin over the families; (counts, failures)."""
    families = list(families or FAMILIES)
    runner = Runner()
    counts: dict = collections.Counter()
    failures = []
    began = time.monotonic()
    for i in range(start, start + count):
        family = families[i % len(families)]
        text = generate(family, i)
        kind, exc = runner.outcome(text)
        counts[(family, kind.split(":")[0] if kind.startswith("error") else kind)] += 1
        counts[("all", kind)] += 1
        if kind.startswith("failure"):
            failures.append((family, i, kind, text, exc))
        if report_every and (i - start + 1) % report_every == 0:
            rate = (i - start + 1) / (time.monotonic() - began)
            print(f"... {i - start + 1} inputs, {len(failures)} failures, {rate:.0f}/s", file=sys.stderr)
    return counts, failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz sema with generated programs.")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES))
    parser.add_argument("--show", type=int, default=20, help="failures to print")
    args = parser.parse_args(argv)
    began = time.monotonic()
    counts, failures = run(args.count, args.family, args.start, report_every=5000)
    elapsed = time.monotonic() - began
    print(f"{args.count} inputs in {elapsed:.0f} s ({args.count / elapsed:.0f}/s)")
    print("outcomes by family:")
    for (family, kind), n in sorted(counts.items()):
        if family != "all":
            print(f"  {family:9} {kind:10} {n}")
    print("all outcomes:")
    for (family, kind), n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if family == "all":
            print(f"  {kind:28} {n}")
    seen = set()
    for family, seed, kind, text, exc in failures:
        key = (kind, str(exc)[:60])
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > args.show:
            break
        print(f"\n[{family} seed {seed}] {kind}: {str(exc)[:300]}\n  input: {text[:300]!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
