"""Tests for sema/builtins/strings.py and sema/builtins/chars.py.

The classes named ``Test...Direct`` call the Python functions; ``TestLisp...``
tables evaluate Lisp source through the ``show`` fixture of conftest.py.
"""

from __future__ import annotations

import pytest

from sema.builtins import chars as C
from sema.builtins import strings as S
from sema.errors import LispTypeError, LispValueError
from sema.runtime.registry import BUILTINS
from sema.values import EMPTY, ArrayList, Char, Keyword, Symbol, make_list, to_pylist, write_str


def lst(*items):
    return make_list(list(items))


class TestBuildingDirect:
    """str, string-append, format, make-string and string-copy."""

    def test_str(self):
        """str concatenates display forms; nil shows as nil."""
        assert S.str_() == ""
        assert S.str_("a", 1, Keyword("k"), Char("c"), 1.5) == "a1:kc1.5"
        assert S.str_("x=", None) == "x=nil"
        assert S.str_(lst(1, "a")) == "(1 a)"

    def test_string_append(self):
        """string-append joins strings and rejects anything else with a Lisp error."""
        assert S.string_append() == "" and S.string_append("foo", "bar", "") == "foobar"
        with pytest.raises(LispTypeError, match="string-append: expected a string, got int 5"):
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
        assert S.upper("hello") == "HELLO" and S.lower("HeLLo") == "hello"
        assert S.capitalize("hELLO world") == "Hello world" and S.capitalize("") == ""
        assert S.title_case("hello big world") == "Hello Big World"
        assert S.title_case("don't stop") == "Don't Stop"
        assert S.trim("  hi \n") == "hi" and S.trim_left("  hi ") == "hi " and S.trim_right(" hi  ") == " hi"
        assert S.trim("--hi--", "-") == "hi"

    def test_split(self):
        """split returns a list of strings; an empty separator splits into characters."""
        assert to_pylist(S.split("a,b", ",")) == ["a", "b"]
        assert to_pylist(S.split("a,,b,", ",")) == ["a", "", "b", ""]
        assert to_pylist(S.split("a b", Char(" "))) == ["a", "b"]
        assert to_pylist(S.split("ab", "")) == ["a", "b"]
        assert S.split("", "") is EMPTY

    def test_join(self):
        """join takes a list or vector and a separator; non-strings are displayed."""
        assert S.join(lst("a", "b"), ", ") == "a, b"
        assert S.join(("a", "b", "c")) == "abc"
        assert S.join(lst("x", 1, Keyword("k")), "-") == "x-1-:k"
        assert S.join(EMPTY, ",") == ""
        with pytest.raises(LispTypeError, match="expected a list or vector"):
            S.join("abc", ",")

    def test_replace(self):
        """replace replaces all occurrences; replace-first and replace-last one."""
        assert S.replace("a-b-c", "-", "+") == "a+b+c"
        assert S.replace_first("a-b-c", "-", "+") == "a+b-c"
        assert S.replace_last("a-b-c", "-", "+") == "a-b+c" and S.replace_last("abc", "x", "y") == "abc"
        assert S.remove("banana", "a") == "bnn"

    def test_predicates(self):
        """starts-with?, ends-with?, contains? and empty?."""
        assert S.starts_with_p("hello", "he") and not S.starts_with_p("hello", "lo")
        assert S.ends_with_p("hello", "lo") and S.contains_p("hello", "ell") and not S.contains_p("hello", "z")
        assert S.contains_p("hello", Char("h")) and S.empty_p("") and not S.empty_p(" ")
        assert S.number_p("1/2") and not S.number_p("x1")
        with pytest.raises(LispTypeError):
            S.starts_with_p("hello", 1)

    def test_index_of(self):
        """index-of and last-index-of return nil when absent."""
        assert S.index_of("hello", "l") == 2 and S.index_of("hello", "z") is None
        assert S.index_of("hello", "l", 3) == 3 and S.index_of("hello", Char("o")) == 4
        assert S.last_index_of("hello", "l") == 3 and S.last_index_of("hello", "z") is None
        with pytest.raises(LispValueError):
            S.index_of("hello", "l", 9)

    def test_padding(self):
        """pad-left and pad-right pad to a width, cycling a multi-character pad."""
        assert S.pad_left("7", 3, "0") == "007" and S.pad_left("7", 3) == "  7"
        assert S.pad_right("ab", 4, ".") == "ab.." and S.pad_left("hello", 3) == "hello"
        assert S.pad_left("x", 6, "ab") == "ababax" and S.pad_right("x", 3, Char("*")) == "x**"
        with pytest.raises(LispValueError):
            S.pad_left("x", 3, "")
        with pytest.raises(LispTypeError):
            S.pad_left("x", "3")

    def test_repeat(self):
        """repeat repeats a string; a negative count is an error."""
        assert S.repeat("ab", 3) == "ababab" and S.repeat("x", 0) == ""
        with pytest.raises(LispValueError, match="string/repeat"):
            S.repeat("x", -1)
        with pytest.raises(LispTypeError):
            S.repeat("x", True)

    def test_pieces(self):
        """reverse, chars, lines, words, codepoints and from-codepoints."""
        assert S.reverse("abc") == "cba"
        assert to_pylist(BUILTINS["string/chars"]("hi")) == [Char("h"), Char("i")]
        assert to_pylist(S.lines("a\nb\r\nc\n")) == ["a", "b", "c"] and S.lines("") is EMPTY
        assert to_pylist(S.lines("a\n\nb")) == ["a", "", "b"]
        assert to_pylist(S.words("  the quick  fox ")) == ["the", "quick", "fox"]
        assert to_pylist(S.codepoints("AB")) == [65, 66] and S.from_codepoints(lst(104, 105)) == "hi"
        with pytest.raises(LispTypeError):
            S.from_codepoints(lst(0xD800))

    def test_slicing(self):
        """slice is lenient, take counts from the end for negative N."""
        assert S.slice_("hello", 1, 3) == "el" and S.slice_("hello", -3) == "llo" and S.slice_("hi", 0, 10) == "hi"
        assert S.take("hello", 2) == "he" and S.take("hello", -2) == "lo" and S.take("hi", 10) == "hi"

    def test_before_after(self):
        """before/after/between leave the string alone when the search is absent."""
        assert S.before("user@example.com", "@") == "user" and S.after("user@example.com", "@") == "example.com"
        assert S.before("abc", "x") == "abc" and S.after("abc", "x") == "abc"
        assert S.before_last("a.b.c", ".") == "a.b" and S.after_last("a.b.c", ".") == "c"
        assert S.between("[hello]", "[", "]") == "hello" and S.between("a(b(c)d)e", "(", ")") == "b(c)d"

    def test_chop_ensure_wrap(self):
        """chop-start/end, ensure-start/end, wrap and unwrap."""
        assert S.chop_start("https://x.org", "https://") == "x.org" and S.chop_end("f.txt", ".txt") == "f"
        assert S.chop_start("x", "y") == "x"
        assert S.ensure_start("path", "/") == "/path" and S.ensure_start("/path", "/") == "/path"
        assert S.ensure_end("dir", "/") == "dir/" and S.ensure_end("dir/", "/") == "dir/"
        assert S.wrap("x", '"') == '"x"' and S.wrap("x", "(", ")") == "(x)"
        assert S.unwrap("(x)", "(", ")") == "x" and S.unwrap('"x"', '"') == "x"

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
        assert (S.snake_case(src), S.kebab_case(src), S.camel_case(src), S.pascal_case(src)) == (
            snake, kebab, camel, pascal)

    def test_headline(self):
        """headline capitalises the words of an identifier."""
        assert S.headline("email_notification-sent") == "Email Notification Sent"
        assert S.headline("EmailNotificationSent") == "Email Notification Sent"

    def test_unicode(self):
        """normalize, foldcase, byte-length, width and truncate-width."""
        assert S.normalize("e\u0301") == "\u00e9" and S.normalize("\u00e9", Keyword("nfd")) == "e\u0301"
        with pytest.raises(LispValueError):
            S.normalize("x", Keyword("bogus"))
        assert S.foldcase("Straße") == "strasse" and S.byte_length("héllo") == 6
        assert S.width("abc") == 3 and S.width("日本") == 4 and S.width("e\u0301") == 1
        assert S.truncate_width("hello world", 8) == "hello w…" and S.truncate_width("hi", 8) == "hi"
        assert S.truncate_width("日本語テキスト", 5, "") == "日本"

    def test_word_wrap(self):
        """word-wrap breaks at spaces and keeps existing newlines."""
        assert S.word_wrap("the quick brown fox", 10) == "the quick\nbrown fox"
        assert S.word_wrap("a\nb", 10) == "a\nb"

    def test_misc(self):
        """to-char, intern and map."""
        assert S.to_char("a") is Char("a")
        with pytest.raises(LispValueError):
            S.to_char("ab")
        assert S.intern("x") == "x"
        assert S.map_(lambda c: Char(c.ch.upper()), "abc") == "ABC"
        assert S.map_(lambda c: c.ch * 2, "ab") == "aabb"

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
    """Every builtin of both modules documents itself with an example line."""

    @pytest.mark.parametrize("module", [S.__name__, C.__name__])
    def test_every_builtin_has_example(self, module):
        """Each docstring has a summary and a `(expr) ; => result` line."""
        for name, fn in BUILTINS.items():
            if fn.__module__ != module:
                continue
            doc = fn.__doc__ or ""
            assert any(line.strip().startswith("(") and "; =>" in line for line in doc.splitlines()), name


def test_write_form_of_results():
    """Results print the way the Lisp tables below expect."""
    assert write_str(S.split("a,b", ",")) == '("a" "b")'
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
