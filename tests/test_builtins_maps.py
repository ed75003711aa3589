"""Map builtins: Python-level unit tests and Lisp-level tables."""

from __future__ import annotations

import inspect

import pytest

from sema.builtins import maps as M
from sema.errors import LispTypeError, LispValueError, SemaError
from sema.printer import write_str
from sema.runtime.registry import BUILTINS
from sema.values import EMPTY, EMPTY_MAP, Char, Keyword, Record, RecordType, make_list, make_map, map_key

k = Keyword


def m(**kw):
    return make_map((Keyword(a), b) for a, b in kw.items())


def lst(*xs):
    return make_list(list(xs))


def w(x) -> str:
    return write_str(x)


class TestGet:
    def test_get_on_maps(self):
        """get finds keys, returns the default when absent and nil values when present."""
        mp = m(a=1, n=None)
        assert M.get(mp, k("a")) == 1
        assert M.get(mp, k("b")) is None and M.get(mp, k("b"), 0) == 0
        assert M.get(mp, k("n"), 0) is None

    def test_get_keeps_bool_float_int_apart(self):
        """#t, 1 and 1.0 are different keys."""
        mp = make_map([(1, "int"), (True, "bool"), (1.0, "float")])
        assert M.get(mp, 1) == "int" and M.get(mp, True) == "bool" and M.get(mp, 1.0) == "float"
        assert M.get(make_map([(1, "x")]), True) is None

    def test_get_on_other_collections(self):
        """get indexes vectors, lists and strings, reads record fields, and treats nil as empty."""
        assert M.get((10, 20), 1) == 20 and M.get((10,), 5, "d") == "d"
        assert M.get(lst(1, 2), 1) == 2
        assert M.get("abc", 1) is Char("b")
        assert M.get(None, k("a"), 3) == 3
        rt = RecordType("point", ("x", "y"))
        assert M.get(Record(rt, {"x": 1, "y": 2}), k("y")) == 2
        with pytest.raises(LispTypeError, match="get: argument 1 must be a map"):
            M.get(5, k("a"))

    def test_get_in(self):
        """get-in follows a path through maps and vectors."""
        nested = make_map([(k("a"), make_map([(k("b"), (1, 2))]))])
        assert M.get_in(nested, (k("a"), k("b"), 1)) == 2
        assert M.get_in(nested, lst(k("a"), k("z")), "none") == "none"
        assert M.get_in(nested, ()) is nested
        assert M.get_in(m(a=5), (k("a"), k("b"))) is None

    def test_contains(self):
        """contains? tests keys of maps and indexes of vectors."""
        assert M.contains_p(m(a=None), k("a")) is True
        assert M.contains_p(m(a=1), k("b")) is False
        assert M.contains_p((1, 2), 1) and not M.contains_p((1, 2), 2)
        assert M.contains_p(None, k("a")) is False
        with pytest.raises(LispTypeError, match="list/contains"):
            M.contains_p(lst(1), 1)

    def test_count(self):
        """count works on maps, lists, vectors, strings and nil."""
        assert M.count(m(a=1, b=2)) == 2
        assert M.count(lst(1, 2, 3)) == 3 and M.count(EMPTY) == 0
        assert M.count((1,)) == 1 and M.count("héllo") == 5 and M.count(None) == 0
        with pytest.raises(LispTypeError, match="count: argument 1 must be a collection"):
            M.count(3)

    def test_keys_vals_entries_sorted(self):
        """keys, vals and map/entries answer in printing order."""
        mp = m(b=2, a=1, c=3)
        assert w(M.keys(mp)) == "(:a :b :c)"
        assert w(M.vals(mp)) == "(1 2 3)"
        assert w(M.map_entries(mp)) == "((:a 1) (:b 2) (:c 3))"  # Sema's entries are 2-element lists
        assert M.keys(None) is EMPTY
        assert w(M.keys(make_map([(True, 1), (2, 2)]))) == "(#t 2)"  # Sema's key order: booleans before numbers


