"""The ``sema`` command, run as a real subprocess (``python -m sema``).

Each subprocess costs about 0.2 s, so the tests share calls where they can
(about 17 calls in all).  Provider API keys are removed from the child's
environment, and compiled code is cached in a private directory.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROVIDER_VARS = ("SEMA_LLM_PROVIDER", "SEMA_DEFAULT_MODEL", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL",
                 "GEMINI_BASE_URL", "OLLAMA_HOST")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-code-cache")


@pytest.fixture
def sema(cache_dir):
    """Run ``python -m sema ARGS`` (from the checkout) with a clean environment; returns the CompletedProcess."""
    def run(*args, stdin: str | None = None, cwd=None, cache=None):
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and k not in PROVIDER_VARS}
        env["NO_COLOR"] = "1"
        env["SEMA_CACHE_DIR"] = str(cache or cache_dir)
        return subprocess.run([sys.executable, "-m", "sema", *map(str, args)], input=stdin if stdin is not None
                              else "", capture_output=True, text=True, env=env, cwd=cwd or REPO, timeout=60)
    return run


def no_python_traceback(text: str) -> bool:
    return "Traceback" not in text and '.py"' not in text


@pytest.fixture
def script(tmp_path):
    """Write a Lisp file under tmp_path and return its path."""
    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


class TestRunningFiles:
    def test_file_with_args(self, sema, script):
        """sema FILE ARGS... runs the file; (sys/args) holds the arguments, options included."""
        path = script("args.scm", '(println (sys/args))\n(println "first:" (car (sys/args)))\n')
        proc = sema(path, "a", "b", "--c")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == '("a" "b" "--c")\nfirst: a\n'

    def test_double_dash_separates_args(self, sema, script):
        """sema FILE -- ARGS passes the ARGS after -- to the script, without the --."""
        path = script("dd.scm", "(write (sys/args))\n")
        proc = sema(path, "--", "-x", "y")
        assert (proc.returncode, proc.stdout) == (0, '("-x" "y")')

    def test_shebang_script(self, sema, script):
        """A script starting with a #! line runs; the line is ignored."""
        path = script("sb.scm", "#!/usr/bin/env sema\n(println \"shebang ok\" (+ 1 2))\n")
        proc = sema(path)
        assert (proc.returncode, proc.stdout) == (0, "shebang ok 3\n")

    def test_load_is_repeatable_and_ordered(self, sema, script):
        """-l FILE may be given several times; files load in order, before -e."""
        lib1 = script("lib1.scm", "(define lib1-val 10)\n")
        lib2 = script("lib2.scm", "(define lib2-val (+ lib1-val 5))\n")
        proc = sema("-l", lib1, "-l", lib2, "-e", "(list lib1-val lib2-val)")
        assert (proc.returncode, proc.stdout) == (0, "(10 15)\n")


class TestEvalOptions:
    def test_eval_prints_non_nil_values(self, sema):
        """-e prints each value in write form, skipping nil; -e may repeat and shares one interpreter."""
        proc = sema("-e", "(define x 41)", "-e", "(+ x 1)", "-e", "nil", "-e", '"s"', "-e", "(println 'side)")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == '42\n"s"\nside\n'

    def test_print_always_prints(self, sema):
        """-p prints the value even when it is nil."""
        proc = sema("-p", "nil", "-p", '(list 1 "a")')
        assert (proc.returncode, proc.stdout) == (0, 'nil\n(1 "a")\n')

    def test_eval_args_after_double_dash(self, sema):
        """With -e, arguments after -- are reachable as (sys/args)."""
        proc = sema("-e", "(sys/args)", "--", "x", "y")
        assert (proc.returncode, proc.stdout) == (0, '("x" "y")\n')

    def test_piped_stdin(self, sema):
        """With no FILE and a non-terminal stdin, sema reads forms from it and prints values."""
        proc = sema(stdin="(+ 1 2)\n")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == "3"


class TestExitCodes:
    def test_lisp_error_exits_1_with_rendered_error(self, sema, script):
        """A Lisp error: exit 1, file:line:col, the source line, a caret and the Lisp stack on stderr."""
        path = script("bad.scm", "(define (f x)\n  (car x))\n(f 5)\n")
        proc = sema(path)
        assert proc.returncode == 1
        err = proc.stderr
        assert f"{path}:2:3: error: car:" in err
        assert "  (car x))" in err and "^" in err
        assert f"at f ({path}:2:3)" in err
        assert no_python_traceback(err)
        assert proc.stdout == ""

    def test_output_before_error_is_kept(self, sema):
        """Output printed before an error in -e reaches stdout; the error goes to stderr with exit 1."""
        proc = sema("-e", '(begin (println "before") (undefined-fn))')
        assert proc.returncode == 1
        assert proc.stdout == "before\n"
        assert "unbound symbol: undefined-fn" in proc.stderr and no_python_traceback(proc.stderr)

    def test_usage_error_exits_2(self, sema):
        """An unknown option is a usage error: exit 2 and a usage message."""
        proc = sema("--bogus-option")
        assert proc.returncode == 2
        assert "--bogus-option" in proc.stderr and "usage" in proc.stderr.lower()

    def test_exit_code_from_lisp(self, sema):
        """(exit 3) exits with status 3, after flushing what was printed."""
        proc = sema("-e", '(display "bye") (exit 3) (display "never")')
        assert (proc.returncode, proc.stdout) == (3, "bye")

    def test_missing_file(self, sema, tmp_path):
        """A FILE that does not exist is reported by name, without a Python traceback."""
        proc = sema(tmp_path / "nope.scm")
        assert proc.returncode != 0
        assert "nope.scm" in proc.stderr and no_python_traceback(proc.stderr)


