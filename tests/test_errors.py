"""Error messages and positions: what a user sees when something goes wrong.

Tables give (source, message substring, line, column); sources run under the
file name ``t.scm`` so positions can be checked against it.
"""

from __future__ import annotations

import pytest

from sema.errors import (
    ArityError, DivisionByZero, EvalError, IncompleteInput, LispSyntaxError, LispTypeError, LispValueError, ReaderError,
    SemaError, UnboundSymbolError, UserError,
)
from sema.diagnostics import render


@pytest.fixture(autouse=True)
def _private_code_cache(monkeypatch, tmp_path_factory):
    """Compiled code is cached in this session's own directory, so results never depend on ~/.cache."""
    monkeypatch.setenv("SEMA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sema-code-cache"))


@pytest.fixture
def fail(interp):
    """Run source as file t.scm and return the SemaError it raises (the test fails if none is raised)."""
    def run(src: str) -> SemaError:
        with pytest.raises(SemaError) as info:
            interp.eval_source(src, "t.scm")
        return info.value
    return run


def check(err: SemaError, cls, substring: str, line: int, col: int) -> None:
    assert isinstance(err, cls), f"{type(err).__name__}: {err}"
    assert substring in err.message
    assert err.span is not None, f"no position for: {err.message}"
    assert (err.span.file, err.span.line, err.span.col) == ("t.scm", line, col)


READER = [
    ("(+ 1 2))", "unexpected `)`", 1, 8),
    ("(list 1\n  2 ]", "", 2, 5),
    ("#\\bogus", "unknown character name", 1, 1),
    ("{:a}", "even number", 1, 1),
    ("(define x 1/0)", "zero denominator", 1, 11),
    ("(fn (a b . ) 1)", "`.`", 1, 10),
]

INCOMPLETE = [
    ("(+ 1 2", "unclosed `(`", 1, 1),
    ("(define s \"abc\n(+ 1 2)", "unterminated string", 1, 11),
    ("[1 2", "", 1, 1),
]

SYNTAX = [
    ("(let ((x 1 2)) x)", "let: malformed binding", 1, 7),
    ("(let 5 x)", "let: expected a list of bindings", 1, 1),
    ("(if)", "if: expected (if test then [else])", 1, 1),
    ("(if 1 2 3 4)", "if:", 1, 1),
    ("(define)", "define:", 1, 1),
    ("(define 5 6)", "define: cannot define 5", 1, 1),
    ("(define x 1 2)", "define: too many forms", 1, 1),
    ("(define (f))", "define: function f has no body", 1, 1),
    ("(lambda)", "lambda:", 1, 1),
    ("(lambda (1) 1)", "lambda: a parameter must be a symbol", 1, 1),
    ("(fn)", "fn:", 1, 1),
    ("(cond 5)", "cond: each clause must be a list", 1, 1),
    ("(cond (else 1) (#t 2))", "cond: else must be the last clause", 1, 7),
    ("(set! 5 1)", "set!: expected a variable name", 1, 1),
    ("(define (f x)\n  (let ((y)) (if)))", "if:", 2, 14),
    ("(try 1 (catch))", "try: expected (catch name body ...)", 1, 8),
    (",x", "unquote: only allowed inside a quasiquote", 1, 1),
]

# the caret is on the symbol itself, not the call around it (issue 7)
UNBOUND = [
    ("(lenght '(1 2))", "unbound symbol: lenght", 1, 2, "length"),
    ("(define (f l) (revrese l))\n(f '(1))", "unbound symbol: revrese", 1, 16, "reverse"),
    ("(define x 10)\n(define (use) (+ x y-undefined))\n(use)", "unbound symbol: y-undefined", 2, 20, None),
    ("(define my-variable 1)\n(+ my-varible 1)", "unbound symbol: my-varible", 2, 4, "my-variable"),
    ("(begin foo 1)", "unbound symbol: foo", 1, 8, None),
]