class TestBuild:
    def test_assoc(self):
        """assoc sets one or many keys and leaves the original map unchanged."""
        base = m(a=1)
        assert w(M.assoc(base, k("b"), 2)) == "{:a 1 :b 2}"
        assert w(M.assoc(base, k("a"), 5, k("c"), 3)) == "{:a 5 :c 3}"
        assert w(M.assoc(base, k("x"), 1, k("y"), 2, k("z"), 3)) == "{:a 1 :x 1 :y 2 :z 3}"
        assert w(base) == "{:a 1}"
        assert w(M.assoc(None, k("a"), 1)) == "{:a 1}"
        assert w(M.assoc(EMPTY_MAP, 1.0, "f", True, "t")) == '{#t "t" 1.0 "f"}'

    def test_assoc_vector(self):
        """assoc on a vector replaces an index (or appends at the end)."""
        assert M.assoc((1, 2, 3), 0, "x") == ("x", 2, 3)
        assert M.assoc((1,), 1, 2) == (1, 2)
        with pytest.raises(LispValueError, match="index 5 out of range for vector of length 1"):
            M.assoc((1,), 5, 0)

    def test_assoc_odd_arguments(self):
        """An odd number of key/value arguments is an error."""
        with pytest.raises(LispValueError, match="assoc: expected key/value pairs"):
            M.assoc(m(), k("a"))
        with pytest.raises(LispValueError, match="assoc: expected key/value pairs"):
            M.assoc(m(), k("a"), 1, k("b"))

    def test_assoc_on_non_map(self):
        """assoc on a string names the builtin."""
        with pytest.raises(LispTypeError, match="assoc: argument 1 must be a map"):
            M.assoc("s", 1, 2)

    def test_assoc_many_keys_is_persistent(self):
        """Building 10,000 keys one assoc at a time keeps every intermediate map intact."""
        mp = EMPTY_MAP
        snapshots = []
        for i in range(10000):
            mp = M.assoc(mp, i, i * i)
            if i % 2500 == 0:
                snapshots.append((i, mp))
        assert M.count(mp) == 10000 and M.get(mp, 9999) == 9999 * 9999
        for i, snap in snapshots:
            assert M.count(snap) == i + 1

    def test_dissoc(self):
        """dissoc removes keys, ignoring missing ones; map/except also takes a key list."""
        mp = m(a=1, b=2, c=3)
        assert w(M.dissoc(mp, k("a"), k("c"), k("z"))) == "{:b 2}"
        assert M.dissoc(mp, k("z")) is mp
        assert w(M.dissoc(mp, (k("a"), k("b")))) == "{:c 3}"
        assert M.dissoc(None, k("a")) is None

    def test_update(self):
        """update calls f on the old value (nil when absent) plus extra arguments."""
        assert w(M.update(m(n=1), k("n"), lambda v, d: v + d, 10)) == "{:n 11}"
        assert w(M.update(m(), k("n"), lambda v: 0 if v is None else v)) == "{:n 0}"
        assert M.update((1, 2), 0, lambda v: v * 10) == (10, 2)

    def test_assoc_in_update_in(self):
        """assoc-in creates missing levels; update-in applies f at the end of the path."""
        assert w(M.assoc_in(EMPTY_MAP, (k("x"), k("y")), 1)) == "{:x {:y 1}}"
        assert w(M.assoc_in(m(a=m(b=1)), (k("a"), k("c")), 2)) == "{:a {:b 1 :c 2}}"
        assert w(M.assoc_in(m(v=(1, 2)), (k("v"), 0), 9)) == "{:v [9 2]}"
        assert w(M.update_in(m(a=m(n=1)), lst(k("a"), k("n")), lambda v, d: v + d, 1)) == "{:a {:n 2}}"
        assert w(M.update_in(EMPTY_MAP, (k("a"), k("n")), lambda v: (v,))) == "{:a {:n [nil]}}"
        with pytest.raises(LispValueError, match="must not be empty"):
            M.assoc_in(m(), (), 1)

    def test_merge(self):
        """merge: later maps win, nil is skipped, no maps gives {}."""
        assert w(M.merge(m(a=1, b=2), m(b=3), None, m(c=4))) == "{:a 1 :b 3 :c 4}"
        assert w(M.merge()) == "{}" and w(M.merge(None)) == "{}"
        with pytest.raises(LispTypeError, match="merge: argument 2 must be a map"):
            M.merge(m(), 5)

    def test_deep_merge(self):
        """deep-merge merges nested maps and lets later non-map values win."""
        a = m(x=m(p=1, q=2), y=1)
        b = m(x=m(q=3), y=m(z=1))
        assert w(M.deep_merge(a, b)) == "{:x {:p 1 :q 3} :y {:z 1}}"

    def test_hash_map_zipmap_select_keys(self):
        """hash-map, zipmap, select-keys, map/from-entries."""
        assert w(M.hash_map(k("a"), 1, k("b"), 2)) == "{:a 1 :b 2}"
        assert w(M.hash_map()) == "{}"
        with pytest.raises(LispValueError):
            M.hash_map(k("a"))
        assert w(M.zipmap((k("a"), k("b"), k("c")), lst(1, 2))) == "{:a 1 :b 2}"
        assert w(M.select_keys(m(a=1, b=2, c=3), (k("a"), k("c"), k("z")))) == "{:a 1 :c 3}"
        entries = lst((k("a"), 1), lst(k("b"), 2))
        assert w(M.map_from_entries(entries)) == "{:a 1 :b 2}"
        from sema.values import Pair
        assert w(M.map_from_entries(lst(Pair(k("c"), 3)))) == "{:c 3}"

    def test_map_predicate(self):
        """map? is true only for maps."""
        assert M.map_p(m()) and not M.map_p((1,)) and not M.map_p(None)


