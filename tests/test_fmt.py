"""``sema fmt``: layout tables, comments, idempotence and meaning over real files, the command (issue 4)."""

from __future__ import annotations

import glob
import io
import os
import sys

import pytest

from sema import fmt
from sema.errors import ReaderError
from sema.fmt import format_source, main, parse
from sema.printer import write_str
from sema.reader import read_all

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = "/work/shared/bench"


def _source_files() -> list[str]:
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "**", "*.scm"), recursive=True))
    files += sorted(glob.glob(os.path.join(ROOT, "tests", "lisp", "*.scm")))
    if os.path.isdir(BENCH):
        files += sorted(glob.glob(os.path.join(BENCH, "*.scm")))
    return files


FILES = _source_files()

#: a file using every piece of reader syntax, comments in every position
TORTURE = r'''#!/usr/bin/env sema
;; header comment


(define   x   1)   ; trailing
#| block
   comment |#
(define (f a b) ; after params
  ;; own line
  (+ a b)


  ;; final
  )
#;(ignored form
   with stuff)
(list 1 #;2 3 #| inline |# 4)
(println "a string with ; semicolon" #\; #\( #\) #\space #"re\"gex" f"x ${(+ 1 2)} y ${ {:a "}"} }")
'(a b c) `(a ,b ,@c ,(d e)) @x ', @y
'#;a b
{:a 1 ; one
 :b 2
 ;; comment before c
 :c 3}
[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32]
(define s "multi
line   
string")
(foo #| a |# #| b |#)
(bar ; c1
 )
(#u8(1 2 3) #(+ % 1) (a . b) 1/2 -3.5e2 #xFF 3+4i :kw nil #t)
#|
outer #| nested |# still
|#
(let loop ((i 0))
  (when (< i 10) (loop (+ i 1))))
( ; open comment
 a b)
(define (g)
  #;(old
  code) (new code))
'''


def same_forms(a: str, b: str) -> bool:
    """Whether two texts read as the same forms (compared in `write` form)."""
    fa, fb = read_all(a, "<a>"), read_all(b, "<b>")
    return len(fa) == len(fb) and all(type(x) is type(y) and write_str(x) == write_str(y) for x, y in zip(fa, fb))


def comment_texts(text: str) -> list[str]:
    """Every comment of ``text`` (line comments without trailing blanks; block and datum ones whole)."""
    out = []

    def walk(items):
        for it in items:
            if isinstance(it, fmt.Comment):
                out.append(it.text)
            elif isinstance(it, fmt.Seq):
                walk(it.items)
            elif isinstance(it, fmt.Prefix):
                walk(it.trivia)
                walk([it.child])

    walk(parse(text).items)
    return out


# ---------------------------------------------------------------- layout tables

