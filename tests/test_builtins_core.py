"""Core builtins (equality, predicates, atoms, promises, symbols, values, parameters)."""

from __future__ import annotations

import inspect
import threading
from fractions import Fraction

import pytest

from sema.builtins import core as C
from sema.builtins import lists  # noqa: F401  (registers car, used by procedure? tests)
from sema.errors import LispTypeError, SemaError
from sema.runtime.registry import BUILTINS
from sema.values import (
    EMPTY,
    Atom,
    Char,
    Keyword,
    MultipleValues,
    Parameter,
    Promise,
    Record,
    RecordType,
    Symbol,
    make_list,
    make_map,
)


def lst(*xs):
    return make_list(list(xs))


class TestEquality:
    def test_equal_is_structural(self):
        """equal? compares lists, vectors and maps by contents."""
        assert C.equal_p(lst(1, (2,)), lst(1, (2,)))
        assert C.equal_p(make_map([(1, 2)]), make_map([(1, 2)]))
        assert not C.equal_p(1, True) and not C.equal_p(0, False)

    def test_eqv_numbers_by_value_and_exactness(self):
        """eqv? compares numbers of the same exactness and strings by value."""
        assert C.eqv_p(10**20, 10**20) and C.eqv_p(2.5, 2.5) and C.eqv_p(Fraction(1, 3), Fraction(1, 3))
        assert not C.eqv_p(2, 2.0) and not C.eqv_p(1, True)
        assert C.eqv_p("ab", "a" + "b")
        assert C.eqv_p(Char("a"), Char("a")) and C.eqv_p(Symbol("x"), Symbol("x"))

    def test_eq_is_structural_as_in_sema(self):
        """eq? is structural like equal? (Sema, issue 11), and keeps exactness apart."""
        a = lst(1)
        assert C.eq_p(a, a) and C.eq_p(lst(1, (2,)), lst(1, (2,)))
        assert C.eq_p(EMPTY, EMPTY) and C.eq_p(None, None)
        assert not C.eq_p(1, 1.0) and not C.equal_p(lst(1), lst(1.0)) and not C.equal_p(lst(1), (1,))

    def test_not_and_identity(self):
        """not is true only for #f and nil; identity returns its argument."""
        assert C.not_(False) and C.not_(None)
        assert not C.not_(0) and not C.not_(EMPTY) and not C.not_("")
        x = object()
        assert C.identity(x) is x


class TestTypes:
    @pytest.mark.parametrize("value, name", [
        (1, "int"), (1.5, "float"), (Fraction(1, 2), "rational"), ("s", "string"), (None, "nil"),
        (True, "bool"), (Symbol("a"), "symbol"), (Keyword("a"), "keyword"), (Char("a"), "char"),
        (EMPTY, "list"), ((1,), "vector"), (make_map(), "map"), (Atom(1), "atom"), (abs, "native-fn"),
    ])
    def test_type_keyword(self, value, name):
        """type returns a keyword naming the value's type."""
        assert C.type_(value) is Keyword(name)

    def test_type_of_record(self):
        """A record's type is its record type's name."""
        rt = RecordType("point", ("x",))
        assert C.type_(Record(rt, {"x": 1})) is Keyword("point")
        assert BUILTINS["type-of"] is C.type_

    def test_predicates(self):
        """The type predicates answer only for their own type."""
        assert C.nil_p(None) and not C.nil_p(False) and not C.nil_p(EMPTY)
        assert C.true_p(True) and not C.true_p(1)
        assert C.false_p(False) and not C.false_p(None)
        assert C.boolean_p(False) and not C.boolean_p(0)
        assert C.symbol_p(Symbol("a")) and not C.symbol_p("a")
        assert C.keyword_p(Keyword("a")) and not C.keyword_p(Symbol("a"))
        assert C.string_p("") and not C.string_p(Char("a"))
        assert BUILTINS["char?"](Char("a")) and not BUILTINS["char?"]("a")
        assert C.atom_p(Atom(0)) and not C.atom_p(0)
        assert C.promise_p(Promise(lambda: 1)) and not C.promise_p(1)
        assert C.record_p(Record(RecordType("r", ()), {})) and not C.record_p(make_map())

    def test_procedure_p(self):
        """Functions and builtins are procedures; keywords, maps and symbols are not."""
        assert C.procedure_p(lambda: 1) and C.procedure_p(BUILTINS["car"])
        assert C.procedure_p(Parameter(1))
        assert not C.procedure_p(Keyword("a")) and not C.procedure_p(make_map())
        assert not C.procedure_p(Symbol("a")) and not C.procedure_p(1)

    def test_some_p_both_forms(self):
        """(some? x) tests for non-nil; (some? pred xs) tests whether any element matches."""
        assert C.some_p(0) and C.some_p(False) and not C.some_p(None)
        assert C.some_p(lambda x: x > 2, lst(1, 3)) is True
        assert C.some_p(lambda x: x > 5, lst(1, 3)) is False


