"""define-syntax / syntax-rules: R7RS patterns and templates, binder-renaming hygiene, clear errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sema.errors import LispSyntaxError
from sema.interpreter import Interpreter
from sema.printer import write_str

SWAP = "(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))"
MY_OR = """(define-syntax my-or (syntax-rules ()
             ((_) #f) ((_ e) e) ((_ e r ...) (let ((t e)) (if t t (my-or r ...))))))"""


@pytest.fixture
def run():
    interp = Interpreter(llm=False)
    return lambda src: write_str(interp.eval_source(src))


class TestPatterns:
    @pytest.mark.parametrize("src, expected", [
        # rules are tried in order; recursion through the macro itself
        (MY_OR + "(list (my-or) (my-or 7) (my-or #f #f 3))", "(#f 7 3)"),
        # literals match only themselves
        ("(define-syntax kw (syntax-rules (=>) ((_ a => b) (list a b)) ((_ a b c) 'other))) (list (kw 1 => 2) (kw 1 2 3))",
         "((1 2) other)"),
        # an ellipsis followed by more patterns, and a dotted tail
        ("(define-syntax last-of (syntax-rules () ((_ x ... z) 'z))) (last-of 1 2 3)", "3"),
        ("(define-syntax first-rest (syntax-rules () ((_ a . r) '(a r)))) (first-rest 1 2 3)", "(1 (2 3))"),
        # nested ellipses, and t ... ... flattening
        ("(define-syntax my-let (syntax-rules () ((_ ((n v) ...) b ...) ((lambda (n ...) b ...) v ...))))"
         "(my-let ((a 1) (b 2)) (+ a b))", "3"),
        ("(define-syntax flat (syntax-rules () ((_ (a ...) ...) '(a ... ...)))) (flat (1 2) () (3))", "(1 2 3)"),
        ("(define-syntax pairs (syntax-rules () ((_ (k v ...) ...) '((k (v ...)) ...)))) (pairs (a 1 2) (b))",
         "((a (1 2)) (b ()))"),
        # zero repetitions, vectors, _ and non-symbol data in patterns
        ("(define-syntax cnt (syntax-rules () ((_ x ...) (length '(x ...))))) (cnt)", "0"),
        ("(define-syntax v (syntax-rules () ((_ [a ...]) (list a ...)))) (v [1 2 3])", "(1 2 3)"),
        ("(define-syntax two (syntax-rules () ((_ _ b) b))) (two (car 1 2 3) 9)", "9"),
        ("(define-syntax lit (syntax-rules () ((_ 0) 'zero) ((_ n) 'other))) (list (lit 0) (lit 1))",
         "(zero other)"),
        # (... ...) escapes the ellipsis; a custom ellipsis name
        ("(define-syntax e (syntax-rules () ((_ a) '(a (... ...))))) (e 1)", "(1 ...)"),
        ("(define-syntax g (syntax-rules etc () ((_ a etc) (list a etc)))) (g 1 2 3)", "(1 2 3)"),
    ])
    def test_expansion(self, run, src, expected):
        assert run(src) == expected

    def test_a_loop_macro_with_literals(self, run):
        src = """(define-syntax for
                   (syntax-rules (in from to)
                     ((_ x in xs body ...) (map (lambda (x) body ...) xs))
                     ((_ x from a to b body ...) (let loop ((x a) (acc '()))
                                                   (if (> x b) (reverse acc) (loop (+ x 1) (cons (begin body ...) acc)))))))
                 (list (for n in '(1 2 3) (* n n)) (for i from 1 to 4 (* 10 i)))"""
        assert run(src) == "((1 4 9) (10 20 30 40))"

    def test_macroexpand_shows_the_expansion(self, run):
        run("(define-syntax my-unless (syntax-rules () ((_ c b ...) (if c nil (begin b ...)))))")
        assert run("(macroexpand '(my-unless ok (run) 2))") == "(if ok nil (begin (run) 2))"


class TestHygiene:
    def test_a_template_binder_does_not_capture_the_callers_variable(self, run):
        assert run(SWAP + "(define tmp 1) (define y 2) (swap! tmp y) (list tmp y)") == "(2 1)"
        assert run(MY_OR + "(define t 5) (my-or #f t)") == "5"
        assert run(MY_OR + "(let ((t 6)) (my-or #f t))") == "6"

    def test_each_expansion_gets_its_own_names(self, run):
        run(SWAP)
        first = run("(macroexpand '(swap! p q))")
        assert first != run("(macroexpand '(swap! p q))") and "tmp" in first

    def test_pattern_variables_in_binding_position_are_the_callers_names(self, run):
        run("(define-syntax bind (syntax-rules () ((_ name val body) (let ((name val)) body))))")
        assert run("(bind x 4 (* x x))") == "16"

    def test_free_names_mean_what_they_mean_at_the_call(self, run):
        run("(define (helper x) (* 3 x)) (define-syntax triple (syntax-rules () ((_ e) (helper e))))")
        assert run("(triple 5)") == "15"


class TestErrors:
    @pytest.mark.parametrize("src, message", [
        ("(define-syntax)", "define-syntax: expected (define-syntax name (syntax-rules"),
        ("(define-syntax f (lambda (x) x))", "define-syntax f: expected (syntax-rules"),
        ("(define-syntax f (syntax-rules (1) ((_ a) a)))", "a literal must be a symbol, got 1"),
        ("(define-syntax f (syntax-rules () (_ a)))", "each rule is (pattern template)"),
        ("(define-syntax f (syntax-rules () ((_ a a) a)))", "pattern variable a appears twice"),
        ("(define-syntax f (syntax-rules () ((_ ... a) a)))", "misplaced ... in pattern"),
        ("(syntax-rules () ((_ a) a))", "syntax-rules: only allowed as the transformer"),
    ])
    def test_a_bad_definition_is_a_syntax_error_at_it(self, src, message):
        interp = Interpreter(llm=False)
        with pytest.raises(LispSyntaxError) as info:
            interp.eval_source("\n" + src, "defs.scm")
        assert message in info.value.message
        assert info.value.span is not None and info.value.span.line == 2

    @pytest.mark.parametrize("call, message", [
        ("(h)", "h: no syntax-rules pattern matches (h)"),
        ("(f 1 2)", "pattern variable a is used without the ellipsis"),
        ("(g (1 2) (3))", "the pattern variables a, b matched different numbers of forms (1, 2)"),
    ])
    def test_a_bad_call_is_an_error_at_the_call(self, call, message):
        interp = Interpreter(llm=False)
        interp.eval_source("(define-syntax f (syntax-rules () ((_ a ...) a)))"
                           "(define-syntax g (syntax-rules () ((_ (a ...) (b ...)) '((a b) ...))))"
                           "(define-syntax h (syntax-rules () ((_ a) a)))")
        with pytest.raises(LispSyntaxError) as info:
            interp.eval_source(f"\n\n{call}", "use.scm")
        assert message in info.value.message and info.value.span.line == 3

    def test_the_error_is_catchable_and_the_macro_still_works(self, run):
        run("(define-syntax one (syntax-rules () ((_ a) a)))")
        assert run("(try (eval '(one)) (catch e (:message e)))") == '"one: no syntax-rules pattern matches (one)"'
        assert run("(one 4)") == "4"


class TestCheck:
    def test_sema_check_knows_define_syntax(self, tmp_path):
        src = tmp_path / "m.scm"
        src.write_text(SWAP + "\n(define p 1)\n(define q 2)\n(swap! p q)\n")
        out = subprocess.run([sys.executable, "-m", "sema", "check", str(src)], capture_output=True, text=True)
        assert out.returncode == 0 and "warning" not in out.stdout + out.stderr