LAYOUT = [
    # spacing and one-line forms
    ("(define   x   1)", "(define x 1)\n"),
    ("(+ 1\n   2)", "(+ 1 2)\n"),
    ("'(a   b)", "'(a b)\n"),
    ("`(a ,b ,@c)", "`(a ,b ,@c)\n"),
    ("' x", "'x\n"),
    (", @x", ", @x\n"),
    ("(define (f x) (* x 2))", "(define (f x) (* x 2))\n"),
    ("(try (risky) (catch e (:message e)))", "(try (risky) (catch e (:message e)))\n"),
    # atoms are never rewritten inside
    ('(str "a  b"   #\\space   #"re  gex"   f"x ${ (+ 1 2) } y")',
     '(str "a  b" #\\space #"re  gex" f"x ${ (+ 1 2) } y")\n'),
    ("(list #xFF 1/2 -3.5e2 3+4i #\\( #\\; :k/v)", "(list #xFF 1/2 -3.5e2 3+4i #\\( #\\; :k/v)\n"),
    ('(define s "multi\nline   \nstring")', '(define s "multi\nline   \nstring")\n'),
    # body-style forms: the author's break is kept, the body indented by 2
    ("(define (f x)\n(* x 2))", "(define (f x)\n  (* x 2))\n"),
    ("(defn add [a b]\n(+ a b))", "(defn add [a b]\n  (+ a b))\n"),
    ("(defmacro unless2 (c . body)\n`(if ,c nil (begin ,@body)))",
     "(defmacro unless2 (c . body)\n  `(if ,c nil (begin ,@body)))\n"),
    ('(deftest "math"\n(is (= 2 (+ 1 1))))', '(deftest "math"\n  (is (= 2 (+ 1 1))))\n'),
    # issue 13: defmethod keeps its name and dispatch value on the first line; async is a body
    ('(defmethod describe :ready (fn (m) (format "~a coin(s): push to buy, please now" (:coins m))))',
     '(defmethod describe :ready\n  (fn (m) (format "~a coin(s): push to buy, please now" (:coins m))))\n'),
    ("(async\n(step-one)\n(step-two))", "(async\n  (step-one)\n  (step-two))\n"),
    ("(let ((a 1)\n(b 2))\n(+ a b))", "(let ((a 1)\n      (b 2))\n  (+ a b))\n"),
    ("(let loop ((i 0) (acc '()))\n(if (= i 10) (reverse acc) (loop (+ i 1) (cons i acc))))",
     "(let loop ((i 0) (acc '()))\n  (if (= i 10) (reverse acc) (loop (+ i 1) (cons i acc))))\n"),
    ('(when (> x 0) (println "positive") (println "still positive") (println "and more"))',
     '(when (> x 0)\n  (println "positive")\n  (println "still positive")\n  (println "and more"))\n'),
    ('(match shape ([:circle r] (* 3 r r)) ([:rect w h] (* w h)) (_ (error "unknown shape" shape)))',
     '(match shape\n  ([:circle r] (* 3 r r))\n  ([:rect w h] (* w h))\n  (_ (error "unknown shape" shape)))\n'),
    ("(do ((i 0 (+ i 1))) ((= i 5)) (display i) (newline) (display (* i i)) (newline) (flush))",
     "(do ((i 0 (+ i 1))) ((= i 5))\n  (display i)\n  (newline)\n  (display (* i i))\n  (newline)\n  (flush))\n"),
    ("(try\n(risky)\n(catch e (:message e)))", "(try\n  (risky)\n  (catch e (:message e)))\n"),
    ('(llm/define-provider :echo {:complete (fn (req) (last-text req)) :default-model "echo-1"})',
     '(llm/define-provider :echo\n  {:complete (fn (req) (last-text req)) :default-model "echo-1"})\n'),
    ("(define-record-type point\n(make-point x y)\npoint?)",
     "(define-record-type point\n  (make-point x y)\n  point?)\n"),
    # if / cond keep their breaks and align
    ("(if (< n 2)\nn\n(+ (fib (- n 1)) (fib (- n 2))))", "(if (< n 2)\n    n\n    (+ (fib (- n 1)) (fib (- n 2))))\n"),
    ("(cond ((< n 0) 'negative)\n((= n 0) 'zero)\n(else 'positive))",
     "(cond ((< n 0) 'negative)\n      ((= n 0) 'zero)\n      (else 'positive))\n"),
    ("(if a\nb)", "(if a\n    b)\n"),
    ("(or a\nb)", "(or a b)\n"),
    # calls: arguments aligned under the first; under the head when the head is not a symbol
    ("(some-function-name argument-number-one argument-number-two argument-number-three)",
     "(some-function-name argument-number-one\n                    argument-number-two\n"
     "                    argument-number-three)\n"),
    ("((compose f g) argument-number-one argument-number-two argument-number-three-is-long)",
     "((compose f g)\n argument-number-one\n argument-number-two\n argument-number-three-is-long)\n"),
    # maps keep key and value together; vectors of atoms are filled
    ('{:name "Ada" :born 1815 :langs ["math" "engines"] :field "computing" :country "UK"}',
     '{:name "Ada"\n :born 1815\n :langs ["math" "engines"]\n :field "computing"\n :country "UK"}\n'),
    ("{:a 1\n :b 2}", "{:a 1\n :b 2}\n"),
    ("[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32]",
     "[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29\n 30 31 32]\n"),
    # top level: one form per line, blank lines collapsed, one final newline
    ("(foo) (bar)", "(foo)\n(bar)\n"),
    ("(a)\n\n\n\n(b)", "(a)\n\n(b)\n"),
    ("\n\n(a)\n\n", "(a)\n"),
    ("", ""),
    ("  \n\n", ""),
    ("(a)\r\n(b)\r\n", "(a)\n(b)\n"),
    ("\t(a\t  b)  \n", "(a b)\n"),
    ("#!/usr/bin/env sema\n(println 1)", "#!/usr/bin/env sema\n(println 1)\n"),
]

COMMENTS = [
    ("(define x 1)   ; the answer   ", "(define x 1) ; the answer\n"),
    (";; only a comment", ";; only a comment\n"),
    ("(define (f)\n  ;; explain\n  (g))", "(define (f)\n  ;; explain\n  (g))\n"),
    ("(f a ; first\n   b)", "(f a ; first\n   b)\n"),
    ("(f a b ; last\n)", "(f a\n   b ; last\n   )\n"),
    ("(foo\n;; own\nx y)", "(foo\n     ;; own\n     x\n     y)\n"),
    ("{:a 1 ; one\n :b 2}", "{:a 1 ; one\n :b 2}\n"),
    ("#| block\n   comment |#\n(a)", "#| block\n   comment |#\n(a)\n"),
    ("(list 1 #;2 3)", "(list 1 #;2 3)\n"),
    ("(list 1 #| two |# 3)", "(list 1 #| two |# 3)\n"),
    ("#;(old\n   form)\n(new)", "#;(old\n   form)\n(new)\n"),
    ("(a) ; one\n\n\n;; two\n(b)", "(a) ; one\n\n;; two\n(b)\n"),
    ("'#;a b", "'#;a b\n"),
    ("#| outer #| nested |# |#  (a)", "#| outer #| nested |# |# (a)\n"),
    ("(define (g)\n  #;(old\n  code) (new code))", "(define (g)\n  #;(old\n  code) (new code))\n"),
]


