"""Tests for the reader (sema/reader): literals, spans, and its two kinds of error.

Every table here needs only the reader, not the compiler.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from fractions import Fraction

import pytest

from sema.diagnostics import render
from sema.errors import IncompleteInput, ReaderError, SemaError, Span
from sema.printer import write_str
from sema.reader import is_complete, parse_number, read_all, read_one
from sema.values import EMPTY, Char, Keyword, Map, Pair, Symbol, is_list, to_pylist


def w(src: str) -> str:
    """The write forms of all forms of ``src``, joined by spaces."""
    return " ".join(write_str(f) for f in read_all(src, "t.scm"))


def read_error(src: str) -> ReaderError:
    with pytest.raises(ReaderError) as info:
        read_all(src, "t.scm")
    return info.value


# ---------------------------------------------------------------- literals


class TestNumbers:
    """Integers, floats, rationals, complex numbers and #-prefixed numbers read to Python numbers."""

    @pytest.mark.parametrize("src, value", [
        ("42", 42), ("-7", -7), ("007", 7), ("0", 0),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ("3.14", 3.14), ("-0.5", -0.5), ("6.022e23", 6.022e23), ("1e-9", 1e-9), ("-2.5E6", -2.5e6),
        ("1/3", Fraction(1, 3)), ("-22/7", Fraction(-22, 7)), ("3/6", Fraction(1, 2)), ("4/2", 2),
        ("3+4i", 3 + 4j), ("1.5+2.5i", 1.5 + 2.5j), ("2i", 2j), ("+i", 1j), ("-i", -1j), ("-3.5i", -3.5j),
        ("1-2i", 1 - 2j), ("1/2+1/4i", 0.5 + 0.25j),
        ("#xFF", 255), ("#o17", 15), ("#b1010", 10), ("#d42", 42), ("#x-ff", -255), ("#XfF", 255),
        ("#e1.5", Fraction(3, 2)), ("#e0.1", Fraction(1, 10)), ("#e1e3", 1000), ("#i1/2", 0.5), ("#i3", 3.0),
        ("#e#xFF", 255), ("#x#eFF", 255), ("#i#xFF", 255.0),
    ])
    def test_value_and_type(self, src, value):
        """Each literal reads to the expected value of exactly the expected Python type."""
        got = read_one(src)
        assert got == value and type(got) is type(value)

    @pytest.mark.parametrize("src", ["inf", "+inf", "Inf", "Infinity", "+Infinity"])
    def test_positive_infinity(self, src):
        """The spellings of +infinity read as a float."""
        assert read_one(src) == math.inf

    @pytest.mark.parametrize("src", ["-inf", "-Infinity"])
    def test_negative_infinity(self, src):
        """The spellings of -infinity read as a float."""
        assert read_one(src) == -math.inf

    @pytest.mark.parametrize("src", ["nan", "NaN", "NAN", "+nan", "-nan"])
    def test_nan(self, src):
        """The spellings of NaN read as a float NaN."""
        got = read_one(src)
        assert type(got) is float and math.isnan(got)

    @pytest.mark.parametrize("src, name", [("+5", "+5"), (".5", ".5"), ("i", "i"), ("-", "-"), ("+", "+"),
                                           ("-x", "-x"), ("...", "..."), ("+5x", "+5x"), ("-id", "-id")])
    def test_symbols_not_numbers(self, src, name):
        """As in Sema, a leading + or . does not make a number: +5 and .5 are symbols."""
        assert read_one(src) is Symbol(name)

    @pytest.mark.parametrize("src, message", [
        ("1/0", "zero denominator"), ("1.", "bad number syntax `1.`"), ("1e", "bad number"),
        ("123abc", "bad number"), ("-5a", "bad number"), ("#xZZ", "bad digits for radix 16"),
        ("#x1.5", "integers only"), ("#e#e1", "two exactness prefixes"), ("#x#o1", "two radix prefixes"),
        ("#einf", "bad number"),
    ])
    def test_bad_numbers(self, src, message):
        """Malformed numbers are reader errors that quote the literal."""
        err = read_error(f"(a {src})")
        assert message in err.message
        assert (err.span.line, err.span.col, err.span.end_col) == (1, 4, 4 + len(src))

    def test_parse_number_helper(self):
        """parse_number reads number text the way the reader does, None for anything else."""
        assert parse_number("1/2") == Fraction(1, 2) and parse_number("#xff") == 255
        assert parse_number("-2.5") == -2.5 and parse_number("3+4i") == 3 + 4j
        assert parse_number("inf") == math.inf
        assert parse_number("abc") is None and parse_number("1/0") is None and parse_number("#t") is None
        assert parse_number("nil") is None and parse_number("+5") is None


