"""The ``sema`` command.

::

    sema [OPTIONS] [FILE] [--] [ARGS...]

Exit codes: 0 success, 1 a Lisp error (printed as a rendered sema error),
2 a usage error, 70 an internal error of sema itself (printed with its
Python traceback, to be reported), 130 interrupted.  ``(exit N)`` exits
with N.
"""

from __future__ import annotations

import os
import sys

USAGE = """\
usage: sema [OPTIONS] [FILE] [--] [ARGS...]
       sema check [--strict] FILE...  read and expand without running; warn about
                               wrong argument counts and names bound nowhere
       sema doc NAME           show the documentation of NAME
       sema fmt [--check] FILE...
       sema test [-k TEXT] [-x] [-q] [PATH...]  run the deftests of test*.scm files
       sema login qwen         sign in to Qwen (OAuth device flow)
       sema serve [OPTIONS]    an OpenAI-compatible caching proxy (sema serve --help)

options:
  -e, --eval EXPR      evaluate EXPR and print its value unless it is nil
  -p, --print EXPR     evaluate EXPR and always print its value
  -l, --load FILE      load FILE first (repeatable)
  -i, --interactive    start the REPL after running FILE / -e / -l
  -q, --quiet          no banner in the REPL
      --sandbox MODE   strict: the code may not touch the machine (files, network,
                       programs, environment, LLMs, Python) beyond loading files
                       under its own folder; all: no limits (the default);
                       no-shell,no-net,...: all but those
      --allow CAPS     grant capabilities, e.g. fs-read,net=api.example.com,llm
                       (with no --sandbox: only these); repeatable
      --deny CAPS      take capabilities away, e.g. shell,net; repeatable
      --no-llm         do not configure LLM providers from the environment
      --model NAME     default LLM model
      --provider NAME  default LLM provider
  -V, --version        print the version and exit
  -h, --help           print this help and exit

With no FILE and no -e/-p, sema starts the REPL (or reads forms from
standard input when it is not a terminal).  ARGS are available to the
script as (sys/args).
"""


class UsageError(Exception):
    pass


class Options:
    def __init__(self):
        self.exprs: list[tuple[str, str]] = []   # ("eval"|"print", text)
        self.loads: list[str] = []
        self.file: str | None = None
        self.args: list[str] = []
        self.interactive = False
        self.quiet = False
        self.llm = True
        self.model: str | None = None
        self.provider: str | None = None
        self.command: str | None = None
        self.command_args: list[str] = []
        self.sandbox: str | None = None          # --sandbox MODE
        self.allow: list[str] = []               # --allow items ("fs-read", "net=host" ...)
        self.deny: list[str] = []                # --deny items
        self.policy = None                       # the capabilities they make (None: everything)


