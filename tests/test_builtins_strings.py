"""Tests for the string builtins (strings.py, string_shape.py, string_parts.py) and chars.py.

The classes named ``Test...Direct`` call the Python functions; ``TestLisp...``
tables evaluate Lisp source through the ``show`` fixture of conftest.py.
"""

from __future__ import annotations

import pytest

from sema.builtins import chars as C
from sema.builtins import string_parts as SP
from sema.builtins import string_shape as SS
from sema.builtins import strings as S
from sema.errors import LispTypeError, LispValueError
from sema.printer import write_str
from sema.runtime.registry import BUILTINS
from sema.values import EMPTY, ArrayList, Char, Keyword, Symbol, make_list, to_pylist


def lst(*items):
    return make_list(list(items))


class TestBuildingDirect:
    """str, string-append, format, make-string and string-copy."""

    def test_str(self):
        """str concatenates display forms (a string inside a list is quoted); nil shows as nil."""
        assert S.str_() == ""
        assert S.str_("a", 1, Keyword("k"), Char("c"), 1.5) == "a1:kc1.5"
        assert S.str_("x=", None) == "x=nil"
        assert S.str_(lst(1, "a")) == '(1 "a")'

    def test_string_append(self):
        """string-append joins strings and rejects anything else with a Lisp error."""
        assert S.string_append() == "" and S.string_append("foo", "bar", "") == "foobar"
        with pytest.raises(LispTypeError, match="string-append: expected a string, got integer 5"):
            S.string_append("a", 5)

    def test_format(self):
        """~a displays, ~s writes, ~% is a newline and ~~ a tilde."""
        assert S.format_("~a + ~a = ~a", 1, 2, 3) == "1 + 2 = 3"
        assert S.format_("~s and ~a", "q", "q") == '"q" and q'
        assert S.format_("100~~~%") == "100~\n"
        assert S.format_("~A|~S", Char("x"), Char("x")) == "x|#\\x"

    def test_format_errors(self):
        """Too few arguments and unknown directives are value errors."""
        with pytest.raises(LispValueError, match="too few arguments"):
            S.format_("~a ~a", 1)
        with pytest.raises(LispValueError, match="unknown directive ~q"):
            S.format_("~q", 1)
        with pytest.raises(LispValueError):
            S.format_("trailing ~")

    def test_make_string_and_copy(self):
        """make-string repeats a character; string-copy copies a range."""
        assert S.make_string(3, Char("x")) == "xxx" and S.make_string(2) == "  "
        assert S.string_copy("hello", 1, 3) == "el" and S.string_copy("hi") == "hi"
        with pytest.raises(LispValueError):
            S.make_string(-1)