class TestAtoms:
    """Booleans, nil, symbols, keywords and characters."""

    @pytest.mark.parametrize("src, value", [
        ("#t", True), ("#f", False), ("true", True), ("false", False), ("#true", True), ("#false", False),
        ("nil", None),
    ])
    def test_constants(self, src, value):
        """#t/#f/true/false read as Python booleans and nil as None."""
        assert read_one(src) is value

    @pytest.mark.parametrize("name", ["foo", "string/trim", "+", "set!", "tmp#", "->list", "a/b", "<=", "x*y",
                                      "%", "%1", "ok?", "_", "λ", "日本", "a.b", "&", "^x", "~y", "/", "a1"])
    def test_symbols(self, name):
        """Symbols are interned values.Symbol objects."""
        assert read_one(name) is Symbol(name)

    @pytest.mark.parametrize("src, name", [(":k", "k"), (":foo/bar", "foo/bar"), (":max-tokens", "max-tokens"),
                                           (":a1", "a1"), (":ok?", "ok?")])
    def test_keywords(self, src, name):
        """Keywords read as values.Keyword with the name after the colon."""
        assert read_one(src) is Keyword(name)

    @pytest.mark.parametrize("src, message", [
        (":", "needs a name"), ("a:b", "invalid character `:` in symbol `a:b`"), ("a$b", "`$`"),
        ("#q", "unknown `#` syntax `#q`"), ("#", "unknown `#` syntax"), ("#tru", "unknown `#` syntax"),
    ])
    def test_bad_atoms(self, src, message):
        """Atoms with characters Sema does not allow are reader errors."""
        assert message in read_error(src).message

    @pytest.mark.parametrize("src, ch", [
        ("#\\a", "a"), ("#\\space", " "), ("#\\newline", "\n"), ("#\\tab", "\t"), ("#\\return", "\r"),
        ("#\\nul", "\0"), ("#\\(", "("), ("#\\)", ")"), ("#\\;", ";"), ("#\\x41", "A"), ("#\\x", "x"),
        ("#\\λ", "λ"), ("#\\\"", '"'),
    ])
    def test_chars(self, src, ch):
        """#\\ reads one character or a character name as values.Char."""
        assert read_one(src) is Char(ch)

    def test_char_in_list(self):
        """A character literal ends at a delimiter, so #\\( and #\\) work inside lists."""
        assert w("(#\\( #\\) #\\a)") == "(#\\( #\\) #\\a)"

    def test_unknown_char_name(self):
        """An unknown character name is an error naming it, with a hint listing the names."""
        err = read_error("(list #\\foo)")
        assert "unknown character name `#\\foo`" in err.message
        assert (err.span.line, err.span.col) == (1, 7)
        assert any("space" in h for h in err.hints)

    def test_atom_cache_consistent(self):
        """Reading the same atoms again (from the cache) gives identical values."""
        first = read_all(":a b 1 2.5 #t nil 1/2 3+4i")
        second = read_all(":a b 1 2.5 #t nil 1/2 3+4i")
        assert [write_str(x) for x in first] == [write_str(x) for x in second]
        assert first[0] is second[0] and first[1] is second[1]


class TestStrings:
    """String literals, their escapes, and regex literals."""

    @pytest.mark.parametrize("src, value", [
        ('"hello"', "hello"), ('""', ""),
        (r'"a\nb"', "a\nb"), (r'"\t\r"', "\t\r"), (r'"\\"', "\\"), (r'"say \"hi\""', 'say "hi"'),
        (r'"\0"', "\0"), (r'"\$"', "$"), (r'"\x41;"', "A"), (r'"\x3bb;"', "\u03bb"), (r'"\u00e9"', "é"),
        (r'"\U0001F600"', "\U0001F600"), (r'"\uD83D\uDE00"', "\U0001F600"),
        (r'"\q"', "\\q"), (r'"\x41"', "\\x41"), (r'"\u12"', "\\u12"),
        ('"line one\nline two"', "line one\nline two"),
        ('"(not a list) ; not a comment #| x"', "(not a list) ; not a comment #| x"),
    ])
    def test_strings(self, src, value):
        """Escapes follow Sema; an unknown escape keeps its backslash; strings may span lines."""
        assert read_one(src) == value

    @pytest.mark.parametrize("src, value", [
        (r'#"\d+"', r"\d+"), (r'#"a\"b"', 'a"b'), (r'#"\\"', "\\\\"), (r'#"[a-z]+\s"', r"[a-z]+\s"),
    ])
    def test_regex_literal(self, src, value):
        """#"..." is raw: only \\" is an escape, and it reads as a plain string."""
        got = read_one(src)
        assert got == value and type(got) is str

    def test_string_positions_after_multiline_string(self):
        """A string spanning lines moves the line count for the forms after it."""
        forms = read_all('"a\nb\nc" (x)', "t.scm")
        assert forms[1].span == Span("t.scm", 3, 4, 3, 7)