def parse_args(argv: list[str]) -> Options:
    opts = Options()
    if argv and argv[0] in ("check", "doc", "fmt", "login", "serve", "test"):
        opts.command = argv[0]
        opts.command_args = argv[1:]
        return opts
    i = 0
    while i < len(argv):
        arg = argv[i]

        def value() -> str:
            nonlocal i
            if "=" in arg and arg.startswith("--"):
                return arg.split("=", 1)[1]
            if i + 1 >= len(argv):
                raise UsageError(f"option {arg} needs a value")
            i += 1
            return argv[i]
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if name in ("-e", "--eval"):
            opts.exprs.append(("eval", value()))
        elif name in ("-p", "--print"):
            opts.exprs.append(("print", value()))
        elif name in ("-l", "--load"):
            opts.loads.append(value())
        elif name in ("-i", "--interactive"):
            opts.interactive = True
        elif name in ("-q", "--quiet"):
            opts.quiet = True
        elif name == "--sandbox":
            opts.sandbox = value()
        elif name == "--allow":
            opts.allow.extend(x for x in value().split(",") if x.strip())
        elif name == "--deny":
            opts.deny.extend(x for x in value().split(",") if x.strip())
        elif name == "--no-llm":
            opts.llm = False
        elif name == "--model":
            opts.model = value()
        elif name == "--provider":
            opts.provider = value()
        elif name in ("-V", "--version"):
            opts.command = "version"
        elif name in ("-h", "--help"):
            opts.command = "help"
        elif name == "--":
            opts.args.extend(argv[i + 1:])
            break
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option {arg}")
        else:
            opts.file = arg
            rest = argv[i + 1:]
            opts.args.extend(rest[1:] if rest[:1] == ["--"] else rest)
            break
        i += 1
    return opts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts = parse_args(argv)
    except UsageError as exc:
        sys.stderr.write(f"sema: {exc}\n{USAGE}")
        return 2
    if opts.command == "help":
        sys.stdout.write(USAGE)
        return 0
    if opts.command == "version":
        from ._version import __version__
        sys.stdout.write(f"sema {__version__}\n")
        return 0
    if opts.command is not None:
        from .commands import run_command
        return run_command(opts.command, opts.command_args)
    try:
        opts.policy = policy_of(opts)
    except ValueError as exc:
        sys.stderr.write(f"sema: {exc}\n")
        return 2
    code = run(opts)
    _flush()
    return code


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that output still buffered for a closed pipe is dropped, not raised."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def policy_of(opts: Options):
    """What the program may do: everything, unless --sandbox/--allow/--deny say otherwise."""
    from .runtime.capabilities import ALL, make_policy
    mode = opts.sandbox
    denied = list(opts.deny)
    if mode not in (None, "strict", "all"):  # Sema's spelling: --sandbox no-shell,no-network
        items = [x.strip() for x in mode.split(",") if x.strip()]
        if not items or not all(x.startswith("no-") for x in items):
            raise ValueError(f"--sandbox takes strict, all, or a list of no-CAPABILITY, not {mode!r}")
        denied += [x[3:] for x in items]
        mode = "all"
    if mode == "all" or (mode is None and not opts.allow):
        policy = ALL
    else:  # strict (or --allow alone): exit, and loading Lisp files under the program's folder
        here = os.path.dirname(os.path.abspath(opts.file)) if opts.file not in (None, "-") else os.getcwd()
        policy = make_policy(["exit", "load=" + here])
    if opts.allow:
        policy = policy.union(make_policy(opts.allow))
    return make_policy(policy, denied)


def run(opts: Options) -> int:
    from .errors import ExitRequest
    from .interpreter import Interpreter
    from .printer import print_to

    try:
        interp = Interpreter(llm=opts.llm, args=opts.args, model=opts.model, provider=opts.provider,
                             allow=opts.policy if opts.policy is not None else "all")
        for path in opts.loads:
            interp.load_file(path)
        if opts.file is not None:
            if opts.file == "-":
                interp.eval_source(sys.stdin.read(), "<stdin>")
            else:
                interp.load_file(opts.file)
        for kind, text in opts.exprs:
            value = interp.eval_source(text, "<eval>")
            if kind == "print" or value is not None:
                print_to(sys.stdout, value, end="\n")  # a huge result is written as it is printed
        if opts.interactive or (opts.file is None and not opts.exprs):
            from .repl import start_repl
            return start_repl(interp, quiet=opts.quiet)
        return 0
    except ExitRequest as exc:
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:  # the reader of our output went away (`sema f.scm | head`): stop quietly
        _discard_stdout()
        return 141  # as for a process killed by SIGPIPE (128 + 13), what `yes | head` reports
    except Exception as exc:
        from .diagnostics import report
        return report(exc)


def entry() -> None:
    """The console-script entry point: run, flush, and exit without interpreter teardown.

    Tearing down a Python process frees every object one by one, which costs a
    noticeable share of a short script's run; sema has nothing left to do by
    then (output is flushed here; files, history and the code cache are written
    as they happen), so it exits directly.
    """
    code = main()
    _flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