class TestR7rsNamesDirect:
    """string-length, substring, string-ref, comparisons and conversions."""

    def test_length(self):
        """string-length counts code points and rejects non-strings (even lists)."""
        assert S.string_length("héllo") == 5
        with pytest.raises(LispTypeError):
            S.string_length(lst(1, 2))

    def test_substring(self):
        """substring takes start and an optional end."""
        assert S.substring("hello", 1, 3) == "el" and S.substring("hello", 2) == "llo"
        assert S.substring("hello", 5) == "" and S.substring("hello", 0, 5) == "hello"

    @pytest.mark.parametrize("start, end", [(3, 10), (-1, 2), (4, 2), (6, None)])
    def test_substring_bad_range(self, start, end):
        """A bad range names the range and the string's length."""
        with pytest.raises(LispValueError) as err:
            S.substring("hello", start, end)
        msg = str(err.value)
        assert msg.startswith("substring: range") and "length 5" in msg

    def test_substring_bool_index(self):
        """#t is not an index."""
        with pytest.raises(LispTypeError):
            S.substring("hello", True, 2)

    def test_string_ref(self):
        """string-ref returns a Char and checks the index."""
        assert S.string_ref("abc", 1) is Char("b")
        with pytest.raises(LispValueError, match="index 3 out of range for string of length 3"):
            S.string_ref("abc", 3)
        with pytest.raises(LispValueError):
            S.string_ref("abc", -1)

    def test_comparisons(self):
        """String comparisons are variadic; the -ci variants ignore case."""
        assert S.string_eq_p("a", "a", "a") and not S.string_eq_p("a", "A")
        assert S.string_lt_p("a", "b", "c") and S.string_gt_p("b", "a") and S.string_le_p("a", "a")
        assert S.string_ge_p("b", "b", "a") and S.string_ci_eq_p("Straße", "STRASSE")
        assert S.string_ci_lt_p("apple", "Banana")
        with pytest.raises(LispTypeError):
            S.string_eq_p("a", Symbol("a"))

    def test_symbol_keyword_conversions(self):
        """Strings convert to and from symbols and keywords."""
        assert S.string_to_symbol("abc") is Symbol("abc")
        assert S.string_to_keyword("name") is Keyword("name") and S.string_to_keyword(":name") is Keyword("name")
        assert S.symbol_to_string(Symbol("x")) == "x" and S.keyword_to_string(Keyword("k")) == "k"
        with pytest.raises(LispTypeError):
            S.symbol_to_string(Keyword("k"))
        with pytest.raises(LispTypeError):
            S.keyword_to_string(Symbol("k"))

    def test_list_conversions(self):
        """string->list, string->vector and list->string convert through characters."""
        chars = S.string_to_list("abc")
        assert isinstance(chars, ArrayList) and to_pylist(chars) == [Char("a"), Char("b"), Char("c")]
        assert S.string_to_list("") is EMPTY
        assert to_pylist(S.string_to_list("hello", 1, 3)) == [Char("e"), Char("l")]
        assert S.string_to_vector("ab") == (Char("a"), Char("b"))
        assert S.list_to_string(lst(Char("a"), Char("b"))) == "ab"
        assert S.list_to_string((Char("x"),)) == "x" and S.list_to_string(EMPTY) == ""
        with pytest.raises(LispTypeError, match="element 1 must be a character"):
            S.list_to_string(lst(Char("a"), "b"))

    def test_case(self):
        """string-upcase and string-downcase."""
        assert S.string_upcase("abc") == "ABC" and S.string_downcase("ABC") == "abc"