class TestFStrings:
    """f"..." desugars at read time to a (str ...) call."""

    @pytest.mark.parametrize("src, expected", [
        ('f"Hello ${name}, ${(+ 1 2)}"', '(str "Hello " name ", " (+ 1 2))'),
        ('f"${x}"', "(str x)"),
        ('f"plain"', '(str "plain")'),
        ('f""', "(str)"),
        (r'f"cost: \${x} $y $"', '(str "cost: ${x} $y $")'),
        (r'f"a\n${x}\t"', r'(str "a\n" x "\t")'),
        ('f"${"}"}"', '(str "}")'),
        ('f"${(get {:a 1} :a)}!"', '(str (get {:a 1} :a) "!")'),
        ('f"${{:a {:b {:c 1}}}}"', "(str {:a {:b {:c 1}}})"),
        ('f"${f"in ${x}"}"', '(str (str "in " x))'),
        ('f"${ x }"', "(str x)"),
    ])
    def test_desugaring(self, src, expected):
        """Literal parts become strings and each ${} holds exactly one form."""
        assert w(src) == expected

    def test_head_is_symbol_str(self):
        """The head of the desugared list is the symbol str."""
        assert read_one('f"a${b}"').car is Symbol("str")

    def test_spans(self):
        """The (str ...) list spans the f-string, and embedded lists keep their real positions."""
        form = read_one('(x\n  f"a ${(g 1)} b")', "t.scm").cdr.car
        assert form.span == Span("t.scm", 2, 3, 2, 18)
        inner = form.cdr.cdr.car
        assert inner.span == Span("t.scm", 2, 9, 2, 14)

    @pytest.mark.parametrize("src, message, col", [
        ('f"${}"', "empty `${}`", 3),
        ('f"${  }"', "empty `${}`", 3),
        ('f"${a b}"', "exactly one form, found 2", 3),
        ('f"x ${(a}"', "unclosed `(`", 7),
        ('f"${a)}"', "unexpected `)`", 6),
    ])
    def test_errors(self, src, message, col):
        """Bad ${} contents are reader errors (never IncompleteInput) at their position."""
        err = read_error(src)
        assert not isinstance(err, IncompleteInput)
        assert message in err.message
        assert (err.span.line, err.span.col) == (1, col)

    def test_too_deep(self):
        """Braces nested deeper than the f-string terminal allows are an error, not incomplete input."""
        err = read_error('f"${{:a {:b {:c {:d 1}}}}}"')
        assert not isinstance(err, IncompleteInput) and "nested too deeply" in err.message