class TestLayout:
    """Input -> formatted output tables."""

    @pytest.mark.parametrize("src, expected", LAYOUT)
    def test_layout(self, src, expected):
        """The formatter gives the expected canonical text."""
        assert format_source(src) == expected

    @pytest.mark.parametrize("src, expected", COMMENTS)
    def test_comments(self, src, expected):
        """Comments stay where they were: end-of-line, own-line, block and datum comments."""
        assert format_source(src) == expected

    @pytest.mark.parametrize("src, _", LAYOUT + COMMENTS)
    def test_tables_are_idempotent(self, src, _):
        """Formatting a formatted table entry changes nothing."""
        once = format_source(src)
        assert format_source(once) == once

    def test_width(self):
        """The width can be chosen; a form that fits stays on one line."""
        src = "(foo aaaaaaaaaa bbbbbbbbbb)"
        assert format_source(src, width=26) == "(foo aaaaaaaaaa\n     bbbbbbbbbb)\n"
        assert format_source(src, width=27) == src + "\n"

    def test_short_forms_stay_whole(self):
        """A form of 20 characters or less is not broken even past the width."""
        assert format_source("(foo (bar baz))", width=10) == "(foo (bar baz))\n"

    def test_no_trailing_whitespace_outside_strings(self):
        """Only a string may end a line with blanks."""
        out = format_source(TORTURE)
        for line in out.split("\n"):
            if line != line.rstrip():
                assert line == "line   "  # inside the multi-line string of TORTURE

    def test_torture(self):
        """Every piece of reader syntax survives: same forms, same comments, idempotent."""
        out = format_source(TORTURE)
        assert out.endswith("\n") and not out.endswith("\n\n")
        assert out.startswith("#!/usr/bin/env sema\n")
        assert same_forms(TORTURE, out)
        for c in comment_texts(TORTURE):
            assert c in out
        assert format_source(out) == out

    def test_deep_nesting(self):
        """Deeply nested input is formatted (and quickly) without a recursion error."""
        src = "(a b " * 300 + "x" + ")" * 300
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 10000))
        try:
            out = format_source(src)
        finally:
            sys.setrecursionlimit(limit)
        assert same_forms(src, out)


class TestReader:
    """The formatter's own reader (it keeps what the real reader drops)."""

    def test_syntax_error_has_position(self):
        """Unreadable input raises a ReaderError with the real reader's position."""
        with pytest.raises(ReaderError) as info:
            format_source("(define (f x)\n  (+ x 1]\n", "bad.scm")
        assert str(info.value.span) == "bad.scm:2:9"

    def test_atoms_verbatim(self):
        """Atoms are kept as their source text."""
        tree = parse('(f #e1.5 "a\\"b" #\\x41 f"${x}")')
        assert [a.text for a in tree.items[0].items] == ["f", "#e1.5", '"a\\"b"', "#\\x41", 'f"${x}"']

    def test_comments_kept(self):
        """Line, block and datum comments are items of the tree."""
        tree = parse("(a ; c\n #| b |# #;(x y) z)")
        kinds = [(type(i).__name__, getattr(i, "kind", None)) for i in tree.items[0].items]
        assert kinds == [("Atom", "atom"), ("Comment", "line"), ("Comment", "block"), ("Comment", "datum"),
                         ("Atom", "atom")]

    def test_meaning_check(self, monkeypatch):
        """A layout that would change the program is refused with a FormatError."""
        from sema.fmt_layout import Layout

        monkeypatch.setattr(Layout, "format_tree", lambda self, tree: "(changed)\n")
        with pytest.raises(fmt.FormatError):
            format_source("(original)\n")


# ---------------------------------------------------------------- real files


@pytest.mark.parametrize("path", FILES, ids=lambda p: os.path.relpath(p, ROOT) if p.startswith(ROOT) else p)
class TestFiles:
    """Every .scm file of examples/, tests/lisp/ (and the shared benchmarks) formats safely."""

    def test_idempotent(self, path):
        """fmt(fmt(x)) == fmt(x)."""
        with open(path, encoding="utf-8") as fh:
            once = format_source(fh.read(), path)
        assert format_source(once, path) == once

    def test_meaning_preserved(self, path):
        """The formatted file reads as the same forms as the original."""
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        assert same_forms(text, format_source(text, path, verify=False))

    def test_comments_preserved(self, path):
        """Every comment of the original appears in the formatted file."""
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        out = format_source(text, path)
        for c in comment_texts(text):
            assert c in out


