"""Printing: the write form (what the REPL shows, strings quoted) against the display form
(what display/println show), for every kind of value, as seen from Lisp.

Sema's printer is the target (issue 11): display shows only a top-level string or
character raw; inside a list, vector or map everything is in write form.
"""

from __future__ import annotations

import pytest

from sema.printer import display_str, write_str


@pytest.fixture(autouse=True)
def _private_code_cache(monkeypatch, tmp_path_factory):
    """Compiled code is cached in this session's own directory, so results never depend on ~/.cache."""
    monkeypatch.setenv("SEMA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sema-code-cache"))


@pytest.fixture
def out(interp, capsys):
    """Run source and return what it printed to standard output."""
    def run(src: str) -> str:
        capsys.readouterr()
        interp.eval_source(src)
        return capsys.readouterr().out
    return run


# (expression, write form, display form)
VALUES = [
    ('"hello"', '"hello"', "hello"),
    ('"a\\"b"', '"a\\"b"', 'a"b'),
    ('"line1\\nline2"', '"line1\\nline2"', "line1\nline2"),
    ('"tab\\there"', '"tab\\there"', "tab\there"),
    ('"back\\\\slash"', '"back\\\\slash"', "back\\slash"),
    ('""', '""', ""),
    ('"é ü"', '"é ü"', "é ü"),
    ("#\\a", "#\\a", "a"),
    ("#\\space", "#\\space", " "),
    ("#\\newline", "#\\newline", "\n"),
    ("#\\tab", "#\\tab", "\t"),
    ("42", "42", "42"),
    ("-7", "-7", "-7"),
    ("123456789012345678901234567890", "123456789012345678901234567890", "123456789012345678901234567890"),
    ("1.5", "1.5", "1.5"),
    ("1.0", "1.0", "1.0"),
    ("100.0", "100.0", "100.0"),
    ("-0.5", "-0.5", "-0.5"),
    ("(/ 1.0 3)", "0.3333333333333333", "0.3333333333333333"),
    ("(+ 0.1 0.2)", "0.30000000000000004", "0.30000000000000004"),
    ("(/ 1.0 0.0)", "inf", "inf"),
    ("(- (/ 1.0 0.0))", "-inf", "-inf"),
    ("(/ 0.0 0.0)", "NaN", "NaN"),
    ("inf", "inf", "inf"),
    ("1/3", "1/3", "1/3"),
    ("(/ -6 4)", "-3/2", "-3/2"),
    ("(/ 6 3)", "2", "2"),
    ("3+4i", "3+4i", "3+4i"),
    ("(make-rectangular 1 -2)", "1-2i", "1-2i"),
    ("1.5+2.5i", "1.5+2.5i", "1.5+2.5i"),
    (":kw", ":kw", ":kw"),
    (":ns/kw", ":ns/kw", ":ns/kw"),
    ("'sym", "sym", "sym"),
    ("'string/upper", "string/upper", "string/upper"),
    ("nil", "nil", "nil"),
    ("#t", "#t", "#t"),
    ("#f", "#f", "#f"),
    ("'()", "()", "()"),
    ("'(1 . 2)", "(1 . 2)", "(1 . 2)"),
    ("'(1 2 . 3)", "(1 2 . 3)", "(1 2 . 3)"),
    ("(cons \"a\" \"b\")", '("a" . "b")', '("a" . "b")'),
    ("'(1 (2 \"s\") #\\c)", '(1 (2 "s") #\\c)', '(1 (2 "s") #\\c)'),
    ("(list 1.5 \"two\" #\\3 'four :five nil #t)", '(1.5 "two" #\\3 four :five nil #t)',
     '(1.5 "two" #\\3 four :five nil #t)'),
    ("'((()))", "((()))", "((()))"),
    ("[1 \"a\" #\\b]", '[1 "a" #\\b]', '[1 "a" #\\b]'),
    ("[]", "[]", "[]"),
    ("[[1] ['x]]", "[[1] [x]]", "[[1] [x]]"),
    ("{}", "{}", "{}"),
    ('{:b 2 :a 1 :c "x"}', '{:a 1 :b 2 :c "x"}', '{:a 1 :b 2 :c "x"}'),
    ('{"b" 1 "a" 2}', '{"a" 2 "b" 1}', '{"a" 2 "b" 1}'),
    ("{3 :c 1 :a 2 :b}", "{1 :a 2 :b 3 :c}", "{1 :a 2 :b 3 :c}"),
    ("{:a [1 {:b \"c\"}]}", '{:a [1 {:b "c"}]}', '{:a [1 {:b "c"}]}'),
    ("{:a nil}", "{:a nil}", "{:a nil}"),
    ("''a", "(quote a)", "(quote a)"),
    ("'`(a ,b ,@c)", "(quasiquote (a (unquote b) (unquote-splicing c)))",
     "(quasiquote (a (unquote b) (unquote-splicing c)))"),
    ("1e20", "100000000000000000000.0", "100000000000000000000.0"),
    ("1e21", "1e21", "1e21"),
    ("6.022e23", "6.022e23", "6.022e23"),
    ("1e-7", "0.0000001", "0.0000001"),
    ("1.5e-8", "1.5e-8", "1.5e-8"),
    ("(sqrt -1)", "0+1i", "0+1i"),
    ("(atom 5)", "#<atom 5>", "#<atom 5>"),
]