TYPE = [
    ('(+ 1 "a")', "+", '"a"', 1, 1),
    ("(+ 1 #t)", "+", "#t", 1, 1),
    ("(string/upper 5)", "string/upper", "5", 1, 1),
    ("(car 5)", "car", "5", 1, 1),
    ('(string/repeat "a" "b")', "string/repeat", '"b"', 1, 1),
    ("(symbol->string \"a\")", "symbol->string", '"a"', 1, 1),
    ("(length 5)", "length", "5", 1, 1),
    ("(map 5 '(1 2))", "map", "5", 1, 1),
    ('(< 1 "a")', "<", '"a"', 1, 1),
    ("(vector-ref '(1 2) 0)", "vector-ref", "(1 2)", 1, 1),
    ("(assoc 5 :a 1)", "assoc", "5", 1, 1),
    ('(string-append "a" 5)', "string-append", "5", 1, 1),
    ("(filter 5 '(1 2))", "filter", "argument 1", 1, 1),
    ("(define (f s)\n  (string-length s))\n(f 42)", "string-length", "42", 2, 3),
]

ARITY = [
    ("(define (f a b) a)\n(f 1)", "f", 2, 1),
    ("(define (f a b) a)\n(f 1 2 3)", "f", 2, 1),
    ("(define (f x) x)\n(define (g) (f))\n(g)", "f", 2, 13),
    ("(car)", "car", 1, 1),
    ("(cons 1)", "cons", 1, 1),
    ("(car '(1) '(2))", "car", 1, 1),
    ("((fn (x) x))", "", 1, 1),
    ("(define-record-type pt (make-pt x y) pt? (x pt-x) (y pt-y))\n(make-pt 1)", "make-pt", 2, 1),
]

NOT_A_FUNCTION = [
    ("(define x 5)\n(x)", "integer", 2, 1),
    ("(define f nil)\n(f 1)", "nil", 2, 1),
    ("(define (g h) (h 1))\n(g \"str\")", "string", 1, 15),
    ("(define (g h) (h 1))\n(g '(1 2))", "list", 1, 15),
    ("(define (g h) (h 1))\n(g [1 2])", "vector", 1, 15),
    ("((car (list 1)) 2)", "integer", 1, 1),
]

VALUE = [
    ("(vector-ref [1 2] 5)", LispValueError, "index 5 out of range", 1, 1),
    ("(nth '(1 2) 5)", LispValueError, "index 5 out of range", 1, 1),
    ('(substring "abc" 2 10)', LispValueError, "substring", 1, 1),
    ("(/ 1 0)", DivisionByZero, "division by zero", 1, 1),
    ("(define (f x)\n  (quotient x 0))\n(f 5)", DivisionByZero, "division by zero", 2, 3),
    ("(modulo 5 0)", DivisionByZero, "division by zero", 1, 1),
    ('(throw "oops")', UserError, "oops", 1, 1),
    ('(error "bad" 42)', EvalError, "bad 42", 1, 1),
    ("(throw {:a 1})", UserError, "{:a 1}", 1, 1),
    ("(define (check x)\n  (when (< x 0)\n    (error \"negative:\" x)))\n(check -5)", EvalError, "negative: -5", 3, 5),
    ("(match 3 (1 'one) (2 'two))", SemaError, "no clause matched 3", 1, None),
]


class TestReaderErrors:
    @pytest.mark.parametrize("src, substring, line, col", READER)
    def test_reader_error(self, fail, src, substring, line, col):
        """Malformed text is a ReaderError at the offending character."""
        check(fail(src), ReaderError, substring, line, col)

    @pytest.mark.parametrize("src, substring, line, col", INCOMPLETE)
    def test_incomplete_input(self, fail, src, substring, line, col):
        """Unfinished text is IncompleteInput (so the REPL can read on), pointing at the opening."""
        check(fail(src), IncompleteInput, substring, line, col)

    def test_wrong_text_is_not_incomplete(self, fail):
        """A stray closer is a plain ReaderError, not IncompleteInput."""
        assert not isinstance(fail("(+ 1 2))"), IncompleteInput)


