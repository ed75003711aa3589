"""Language semantics a user relies on: truthiness, proper tail calls, deep recursion,
closures, redefining builtins, numbers and booleans, persistent maps.

No test here measures time; the big loops only have to finish (a wrong
implementation overflows the stack or takes minutes, which the suite notices).
"""

from __future__ import annotations

import pytest

from sema.diagnostics import render
from sema.errors import LispTypeError, RecursionDepthError, SemaError


@pytest.fixture(autouse=True)
def _private_code_cache(monkeypatch, tmp_path_factory):
    """Compiled code is cached in this session's own directory, so results never depend on ~/.cache."""
    monkeypatch.setenv("SEMA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sema-code-cache"))


class TestTruthiness:
    @pytest.mark.parametrize("value", ["0", "0.0", '""', "'()", "[]", "{}", "'sym", ":k", "#\\a", "(fn () #f)"])
    def test_everything_else_is_true(self, show, value):
        """Only #f and nil are false: 0, "", '() and empty collections are true."""
        assert show(f"(if {value} 'yes 'no)") == "yes"
        assert show(f"(not {value})") == "#f"

    @pytest.mark.parametrize("value", ["#f", "nil", "false"])
    def test_false_and_nil_are_false(self, show, value):
        """#f, false and nil are false in if, when, and, or, not."""
        assert show(f"(list (if {value} 'yes 'no) (when {value} 'w) (not {value}))") == "(no nil #t)"

    def test_cond_and_or_use_the_same_truthiness(self, show):
        """cond, and, or and while agree that 0 and '() are true."""
        assert show("(list (cond (0 'zero) (else 'no)) (and 0 '() \"\") (or #f nil 0))") == '(zero "" 0)'


class TestTailCalls:
    def test_self_tail_call_million(self, show):
        """A self tail call 1,000,000 deep runs in constant stack."""
        assert show("(define (count n) (if (= n 0) 'done (count (- n 1)))) (count 1000000)") == "done"

    def test_mutual_tail_calls_million(self, show):
        """even?/odd? by mutual tail calls, 1,000,000 deep."""
        src = ("(define (ev? n) (if (= n 0) #t (od? (- n 1))))"
               "(define (od? n) (if (= n 0) #f (ev? (- n 1))))"
               "(list (ev? 1000000) (od? 1000001) (ev? 999999))")
        assert show(src) == "(#t #t #f)"

    def test_letrec_mutual_tail_calls(self, show):
        """Mutually recursive letrec lambdas tail-call each other 1,000,000 deep."""
        src = ("(letrec ((ev? (fn (n) (if (= n 0) #t (od? (- n 1)))))"
               "         (od? (fn (n) (if (= n 0) #f (ev? (- n 1))))))"
               "  (ev? 1000000))")
        assert show(src) == "#t"

    @pytest.mark.parametrize("body", [
        "(cond ((= n 0) 'done) ((odd? n) (f (- n 1))) (else (f (- n 1))))",
        "(when (> n 0) (f (- n 1)))",
        "(unless (= n 0) (f (- n 1)))",
        "(and #t (if (= n 0) 'done (f (- n 1))))",
        "(or #f (if (= n 0) 'done (f (- n 1))))",
        "(let ((m (- n 1))) (if (< m 0) 'done (f m)))",
        "(let* ((m (- n 1)) (k m)) (if (< k 0) 'done (f k)))",
        "(begin 'ignored (if (= n 0) 'done (f (- n 1))))",
        "(case (if (= n 0) 'z 'nz) ((z) 'done) (else (f (- n 1))))",
        "(match n (0 'done) (k (f (- k 1))))",
        "(when-let (m (if (> n 0) n nil)) (f (- m 1)))",
    ])
    def test_tail_position_inside_forms(self, run, body):
        """A call in tail position of cond/when/unless/and/or/let/let*/begin/case/match/when-let is a tail call."""
        result = run(f"(define (f n) {body}) (f 1000000)")
        # when/unless/when-let end with nil; the others return 'done
        assert result is None or getattr(result, "name", None) == "done"

    def test_mutual_tail_calls_through_cond_when_and_or(self, show):
        """Mutual recursion whose tail calls sit inside cond, let, when, and and or."""
        src = ("(define (a n) (and #t (if (= n 0) 'ok (b (- n 1)))))"
               "(define (b n) (or #f (cond ((> n 0) (let ((m n)) (when #t (a m)))) (else (a 0)))))"
               "(a 1000000)")
        assert show(src) == "ok"

    def test_tail_call_to_closure_argument(self, show):
        """Continuation-passing style: a chain of 1,000,000 closures, each tail-calling the next."""
        src = ("(define (count-k n k) (if (= n 0) (k 'done) (count-k (- n 1) (fn (v) (k v)))))"
               "(count-k 1000000 identity)")
        assert show(src) == "done"

    def test_tail_call_of_immediate_lambda(self, show):
        """A tail call made from inside an immediately applied lambda does not grow the stack."""
        assert show("(define (run-to n) ((fn (k) (if (= k 0) 'done (run-to (- k 1)))) n)) (run-to 1000000)") == "done"

    def test_named_let_million(self, show):
        """A named-let loop of 1,000,000 iterations."""
        assert show("(let loop ((i 0)) (if (< i 1000000) (loop (+ i 1)) i))") == "1000000"

    def test_named_let_accumulates(self, show):
        """A named let building a 100,000-element list with cons, then walked with cdr."""
        src = ("(define (walk l n) (if (null? l) n (walk (cdr l) (+ n 1))))"
               "(walk (let build ((i 0) (acc '())) (if (= i 100000) acc (build (+ i 1) (cons i acc)))) 0)")
        assert show(src) == "100000"

    def test_do_loop_million(self, show):
        """A do loop of 1,000,000 steps."""
        assert show("(do ((i 0 (+ i 1)) (s 0 (+ s 1))) ((= i 1000000) s))") == "1000000"

    def test_throw_from_deep_tail_recursion(self, show):
        """A throw 1,000,000 tail calls deep is caught by the outer try."""
        assert show("(define (f n) (if (= n 0) (throw 'bottom) (f (- n 1)))) "
                    "(try (f 1000000) (catch e (:value e)))") == "bottom"


