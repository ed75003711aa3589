"""Issue 13: `sema check`'s warnings, `sema test`, and `sema doc`'s suggestions (run in-process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sema.commands import check, doc
from sema import testing

REPO = Path(__file__).resolve().parent.parent


def warnings_for(tmp_path, capsys, text: str, *extra_files) -> list[str]:
    """The warning lines `sema check` prints for a file holding ``text``."""
    for name, content in extra_files:
        (tmp_path / name).write_text(content)
    path = tmp_path / "main.scm"
    path.write_text(text)
    assert check([str(path)]) == 0
    out = capsys.readouterr().out
    return [line.split(": warning: ", 1)[1] for line in out.splitlines() if ": warning: " in line]


class TestCheckWarnings:
    @pytest.mark.parametrize("text, expected", [
        ("(define (add a b) (+ a b))\n(add 1 2 3)", ["add takes 2 arguments, but this call passes 3"]),
        ("(car '(1) 2)", ["car takes 1 argument, but this call passes 2"]),
        ("(string/pad-left)", ["string/pad-left takes 2 to 3 arguments, but this call passes 0"]),
        ("(define f (fn (a . more) a))\n(f)", ["f takes at least 1 argument, but this call passes 0"]),
        ("(define-record-type pt (make-pt x y) pt? (x pt-x) (y pt-y))\n(make-pt 1)",
         ["make-pt takes 2 arguments, but this call passes 1"]),
        ("(prnitln 1)", ["unbound symbol: prnitln (did you mean println?)"]),
        ("(define (f) (+ 1 undefined-thing))", ["unbound symbol: undefined-thing"]),
        ("(set! nowhere 1)", ["set! of an undefined global: nowhere"]),
        ("`(a ,(list zzz))", ["unbound symbol: zzz"]),
    ])
    def test_findings(self, tmp_path, capsys, text, expected):
        assert warnings_for(tmp_path, capsys, text) == expected

    def test_no_false_alarms_on_ordinary_code(self, tmp_path, capsys):
        """Locals of every binding form, later definitions, internal defines, records, match, loops, macros."""
        text = """
(define (main) (helper 2))
(define (helper n)
  (define (inner z) (+ z n))
  (define-record-type box (make-box v) box? (v box-v))
  (let loop ((i 0) (acc '()))
    (if (< i n) (loop (+ i 1) (cons (inner i) acc)) (box-v (make-box acc)))))
(define-values (q r) (values 1 2))
(let* ((a 1) (b (+ a 1))) (list a b q r))
(letrec ((even? (fn (n) (if (= n 0) #t (odd? (- n 1))))) (odd? (fn (n) (if (= n 0) #f (even? (- n 1))))))
  (even? 10))
(match [1 2] ([x y] (+ x y)) (_ 0))
(cond ((> 1 2) 'a) (else 'b))
(try (car 1) (catch e (:message e)) (finally (println "done")))
(defmacro twice (e) `(begin ,e ,e))
(twice (println "x"))
(for-each (fn ([k v]) (println k v)) '((1 2)))
(let [p 1 s 2] (+ p s))
(-> 5 (+ 1) (* 2))
(deftest "t" (is (= 1 1)))
"""
        assert warnings_for(tmp_path, capsys, text) == []

    def test_loaded_and_imported_files_define_names(self, tmp_path, capsys):
        text = '(load "lib.scm")\n(import "mod.scm")\n(lib-fn 1)\n(mod-fn 2)\n'
        found = warnings_for(tmp_path, capsys, text, ("lib.scm", "(define (lib-fn x) x)"),
                             ("mod.scm", "(module mod (export mod-fn)) (define (mod-fn x) x)"))
        assert found == []

    def test_a_computed_load_silences_unbound_warnings(self, tmp_path, capsys):
        """What a (load (str ...)) defines cannot be known: no unbound-name warnings then."""
        assert warnings_for(tmp_path, capsys, '(load (str "li" "b.scm"))\n(anything 1)') == []

    def test_positions_and_exit_codes(self, tmp_path, capsys):
        path = tmp_path / "w.scm"
        path.write_text("(define x 1)\n\n  (car 1 2)\n")
        assert check([str(path)]) == 0
        out = capsys.readouterr().out
        assert f"{path}:3:3: warning: car takes 1 argument" in out and " 3 |   (car 1 2)" in out
        assert "done: 1 file checked, 1 warning" in out
        assert check(["--strict", str(path)]) == 1

    def test_the_projects_examples_have_no_warnings(self, capsys):
        files = sorted(str(p) for p in (REPO / "examples").rglob("*.scm"))
        assert check(files) == 0
        assert "warning" not in capsys.readouterr().out


class TestTestCommand:
    def write(self, tmp_path):
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "test_math.scm").write_text(
            '(deftest "adds" (assert= 4 (+ 2 2)))\n(deftest "fails" (assert= 5 (+ 2 2)))\n')
        (tmp_path / "tests" / "geo_test.scm").write_text('(deftest "area" (is (= 6 (* 2 3))))\n')
        (tmp_path / "tests" / "helpers.scm").write_text('(deftest "not collected" (car 1))\n')

    def test_summary_and_exit_code(self, tmp_path, capsys, monkeypatch):
        self.write(tmp_path)
        monkeypatch.chdir(tmp_path)
        assert testing.main([]) == 1
        out, err = capsys.readouterr()
        assert out.splitlines()[-1].startswith("2 passed, 1 failed in ")
        assert "FAIL fails  (tests/test_math.scm:2)" in out and "not collected" not in out
        assert "tests/test_math.scm:2:18: error: assertion failed: expected 5, got 4" in err

    def test_filter_and_quiet(self, tmp_path, capsys):
        self.write(tmp_path)
        assert testing.main(["-q", "-k", "add", str(tmp_path / "tests")]) == 0
        out = capsys.readouterr().out
        assert out.splitlines() == [out.splitlines()[-1]] and out.startswith("1 passed in ")

    def test_a_file_that_cannot_run_fails_the_run(self, tmp_path, capsys):
        (tmp_path / "test_broken.scm").write_text("(define x")
        assert testing.main([str(tmp_path)]) == 1
        out, err = capsys.readouterr()
        assert "1 file could not run" in out and "unclosed `(`" in err

    def test_no_tests_and_bad_paths(self, tmp_path, capsys):
        assert testing.main([str(tmp_path)]) == 2
        assert testing.main([str(tmp_path / "missing")]) == 2

    def test_the_command_runs_the_projects_lisp_tests(self):
        """`sema test tests/lisp` passes, through the real command (no pytest plugin involved)."""
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        out = subprocess.run([sys.executable, "-m", "sema", "test", "-q", "tests/lisp"], capture_output=True,
                             text=True, cwd=REPO, env=env, timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr
        assert out.stdout.splitlines()[-1].split()[1] == "passed"


class TestDocSuggestions:
    @pytest.mark.parametrize("name, suggestion", [
        ("lenght", "length"), ("uper", "string/upper"), ("pad-left", "string/pad-left"), ("mapp", "map"),
    ])
    def test_close_names(self, capsys, name, suggestion):
        assert doc([name]) == 1
        out = capsys.readouterr().out
        assert out.startswith(f"no documentation for {name}\ndid you mean ") and suggestion in out