class TestAtoms:
    def test_atom_lifecycle(self):
        """atom, deref, reset! and swap! read and update the value."""
        a = C.atom(1)
        assert C.deref(a) == 1
        assert C.reset_bang(a, 5) == 5 and a.value == 5
        assert C.swap_bang(a, lambda v, x, y: v + x + y, 1, 2) == 8 and C.deref(a) == 8

    def test_compare_and_set(self):
        """compare-and-set! only sets when the current value matches."""
        a = C.atom(1)
        assert C.compare_and_set_bang(a, 1, 2) is True and a.value == 2
        assert C.compare_and_set_bang(a, 1, 3) is False and a.value == 2

    def test_swap_is_atomic_under_threads(self):
        """Concurrent swap! calls lose no updates."""
        a = C.atom(0)

        def work():
            for _ in range(2000):
                C.swap_bang(a, lambda v: v + 1)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert a.value == 8000

    def test_swap_may_reenter(self):
        """A swap! function may itself swap! the same atom on the same thread."""
        a = C.atom(0)

        def f(v):
            C.swap_bang(a, lambda w: w + 100)
            return v + 1

        C.swap_bang(a, f)
        assert a.value == 1  # the outer result overwrites the inner update

    def test_atom_errors(self):
        """Atom functions applied to non-atoms name themselves."""
        with pytest.raises(LispTypeError, match="swap!: argument 1 must be an atom"):
            C.swap_bang(5, abs)
        with pytest.raises(LispTypeError, match="reset!: argument 1 must be an atom"):
            C.reset_bang(None, 1)
        with pytest.raises(LispTypeError, match="deref: expected an atom, promise or parameter, got integer 3"):
            C.deref(3)

    def test_deref_promises_and_parameters(self):
        """deref forces promises and reads parameters."""
        assert C.deref(Promise(lambda: 7)) == 7
        assert C.deref(Parameter(4)) == 4


class TestPromises:
    def test_force_memoises(self):
        """force runs a promise's thunk once."""
        calls = []
        p = Promise(lambda: calls.append(1) or len(calls))
        assert not C.promise_forced_p(p)
        assert C.force(p) == 1 and C.force(p) == 1 and calls == [1]
        assert C.promise_forced_p(p)

    def test_force_non_promise_and_make_promise(self):
        """force of a plain value returns it; make-promise wraps a value as forced."""
        assert C.force(5) == 5
        p = C.make_promise(3)
        assert C.promise_forced_p(p) and C.force(p) == 3
        assert C.make_promise(p) is p


class TestSymbols:
    def test_gensym_is_fresh(self):
        """gensym never returns the same symbol twice and honours a prefix."""
        a, b = C.gensym(), C.gensym()
        assert a is not b and isinstance(a, Symbol)
        assert C.gensym("tmp").name.startswith("tmp")
        assert C.gensym(Symbol("v")).name.startswith("v")
        with pytest.raises(LispTypeError):
            C.gensym(5)

    def test_symbol_keyword_name(self):
        """symbol, keyword and name convert between strings, symbols and keywords."""
        assert C.symbol("a") is Symbol("a") and C.symbol(Keyword("k")) is Symbol("k")
        assert C.keyword("a") is Keyword("a") and C.keyword(Symbol("b")) is Keyword("b")
        assert C.name(Keyword("a")) == "a" and C.name(Symbol("s")) == "s" and C.name("x") == "x"
        with pytest.raises(LispTypeError, match="name: argument 1 must be a string, symbol or keyword"):
            C.name(1)