class TestMapFamily:
    def test_map_vals_keys_filter(self):
        """map/map-vals, map/map-keys and map/filter take the function first or second."""
        mp = m(a=1, b=2)
        assert w(M.map_map_vals(lambda v: v * 10, mp)) == "{:a 10 :b 20}"
        assert w(M.map_map_vals(mp, lambda v: v * 10)) == "{:a 10 :b 20}"
        assert w(M.map_map_keys(lambda key: key.name, mp)) == '{"a" 1 "b" 2}'
        assert w(M.map_filter(lambda key, v: v > 1, mp)) == "{:b 2}"
        bools = make_map([(True, 1), (False, 2)])
        assert w(M.map_filter(lambda key, v: key, bools)) == "{#t 1}"
        with pytest.raises(LispTypeError, match="map/map-vals: expected a function and a map"):
            M.map_map_vals(1, 2)

    def test_sort_keys_is_identity(self):
        """map/sort-keys returns the (already ordered) map."""
        mp = m(b=1, a=2)
        assert M.map_sort_keys(mp) is mp

    def test_aliases_registered(self):
        """The map/ aliases point at the same functions."""
        assert BUILTINS["map/get-in"] is M.get_in and BUILTINS["map/assoc-in"] is M.assoc_in
        assert BUILTINS["map/zip"] is M.zipmap and BUILTINS["map/new"] is M.hash_map
        assert BUILTINS["hash-ref"] is M.get and BUILTINS["hash-map?"] is M.map_p


class TestDocs:
    def test_every_builtin_has_an_example(self):
        """Each builtin of this module documents at least one `; =>` example."""
        for name, fn in BUILTINS.items():
            if fn.__module__ == M.__name__:
                assert "; =>" in (inspect.getdoc(fn) or ""), name