class TestStringFamilyDirect:
    """The string/ builtins the issue requires, and their neighbours."""

    def test_case_and_trim(self):
        """upper, lower, capitalize, title-case and the trims."""
        assert SS.upper("hello") == "HELLO" and SS.lower("HeLLo") == "hello"
        assert SS.capitalize("hELLO world") == "Hello world" and SS.capitalize("") == ""
        assert SS.title_case("hello big world") == "Hello Big World"
        assert SS.title_case("don't stop") == "Don't Stop"
        assert SS.trim("  hi \n") == "hi" and SS.trim_left("  hi ") == "hi " and SS.trim_right(" hi  ") == " hi"
        assert SS.trim("--hi--", "-") == "hi"

    def test_split(self):
        """split returns a list of strings; an empty separator splits into characters."""
        assert to_pylist(SP.split("a,b", ",")) == ["a", "b"]
        assert to_pylist(SP.split("a,,b,", ",")) == ["a", "", "b", ""]
        assert to_pylist(SP.split("a b", Char(" "))) == ["a", "b"]
        assert to_pylist(SP.split("ab", "")) == ["a", "b"]
        assert SP.split("", "") is EMPTY

    def test_join(self):
        """join takes a list or vector and a separator; non-strings are displayed."""
        assert SP.join(lst("a", "b"), ", ") == "a, b"
        assert SP.join(("a", "b", "c")) == "abc"
        assert SP.join(lst("x", 1, Keyword("k")), "-") == "x-1-:k"
        assert SP.join(EMPTY, ",") == ""
        with pytest.raises(LispTypeError, match="expected a list or vector"):
            SP.join("abc", ",")

    def test_replace(self):
        """replace replaces all occurrences; replace-first and replace-last one."""
        assert SP.replace("a-b-c", "-", "+") == "a+b+c"
        assert SP.replace_first("a-b-c", "-", "+") == "a+b-c"
        assert SP.replace_last("a-b-c", "-", "+") == "a-b+c" and SP.replace_last("abc", "x", "y") == "abc"
        assert SP.remove("banana", "a") == "bnn"

    def test_predicates(self):
        """starts-with?, ends-with?, contains? and empty?."""
        assert SP.starts_with_p("hello", "he") and not SP.starts_with_p("hello", "lo")
        assert SP.ends_with_p("hello", "lo") and SP.contains_p("hello", "ell") and not SP.contains_p("hello", "z")
        assert SP.contains_p("hello", Char("h")) and SP.empty_p("") and not SP.empty_p(" ")
        assert SP.number_p("1/2") and not SP.number_p("x1")
        with pytest.raises(LispTypeError):
            SP.starts_with_p("hello", 1)

    def test_index_of(self):
        """index-of and last-index-of return nil when absent."""
        assert SP.index_of("hello", "l") == 2 and SP.index_of("hello", "z") is None
        assert SP.index_of("hello", "l", 3) == 3 and SP.index_of("hello", Char("o")) == 4
        assert SP.last_index_of("hello", "l") == 3 and SP.last_index_of("hello", "z") is None
        with pytest.raises(LispValueError):
            SP.index_of("hello", "l", 9)

    def test_padding(self):
        """pad-left and pad-right pad to a width, cycling a multi-character pad."""
        assert SS.pad_left("7", 3, "0") == "007" and SS.pad_left("7", 3) == "  7"
        assert SS.pad_right("ab", 4, ".") == "ab.." and SS.pad_left("hello", 3) == "hello"
        assert SS.pad_left("x", 6, "ab") == "ababax" and SS.pad_right("x", 3, Char("*")) == "x**"
        with pytest.raises(LispValueError):
            SS.pad_left("x", 3, "")
        with pytest.raises(LispTypeError):
            SS.pad_left("x", "3")

    def test_repeat(self):
        """repeat repeats a string; a negative count is an error."""
        assert SS.repeat("ab", 3) == "ababab" and SS.repeat("x", 0) == ""
        with pytest.raises(LispValueError, match="string/repeat"):
            SS.repeat("x", -1)
        with pytest.raises(LispTypeError):
            SS.repeat("x", True)

    def test_pieces(self):
        """reverse, chars, lines, words, codepoints and from-codepoints."""
        assert SS.reverse("abc") == "cba"
        assert to_pylist(BUILTINS["string/chars"]("hi")) == [Char("h"), Char("i")]
        assert to_pylist(SP.lines("a\nb\r\nc\n")) == ["a", "b", "c"] and SP.lines("") is EMPTY
        assert to_pylist(SP.lines("a\n\nb")) == ["a", "", "b"]
        assert to_pylist(SP.words("  the quick  fox ")) == ["the", "quick", "fox"]
        assert to_pylist(SP.codepoints("AB")) == [65, 66] and SP.from_codepoints(lst(104, 105)) == "hi"
        with pytest.raises(LispTypeError):
            SP.from_codepoints(lst(0xD800))

    def test_slicing(self):
        """slice is lenient, take counts from the end for negative N."""
        assert SP.slice_("hello", 1, 3) == "el" and SP.slice_("hello", -3) == "llo" and SP.slice_("hi", 0, 10) == "hi"
        assert SP.take("hello", 2) == "he" and SP.take("hello", -2) == "lo" and SP.take("hi", 10) == "hi"

    def test_before_after(self):
        """before/after/between leave the string alone when the search is absent."""
        assert SP.before("user@example.com", "@") == "user" and SP.after("user@example.com", "@") == "example.com"
        assert SP.before("abc", "x") == "abc" and SP.after("abc", "x") == "abc"
        assert SP.before_last("a.b.c", ".") == "a.b" and SP.after_last("a.b.c", ".") == "c"
        assert SP.between("[hello]", "[", "]") == "hello" and SP.between("a(b(c)d)e", "(", ")") == "b(c"  # Sema: up to the first END

    def test_chop_ensure_wrap(self):
        """chop-start/end, ensure-start/end, wrap and unwrap."""
        assert SP.chop_start("https://x.org", "https://") == "x.org" and SP.chop_end("f.txt", ".txt") == "f"
        assert SP.chop_start("x", "y") == "x"
        assert SP.ensure_start("path", "/") == "/path" and SP.ensure_start("/path", "/") == "/path"
        assert SP.ensure_end("dir", "/") == "dir/" and SP.ensure_end("dir/", "/") == "dir/"
        assert SP.wrap("x", '"') == '"x"' and SP.wrap("x", "(", ")") == "(x)"
        assert SP.unwrap("(x)", "(", ")") == "x" and SP.unwrap('"x"', '"') == "x"

    @pytest.mark.parametrize("src, snake, kebab, camel, pascal", [
        ("helloWorld", "hello_world", "hello-world", "helloWorld", "HelloWorld"),
        ("Hello World", "hello_world", "hello-world", "helloWorld", "HelloWorld"),
        ("hello_world-foo", "hello_world_foo", "hello-world-foo", "helloWorldFoo", "HelloWorldFoo"),
        ("HTTPServerError", "http_server_error", "http-server-error", "httpServerError", "HttpServerError"),
        ("version2Beta", "version2_beta", "version2-beta", "version2Beta", "Version2Beta"),
        ("", "", "", "", ""),
    ])
    def test_identifier_cases(self, src, snake, kebab, camel, pascal):
        """snake-case, kebab-case, camel-case and pascal-case split words at case changes and separators."""
        assert (SS.snake_case(src), SS.kebab_case(src), SS.camel_case(src), SS.pascal_case(src)) == (
            snake, kebab, camel, pascal)

    def test_headline(self):
        """headline capitalises the words of an identifier."""
        assert SS.headline("email_notification-sent") == "Email Notification Sent"
        assert SS.headline("EmailNotificationSent") == "Email Notification Sent"

    def test_unicode(self):
        """normalize, foldcase, byte-length, width and truncate-width."""
        assert SS.normalize("e\u0301") == "\u00e9" and SS.normalize("\u00e9", Keyword("nfd")) == "e\u0301"
        with pytest.raises(LispValueError):
            SS.normalize("x", Keyword("bogus"))
        assert SS.foldcase("Straße") == "strasse" and SS.byte_length("héllo") == 6
        assert SS.width("abc") == 3 and SS.width("日本") == 4 and SS.width("e\u0301") == 1
        assert SS.truncate_width("hello world", 8) == "hello w…" and SS.truncate_width("hi", 8) == "hi"
        assert SS.truncate_width("日本語テキスト", 5, "") == "日本"

    def test_word_wrap(self):
        """word-wrap breaks at spaces and keeps existing newlines."""
        # issue 11: Sema returns the list of lines
        assert write_str(SS.word_wrap("the quick brown fox", 10)) == '("the quick" "brown fox")'
        assert write_str(SS.word_wrap("a\n\nb", 10)) == '("a" "" "b")'
        assert write_str(SS.word_wrap("日本語 の テスト", 8)) == '("日本語" "の" "テスト")'

    def test_misc(self):
        """to-char, intern and map."""
        assert SS.to_char("a") is Char("a")
        with pytest.raises(LispValueError):
            SS.to_char("ab")
        assert SS.intern("x") == "x"
        assert SS.map_(lambda c: Char(c.ch.upper()), "abc") == "ABC"
        assert SS.map_(lambda c: c.ch * 2, "ab") == "aabb"

    def test_aliases(self):
        """Sema's string/ names alias the R7RS ones."""
        for a, b in [("string/append", "string-append"), ("string/length", "string-length"),
                     ("string/ref", "string-ref"), ("string/to-symbol", "string->symbol"),
                     ("string/to-keyword", "string->keyword"), ("string/to-list", "string->list")]:
            assert BUILTINS[a] is BUILTINS[b]