class TestSubcommands:
    def test_check_ok(self, sema, script):
        """sema check FILE reads and expands a correct file without running it."""
        path = script("good.scm", '(define (f x) (* x 2))\n(println "ran")\n(f 3)\n')
        proc = sema("check", path)
        assert proc.returncode == 0, proc.stderr
        assert "ran" not in proc.stdout and "ok" in proc.stdout

    def test_check_reports_syntax_error(self, sema, script):
        """sema check FILE exits 1 on a malformed form, pointing at it."""
        path = script("badsyn.scm", "(define (f x) x)\n(if)\n")
        proc = sema("check", path)
        assert proc.returncode == 1
        assert f"{path}:2:1: error: if:" in proc.stderr and no_python_traceback(proc.stderr)

    def test_doc(self, sema):
        """sema doc car prints car's signature and description."""
        proc = sema("doc", "car")
        assert proc.returncode == 0
        assert proc.stdout.startswith("(car ") and "first element" in proc.stdout


class TestCompiledCodeCache:
    SRC = ("(println (macroexpand '(when x 1 2)))\n"
           "(println (match {:a 1 :b 2 :c 3 :d 4 :e 5 :f 6} ({:a a :b b :c c :d d :e e :f f} (list a b c d e f))))\n")
    EXPECTED = "(if x (begin 1 2))\n(1 2 3 4 5 6)\n"

    def test_cold_run(self, sema, script, tmp_path):
        """A first run (empty cache) expands derived forms and binds map patterns correctly."""
        path = script("cached.scm", self.SRC)
        proc = sema(path, cache=tmp_path / "cache")
        assert (proc.returncode, proc.stdout) == (0, self.EXPECTED), proc.stderr

    def test_warm_run_gives_the_same_output(self, sema, script, tmp_path):
        """Running the same script again (warm cache) prints exactly what the first run printed."""
        path = script("cached.scm", self.SRC)
        first = sema(path, cache=tmp_path / "cache")
        second = sema(path, cache=tmp_path / "cache")
        assert first.stdout == self.EXPECTED, first.stderr
        assert second.stdout == first.stdout, second.stderr


class TestInfoAndInteractiveFlags:
    def test_version_and_help(self, capsys):
        """--version prints the version; --help prints the usage with every flag; both exit 0."""
        from sema import __version__
        from sema.cli import main
        assert main(["--version"]) == 0
        assert capsys.readouterr().out == f"sema {__version__}\n"
        assert main(["-h"]) == 0
        out = capsys.readouterr().out
        for flag in ("--eval", "--print", "--load", "--interactive", "--quiet", "--no-llm", "--model",
                     "--provider", "--version", "sema check", "sema doc", "sema fmt"):
            assert flag in out

    def test_interactive_after_file_keeps_its_definitions(self, sema, tmp_path):
        """`sema -i FILE` runs the file, then reads REPL input with the file's definitions in scope."""
        lib = tmp_path / "lib.scm"
        lib.write_text('(define (greet n) (str "hi " n))\n(println "loaded")\n')
        proc = sema("-i", str(lib), stdin='(greet "Ada")\n')
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == 'loaded\n"hi Ada"\n'

    def test_quiet_hides_the_banner(self, monkeypatch):
        """The terminal REPL greets with a banner, and -q (quiet) leaves it out."""
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output import DummyOutput

        from sema.interpreter import Interpreter
        from sema.repl.session import banner, run_session
        said = []
        for quiet in (False, True):
            with create_pipe_input() as pipe:
                pipe.send_text("\x04")  # Ctrl-D: leave at once
                import sema.repl.core as core
                monkeypatch.setattr(core.ReplState, "say", lambda self, text: said.append((quiet, text)),
                                    raising=False)
                run_session(Interpreter(llm=False), quiet=quiet, input=pipe, output=DummyOutput(),
                            history=InMemoryHistory())
        assert (False, banner()) in said and (True, banner()) not in said
