"""List and vector builtins: Python-level unit tests and Lisp-level tables."""

from __future__ import annotations

import inspect

import pytest

from sema.builtins import list_family as LF
from sema.builtins import lists as L
from sema.builtins import sequences as SQ
from sema.builtins import vectors as V
from sema.errors import LispTypeError, LispValueError, SemaError
from sema.printer import write_str
from sema.runtime.registry import BUILTINS
from sema.values import EMPTY, ArrayList, Keyword, Pair, Symbol, make_list, make_map


def lst(*xs):
    return make_list(list(xs))


def w(x) -> str:
    return write_str(x)


def lisp_lt(a, b):
    return a < b


class TestPairs:
    def test_cons_builds_pairs(self):
        """cons prepends to any list and makes dotted pairs from other tails."""
        assert w(L.cons(1, lst(2, 3))) == "(1 2 3)"
        assert w(L.cons(1, 2)) == "(1 . 2)"
        assert w(L.cons(1, EMPTY)) == "(1)"
        assert isinstance(L.cons(1, EMPTY), Pair)

    def test_car_cdr_on_every_list_kind(self):
        """car and cdr work on pairs, array lists, the empty list and nil."""
        arr = lst(1, 2, 3)
        assert L.car(arr) == 1 and w(L.cdr(arr)) == "(2 3)"
        assert L.car(Pair(5, EMPTY)) == 5 and L.cdr(Pair(5, EMPTY)) is EMPTY
        assert L.car(EMPTY) is None and L.cdr(EMPTY) is EMPTY
        assert L.car(None) is None
        assert L.cdr(lst(1)) is EMPTY

    def test_cdr_of_array_list_is_a_view(self):
        """The cdr of an array list shares its storage."""
        arr = lst(1, 2, 3)
        tail = L.cdr(arr)
        assert isinstance(tail, ArrayList) and tail.items is arr.items

    def test_car_of_non_list_is_a_type_error(self):
        """car of an integer names car, the expected kind and the value."""
        with pytest.raises(LispTypeError, match=r"car: expected a pair, got integer 1"):
            L.car(1)
        with pytest.raises(LispTypeError, match="cdr: expected a pair"):
            L.cdr("s")

    def test_slow_paths_are_the_builtins(self):
        """car_slow/cdr_slow behave like car/cdr."""
        assert L.car_slow(lst(4)) == 4 and L.cdr_slow(EMPTY) is EMPTY
        with pytest.raises(LispTypeError):
            L.car_slow(3)

    def test_cxr_combinations(self):
        """The c[ad]r combinations compose car and cdr right to left."""
        x = lst(lst(1, 2), 3, 4, 5)
        assert BUILTINS["caar"](x) == 1
        assert BUILTINS["cadr"](x) == 3
        assert w(BUILTINS["cdar"](x)) == "(2)"
        assert BUILTINS["caddr"](x) == 4
        assert BUILTINS["cadddr"](x) == 5
        assert BUILTINS["cddddr"](x) is EMPTY
        assert BUILTINS["cadr"](EMPTY) is None

    def test_cxr_error_names_the_combination(self):
        """A c[ad]r that hits a non-list names itself and the outer value."""
        with pytest.raises(LispTypeError, match=r"caar: expected a pair, got integer 1 inside \(1\)"):
            BUILTINS["caar"](lst(1))