def test_map_key_used_for_keys():
    """Float keys are stored wrapped, so 1 and 1.0 stay distinct entries."""
    mp = M.assoc(M.assoc(EMPTY_MAP, 1, "a"), 1.0, "b")
    assert len(mp) == 2 and map_key(1.0) in mp


LISP_CASES = [
    ("(get {:a 1} :a)", "1"),
    ("(get {:a 1} :b)", "nil"),
    ("(get {:a 1} :b 0)", "0"),
    ("(get [1 2 3] 1)", "2"),
    ("(get-in {:a {:b {:c 42}}} [:a :b :c])", "42"),
    ("(assoc {:a 1} :b 2)", "{:a 1 :b 2}"),
    ("(assoc {} :x 1 :y 2 :z 3)", "{:x 1 :y 2 :z 3}"),
    ("(assoc [1 2] 1 :b)", "[1 :b]"),
    ("(assoc-in {} [:a :b] 1)", "{:a {:b 1}}"),
    ("(dissoc {:a 1 :b 2} :a)", "{:b 2}"),
    ("(update {:n 1} :n + 1)", "{:n 2}"),
    ("(update-in {:a {:n 1}} [:a :n] + 5)", "{:a {:n 6}}"),
    ("(merge {:a 1} {:b 2} nil)", "{:a 1 :b 2}"),
    ("(deep-merge {:a {:x 1}} {:a {:y 2}})", "{:a {:x 1 :y 2}}"),
    ("(keys {:b 1 :a 2})", "(:a :b)"),
    ("(vals {:b 1 :a 2})", "(2 1)"),
    ("(contains? {:a nil} :a)", "#t"),
    ("(contains? {:a 1} :b)", "#f"),
    ("(count {:a 1 :b 2})", "2"),
    ("(count '(1 2 3))", "3"),
    ("(count \"hello\")", "5"),
    ("(count nil)", "0"),
    ("(select-keys {:a 1 :b 2} [:a])", "{:a 1}"),
    ("(hash-map :a 1)", "{:a 1}"),
    ("(map? {})", "#t"),
    ("(zipmap '(:a :b) '(1 2))", "{:a 1 :b 2}"),
    ("(map/map-vals (lambda (v) (* v 2)) {:a 1})", "{:a 2}"),
    ("(map/filter (lambda (k v) (> v 1)) {:a 1 :b 2})", "{:b 2}"),
    ("(map/entries {:a 1})", "((:a 1))"),
    # issue 11: iterating a map gives (key value) entries, so car/cadr work on them
    ("(map (fn (e) (cadr e)) {:a 1 :b 2})", "(1 2)"),
    ("(filter (fn (e) (> (cadr e) 1)) {:a 1 :b 2})", "((:b 2))"),
    ("(reduce (fn (acc e) (+ acc (cadr e))) 0 {:a 1 :b 2})", "3"),
    ("(let ((out '())) (for-each (fn (e) (set! out (cons (car e) out))) {:a 1 :b 2}) out)", "(:b :a)"),
    ("(map/from-entries '([:a 1]))", "{:a 1}"),
    ("(map/except {:a 1 :b 2} [:a])", "{:b 2}"),
    ("(get {1 :int #t :bool} #t)", ":bool"),
    ("(count (foldl (lambda (m i) (assoc m i i)) {} (range 1000)))", "1000"),
]


@pytest.mark.parametrize("src, expected", LISP_CASES)
def test_lisp_maps(show, src, expected):
    """Map builtins behave as documented when called from Lisp."""
    assert show(src) == expected


LISP_ERRORS = [
    ("(assoc {} :a)", "assoc: expected key/value pairs"),
    ("(merge {} 5)", "merge: argument 2 must be a map"),
    ("(count 5)", "count: argument 1 must be a collection"),
]


@pytest.mark.parametrize("src, message", LISP_ERRORS)
def test_lisp_map_errors(run, src, message):
    """Map builtins report misuse with the builtin's name."""
    with pytest.raises(SemaError, match=message):
        run(src)