class TestCollections:
    """Lists are pair chains, vectors tuples, maps immutables.Map, bytevectors bytes."""

    def test_list_is_pair_chain(self):
        """A list reads as Pairs ending in EMPTY; () is EMPTY."""
        form = read_one("(a 1 \"s\")")
        assert type(form) is Pair and type(form.cdr) is Pair and form.cdr.cdr.cdr is EMPTY
        assert to_pylist(form) == [Symbol("a"), 1, "s"]
        assert read_one("()") is EMPTY

    @pytest.mark.parametrize("src, expected", [
        ("(a . b)", "(a . b)"), ("(a b . c)", "(a b . c)"), ("(a . (b c))", "(a b c)"),
        ("(a (b . c) . d)", "(a (b . c) . d)"), ("((a . b))", "((a . b))"), ("(. . .)", None),
    ])
    def test_dotted(self, src, expected):
        """Dotted pairs read as improper lists."""
        if expected is None:
            read_error(src)
        else:
            assert w(src) == expected

    def test_dotted_is_improper(self):
        """The tail of (a . b) is the symbol b itself."""
        form = read_one("(a . b)")
        assert form.cdr is Symbol("b") and not is_list(form)

    def test_rest_only(self):
        """``(. args)`` reads as ``args``, so ``(fn (. args) ...)`` takes any arguments (issue 7)."""
        assert read_one("(. args)") is Symbol("args")

    @pytest.mark.parametrize("src, message, col", [
        ("(. a b)", "needs a form before it", 2),
        ("(a .)", "followed by exactly one form", 4),
        ("(a . b c)", "followed by exactly one form", 4),
        ("(a . b . c)", "only one `.`", 8),
        ("[a . b]", "not in a vector", 4),
        ("{:a .}", "not in a map", 5),
        (".", "not in top-level code", 1),
        ("'.", "cannot apply to `.`", 1),
    ])
    def test_misplaced_dot(self, src, message, col):
        """A `.` anywhere but before the last form of a list is an error at the dot."""
        err = read_error(src)
        assert message in err.message and err.span.col == col

    def test_vectors(self):
        """[...] reads as a tuple; nested vectors too."""
        assert read_one("[1 [2 3] ()]") == (1, (2, 3), EMPTY)
        assert read_one("[]") == ()

    def test_maps(self):
        """{...} reads as an immutables.Map; the last duplicate key wins; keys keep their kind."""
        m = read_one('{:a 1 "k" 2 :a 3}')
        assert isinstance(m, Map) and m[Keyword("a")] == 3 and m["k"] == 2 and len(m) == 2
        assert w("{1 :a #t :b 1.0 :c}") == "{#t :b 1 :a 1.0 :c}"
        assert read_one("{}") == Map()

    def test_odd_map(self):
        """A map literal with an odd number of forms is an error spanning the map."""
        err = read_error("(x\n {:a 1 :b})")
        assert "map literal needs an even number of forms" in err.message
        assert err.span == Span("t.scm", 2, 2, 2, 11)

    def test_bytevector(self):
        """#u8(...) reads as bytes of integers 0..255."""
        assert read_one("#u8(1 2 255)") == b"\x01\x02\xff"
        assert read_one("#u8()") == b""

    @pytest.mark.parametrize("src", ["#u8(256)", "#u8(-1)", "#u8(a)", "#u8(1.0)", "#u8(#t)"])
    def test_bad_bytevector(self, src):
        """Anything but an integer 0..255 in a bytevector is an error."""
        assert "0..255" in read_error(src).message

    def test_write_round_trip(self):
        """Printing what was read and reading it again gives the same printed form."""
        src = "(define (f x) [1 2.5 -3 1/3 \"s\\n\" :k #\\a {:a (b . c)} #t #f nil])"
        assert w(w(src)) == w(src)


class TestPrefixes:
    """Quote, quasiquote, unquote, unquote-splicing and deref."""

    @pytest.mark.parametrize("src, head", [
        ("'x", "quote"), ("`x", "quasiquote"), (",x", "unquote"), (",@x", "unquote-splicing"), ("@x", "deref"),
    ])
    def test_prefix(self, src, head):
        """Each prefix reads as a two-element list headed by its symbol."""
        form = read_one(src)
        assert form.car is Symbol(head) and form.cdr.car is Symbol("x") and form.cdr.cdr is EMPTY

    @pytest.mark.parametrize("src, expected", [
        # quote forms print in full, as Sema prints them (issue 11)
        ("''a", "(quote (quote a))"), ("'(a b)", "(quote (a b))"),
        ("`(a ,b ,@c)", "(quasiquote (a (unquote b) (unquote-splicing c)))"), ("'[1 2]", "(quote [1 2])"),
        ("'{:a 1}", "(quote {:a 1})"), ("'\"s\"", "(quote \"s\")"), ("'()", "(quote ())"),
        ("'#\\a", "(quote #\\a)"), ("'#;a b", "(quote b)"), ("' #; a #; b c", "(quote c)"),
        ("'#;a (b)", "(quote (b))"), ("@(f)", "(deref (f))"),
    ])
    def test_nesting(self, src, expected):
        """Prefixes apply to any form, also after datum comments."""
        assert w(src) == expected

    @pytest.mark.parametrize("src, end_col", [
        ("'x", 3), ("'abc", 5), ("'(a b)", 7), ("'[1 2]", 7), ("'{:a 1}", 8), ('\'"s"', 5), ("'()", 4),
        ("''a", 4), ("'#\\a", 5), ("'#;z y", 7), ("@x", 3), (",@xy", 5),
    ])
    def test_span(self, src, end_col):
        """The list made for a prefix spans from the prefix to the end of its form."""
        assert read_one(src, "t.scm").span == Span("t.scm", 1, 1, 1, end_col)