class TestAccessors:
    def test_first_second_third_last(self):
        """Positional accessors answer nil past the end and accept vectors."""
        assert L.first(lst(1, 2)) == 1 and L.first((7,)) == 7 and L.first(EMPTY) is None
        assert L.second(lst(1, 2)) == 2 and L.third(lst(1, 2)) is None
        assert L.third((1, 2, 3)) == 3
        assert L.last(lst(1, 2, 3)) == 3 and L.last(EMPTY) is None
        assert L.last(Pair(1, Pair(2, EMPTY))) == 2
        assert L.last(Pair(0, lst(8, 9))) == 9

    def test_rest(self):
        """rest returns a list for lists and vectors."""
        assert w(L.rest(lst(1, 2))) == "(2)" and w(L.rest((1, 2))) == "(2)"
        assert L.rest(EMPTY) is EMPTY and L.rest(None) is EMPTY

    def test_nth_and_list_ref(self):
        """nth indexes lists and vectors; out of range names index and length."""
        assert L.nth(lst(10, 20, 30), 2) == 30
        assert L.nth((10, 20), 1) == 20
        assert L.nth(Pair(1, Pair(2, EMPTY)), 1) == 2
        assert L.nth(lst(1), 4, "d") == "d"
        with pytest.raises(LispValueError, match="nth: index 5 out of range for list of length 3"):
            L.nth(lst(1, 2, 3), 5)
        with pytest.raises(LispValueError, match="list-ref: index -1 out of range for list of length 1"):
            L.list_ref(lst(1), -1)
        with pytest.raises(LispValueError, match="vector of length 2"):
            L.nth((1, 2), 2)

    def test_length(self):
        """length counts lists (of any kind), vectors, strings and nil."""
        assert L.length(lst(1, 2, 3)) == 3
        assert L.length(L.cdr(lst(1, 2, 3))) == 2
        assert L.length(Pair(1, lst(2, 3))) == 3
        assert L.length((1,)) == 1 and L.length("ab") == 2 and L.length(None) == 0
        with pytest.raises(LispTypeError, match="length: argument 1"):
            L.length(5)

    def test_last_pair_make_list_copy(self):
        """last-pair, make-list and list-copy."""
        assert w(L.last_pair(lst(1, 2, 3))) == "(3)"
        assert w(L.make_list_(3, 0)) == "(0 0 0)"
        assert L.make_list_(0) is EMPTY
        assert w(L.list_copy((1, 2))) == "(1 2)"


class TestPredicates:
    def test_list_predicates(self):
        """null?, pair?, list?, empty? and vector? distinguish the sequence kinds."""
        assert L.null_p(EMPTY) and L.null_p(None) and not L.null_p(lst(1))
        assert L.pair_p(lst(1)) and L.pair_p(Pair(1, 2)) and not L.pair_p(EMPTY)
        assert L.list_p(EMPTY) and L.list_p(lst(1)) and not L.list_p(Pair(1, 2)) and not L.list_p((1,))
        assert L.empty_p(EMPTY) and L.empty_p(None) and L.empty_p("") and L.empty_p(())
        assert L.empty_p(make_map()) and not L.empty_p(lst(0)) and not L.empty_p("a")
        assert L.vector_p((1,)) and not L.vector_p(lst(1))
        with pytest.raises(LispTypeError):
            L.empty_p(3)