class TestSyntaxErrors:
    @pytest.mark.parametrize("src, substring, line, col", SYNTAX)
    def test_syntax_error(self, fail, src, substring, line, col):
        """A malformed special form is a LispSyntaxError naming the form, at the offending sub-form."""
        check(fail(src), LispSyntaxError, substring, line, col)

    def test_syntax_error_before_running_anything(self, interp):
        """A malformed form later in the same top-level form stops it before any of it runs."""
        with pytest.raises(LispSyntaxError):
            interp.eval_source('(begin (define ran "yes") (if))', "t.scm")
        with pytest.raises(UnboundSymbolError):
            interp.eval_source("ran")


class TestUnboundSymbols:
    @pytest.mark.parametrize("src, substring, line, col, hint", UNBOUND)
    def test_unbound_symbol(self, fail, src, substring, line, col, hint):
        """An unbound symbol names itself, points at its form and suggests close names."""
        err = fail(src)
        check(err, UnboundSymbolError, substring, line, col)
        if hint is not None:
            assert any("did you mean" in h and hint in h for h in err.hints), err.hints

    def test_hint_for_other_lisps(self, fail):
        """setq gets a hint pointing at set!."""
        err = fail("(setq x 1)")
        assert any("set!" in h for h in err.hints)

    def test_no_hint_for_unrelated_names(self, fail):
        """A name close to nothing gets no 'did you mean'."""
        err = fail("(qqqzzzxxx 1)")
        assert not any("did you mean" in h for h in err.hints)


class TestTypeErrors:
    @pytest.mark.parametrize("src, builtin, argument, line, col", TYPE)
    def test_type_error_names_builtin_and_argument(self, fail, src, builtin, argument, line, col):
        """A builtin given the wrong type names itself and shows the offending value."""
        err = fail(src)
        check(err, LispTypeError, builtin, line, col)
        assert err.message.startswith(builtin + ":")
        assert argument in err.message

    def test_alias_error_names_what_the_user_called(self, fail):
        """(reduce + 0 5) reports the error under the name reduce, which is what the user wrote."""
        err = fail("(reduce + 0 5)")
        assert err.message.startswith("reduce:")


class TestArityErrors:
    @pytest.mark.parametrize("src, name, line, col", ARITY)
    def test_arity_error(self, fail, src, name, line, col):
        """Calling with the wrong number of arguments names the function, at the call site."""
        err = fail(src)
        check(err, ArityError, name, line, col)
        assert "argument" in err.message

    def test_arity_message_counts(self, fail):
        """Too many arguments: the message gives the expected and actual counts."""
        err = fail("(define (f a b) a)\n(f 1 2 3)")
        assert "2" in err.message and "3" in err.message

    def test_self_call_arity_message(self, fail):
        """A recursive self-call with the wrong count reads 'expected 1 argument, got 2', like other calls."""
        err = fail("(define (f x) (f x x))\n(f 1)")
        assert isinstance(err, ArityError) and err.message == "f: expected 1 argument, got 2"

    def test_missing_argument_is_named(self, fail):
        """Too few arguments: the message names the missing parameter as the user wrote it."""
        err = fail("(define (area width height) (* width height))\n(area 3)")
        assert "height" in err.message