class TestCharsDirect:
    """Character builtins from chars.py."""

    def test_conversions(self):
        """char->integer, integer->char and char/to-string."""
        assert C.char_to_integer(Char("A")) == 65 and C.integer_to_char(97) is Char("a")
        assert C.char_to_string(Char("a")) == "a"
        for bad in (-1, 0x110000, 0xD800):
            with pytest.raises(LispValueError):
                C.integer_to_char(bad)
        with pytest.raises(LispTypeError):
            C.integer_to_char(True)
        with pytest.raises(LispTypeError, match='char->integer: expected a character, got string "a"'):
            C.char_to_integer("a")

    def test_case(self):
        """char-upcase and char-downcase; multi-character mappings leave the char alone."""
        assert C.char_upcase(Char("a")) is Char("A") and C.char_downcase(Char("A")) is Char("a")
        assert C.char_upcase(Char("ß")) is Char("ß") and C.char_foldcase(Char("Q")) is Char("q")

    @pytest.mark.parametrize("fn, ch, expected", [
        (C.char_alphabetic_p, "a", True), (C.char_alphabetic_p, "é", True), (C.char_alphabetic_p, "1", False),
        (C.char_numeric_p, "7", True), (C.char_numeric_p, "x", False), (C.char_whitespace_p, " ", True),
        (C.char_whitespace_p, "\n", True), (C.char_whitespace_p, "a", False), (C.char_upper_case_p, "A", True),
        (C.char_upper_case_p, "a", False), (C.char_lower_case_p, "a", True), (C.char_lower_case_p, "1", False),
    ])
    def test_classification(self, fn, ch, expected):
        """Unicode-aware character classes."""
        assert fn(Char(ch)) is expected

    def test_predicate_and_digit_value(self):
        """char? recognises characters; digit-value gives #f for non-digits."""
        assert C.char_p(Char("a")) and not C.char_p("a")
        assert C.digit_value(Char("7")) == 7 and C.digit_value(Char("a")) is False

    def test_comparisons(self):
        """Character comparisons are variadic; -ci variants ignore case."""
        a, b, c = Char("a"), Char("b"), Char("c")
        assert C.char_eq_p(a, a, a) and not C.char_eq_p(a, b)
        assert C.char_lt_p(a, b, c) and not C.char_lt_p(a, c, b) and C.char_gt_p(c, b)
        assert C.char_le_p(a, a, b) and C.char_ge_p(b, b, a)
        assert C.char_ci_eq_p(a, Char("A")) and C.char_ci_lt_p(a, Char("B")) and C.char_ci_gt_p(b, Char("A"))
        with pytest.raises(LispTypeError):
            C.char_eq_p(a, "a")

    def test_aliases(self):
        """char/ names alias the R7RS ones."""
        for a, b in [("char/upcase", "char-upcase"), ("char/downcase", "char-downcase"),
                     ("char/alphabetic?", "char-alphabetic?"), ("char/numeric?", "char-numeric?"),
                     ("char/whitespace?", "char-whitespace?"), ("char/upper-case?", "char-upper-case?"),
                     ("char/to-integer", "char->integer")]:
            assert BUILTINS[a] is BUILTINS[b]