class TestBulk:
    def test_map_single_and_multi(self):
        """map over one list, a vector, and several lists in parallel."""
        assert w(SQ.map_(lambda x: x * x, lst(1, 2, 3))) == "(1 4 9)"
        assert w(SQ.map_(lambda x: x + 1, (1, 2))) == "(2 3)"
        assert w(SQ.map_(lambda a, b: a + b, lst(1, 2, 3), lst(10, 20))) == "(11 22)"
        assert SQ.map_(lambda x: x, EMPTY) is EMPTY
        assert w(SQ.map_(lambda x: x, L.cdr(lst(1, 2, 3)))) == "(2 3)"

    def test_map_result_is_array_backed(self):
        """Bulk results are ArrayLists, not pair chains."""
        assert isinstance(SQ.map_(abs, lst(-1, 2)), ArrayList)
        assert isinstance(SQ.range_(5), ArrayList)

    def test_map_rejects_non_sequences(self):
        """map of an integer reports the argument position."""
        with pytest.raises(LispTypeError, match="map: argument 2 must be a list or vector, got integer 5"):
            SQ.map_(abs, 5)

    def test_dotted_list_is_rejected(self):
        """Sequence functions refuse improper lists."""
        with pytest.raises(LispTypeError, match="proper list"):
            SQ.map_(abs, Pair(1, 2))

    def test_filter_uses_lisp_truth(self):
        """filter keeps elements whose predicate result is not #f or nil (0 and '() are true)."""
        assert w(SQ.filter_(lambda x: x % 2 == 0, SQ.range_(7))) == "(0 2 4 6)"
        assert w(SQ.filter_(lambda x: x, lst(0, False, None, EMPTY, ""))) == '(0 () "")'
        assert w(SQ.reject(lambda x: x % 2 == 0, SQ.range_(5))) == "(1 3)"

    def test_folds(self):
        """foldl calls (f acc x), foldr (f x acc), reduce both Clojure forms."""
        assert SQ.foldl(lambda acc, x: acc * 10 + x, 0, lst(1, 2, 3)) == 123
        assert w(SQ.foldr(L.cons, EMPTY, lst(1, 2, 3))) == "(1 2 3)"
        assert SQ.foldr(lambda x, acc: x - acc, 0, lst(1, 2, 3)) == 2
        assert SQ.foldl(lambda acc, x, y: acc + x * y, 0, lst(1, 2), lst(3, 4)) == 11
        assert SQ.reduce_(lambda a, b: a + b, lst(1, 2, 3, 4)) == 10
        assert SQ.reduce_(lambda a, b: a + b, 10, lst(1, 2, 3)) == 16
        with pytest.raises(LispValueError, match="reduce: empty list"):
            SQ.reduce_(lambda a, b: a + b, EMPTY)

    def test_for_each_returns_nil(self):
        """for-each calls f for effect, in order, over one or several lists."""
        seen = []
        assert SQ.for_each(seen.append, lst(1, 2)) is None
        assert SQ.for_each(lambda a, b: seen.append((a, b)), lst(1, 2), (3, 4)) is None
        assert seen == [1, 2, (1, 3), (2, 4)]

    def test_append(self):
        """append concatenates lists and vectors; a non-list tail gives a dotted list."""
        assert w(SQ.append(lst(1, 2), lst(3), (4, 5))) == "(1 2 3 4 5)"
        assert SQ.append() is EMPTY
        assert w(SQ.append(EMPTY, lst(1))) == "(1)"
        assert w(SQ.append(lst(1), 2)) == "(1 . 2)"
        assert w(SQ.append(Pair(1, EMPTY), None, lst(2))) == "(1 2)"

    def test_append_does_not_mutate_arguments(self):
        """The first argument's storage is never extended in place."""
        a = lst(1, 2)
        SQ.append(a, lst(3))
        assert w(a) == "(1 2)"

    def test_reverse(self):
        """reverse of lists, suffix views and vectors."""
        assert w(SQ.reverse(lst(1, 2, 3))) == "(3 2 1)"
        assert w(SQ.reverse(L.cdr(lst(1, 2, 3)))) == "(3 2)"
        assert w(SQ.reverse((1, 2))) == "(2 1)"
        assert SQ.reverse(EMPTY) is EMPTY

    def test_range_and_iota(self):
        """range takes end / start end / start end step; iota takes count [start [step]]."""
        assert w(SQ.range_(4)) == "(0 1 2 3)"
        assert w(SQ.range_(2, 5)) == "(2 3 4)"
        assert w(SQ.range_(10, 0, -3)) == "(10 7 4 1)"
        assert w(SQ.range_(0, 1, 0.25)) == "(0.0 0.25 0.5 0.75)"
        assert SQ.range_(5, 1) is EMPTY
        assert w(SQ.iota(3)) == "(0 1 2)" and w(SQ.iota(3, 1, 2)) == "(1 3 5)"
        assert w(SQ.iota(2, 0, 0.5)) == "(0.0 0.5)"
        with pytest.raises(LispValueError, match="step must not be zero"):
            SQ.range_(0, 5, 0)

    def test_take_drop_either_order(self):
        """take and drop accept the count first or second and clamp at the end."""
        xs = SQ.range_(5)
        assert w(SQ.take(2, xs)) == "(0 1)" and w(SQ.take(xs, 2)) == "(0 1)"
        assert w(SQ.take(9, xs)) == "(0 1 2 3 4)"
        assert w(SQ.drop(3, xs)) == "(3 4)" and SQ.drop(xs, 9) is EMPTY
        assert w(SQ.take(1, (5, 6))) == "(5)" and w(SQ.drop(1, (5, 6))) == "(6)"
        assert w(SQ.drop(1, Pair(1, Pair(2, EMPTY)))) == "(2)"
        mixed = Pair(1, Pair(2, lst(3, 4, 5)))
        assert [w(SQ.take(n, mixed)) for n in (0, 2, 4, 9)] == ["()", "(1 2)", "(1 2 3 4)", "(1 2 3 4 5)"]
        assert w(SQ.drop(3, mixed)) == "(4 5)"
        with pytest.raises(LispValueError, match="take: count must be non-negative"):
            SQ.take(-1, xs)

    def test_drop_shares_storage(self):
        """drop on an array list is an O(1) view."""
        xs = SQ.range_(100)
        assert SQ.drop(50, xs).items is xs.items

    def test_take_while_drop_while(self):
        """take-while and drop-while split at the first false predicate."""
        odd = lambda x: x % 2 == 1  # noqa: E731
        assert w(SQ.take_while(odd, lst(1, 3, 4, 5))) == "(1 3)"
        assert w(SQ.drop_while(odd, lst(1, 3, 4, 5))) == "(4 5)"
        assert SQ.drop_while(odd, lst(1, 3)) is EMPTY

    def test_flatten(self):
        """flatten removes one level, flatten-deep all levels."""
        x = lst(1, lst(2, lst(3)), (4,))
        assert w(SQ.flatten(x)) == "(1 2 (3) 4)"
        assert w(SQ.flatten_deep(x)) == "(1 2 3 4)"

    def test_zip_interpose_enumerate(self):
        """zip, interpose, enumerate, map-indexed and flat-map."""
        assert w(SQ.zip_(lst(1, 2, 3), (Symbol("a"), Symbol("b")))) == "((1 a) (2 b))"
        assert w(SQ.interpose(0, lst(1, 2, 3))) == "(1 0 2 0 3)"
        assert SQ.interpose(0, EMPTY) is EMPTY
        assert w(SQ.enumerate_(lst("a"))) == '((0 "a"))'
        assert w(SQ.map_indexed(lambda i, x: i * x, lst(5, 5))) == "(0 5)"
        assert w(SQ.flat_map(lambda x: lst(x, x), lst(1, 2))) == "(1 1 2 2)"