class TestValuesAndParameters:
    def test_values(self):
        """One value is itself; other counts make MultipleValues."""
        assert C.values_(1) == 1
        mv = C.values_(1, 2)
        assert isinstance(mv, MultipleValues) and mv.values == (1, 2)
        assert C.values_().values == ()

    def test_call_with_values(self):
        """call-with-values spreads multiple values into the consumer."""
        assert C.call_with_values(lambda: C.values_(1, 2, 3), lambda *xs: sum(xs)) == 6
        assert C.call_with_values(lambda: 5, lambda x: x * 2) == 10
        assert C.call_with_values(lambda: C.values_(), lambda: "none") == "none"

    def test_make_parameter(self):
        """make-parameter applies the converter to the initial value."""
        p = C.make_parameter(10)
        assert p() == 10
        assert C.make_parameter(10, lambda x: x * 2)() == 20

    def test_tap(self):
        """tap calls the function for effect and returns the value."""
        seen = []
        assert C.tap(5, seen.append) == 5 and seen == [5]
        assert C.tap(seen.append, 6) == 6


class TestDocs:
    def test_every_builtin_has_an_example(self):
        """Each builtin of this module documents at least one `; =>` example."""
        for name, fn in BUILTINS.items():
            if fn.__module__ == C.__name__:
                assert "; =>" in (inspect.getdoc(fn) or ""), name


LISP_CASES = [
    ("(equal? '(1 2) '(1 2))", "#t"),
    ("(equal? 1 #t)", "#f"),
    ("(eq? 'a 'a)", "#t"),
    ("(eqv? 1.0 1)", "#f"),
    ("(not nil)", "#t"),
    ("(not 0)", "#f"),
    ("(type 42)", ":int"),
    ("(type 1/2)", ":rational"),
    ("(type [1])", ":vector"),
    ("(type {})", ":map"),
    ("(type :k)", ":keyword"),
    ("(type 'a)", ":symbol"),
    ("(type car)", ":native-fn"),
    ("(type (fn (x) x))", ":lambda"),  # issue 11: Sema's names for builtins and closures
    ("(type-of \"s\")", ":string"),
    ("(nil? nil)", "#t"),
    ("(some? 0)", "#t"),
    ("(boolean? #f)", "#t"),
    ("(procedure? car)", "#t"),
    ("(fn? :a)", "#f"),
    ("(let ((a (atom 0))) (swap! a + 5) (deref a))", "5"),
    ("(let ((a (atom 0))) (reset! a 3) @a)", "3"),
    ("(let ((a (atom 1))) (compare-and-set! a 1 2))", "#t"),
    ("(force (delay (+ 1 2)))", "3"),
    ("(promise? (delay 1))", "#t"),
    ("(symbol? (gensym))", "#t"),
    ("(keyword \"a\")", ":a"),
    ("(symbol \"s\")", "s"),
    ("(name :abc)", '"abc"'),
    ("(call-with-values (lambda () (values 1 2)) +)", "3"),
    ("(values 7)", "7"),
    ("((make-parameter 5))", "5"),
]


@pytest.mark.parametrize("src, expected", LISP_CASES)
def test_lisp_core(show, src, expected):
    """Core builtins behave as documented when called from Lisp."""
    assert show(src) == expected


LISP_ERRORS = [
    ("(deref 5)", "deref: expected an atom, promise or parameter"),
    ("(swap! 1 +)", "swap!: argument 1 must be an atom"),
    ("(name 5)", "name: argument 1"),
]


@pytest.mark.parametrize("src, message", LISP_ERRORS)
def test_lisp_core_errors(run, src, message):
    """Core builtins report misuse with the builtin's name."""
    with pytest.raises(SemaError, match=message):
        run(src)