class TestCallingNonFunctions:
    @pytest.mark.parametrize("src, type_word, line, col", NOT_A_FUNCTION)
    def test_calling_a_non_function(self, fail, src, type_word, line, col):
        """Calling a value that is not a function says so and names its type."""
        err = fail(src)
        check(err, LispTypeError, "not a function", line, col)
        assert type_word in err.message

    def test_literal_in_operator_position(self, fail):
        """(5 3) is reported as not callable at the call, naming the value or its type."""
        err = fail("(5 3)")
        assert "cannot call" in err.message and ("5" in err.message or "integer" in err.message)
        assert (err.span.line, err.span.col) == (1, 1)

    def test_calling_a_map_speaks_lisp(self, fail):
        """Calling a map says it is not a function in Lisp terms, with no Python class names."""
        err = fail("(define m {:a 1})\n(m :a)")
        assert "not a function" in err.message and "map" in err.message
        assert "immutables" not in err.message


class TestValueAndUserErrors:
    @pytest.mark.parametrize("src, cls, substring, line, col", VALUE)
    def test_value_and_user_errors(self, fail, src, cls, substring, line, col):
        """Bad values, division by zero, throw and error: kind, message and position."""
        err = fail(src)
        assert isinstance(err, cls) and substring in err.message
        assert err.span is not None and err.span.line == line
        if col is not None:
            assert err.span.col == col

    def test_user_error_carries_thrown_value(self, fail):
        """The UserError of (throw v) keeps v itself, not only its text."""
        from sema.values import Keyword
        err = fail("(throw {:code 42})")
        assert err.value[Keyword("code")] == 42


class TestLispStack:
    SRC = ("(define (inner x)\n"
           "  (car x))\n"
           "(define (middle x)\n"
           "  (list (inner x)))\n"
           "(define (outer x)\n"
           "  (+ 1 (length (middle x))))\n"
           "(outer 5)\n")

    def test_innermost_position(self, fail):
        """An error deep in nested calls is reported where it happened: inside inner."""
        check(fail(self.SRC), LispTypeError, "car", 2, 3)

    def test_frames_name_the_lisp_functions(self, fail):
        """err.frames is the Lisp call stack, innermost first, with each call's position."""
        err = fail(self.SRC)
        assert [f.name for f in err.frames] == ["inner", "middle", "outer"]
        assert [f.span.line for f in err.frames] == [2, 4, 6]

    def test_lambda_frames(self, fail):
        """An error inside a lambda called by map shows the lambda and the function that called map."""
        err = fail("(define (process f xs)\n  (map f\n       xs))\n(process (fn (x)\n  (+ x \"oops\")) '(1 2))")
        check(err, LispTypeError, "+", 5, 3)
        names = [f.name for f in err.frames]
        assert names[0] == "lambda" and "process" in names

    def test_inlined_lambda_frames(self, fail):
        """A literal lambda given to map runs in place (issue 12): the error is still at its line."""
        err = fail("(define (process xs)\n  (map (fn (x)\n         (+ x \"oops\"))\n       xs))\n(process '(1 2))")
        check(err, LispTypeError, "+", 3, 10)
        assert [f.name for f in err.frames][0] == "process"

    def test_mutual_recursion_frames(self, fail):
        """Frames of mutually recursive functions alternate as they were called."""
        err = fail("(define (ev? n) (if (= n 0) (car n) (+ 1 (od? (- n 1)))))\n(define (od? n) (+ 1 (ev? (- n 1))))\n"
                   "(ev? 4)")
        assert [f.name for f in err.frames] == ["ev?", "od?", "ev?", "od?", "ev?"]

    def test_mutual_tail_calls_share_one_frame(self, fail):
        """Mutual tail calls run as one loop (issue 12): one frame naming both, at the line that failed."""
        err = fail("(define (ev? n) (if (= n 0) (car n) (od? (- n 1))))\n(define (od? n) (ev? (- n 1)))\n(ev? 4)")
        assert err.frames[0].name == "ev? / od?" and err.span.line == 1

    def test_error_in_loaded_file(self, tmp_path, interp):
        """An error in a loaded file is reported at that file's path, line and column."""
        path = tmp_path / "lib.scm"
        path.write_text("(define (half x)\n  (/ x 0))\n")
        interp.load_file(str(path))
        with pytest.raises(DivisionByZero) as info:
            interp.eval_source("(half 4)", "main.scm")
        err = info.value
        assert (err.span.file, err.span.line, err.span.col) == (str(path), 2, 3)
        assert err.frames[0].name == "half"