class TestSort:
    def test_natural_sort(self):
        """Without a comparator numbers and strings sort naturally."""
        assert w(SQ.sort(lst(3, 1.5, 2))) == "(1.5 2 3)"
        assert w(SQ.sort(lst("b", "a"))) == '("a" "b")'
        assert w(SQ.sort((2, 1))) == "(1 2)"

    def test_comparator_sort_is_stable(self):
        """A less-than predicate sorts; equal elements keep their order."""
        pairs = lst((1, "a"), (0, "b"), (1, "c"), (0, "d"))
        out = SQ.sort(pairs, lambda a, b: a[0] < b[0])
        assert [p[1] for p in out] == ["b", "d", "a", "c"]

    def test_comparator_called_once_per_comparison(self):
        """The predicate is called once per comparison, not twice."""
        calls = []

        def less(a, b):
            calls.append(1)
            return a < b

        SQ.sort(lst(2, 1), less)
        assert len(calls) == 1

    def test_comparator_may_return_lisp_values(self):
        """nil counts as false; a negative number counts as less."""
        assert w(SQ.sort(lst(3, 1, 2), lambda a, b: True if a > b else None)) == "(3 2 1)"
        assert w(SQ.sort(lst(3, 1, 2), lambda a, b: a - b)) == "(1 2 3)"

    def test_sort_large(self):
        """Sorting 10,000 pseudo-random numbers with a comparator matches Python's sort."""
        data = [((i + 1) * 48271 % 2147483647) % 1000 for i in range(10000)]
        assert list(SQ.sort(make_list(list(data)), lisp_lt)) == sorted(data)

    def test_mixed_types_sort_in_semas_order(self):
        """Values of different kinds sort by kind as in Sema (issue 11): nil, booleans, numbers, strings, keywords."""
        assert w(SQ.sort(lst(Keyword("b"), "a", 1, None, Keyword("a")))) == '(nil 1 "a" :a :b)'
        assert w(SQ.sort(lst(lst(2), lst(1, 2), lst(1)))) == "((1) (1 2) (2))"

    def test_sort_by(self):
        """sort-by orders by a key function, optionally with a comparator."""
        m1, m2 = make_map([(Keyword("age"), 30)]), make_map([(Keyword("age"), 20)])
        assert SQ.sort_by(Keyword("age"), lst(m1, m2)).items == [m2, m1]
        assert w(SQ.sort_by(lambda x: -x, lst(1, 3, 2))) == "(3 2 1)"
        assert w(SQ.sort_by(abs, lst(-3, 1, 2), lambda a, b: a > b)) == "(-3 2 1)"