class TestShortLambda:
    """#(...) reads as (fn (%1 ... %N) (...))."""

    @pytest.mark.parametrize("src, expected", [
        ("#(* % %)", "(fn (%1) (* %1 %1))"),
        ("#(+ %1 %2)", "(fn (%1 %2) (+ %1 %2))"),
        ("#(list %3)", "(fn (%1 %2 %3) (list %3))"),
        ("#(f)", "(fn () (f))"),
        ("#()", "(fn () ())"),
        ("#(f % (g %))", "(fn (%1) (f %1 (g %1)))"),
        ("#(f [%] {:a %2})", "(fn (%1 %2) (f [%1] {:a %2}))"),
        ("#(map #(* % 2) %)", "(fn (%1) (map (fn (%1) (* %1 2)) %1))"),
        ("#(g (fn (x) %5) %)", "(fn (%1) (g (fn (x) %5) %1))"),
        ("#(g (lambda (%) %) %2)", "(fn (%1 %2) (g (lambda (%) %) %2))"),
        ("#(f '%)", "(fn (%1) (f (quote %1)))"),
    ])
    def test_expansion(self, src, expected):
        """% means %1; the parameters run to the highest %N; nested fn/lambda/#() keep their own %."""
        assert w(src) == expected

    def test_spans(self):
        """The fn list and its body carry spans of the #(...) text."""
        form = read_one("(x #(+ % 1))", "t.scm").cdr.car
        assert form.span == Span("t.scm", 1, 4, 1, 12)
        assert form.cdr.car.span == Span("t.scm", 1, 4, 1, 12)
        assert form.cdr.cdr.car.span == Span("t.scm", 1, 5, 1, 12)


class TestComments:
    """Line, block, datum comments and the shebang line."""

    @pytest.mark.parametrize("src, expected", [
        ("; c\nx ; d", "x"),
        ("a;c\nb", "a b"),
        ("#| block |# x", "x"),
        ("#| a #| nested |# b |# x", "x"),
        ("#| 1 #| 2 #| 3 #| 4 |# |# |# |# x", "x"),
        ("#|\nmulti\nline\n|# x", "x"),
        ("#| has | and # inside |# x", "x"),
        ("(a #;b c)", "(a c)"),
        ("(a #; (b c) d)", "(a d)"),
        ("#;a b", "b"),
        ("#;a", ""),
        ("(a #;#;b c d)", "(a d)"),
        ("(#;a)", "()"),
        ("'(#;a)", "(quote ())"),
        ("[#;a]", "[]"),
        ("{#;a}", "{}"),
        ("#(#;a)", "(fn () ())"),
        ("[1 #;2 3]", "[1 3]"),
        ("{:a #;:x 1}", "{:a 1}"),
        ("#!/usr/bin/env sema\n(a)", "(a)"),
        ("\"#| not a comment |#\"", '"#| not a comment |#"'),
    ])
    def test_skipped(self, src, expected):
        """Comments read as nothing."""
        assert w(src) == expected

    def test_positions_after_comments(self):
        """Block comments and the shebang keep the line and column of what follows."""
        assert read_one("#!/bin/sema\n#| a\nb |#  (x)", "t.scm").span == Span("t.scm", 3, 7, 3, 10)

    def test_shebang_only_first_line(self):
        """#! on any other line is an error."""
        err = read_error("(a)\n#!x")
        assert "only allowed at the start of the first line" in err.message and err.span.line == 2

    def test_block_comment_too_deep(self):
        """Block comments nested deeper than four are an error, not incomplete input."""
        err = read_error("#| 1 #| 2 #| 3 #| 4 #| 5 |# |# |# |# |# x")
        assert not isinstance(err, IncompleteInput) and "nested too deeply" in err.message


# ---------------------------------------------------------------- spans