# ---------------------------------------------------------------- the command


@pytest.fixture
def files(tmp_path):
    """A formatted file, an unformatted one and an unreadable one."""
    good = tmp_path / "good.scm"
    good.write_text("(define (f x)\n  (* x 2))\n")
    messy = tmp_path / "messy.scm"
    messy.write_text("(define   x 1)  ; one\n\n\n(foo) (bar)")
    bad = tmp_path / "bad.scm"
    bad.write_text("(define (f x)\n  (+ x 1]\n")
    return good, messy, bad


class TestCommand:
    """`sema fmt [--check] FILE...` and `sema fmt -`."""

    def test_the_projects_examples_are_formatted(self, capsys):
        """Issue 13: `sema fmt --check examples/` passes on the project's own examples."""
        examples = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
        assert main(["--check", examples]) == 0, capsys.readouterr().out

    def test_check_formatted(self, files, capsys):
        """--check exits 0 when every file is formatted."""
        good, _, _ = files
        assert main(["--check", str(good)]) == 0
        assert capsys.readouterr().out == ""

    def test_check_lists_changes_and_writes_nothing(self, files, capsys):
        """--check exits 1, names the files that would change, and leaves them alone."""
        good, messy, _ = files
        before = messy.read_text()
        assert main(["--check", str(good), str(messy)]) == 1
        out = capsys.readouterr().out
        assert str(messy) in out and str(good) not in out
        assert messy.read_text() == before

    def test_rewrite_in_place(self, files):
        """Without --check files are rewritten; a formatted file is not touched."""
        good, messy, _ = files
        os.utime(good, (1, 1))
        assert main([str(good), str(messy)]) == 0
        assert messy.read_text() == "(define x 1) ; one\n\n(foo)\n(bar)\n"
        assert os.stat(good).st_mtime == 1
        assert main(["--check", str(messy)]) == 0

    def test_directory(self, files):
        """A directory stands for the source files inside it."""
        good, messy, bad = files
        bad.unlink()
        assert main(["--check", str(good.parent)]) == 1
        assert main([str(good.parent)]) == 0
        assert main(["--check", str(good.parent)]) == 0

    def test_stdin(self, monkeypatch, capsys):
        """`-` formats standard input to standard output."""
        monkeypatch.setattr(sys, "stdin", io.StringIO("(a   b)  ; c"))
        assert main(["-"]) == 0
        assert capsys.readouterr().out == "(a b) ; c\n"

    def test_stdin_check(self, monkeypatch, capsys):
        """`--check -` reports standard input without printing it."""
        monkeypatch.setattr(sys, "stdin", io.StringIO("(a   b)"))
        assert main(["--check", "-"]) == 1
        assert "<stdin>" in capsys.readouterr().out

    def test_syntax_error(self, files, capsys):
        """An unreadable file is reported as file:line:col: error: ..., exit 1, no traceback."""
        good, _, bad = files
        assert main([str(bad), str(good)]) == 1
        err = capsys.readouterr().err
        assert f"{bad}:2:9: error: mismatched" in err
        assert "Traceback" not in err
        assert bad.read_text() == "(define (f x)\n  (+ x 1]\n"

    def test_unfinished_input(self, monkeypatch, capsys):
        """Unfinished input on stdin is an error with its position too."""
        monkeypatch.setattr(sys, "stdin", io.StringIO('(define x "abc'))
        assert main(["-"]) == 1
        assert "<stdin>:1:11: error: unterminated string" in capsys.readouterr().err

    def test_missing_file(self, tmp_path, capsys):
        """A file that cannot be opened is an error (exit 1), not a traceback."""
        assert main([str(tmp_path / "nope.scm")]) == 1
        assert "cannot read" in capsys.readouterr().err

    @pytest.mark.parametrize("args", [[], ["--bogus", "x.scm"], ["-", "-"]])
    def test_usage_errors(self, args, capsys):
        """No file, an unknown option or stdin twice is a usage error (exit 2)."""
        assert main(args) == 2
        assert "sema fmt" in capsys.readouterr().err

    def test_help(self, capsys):
        """--help prints the usage and exits 0."""
        assert main(["--help"]) == 0
        assert "sema fmt" in capsys.readouterr().out

    def test_through_the_sema_command(self, files, capsys):
        """`sema fmt --check FILE` reaches this command (wired in sema/commands.py)."""
        from sema.cli import main as sema_main

        good, messy, _ = files
        assert sema_main(["fmt", "--check", str(good)]) == 0
        assert sema_main(["fmt", "--check", str(messy)]) == 1