class TestMacroErrors:
    def test_error_in_macro_body_points_at_the_use(self, fail):
        """An error raised while a macro expands is reported at the macro call."""
        err = fail("(defmacro bad (x) (+ x \"s\"))\n(define y 1)\n(bad 5)")
        check(err, LispTypeError, "+", 3, 1)

    def test_error_in_macro_names_the_macro(self, fail):
        """An error raised while expanding macro bad says so: bad appears in the message or the stack."""
        err = fail("(defmacro bad (x) (+ x \"s\"))\n(bad 5)")
        assert "bad" in err.message or [f.name for f in err.frames][:1] == ["bad"]


class TestCaughtErrorMaps:
    def test_error_map_keys(self, show):
        """A caught error is a map with :type, :message and :stack-trace."""
        src = "(try (car 5) (catch e (list (:type e) (string? (:message e)) (list? (:stack-trace e)))))"
        assert show(src) == "(:type-error #t #t)"

    @pytest.mark.parametrize("src, kind", [
        ("(car 5)", ":type-error"), ("(car 1 2)", ":arity"), ("(/ 1 0)", ":eval"),
        ("(undefined-fn)", ":unbound"), ('(throw "x")', ":user"), ('(error "x")', ":eval"),
        ("(vector-ref [1] 9)", ":eval"), ("(eval '(if))", ":eval"), ('(read "(1 2")', ":reader"),
    ])
    def test_error_map_type(self, show, src, kind):
        """:type names the kind of error, with Sema's kinds (issue 11): error, division by zero ... are :eval."""
        assert show(f"(try {src} (catch e (:type e)))") == kind

    def test_stack_trace_entries(self, show):
        """:stack-trace lists {:name :line ...} maps, innermost first."""
        src = ("(define (inner x) (car x))\n(define (outer x) (inner x))\n"
               "(try (outer 5) (catch e (map (fn (f) (list (:name f) (:line f))) (:stack-trace e))))")
        assert show(src) == '(("inner" 1) ("outer" 2))'

    def test_message_of_builtin_error(self, show):
        """:message is the same text the CLI would print."""
        assert show('(try (+ 1 "a") (catch e (:message e)))') == '"+: expected a number, got string \\"a\\""'

    def test_unbound_error_has_name(self, show):
        """An unbound-symbol error map carries :name."""
        assert show("(try (undefined-thing) (catch e (:name e)))") == '"undefined-thing"'

    def test_rethrown_map_is_preserved(self, show):
        """Throwing a caught error map again gives the same map to the outer catch."""
        src = ("(define caught (try (car 5) (catch e e)))"
               "(define again (try (throw caught) (catch e e)))"
               "(list (equal? caught again) (:type again) (:message again))")
        assert show(src) == '(#t :type-error "car: expected a pair, got integer 5")'

    def test_rethrow_from_catch(self, show):
        """(throw e) inside a catch passes the thrown value on unchanged."""
        src = "(try (try (throw {:code 1}) (catch e (throw e))) (catch e2 (list (:type e2) (:value e2))))"
        assert show(src) == "(:user {:code 1})"

    def test_uncaught_rethrow_keeps_original_message(self, run):
        """A rethrown error map that nobody catches still reports the original message."""
        with pytest.raises(SemaError, match="car: expected a pair"):
            run("(try (car 5) (catch e (throw e)))")