class TestSpans:
    """Every list read from source carries a Span on its first pair."""

    def test_nested_lists(self):
        """Spans of nested lists give the line/column of their brackets, end exclusive."""
        src = "(define (f x)\n  (let ((y 1))\n    (+ x y)))"
        form = read_one(src, "s.scm")
        assert form.span == Span("s.scm", 1, 1, 3, 14)
        assert form.cdr.car.span == Span("s.scm", 1, 9, 1, 14)
        let = form.cdr.cdr.car
        assert let.span == Span("s.scm", 2, 3, 3, 13)
        assert let.cdr.car.span == Span("s.scm", 2, 8, 2, 15)
        assert let.cdr.car.car.span == Span("s.scm", 2, 9, 2, 14)
        assert let.cdr.cdr.car.span == Span("s.scm", 3, 5, 3, 12)

    def test_lists_inside_vectors_and_maps(self):
        """Lists keep their spans inside vectors and maps."""
        vec = read_one("[1\n (a)]", "t.scm")
        assert vec[1].span == Span("t.scm", 2, 2, 2, 5)
        m = read_one("{:k (a b)}", "t.scm")
        assert m[Keyword("k")].span == Span("t.scm", 1, 5, 1, 10)

    def test_dotted_span(self):
        """A dotted list carries the span of its brackets."""
        assert read_one("  (a . b)", "t.scm").span == Span("t.scm", 1, 3, 1, 10)

    def test_file_name(self):
        """Spans name the file given to the reader (default <eval>)."""
        assert read_one("(a)").span.file == "<eval>"
        assert read_one("(a)", "prog.scm").span.file == "prog.scm"

    def test_tabs_and_crlf(self):
        """Columns count characters (a tab is one) and CRLF line ends count once."""
        forms = read_all("(a)\r\n\t(b)", "t.scm")
        assert forms[1].span == Span("t.scm", 2, 2, 2, 5)

    def test_top_level_forms(self):
        """read_all returns the top-level forms in order with their spans."""
        forms = read_all("(a) b\n(c)", "t.scm")
        assert forms[1] is Symbol("b")
        assert [f.span.line for f in (forms[0], forms[2])] == [1, 2]


class TestRunsAndFlatForms:
    """Atoms in a row and shallow brackets are one token each (issue 12's reader speed): every form,
    span and error inside them is what the grammar gives one form at a time."""

    @pytest.mark.parametrize("src, expected", [
        ("#; #; a b c", "c"), ("'#;a b", "(quote b)"), ("(#; #; a b c)", "(c)"), ("' a b", "(quote a) b"),
        ("(a 'b \"c\" '(1 `(2 ,x ,@y)) {:k '\"s\"} ''z ; x\n d)",
         '(a (quote b) "c" (quote (1 (quasiquote (2 (unquote x) (unquote-splicing y))))) {:k (quote "s")} '
         "(quote (quote z)) d)"),
        ("[1 (2 [3 {:a (4)}])]", "[1 (2 [3 {:a (4)}])]"), ("((((((a))))))", "((((((a))))))"),
        ('(a"b"c)', '(a "b" c)'), ("(x ; (not a list\n y)", "(x y)"), ("(a . (b c))", "(a b c)"),
        ('("a\\nb" #| c |# d)', '("a\\nb" d)'),
    ])
    def test_forms(self, src, expected):
        assert w(src) == expected

    def test_spans_inside_one_token(self):
        form = read_one("(a (b\n  (c)) 'd '(e))", "t.scm")
        b = form.cdr.car
        assert b.span == Span("t.scm", 1, 4, 2, 7) and b.cdr.car.span == Span("t.scm", 2, 3, 2, 6)
        assert form.cdr.cdr.car.span == Span("t.scm", 2, 8, 2, 10)       # 'd
        assert form.cdr.cdr.cdr.car.span == Span("t.scm", 2, 11, 2, 15)  # '(e)

    @pytest.mark.parametrize("src, message, col", [
        ("(a (b 1/0))", "zero denominator", 7), ("[x y :]", "keyword needs a name", 6),
        ("(a\n b . c d)", "exactly one form", 4), ("{:a (1) :b}", "even number", 1), ("(a '. b)", "cannot apply", 4),
    ])
    def test_errors_point_inside_the_token(self, src, message, col):
        err = read_error(src)
        assert message in err.message and err.span.col == col


# ---------------------------------------------------------------- errors