class TestSearch:
    def test_member_memq(self):
        """member returns the tail from the first equal element, else #f."""
        assert w(L.member(2, lst(1, 2, 3))) == "(2 3)"
        assert L.member(9, lst(1)) is False
        assert w(L.member(lst(1), lst(0, lst(1)))) == "((1))"
        assert w(L.memq(Symbol("c"), Pair(Symbol("a"), lst(Symbol("c"))))) == "(c)"
        assert L.memq(lst(1), lst(lst(1))) is False

    def test_assq_assv(self):
        """assq/assv find association-list entries by eqv? on the car."""
        al = lst(Pair(1, "one"), Pair(2, "two"))
        assert w(L.assv(2, al)) == '(2 . "two")'
        assert L.assq(3, al) is False
        assert L.assq(Keyword("b"), lst((Keyword("a"), 1), (Keyword("b"), 2))) == (Keyword("b"), 2)

    def test_any_every_partition(self):
        """any/every return predicate results, the ? forms booleans; partition splits."""
        even = lambda x: x % 2 == 0  # noqa: E731
        assert SQ.any_(lambda x: x > 1 and x * 10, lst(1, 2, 3)) == 20
        assert SQ.any_(even, lst(1, 3)) is False and SQ.any_p(even, lst(1, 2)) is True
        assert SQ.every(lambda x: x * 2, lst(1, 2)) == 4 and SQ.every(even, EMPTY) is True
        assert SQ.every_p(even, lst(2, 3)) is False
        assert w(SQ.partition(even, lst(1, 2, 3, 4))) == "((2 4) (1 3))"

    def test_frequencies_keeps_kinds_apart(self):
        """frequencies counts #t, 1 and 1.0 separately."""
        from sema.values import map_key
        freq = SQ.frequencies(lst(1, True, 1.0, 1))
        assert len(freq) == 3
        assert freq[1] == 2 and freq[map_key(True)] == 1 and freq[map_key(1.0)] == 1


class TestListFamily:
    def test_numeric(self):
        """list/sum, max, min, avg, median, mode."""
        assert LF.list_sum(lst(1, 2, 3)) == 6 and LF.list_sum(EMPTY) == 0
        assert LF.list_sum(lst(0.5, 0.5)) == 1.0
        from fractions import Fraction
        assert LF.list_sum(lst(Fraction(1, 2), Fraction(1, 2))).__class__ is int
        assert LF.list_max(lst(3, 9, 2)) == 9 and LF.list_min(lst(3, 9, 2)) == 2
        assert LF.list_avg(lst(1, 2)) == 1.5
        assert LF.list_median(lst(3, 1, 2)) == 2 and LF.list_median(lst(1, 2, 3, 4)) == 2.5
        assert LF.list_mode(lst(1, 2, 2, 3)) == 2 and LF.list_mode(EMPTY) is None
        with pytest.raises(LispTypeError, match="list/sum: expected a list of numbers, found boolean #t"):
            LF.list_sum(lst(1, True))
        with pytest.raises(LispValueError, match="list/max: empty list"):
            LF.list_max(EMPTY)

    def test_distinct(self):
        """list/unique, list/dedupe and list/duplicates."""
        assert w(LF.list_unique(lst(1, 2, 1, 1.0, 3))) == "(1 2 1.0 3)"
        assert w(LF.list_dedupe(lst(1, 1, 2, 1))) == "(1 2 1)"
        assert w(LF.list_duplicates(lst("a", "b", "a", "c", "b", "a"))) == '("a" "b")'

    def test_slicing(self):
        """list/chunk, list/take-last, list/split-at."""
        assert w(LF.list_chunk(2, SQ.range_(5))) == "((0 1) (2 3) (4))"
        assert w(LF.list_chunk(SQ.range_(4), 2)) == "((0 1) (2 3))"
        assert w(LF.list_take_last(2, lst(1, 2, 3))) == "(2 3)"
        assert w(LF.list_take_last(5, lst(1, 2))) == "(1 2)"
        assert LF.list_take_last(0, lst(1, 2)) is EMPTY
        assert w(LF.list_split_at(1, lst(1, 2, 3))) == "((1) (2 3))"
        with pytest.raises(LispValueError, match="size must be positive"):
            LF.list_chunk(0, lst(1))

    def test_searching(self):
        """list/index-of, list/contains?, list/find, list/nth-or, list/sole."""
        assert LF.list_index_of(lst(1, 2), 2) == 1 and LF.list_index_of(lst(1), 5) is None
        assert LF.list_contains_p(lst(lst(1)), lst(1)) is True
        assert LF.list_find(lambda x: x > 1, lst(1, 2, 3)) == 2
        assert LF.list_nth_or(lst(1), 3, "x") == "x"
        assert LF.list_sole(lst(7)) == 7 and LF.list_sole(lambda x: x > 2, lst(1, 3)) == 3
        with pytest.raises(LispValueError, match="exactly one element, found 2"):
            LF.list_sole(lst(1, 2))

    def test_grouping(self):
        """list/group-by, list/key-by, list/pluck."""
        k = Keyword
        rows = lst(make_map([(k("id"), 1), (k("t"), "a")]), make_map([(k("id"), 2), (k("t"), "b")]))
        assert w(LF.list_group_by(lambda x: x % 2, lst(1, 2, 3))) == "{0 (2) 1 (1 3)}"
        assert w(LF.list_key_by(k("id"), rows)) == '{1 {:id 1 :t "a"} 2 {:id 2 :t "b"}}'
        assert w(LF.list_pluck(k("t"), rows)) == '("a" "b")'

    def test_generation(self):
        """list/repeat, list/times, list/interleave, list/diff, list/intersect, list/shuffle."""
        assert w(LF.list_repeat(2, "x")) == '("x" "x")' and w(LF.list_repeat("x", 2)) == '("x" "x")'
        assert w(LF.list_times(3, lambda i: i * 2)) == "(0 2 4)"
        assert w(LF.list_interleave(lst(1, 2), lst(3, 4, 5))) == "(1 3 2 4)"
        assert w(LF.list_diff(lst(1, 2, 3), lst(2))) == "(1 3)"
        assert w(LF.list_intersect(lst(1, 2, 3), (3, 1))) == "(1 3)"
        assert sorted(LF.list_shuffle(SQ.range_(10))) == list(range(10))