class TestDeepRecursion:
    def test_non_tail_recursion_100000(self, show):
        """Plain (non-tail) recursion 100,000 deep works."""
        assert show("(define (sum n) (if (= n 0) 0 (+ n (sum (- n 1))))) (sum 100000)") == "5000050000"

    def test_non_tail_recursion_through_builtins(self, show):
        """Recursion 100,000 deep through map and apply (builtins calling back into Lisp)."""
        assert show("(define (m n) (if (= n 0) 0 (+ 1 (car (map m (list (- n 1))))))) (m 100000)") == "100000"
        assert show("(define (h n) (if (= n 0) 0 (+ 1 (apply h (list (- n 1)))))) (h 100000)") == "100000"

    def test_list_recursion_100000(self, show):
        """A recursive length over a 100,000-element list."""
        assert show("(define (len l) (if (null? l) 0 (+ 1 (len (cdr l))))) (len (range 100000))") == "100000"

    @pytest.fixture(scope="class")
    @classmethod
    def too_deep(cls):
        """An interpreter and the error of a 1,000,000-deep non-tail recursion (computed once: it is slow)."""
        from sema.interpreter import Interpreter
        interp = Interpreter(llm=False)
        interp.eval_source("(define (sum n)\n  (if (= n 0) 0 (+ n (sum (- n 1)))))", "deep.scm")
        with pytest.raises(SemaError) as info:
            interp.eval_source("(sum 1000000)")
        return interp, info.value

    def test_too_deep_is_a_lisp_error(self, too_deep):
        """1,000,000-deep non-tail recursion raises a Lisp "maximum recursion depth" error, not a crash."""
        _, err = too_deep
        assert isinstance(err, RecursionDepthError)
        assert "maximum recursion depth" in err.message
        assert (err.span.file, err.span.line) == ("deep.scm", 2)
        assert err.frames and err.frames[0].name == "sum"

    def test_interpreter_survives_too_deep(self, too_deep):
        """After a recursion-depth error the same interpreter still runs code, recursion included."""
        interp, _ = too_deep
        assert interp.eval_source("(sum 100)") == 5050

    def test_too_deep_error_renders_briefly(self, too_deep):
        """The rendered recursion error is a screenful, not a quarter of a million 'at' lines."""
        _, err = too_deep
        text = render(err)
        assert "maximum recursion depth" in text
        assert len(text.splitlines()) < 100