class TestIncompleteInput:
    """Unfinished input raises IncompleteInput, pointing at what is still open."""

    @pytest.mark.parametrize("src, message, line, col", [
        ("(a", "unclosed `(`: expected `)`", 1, 1),
        ("(a\n  (b", "unclosed `(`", 2, 3),
        ("[1 2", "unclosed `[`: expected `]`", 1, 1),
        ("{:a 1", "unclosed `{`: expected `}`", 1, 1),
        ("#(+ %", "unclosed `#(`: expected `)`", 1, 1),
        ("#u8(1", "unclosed `#u8(`", 1, 1),
        ('"abc', "unterminated string", 1, 1),
        ('(a "abc\n', "unterminated string", 1, 4),
        ('#"abc', "unterminated regex literal", 1, 1),
        ('f"abc', "unterminated f-string", 1, 1),
        ('f"a ${(b', "unterminated f-string", 1, 1),
        ("#| abc", "unterminated block comment", 1, 1),
        ("#| a #| b |#", "unterminated block comment", 1, 1),
        ("'", "expected a form after `'`", 1, 1),
        ("(a '", "expected a form after `'`", 1, 4),
        ("`", "expected a form after `` ` ``".replace("`` ` ``", "`"), 1, 1),
        ("#;", "expected a form after `#;`", 1, 1),
    ])
    def test_incomplete(self, src, message, line, col):
        """The message says what is unfinished; the span points at its start."""
        with pytest.raises(IncompleteInput) as info:
            read_all(src, "t.scm")
        err = info.value
        assert message in err.message
        assert (err.span.line, err.span.col) == (line, col)
        assert not is_complete(src)

    def test_is_a_reader_error(self):
        """IncompleteInput is a ReaderError, a SemaError and a SyntaxError."""
        assert issubclass(IncompleteInput, ReaderError) and issubclass(IncompleteInput, SyntaxError)


class TestReaderErrors:
    """Wrong input raises ReaderError (never IncompleteInput) with a human message and position."""

    @pytest.mark.parametrize("src, message, line, col", [
        (")", "unexpected `)`", 1, 1),
        ("(a))", "unexpected `)`", 1, 4),
        ("]", "unexpected `]`", 1, 1),
        ("(a b}", "mismatched `}`: expected `)` to close `(` opened at line 1, column 1", 1, 5),
        ("(a\n [b)", "mismatched `)`: expected `]` to close `[` opened at line 2, column 2", 2, 4),
        ("{:a (b]}", "expected `)` to close `(` opened at line 1, column 5", 1, 7),
        ("#(a]", "expected `)` to close `#(`", 1, 4),
        ("(a ')", "expected a form after `'`, found `)`", 1, 5),
        ("(a #;)", "expected a form after `#;`, found `)`", 1, 6),
        ("{:a 1 :b}", "map literal needs an even number of forms", 1, 1),
        ("1/0", "zero denominator", 1, 1),
        ("#\\foo", "unknown character name", 1, 1),
        ('f"${}"', "empty `${}` in f-string", 1, 3),
        ("#xyz", "radix 16", 1, 1),
        ("#foo", "unknown `#` syntax", 1, 1),
        ("(a . b c)", "`.`", 1, 4),
        ("#\\", "expected a character after", 1, 1),
    ])
    def test_errors(self, src, message, line, col):
        """Each wrong input gives its message at its position."""
        err = read_error(src)
        assert not isinstance(err, IncompleteInput)
        assert message in err.message
        assert (err.span.file, err.span.line, err.span.col) == ("t.scm", line, col)
        assert is_complete(src)

    def test_unexpected_closer_span_is_one_char(self):
        """The span of an unexpected closer covers exactly that bracket."""
        span = read_error("  )").span
        assert (span.col, span.end_col) == (3, 4)

    def test_only_sema_errors_escape(self):
        """Random junk raises only SemaErrors: Lark's exceptions never escape."""
        rng = random.Random(1234)
        alphabet = ['(', ')', '[', ']', '{', '}', '"', "'", '`', ',', ',@', '@', '#', '#(', '#u8(', '#;', '#|', '|#',
                    '#\\', 'f"', '${', '}', '.', ' ', '\n', 'a', '1', '/', ':', '%', ';', '\\', '#x', 'i', '#"']
        for _ in range(3000):
            src = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
            try:
                read_all(src, "fuzz.scm")
            except SemaError:
                pass
            is_complete(src)


class TestRender:
    """Rendered reader errors show file:line:col, the line and a caret."""

    def test_caret(self):
        """render() puts the caret under the offending bracket."""
        err = read_error("(define x\n  (foo]  )")
        text = render(err)
        assert text.splitlines()[0].startswith("t.scm:2:7: error: mismatched `]`")
        assert " 2 |   (foo]  )" in text
        assert text.splitlines()[2] == "   |       ^"

    def test_incomplete_rendering(self):
        """An unterminated string renders at its opening quote."""
        with pytest.raises(IncompleteInput) as info:
            read_all('(x\n  "abc', "u.scm")
        text = render(info.value)
        assert text.startswith("u.scm:2:3: error: unterminated string")
        assert text.splitlines()[2] == "   |   ^"

    def test_bad_atom_caret_covers_atom(self):
        """The caret of a bad atom underlines the whole atom."""
        text = render(read_error("(+ 1 12abc)"))
        assert text.splitlines()[-1] == "   |      ^^^^^"


