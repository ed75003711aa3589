"""The installed package works as a user gets it: a wheel, outside the checkout.

Also: start-up stays cheap (no httpx, prompt-toolkit, or, with a warm code
cache, lark), as the issue requires.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out)], check=True, capture_output=True, timeout=300)
    (path,) = out.glob("sema-*.whl")
    return path


class TestWheel:
    def test_wheel_ships_the_lisp_stdlib_and_grammar(self, wheel):
        """The wheel contains stdlib/*.scm as sema/stdlib and the reader grammar."""
        names = zipfile.ZipFile(wheel).namelist()
        assert "sema/stdlib/prelude.scm" in names
        assert "sema/reader/grammar.lark" in names

    def test_installed_wheel_loads_its_stdlib(self, wheel, tmp_path):
        """Installed from the wheel and run outside the checkout, the prelude's functions exist."""
        target = tmp_path / "site"
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                        str(wheel)], check=True, capture_output=True, timeout=300)
        code = ("import sema; print(sema.__file__); "
                "print(sema.Interpreter(llm=False).eval('(list (inc 41) (string/upper \"ok\"))'))")
        proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                              env=_env(PYTHONPATH=str(target), SEMA_NO_CACHE="1"), timeout=60)
        assert proc.returncode == 0, proc.stderr
        where, value = proc.stdout.splitlines()
        assert where.startswith(str(target))
        assert value == "[42, 'OK']"


class TestStartupImports:
    def test_cli_start_imports_no_http_or_repl_library(self, tmp_path):
        """`sema -e` with no provider configured imports neither httpx nor prompt-toolkit;
        a second run with a warm code cache does not import lark either."""
        code = ("import sys, sema.cli; rc = sema.cli.main(['-e', '(+ 1 2)']); "
                "print(rc, sorted(m for m in ('httpx', 'prompt_toolkit', 'lark') if m in sys.modules))")
        env = _env(SEMA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
        first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                               cwd=tmp_path, timeout=60)
        second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                cwd=tmp_path, timeout=60)
        assert first.stdout.splitlines() == ["3", "0 ['lark']"], first.stderr
        assert second.stdout.splitlines() == ["3", "0 []"], second.stderr


def test_every_subpackage_is_packaged():
    """Each folder of sema/ with an __init__.py is listed in pyproject.toml, so the wheel has it."""
    import re

    text = (REPO / "pyproject.toml").read_text()  # (tomllib is 3.11+; sema supports 3.10)
    listed = set(re.findall(r'"(sema(?:\.[a-z_]+)*)"', re.search(r"packages = \[(.*?)\]", text, re.S).group(1)))
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "sema").rglob("__init__.py")
             if "__pycache__" not in p.parts}
    assert found <= listed


def test_lazy_builtin_lists_match_their_modules():
    """Each lazily imported builtin module registers exactly the names declared for it."""
    import importlib

    from sema.builtins import LAZY
    from sema.runtime.registry import BUILTINS, INTERP_BUILTINS

    for module, names in LAZY.items():
        importlib.import_module(module)
        registered = {n for n, f in BUILTINS.items() if f.__module__ == module}
        registered |= {n for n, f in INTERP_BUILTINS.items() if f.__module__ == module}
        assert registered == set(names), module


def test_no_builtin_name_is_registered_twice():
    """No Lisp name is given to two `@builtin`/`@interp_builtin` registrations (the later one would win silently)."""
    import re

    from sema.builtins import load_all
    from sema.runtime.registry import BUILTINS

    decorator = re.compile(r"^@(?:interp_)?builtin\(([^)]*)\)", re.M)
    seen: dict[str, str] = {}
    twice = []
    for path in sorted((REPO / "sema").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in decorator.finditer(text):
            where = f"{path.relative_to(REPO)}:{text.count(chr(10), 0, m.start()) + 1}"
            names = m.group(1).split("needs=")[0]  # what follows needs= are capabilities, not names
            for name in re.findall(r'"([^"]+)"', names):
                if name in seen:
                    twice.append(f"{name}: {seen[name]} and {where}")
                seen[name] = where
    assert twice == []
    load_all()
    # the scan sees every registration (all but the generated c[ad]r family are decorators)
    assert {n for n in BUILTINS if n not in seen and not re.fullmatch(r"c[ad]{2,4}r", n)} == set()


def test_cached_and_fresh_closures_keep_tail_calls(tmp_path):
    """A closure replayed from the code cache and one compiled fresh in a later process both keep
    proper tail calls (their self-recognition names must not collide across processes)."""
    (tmp_path / "a.scm").write_text("(define (mk-a) (fn (n) (if (= n 0) 'a-done ((mk-b) (- n 1)))))\n")
    (tmp_path / "b.scm").write_text("(define (mk-b) (fn (n) (if (= n 0) 'b-done ((mk-a) (- n 1)))))\n")
    env = _env(SEMA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    # warm the stdlib's cache first, so that a.scm and b.scm are each the first unit compiled in their
    # process: the per-process counter then gives their closures the same local names
    subprocess.run([sys.executable, "-m", "sema", "-e", "1"], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    first = subprocess.run([sys.executable, "-m", "sema", "-l", "a.scm", "-e", "1"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-m", "sema", "-l", "a.scm", "-l", "b.scm", "-e", "((mk-a) 1000000)"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "a-done\n"


def test_lazy_name_table_is_current():
    """sema/builtins/lazy_names.py is what lazy_table generates (issue 12: modules load on first use)."""
    import subprocess
    out = subprocess.run([sys.executable, "-m", "sema.builtins.lazy_table"], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out == (REPO / "sema" / "builtins" / "lazy_names.py").read_text(encoding="utf-8"), \
        "regenerate it: python -m sema.builtins.lazy_table > sema/builtins/lazy_names.py"