class TestRendering:
    def render_of(self, interp, src, filename="prog.scm"):
        with pytest.raises(SemaError) as info:
            interp.eval_source(src, filename)
        return render(info.value)

    def test_location_line_and_caret(self, interp):
        """The rendering starts with file:line:col, quotes the source line and puts a caret under the form."""
        text = self.render_of(interp, "(define (inner x)\n  (+ x \"s\"))\n(inner 1)")
        lines = text.splitlines()
        assert lines[0].startswith("prog.scm:2:3: error: +:")
        assert lines[1].endswith('(+ x "s"))')
        caret = lines[2]
        assert caret.index("^") == lines[1].index("(+")
        assert "at inner (prog.scm:2:3)" in text

    def test_hint_is_rendered(self, interp):
        """A 'did you mean' hint appears in the rendered error."""
        text = self.render_of(interp, "(lenght '(1))")
        assert "hint: did you mean length?" in text

    def test_reader_error_rendering(self, interp):
        """A reader error renders with its position and a caret, like any other error."""
        text = self.render_of(interp, "(define s \"abc\n(+ 1 2)")
        assert text.startswith("prog.scm:1:11: error: unterminated string")
        assert "^" in text

    @pytest.mark.parametrize("src", [
        "(car 5)", "(undefined-fn 1)", "(define (f a) a) (f)", "(/ 1 0)", "(5 3)", "(define m {:a 1}) (m 1)",
        '(throw "x")', "(if)", "(+ 1 2", "(vector-ref [1] 9)", "(define (f x) (f x x)) (f 1)",
    ])
    def test_no_python_traceback_text(self, interp, src):
        """Rendered errors never show Python traceback text or .py file names."""
        text = self.render_of(interp, src)
        assert "Traceback" not in text and '.py"' not in text and ".py:" not in text


MALFORMED = [
    "(define)", "(lambda)", "(fn 1)", "(if)", "(quote)", "(case)", "(match)",
    "(defmacro m)", "(define-record-type)", "(1 . 2)", "(llm/complete 5)", "(http/get 5)", "(json/decode 5)",
    "(string/split 1 2)", "(map 1 2)", "(sort 5)", "(apply + 1)", "(let loop)", "(do)", "(while)",
    "(when-let (x))", "(set! 1 2)", "(unquote x)", "`(,@1)", "`(1 ,@2)", "(call-with-values 1 2)",
    "(parameterize (1) 2)", "(delay)", "(swap! 1 2)", "(deref 1)", "(import 5)", "(load 5)", "(eval)",
    "(read 5)", "(macroexpand)", "(error)", "(throw)", "(string->symbol 1)", "(substring \"abc\" 2 1)",
    "(nth (list 1) 5)", "(vector-ref [1] 3)", "(sqrt \"x\")", "(range 1 10 0)", "(llm/set-default :nope)",
    "(file/read \"/nonexistent/x\")", "(shell 5)", "(match 1 (2 3))", "(define [a b] 5)", "(fn (a a) 1)",
    "(define-values (a b) 1)", "(char->integer \"a\")", "(list-ref (list) 0)", "(format \"~a\")", "(doc)",
    "(keyword 5)", "(+ 1", ")", "#(% %2",
    # the LLM layer: bad configuration and bad provider answers are Lisp errors too
    "(llm/configure :openai {:api-key 5})", "(llm/request 5)", "(llm/define-provider :x 5)",
    "(llm/define-provider :x {:complete (fn (r) {:tool-calls 5})}) (llm/request {:messages [{:role \"user\" :content \"a\"}]})",
    "(llm/define-provider :x {:complete (fn (r) {:usage 5})}) (llm/complete \"a\")",
    "(llm/with-fallback [] (fn () 1))", "(http/request 5)",
]


@pytest.mark.parametrize("src", MALFORMED)
def test_malformed_input_is_a_lisp_error_never_an_internal_one(src):
    """Every malformed form or bad argument gives a SemaError (rendered for the user), not a Python error."""
    from sema.interpreter import Interpreter
    with pytest.raises(SemaError) as info:
        Interpreter(llm=False).eval_source(src, "bad.scm")
    rendered = render(info.value)
    assert "Traceback" not in rendered and ".py\"" not in rendered