class TestDocExamplesShape:
    """Every builtin of the string and character modules documents itself with an example line."""

    @pytest.mark.parametrize("module", [S.__name__, SS.__name__, SP.__name__, C.__name__])
    def test_every_builtin_has_example(self, module):
        """Each docstring has a summary and a `(expr) ; => result` line."""
        for name, fn in BUILTINS.items():
            if fn.__module__ != module:
                continue
            doc = fn.__doc__ or ""
            assert any(line.strip().startswith("(") and "; =>" in line for line in doc.splitlines()), name


def test_write_form_of_results():
    """Results print the way the Lisp tables below expect."""
    assert write_str(SP.split("a,b", ",")) == '("a" "b")'
    assert write_str(S.string_to_list("ab")) == "(#\\a #\\b)"


# ---------------------------------------------------------------- Lisp level (needs the compiler)

LISP_CASES = [
    ('(str "a" 1 :k)', '"a1:k"'),
    ("(str)", '""'),
    ('(string-append "foo" "bar")', '"foobar"'),
    ('(string/append "a" "b")', '"ab"'),
    ('(substring "hello" 1 3)', '"el"'),
    ('(substring "hello" 2)', '"llo"'),
    ('(string-length "hello")', "5"),
    ('(string/length "")', "0"),
    ('(string-ref "abc" 1)', "#\\b"),
    ('(string=? "a" "a")', "#t"),
    ('(string<? "a" "b")', "#t"),
    ('(string-ci=? "Ab" "aB")', "#t"),
    ('(string->symbol "abc")', "abc"),
    ('(string->keyword "k")', ":k"),
    ("(symbol->string 'abc)", '"abc"'),
    ("(keyword->string :k)", '"k"'),
    ('(string->list "ab")', "(#\\a #\\b)"),
    ("(list->string (list #\\a #\\b))", '"ab"'),
    ("(make-string 3 #\\x)", '"xxx"'),
    ('(string-copy "abc")', '"abc"'),
    ('(format "~a + ~s~%" 1 "x")', '"1 + \\"x\\"\\n"'),
    ('(string/upper "a")', '"A"'),
    ('(string/lower "AbC")', '"abc"'),
    ('(string/trim "  x  ")', '"x"'),
    ('(string/split "a,b" ",")', '("a" "b")'),
    ('(string/join \'("a" "b") ", ")', '"a, b"'),
    ('(string/join ["a" "b"] "-")', '"a-b"'),
    ('(string/replace "aXbXc" "X" "-")', '"a-b-c"'),
    ('(string/starts-with? "hello" "he")', "#t"),
    ('(string/ends-with? "hello" "lo")', "#t"),
    ('(string/contains? "hello" "ll")', "#t"),
    ('(string/index-of "hello" "l")', "2"),
    ('(string/index-of "hello" "z")', "nil"),
    ('(string/pad-left "7" 3 "0")', '"007"'),
    ('(string/pad-right "7" 3)', '"7  "'),
    ('(string/repeat "ab" 2)', '"abab"'),
    ('(string/reverse "abc")', '"cba"'),
    ('(string/chars "ab")', "(#\\a #\\b)"),
    ('(string/lines "a\\nb")', '("a" "b")'),
    ('(string/words "a  b")', '("a" "b")'),
    ('(string/capitalize "hello")', '"Hello"'),
    ('(string/title-case "hello world")', '"Hello World"'),
    ('(string/empty? "")', "#t"),
    ('(string/to-number "42")', "42"),
    ('(string/slice "hello" 1 3)', '"el"'),
    ('(string/take "hello" 2)', '"he"'),
    ('(string/before "a@b" "@")', '"a"'),
    ('(string/after "a@b" "@")', '"b"'),
    ('(string/between "[x]" "[" "]")', '"x"'),
    ('(string/snake-case "helloWorld")', '"hello_world"'),
    ('(string/kebab-case "helloWorld")', '"hello-world"'),
    ('(string/camel-case "hello_world")', '"helloWorld"'),
    ('(string/pascal-case "hello_world")', '"HelloWorld"'),
    ('(string/map char-upcase "abc")', '"ABC"'),
    ("(char->integer #\\A)", "65"),
    ("(integer->char 97)", "#\\a"),
    ("(char-upcase #\\a)", "#\\A"),
    ("(char/downcase #\\A)", "#\\a"),
    ("(char-alphabetic? #\\a)", "#t"),
    ("(char/numeric? #\\5)", "#t"),
    ("(char-whitespace? #\\space)", "#t"),
    ("(char<? #\\a #\\b)", "#t"),
    ("(char-ci=? #\\a #\\A)", "#t"),
    ("(char/to-string #\\a)", '"a"'),
    ("(char? #\\a)", "#t"),
    ('(char? "a")', "#f"),
]


class TestLispStrings:
    """Strings and chars through the compiler (needs the `show` fixture from conftest.py)."""

    @pytest.mark.parametrize("src, expected", LISP_CASES)
    def test_show(self, show, src, expected):
        """The expression prints as expected in write form."""
        assert show(src) == expected


LISP_ERRORS = [
    ('(substring "hello" 3 10)', "substring: range 3..10 out of bounds for string of length 5"),
    ('(string-ref "abc" 5)', "string-ref: index 5 out of range"),
    ('(string/repeat "x" -1)', "string/repeat"),
    ('(string/upper 5)', "string/upper"),
    ('(char->integer "a")', "char->integer"),
]


class TestLispStringErrors:
    """Errors through the compiler name the builtin (needs `run` from conftest.py)."""

    @pytest.mark.parametrize("src, fragment", LISP_ERRORS)
    def test_error(self, run, src, fragment):
        """The error message contains the expected fragment."""
        from sema.errors import SemaError

        with pytest.raises(SemaError) as err:
            run(src)
        assert fragment in str(err.value)