class TestClosures:
    def test_closure_captures_variable(self, show):
        """A closure keeps its defining environment after the function returned."""
        assert show("(define (adder n) (fn (x) (+ x n))) (define add5 (adder 5)) (list (add5 1) ((adder 10) 1))") \
            == "(6 11)"

    def test_counters_are_independent(self, show):
        """Each call of a counter factory gets its own captured variable."""
        src = ("(define (make-counter) (let ((n 0)) (fn () (set! n (+ n 1)) n)))"
               "(define c (make-counter)) (c) (c) (define d (make-counter)) (list (c) (d))")
        assert show(src) == "(3 1)"

    def test_set_on_shared_variable_seen_by_all_closures(self, show):
        """set! through one closure is seen by every closure sharing the variable."""
        src = ("(define (make-box) (let ((v 0)) (list (fn (x) (set! v x)) (fn () v))))"
               "(define b (make-box)) (define put (car b)) (define get-it (cadr b))"
               "(put 42) (define first-read (get-it)) (put 7) (list first-read (get-it))")
        assert show(src) == "(42 7)"

    def test_set_on_captured_parameter(self, show):
        """A closure can set! a parameter of its enclosing function; the function sees it."""
        src = "(define (f x) (define (bump!) (set! x (+ x 1))) (bump!) (bump!) x) (f 10)"
        assert show(src) == "12"

    def test_closures_from_map_capture_each_value(self, show):
        """(map (fn (i) (fn () i)) ...) gives closures returning 0 1 2, not 2 2 2."""
        assert show("(map (fn (f) (f)) (map (fn (i) (fn () i)) '(0 1 2)))") == "(0 1 2)"

    def test_closures_from_named_let_capture_each_iteration(self, show):
        """Closures made in named-let iterations each see their own loop variable."""
        src = ("(map (fn (f) (f)) (let loop ((i 0) (acc '()))"
               "  (if (= i 3) (reverse acc) (loop (+ i 1) (cons (fn () i) acc)))))")
        assert show(src) == "(0 1 2)"

    def test_closures_from_do_capture_each_iteration(self, show):
        """Closures made in do-loop iterations each see their own loop variable."""
        src = "(map (fn (f) (f)) (do ((i 0 (+ i 1)) (acc '() (cons (fn () i) acc))) ((= i 3) (reverse acc))))"
        assert show(src) == "(0 1 2)"

    def test_closures_from_dotimes_capture_each_iteration(self, show):
        """Closures made in dotimes iterations each see their own variable."""
        src = "(define fs '()) (dotimes (i 3) (set! fs (cons (fn () i) fs))) (map (fn (f) (f)) (reverse fs))"
        assert show(src) == "(0 1 2)"

    def test_closure_in_loop_can_mutate_its_own_copy(self, show):
        """A closure that set!s its captured loop variable changes only its own iteration's copy."""
        src = ("(define (mk) (let loop ((i 0) (acc '()))"
               "  (if (= i 3) (reverse acc) (loop (+ i 1) (cons (fn () (set! i (+ i 100)) i) acc)))))"
               "(map (fn (f) (f)) (mk))")
        assert show(src) == "(100 101 102)"

    def test_while_loop_closures_share_the_variable(self, show):
        """Closures over a variable that a while loop set!s all see its final value."""
        src = ("(define fs '()) (define i 0)"
               "(while (< i 3) (set! fs (cons (fn () i) fs)) (set! i (+ i 1))) (map (fn (f) (f)) fs)")
        assert show(src) == "(3 3 3)"

    def test_global_functions_are_late_bound(self, show):
        """A function calls whatever its callee's global name is bound to at call time."""
        assert show("(define (g) (f 1)) (define (f x) x) (define a (g)) (define (f x) (* x 100)) (list a (g))") \
            == "(1 100)"