class TestApi:
    """read_all, read_one and is_complete."""

    def test_read_all_keeps_source_with_spans(self):
        """Spans carry the text they were read from, even when reading fails (issue 7: no shared table)."""
        forms = read_all("(a)", "stored.scm")
        assert forms[0].span.file == "stored.scm" and forms[0].span.file.text == "(a)"
        with pytest.raises(ReaderError) as info:
            read_all("(a]", "stored2.scm")
        assert info.value.span.file.text == "(a]"

    def test_read_all_empty(self):
        """Empty input and comments only read as no forms."""
        assert read_all("") == [] and read_all("  ; nothing\n#| x |#") == []

    def test_read_one(self):
        """read_one returns the single form."""
        assert read_one("  (a)  ; c").car is Symbol("a")
        assert read_one("nil") is None

    def test_read_one_none(self):
        """read_one of nothing says it found none."""
        with pytest.raises(ReaderError, match="expected one form, found none"):
            read_one("  ; only a comment")

    def test_read_one_many(self):
        """read_one of several forms says how many, pointing at the second when it can."""
        with pytest.raises(ReaderError, match="expected one form, found 3") as info:
            read_one("a\n(b) c", "t.scm")
        assert info.value.span == Span("t.scm", 2, 1, 2, 4)

    @pytest.mark.parametrize("src, complete", [
        ("(a", False), ("(a)", True), (")", True), ('"', False), ("'", False), ("#|", False), ("", True),
        ("(a]", True), ("(a\n", False), ('f"${x}', False), ("(a ; comment )", False),
    ])
    def test_is_complete(self, src, complete):
        """is_complete is False only for unfinished input."""
        assert is_complete(src) is complete

    def test_reentrant_after_error(self):
        """A failed read leaves the reader ready for the next one."""
        with pytest.raises(ReaderError):
            read_all("(a . b . c)")
        assert w("(a . b)") == "(a . b)"

    def test_large_input(self):
        """Thousands of forms and deep nesting read without recursion limits."""
        assert len(read_all("(x 1) " * 5000)) == 5000
        deep = read_one("(" * 5000 + ")" * 5000)
        depth = 0
        while deep is not EMPTY:
            deep, depth = deep.car, depth + 1
        assert depth == 4999  # the innermost () is EMPTY


class TestParserCache:
    """The parser is built lazily and survives a missing or broken cache folder."""

    def _run(self, code: str, cache_dir: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, SEMA_CACHE_DIR=cache_dir)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)

    def test_import_does_not_load_lark(self, tmp_path):
        """Importing sema.reader does not import lark; the first read does."""
        code = ("import sys, sema.reader as r; assert 'lark' not in sys.modules; "
                "print(r.read_all('(a)')); assert 'lark' in sys.modules")
        res = self._run(code, str(tmp_path))
        assert res.returncode == 0, res.stderr
        assert res.stdout.strip() == "[(a)]"

    def test_cache_written_then_used(self, tmp_path):
        """A first run writes the cache file; a second run reads from it."""
        code = "import sema.reader as r; print(r.read_one('(a b)'))"
        assert self._run(code, str(tmp_path)).stdout.strip() == "(a b)"
        files = os.listdir(tmp_path)
        assert len(files) == 1 and files[0].startswith("reader-")
        res = self._run(code, str(tmp_path))
        assert res.stdout.strip() == "(a b)" and res.stderr == ""

    def test_unusable_cache_dir(self, tmp_path):
        """A cache folder that cannot be created is silently skipped."""
        blocker = tmp_path / "file"
        blocker.write_text("x")
        res = self._run("import sema.reader as r; print(r.read_one('(a)'))", str(blocker / "sub"))
        assert res.returncode == 0 and res.stdout.strip() == "(a)" and res.stderr == ""

    def test_corrupt_cache_file(self, tmp_path):
        """A corrupt cache file is ignored silently."""
        code = "import sema.reader as r; print(r.read_one('(a)'))"
        self._run(code, str(tmp_path))
        for name in os.listdir(tmp_path):
            (tmp_path / name).write_bytes(b"garbage\n\x00\x01")
        res = self._run(code, str(tmp_path))
        assert res.returncode == 0 and res.stdout.strip() == "(a)" and res.stderr == ""