class TestVectors:
    def test_vector_functions(self):
        """vector, make-vector, vector-ref, vector-length and conversions."""
        assert V.vector(1, 2) == (1, 2) and V.make_vector(2, 0) == (0, 0)
        assert V.vector_ref((5, 6), 1) == 6 and V.vector_length((5, 6)) == 2
        assert V.list_to_vector(lst(1, 2)) == (1, 2)
        assert w(V.vector_to_list((1, 2))) == "(1 2)"
        with pytest.raises(LispValueError, match="vector-ref: index 3 out of range for vector of length 2"):
            V.vector_ref((1, 2), 3)
        with pytest.raises(LispTypeError, match="vector-ref: argument 1 must be a vector"):
            V.vector_ref(lst(1), 0)


class TestDocs:
    def test_every_builtin_has_an_example(self):
        """Each builtin of the list modules documents at least one `; =>` example."""
        modules = {m.__name__ for m in (L, SQ, V, LF)}
        for name, fn in BUILTINS.items():
            if fn.__module__ in modules:
                assert "; =>" in (inspect.getdoc(fn) or ""), name


LISP_CASES = [
    ("(cons 1 '(2))", "(1 2)"),
    ("(car '())", "nil"),
    ("(cdr '())", "()"),
    ("(cadr '(1 2 3))", "2"),
    ("(cddr '(1 2 3))", "(3)"),
    ("(caddr '(1 2 3))", "3"),
    ("(first [1 2])", "1"),
    ("(rest [1 2])", "(2)"),
    ("(last '(1 2 3))", "3"),
    ("(nth '(a b c) 1)", "b"),
    ("(length (range 100))", "100"),
    ("(length [1 2])", "2"),
    ("(append '(1) '(2) '(3 4))", "(1 2 3 4)"),
    ("(reverse (range 3))", "(2 1 0)"),
    ("(map (lambda (x) (* x x)) '(1 2 3))", "(1 4 9)"),
    ("(map + '(1 2) '(10 20))", "(11 22)"),
    ("(map (fn (x) (+ x 1)) [1 2])", "(2 3)"),
    ("(filter even? (range 10))", "(0 2 4 6 8)"),
    ("(filter (lambda (x) x) '(0 #f nil ()))", "(0 ())"),
    ("(foldl (lambda (acc x) (+ acc x)) 0 (range 101))", "5050"),
    ("(foldl cons '() '(1 2))", "((() . 1) . 2)"),
    ("(foldr cons '() '(1 2 3))", "(1 2 3)"),
    ("(reduce + '(1 2 3))", "6"),
    ("(reduce + 10 '(1 2 3))", "16"),
    ("(for-each (lambda (x) x) '(1 2))", "nil"),
    ("(range 1 10 3)", "(1 4 7)"),
    ("(iota 3 1)", "(1 2 3)"),
    ("(take 2 '(1 2 3))", "(1 2)"),
    ("(drop 2 '(1 2 3))", "(3)"),
    ("(take-while (lambda (x) (< x 3)) (range 10))", "(0 1 2)"),
    ("(drop-while (lambda (x) (< x 8)) (range 10))", "(8 9)"),
    ("(sort '(3 1 2))", "(1 2 3)"),
    ("(sort '(3 1 2) (lambda (a b) (> a b)))", "(3 2 1)"),
    ("(sort '(3 1 2) <)", "(1 2 3)"),
    ("(sort-by (lambda (p) (car p)) '((2 a) (1 b)))", "((1 b) (2 a))"),
    ("(member 2 '(1 2 3))", "(2 3)"),
    ("(member 5 '(1 2 3))", "#f"),
    ("(assq 'b '((a 1) (b 2)))", "(b 2)"),
    ("(flatten '(1 (2 (3))))", "(1 2 (3))"),
    ("(flatten-deep '(1 (2 (3))))", "(1 2 3)"),
    ("(zip '(1 2) '(a b))", "((1 a) (2 b))"),
    ("(interpose \", \" '(\"a\" \"b\"))", '("a" ", " "b")'),
    ("(any? even? '(1 3 4))", "#t"),
    ("(every? even? '(2 4))", "#t"),
    ("(partition odd? '(1 2 3))", "((1 3) (2))"),
    ("(frequencies '(a b a))", "{a 2 b 1}"),
    ("(enumerate '(x y))", "((0 x) (1 y))"),
    ("(map-indexed (lambda (i x) (* i x)) '(5 5 5))", "(0 5 10)"),
    ("(flat-map (lambda (x) (list x x)) '(1 2))", "(1 1 2 2)"),
    ("(make-list 2 'x)", "(x x)"),
    ("(null? '())", "#t"),
    ("(pair? '())", "#f"),
    ("(list? '(1))", "#t"),
    ("(empty? [])", "#t"),
    ("(list/sum (range 5))", "10"),
    ("(list/avg '(1 2))", "1.5"),
    ("(list/unique '(1 1 2))", "(1 2)"),
    ("(list/chunk 2 '(1 2 3))", "((1 2) (3))"),
    ("(list/group-by even? '(1 2 3))", "{#f (1 3) #t (2)}"),
    ("(list/index-of '(a b) 'b)", "1"),
    ("(list/pluck :a (list {:a 1} {:a 2}))", "(1 2)"),
    ("(list/times 3 (lambda (i) i))", "(0 1 2)"),
    ("(vector 1 2)", "[1 2]"),
    ("(vector-ref [1 2] 1)", "2"),
    ("(list->vector '(1 2))", "[1 2]"),
    ("(vector->list [1 2])", "(1 2)"),
]


@pytest.mark.parametrize("src, expected", LISP_CASES)
def test_lisp_lists(show, src, expected):
    """List builtins behave as documented when called from Lisp."""
    assert show(src) == expected


LISP_ERRORS = [
    ("(car 1)", "car: expected a pair, got integer 1"),
    ("(nth '(1 2) 5)", "nth: index 5 out of range for list of length 2"),
    ("(list-ref '(1 2) 2)", "list-ref: index 2 out of range for list of length 2"),
    ("(map car 5)", "map: argument 2"),
]


@pytest.mark.parametrize("src, message", LISP_ERRORS)
def test_lisp_list_errors(run, src, message):
    """List builtins report misuse with the builtin's name."""
    with pytest.raises(SemaError, match=message.replace("(", r"\(")):
        run(src)