class TestWriteAndDisplay:
    @pytest.mark.parametrize("expr, written, displayed", VALUES)
    def test_write_builtin(self, out, expr, written, displayed):
        """(write x) prints the machine-readable form: strings quoted and escaped, chars as #\\x."""
        assert out(f"(write {expr})") == written

    @pytest.mark.parametrize("expr, written, displayed", VALUES)
    def test_display_builtin(self, out, expr, written, displayed):
        """(display x) prints the human form: a top-level string or char raw, what is inside in write form."""
        assert out(f"(display {expr})") == displayed

    @pytest.mark.parametrize("expr, written, displayed", VALUES)
    def test_python_printers_agree(self, run, expr, written, displayed):
        """values.write_str / display_str (used by the REPL and embedders) agree with write and display."""
        value = run(expr)
        assert (write_str(value), display_str(value)) == (written, displayed)

    @pytest.mark.parametrize("expr", ["1.5", "(/ 1.0 3)", "1e-7", "1e21", "6.02e23", "-2.5e-5", "1/3", "3+4i",
                                      "'(1 \"a\" #\\b . c)", "{:a [1 2] \"k\" #t}", '"q\\"\\n"', ":k", "inf"])
    def test_write_form_reads_back(self, show, expr):
        """What write prints, read gives back as an equal value."""
        assert show(f"(let ((v {expr})) (equal? (read (format \"~s\" v)) v))") == "#t"


class TestOpaqueValues:
    def test_named_function(self, out):
        """A named function prints with its name."""
        assert out("(define (foo) 1) (write foo)") == "<lambda foo>"

    def test_builtin_function(self, out):
        """A builtin prints with its Lisp name."""
        assert out("(display car)") == "<native-fn car>"

    def test_anonymous_function(self, out):
        """An anonymous function prints as a lambda without a name."""
        assert out("(display (fn (x) x))") == "<lambda>"

    def test_record(self, out):
        """A record prints its type and its field values in declaration order, as Sema's printer does."""
        src = "(define-record-type point (make-point x y) point? (x px) (y py)) (write (make-point 1 \"a\"))"
        assert out(src) == '#<record point 1 "a">'

    def test_atom_holding_a_string(self, out):
        """An atom prints its current value in write form."""
        assert out('(define a (atom "s")) (reset! a "t") (write a)') == '#<atom "t">'

    def test_promise(self, out):
        """A promise prints as <promise>."""
        assert out("(display (delay 1))") == "<promise>"


class TestPrintFunctions:
    def test_println_separates_with_one_space(self, out):
        """println displays each argument, separated by exactly one space, then a newline."""
        assert out('(println "a" 1 "b" #\\c :k \'(1 "x"))') == 'a 1 b c :k (1 "x")\n'

    def test_println_no_arguments(self, out):
        """(println) prints just a newline."""
        assert out("(println)") == "\n"

    def test_println_display_form_of_collections(self, out):
        """println shows strings inside lists, vectors and maps quoted, as Sema does (issue 11)."""
        assert out("(println '(\"a\" \"b\") [\"c\"] {:k \"v\"})") == '("a" "b") ["c"] {:k "v"}\n'

    def test_print_has_no_newline(self, out):
        """print writes re-readable forms (strings quoted), separated by spaces, with no newline."""
        assert out('(print "a" 1) (print "b")') == '"a" 1"b"'

    def test_display_and_newline(self, out):
        """display adds nothing; newline adds one newline."""
        assert out('(display "x") (newline) (display "y")') == "x\ny"

    def test_print_functions_return_nil(self, show, capsys):
        """println, display and newline return nil."""
        assert show('(list (println "x") (display "y") (newline))') == "(nil nil nil)"

    def test_str_uses_display_form(self, show):
        """str concatenates display forms: top-level strings raw, strings inside a list quoted."""
        assert show('(str "a" 1 #\\c :k \'("x") 1/2)') == '"a1c:k(\\"x\\")1/2"'

    def test_format_a_and_s(self, show):
        """format's ~a displays and ~s writes; for a list the two agree."""
        assert show('(format "~a|~s" \'("x" #\\y) "z")') == '"(\\"x\\" #\\\\y)|\\"z\\""'

    def test_repl_shows_write_form(self, show):
        """The value shown for an expression (write form) keeps strings quoted."""
        assert show('(list "a" #\\b)') == '("a" #\\b)'