class TestRedefiningBuiltins:
    def test_redefine_plus_then_use(self, show):
        """(define (+ a b) ...) replaces + for later calls."""
        assert show("(define (+ a b) (* a b)) (+ 3 4)") == "12"

    def test_function_defined_before_redefinition_sees_it(self, show):
        """A function defined before + is redefined (same source) uses the new +."""
        assert show("(define (use-plus x) (+ x x)) (define (+ a b) (* a b)) (use-plus 5)") == "25"

    def test_function_defined_after_redefinition_sees_it(self, show):
        """A function defined after + is redefined uses the new +."""
        assert show("(define (+ a b) (* a b)) (define (use-plus x) (+ x x)) (use-plus 5)") == "25"

    def test_redefine_car_and_a_prelude_function(self, show):
        """car and inc (a prelude function) can be redefined; callers see the new definitions."""
        src = ("(define (g) (list (car '(1 2)) (inc 1)))"
               "(define (car x) 'mine) (define (inc x) 'inc2) (g)")
        assert show(src) == "(mine inc2)"

    def test_set_builtin(self, show):
        """set! on a builtin's name rebinds it for every caller."""
        assert show("(define (f) (- 10 1)) (set! - (fn (a b) (+ a b))) (f)") == "11"

    def test_local_shadowing_of_builtins(self, show):
        """Parameters and let bindings named like builtins shadow them locally only."""
        assert show("(define (f list) (car list)) (list (f '(9 8)) (let ((+ -)) (+ 10 1)) (+ 10 1))") == "(9 9 11)"

    def test_redefinition_in_a_file_affects_the_whole_file(self, tmp_path, interp):
        """In a loaded file, a function defined before (define (+ ...)) sees the new +."""
        path = tmp_path / "redef.scm"
        path.write_text("(define (double x) (+ x x))\n(define (+ a b) (* a b))\n(define result (double 6))\n")
        interp.load_file(str(path))
        assert interp.eval_source("result") == 36

    def test_redefinition_in_a_later_input_reaches_older_functions(self, interp):
        """At the REPL, redefining + or car in a later input changes functions defined earlier."""
        interp.eval_source("(define (use-plus x) (+ x x)) (define (use-car l) (car l))")
        interp.eval_source("(define (+ a b) (* a b)) (define (car l) 'mine)")
        from sema.printer import write_str
        assert write_str(interp.eval_source("(list (use-plus 5) (use-car '(1 2)))")) == "(25 mine)"


class TestNumbersAndBooleans:
    @pytest.mark.parametrize("src, expected", [
        ("(/ 10 4)", "5/2"),
        ("(/ 10 5)", "2"),
        ("(integer? (/ 10 5))", "#t"),
        ("(/ 1.0 4)", "0.25"),
        ("(+ 1/3 2/3)", "1"),
        ("(* 1/2 4)", "2"),
        ("(= 1 #t)", "#f"),
        ("(= 0 #f)", "#f"),
        ("(equal? 1 #t)", "#f"),
        ("(= 1 1.0)", "#t"),
        ("(count {1 :a #t :b})", "2"),
        ("(get {1 :a #t :b} #t)", ":b"),
        ("(get {1 :a #t :b} 1)", ":a"),
        ("(count {0 :a #f :b})", "2"),
        ("(count {1 :a 1.0 :b})", "2"),
        ("(expt 2 100)", "1267650600228229401496703205376"),
        ("(* 99999999999 99999999999)", "9999999999800000000001"),
        ("(number? #t)", "#f"),
    ])
    def test_number_and_boolean_table(self, show, src, expected):
        """Exact rationals, bignums, and booleans that never behave as 0/1."""
        assert show(src) == expected

    def test_booleans_are_not_numbers(self, run):
        """(+ 1 #t) is a type error, not 2."""
        with pytest.raises(LispTypeError):
            run("(+ 1 #t)")


class TestCompiledArithmetic:
    """Arithmetic inside function bodies runs on the compiler's fast paths; it must keep Lisp semantics."""

    @pytest.mark.parametrize("src, expected", [
        ("(define (f a b) (+ a b)) (list (f 1 2) (f 1.5 2) (f 1/2 1/3) (f 10000000000000000000 1))",
         "(3 3.5 5/6 10000000000000000001)"),
        ("(define (f a b) (list (- a b) (* a b) (/ a b))) (f 7 2)", "(5 14 7/2)"),
        ("(define (f x) (= x 1)) (list (f #t) (f 1) (f 1.0))", "(#f #t #t)"),
        ("(define (g x) (if (= x 0) 'zero (if (< x 0) 'neg 'pos))) (list (g 0) (g -1) (g 1) (g 0.0) (g -1/2))",
         "(zero neg pos zero neg)"),
        ("(define (f a b c) (list (< a b c) (<= a a b) (> c b a) (>= a b))) (f 1 2 3)", "(#t #t #t #f)"),
        ("(define (f n) (let loop ((i 0) (s 0)) (if (= i n) s (loop (+ i 1) (+ s 1/2))))) (f 4)", "2"),
        ("(define (f x) (let ((y (- x 1))) (list y (= y 2) (< y 3)))) (f 3)", "(2 #t #t)"),
    ])
    def test_results(self, show, src, expected):
        """Exact, inexact and big numbers mix correctly in compiled code."""
        assert show(src) == expected

    @pytest.mark.parametrize("src", [
        "(define (f x) (+ x 1)) (f #t)",
        "(define (f x) (* x 2)) (f #f)",
        "(define (f x) (- x)) (f #t)",
        "(define (f x) (if (< x 1) 'a 'b)) (f #t)",
        "(define (f x y) (< x y)) (f \"a\" \"b\")",
        "(define (f x) (+ x 1)) (f \"1\")",
        "(define (f x) (let ((y (- x 1))) (set! y \"s\") (+ y 1))) (f 5)",
    ])
    def test_type_errors(self, run, src):
        """Booleans and strings never slip through compiled arithmetic (Python's True + 1 is not Lisp)."""
        with pytest.raises(LispTypeError):
            run(src)


class TestKeywordsAndMaps:
    @pytest.mark.parametrize("src, expected", [
        ("(:a {:a 1 :b 2})", "1"),
        ("(:c {:a 1})", "nil"),
        ("(:c {:a 1} 'default)", "default"),
        ("(map :name [{:name \"a\"} {:name \"b\"}])", '("a" "b")'),
        ("(let ((k :b)) (k {:b 5}))", "5"),
        ("(:a nil)", "nil"),
    ])
    def test_keywords_are_callable_on_maps(self, show, src, expected):
        """A keyword called with a map looks itself up, with an optional default."""
        assert show(src) == expected

    def test_assoc_returns_new_map_old_unchanged(self, show):
        """assoc and dissoc return new maps; the original is unchanged."""
        src = "(define m1 {:a 1}) (define m2 (assoc m1 :b 2)) (define m3 (dissoc m2 :a)) (list m1 m2 m3)"
        assert show(src) == "({:a 1} {:a 1 :b 2} {:b 2})"

    def test_cons_shares_without_mutation(self, show):
        """cons onto a list leaves the original list as it was."""
        assert show("(define a '(1 2)) (define b (cons 0 a)) (list a b (eq? (cdr b) a))") == "((1 2) (0 1 2) #t)"

    def test_hundred_thousand_assocs(self, show):
        """100,000 assocs on one map in a named-let loop finish; every key is present."""
        src = ("(define m (let loop ((i 0) (m {})) (if (= i 100000) m (loop (+ i 1) (assoc m i (* i 2))))))"
               "(list (count m) (get m 0) (get m 99999) (get m 100000))")
        assert show(src) == "(100000 0 199998 nil)"

    def test_old_versions_survive_many_assocs(self, show):
        """A map captured midway through 10,000 assocs still has exactly its old keys."""
        src = ("(define snap nil)"
               "(define m (let loop ((i 0) (m {})) (when (= i 500) (set! snap m))"
               "  (if (= i 10000) m (loop (+ i 1) (assoc m i i)))))"
               "(list (count snap) (count m) (contains? snap 600))")
        assert show(src) == "(500 10000 #f)"
