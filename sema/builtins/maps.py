"""Map builtins: get/assoc/dissoc/update and their ``-in`` forms, merge, keys, count, and ``map/``.

Maps are ``immutables.Map`` (a HAMT), so ``assoc`` is O(log n) and shares
structure with the map it came from.  Keys are stored through
:func:`~sema.values.map_key` (which keeps ``#t``, ``1`` and ``1.0`` apart)
and unwrapped on the way out.  ``keys``, ``vals`` and ``map/entries``
answer in printing order (keys sorted).

``get``/``assoc``/``contains?`` also work on vectors by index; ``get``
reads record fields by keyword; nil behaves as an empty map.  Every
builtin here also takes a hashmap (``hashmap/new``) and, where it builds a
map, answers with a hashmap again, as in Sema.
"""

from __future__ import annotations

from ..errors import LispTypeError, LispValueError
from ..printer import type_and_value
from ..runtime.registry import Any, Callable_, builtin
from ..values import (
    EMPTY,
    EMPTY_MAP,
    ArrayList,
    Char,
    HashMap,
    Keyword,
    ListBase,
    Map,
    Pair,
    Record,
    is_true,
    list_length,
    make_list,
    map_key,
    sorted_items,
    strict_equal,
    unwrap_key,
)
from .argcheck import short
from .lists import _assoc_list, seq_items

_MISSING = object()


def _lookup(coll, k, missing):
    """The value under K in COLL, or MISSING; nil and non-collections have nothing."""
    cls = coll.__class__
    if cls is Map:
        return coll.get(map_key(k), missing)
    if cls is tuple:
        if k.__class__ is int and 0 <= k < len(coll):
            return coll[k]
        return missing
    if cls is ArrayList or cls is Pair:
        if k.__class__ is int and k >= 0:
            for i, x in enumerate(coll):
                if i == k:
                    return x
        return missing
    if isinstance(coll, Record):
        if k.__class__ is Keyword:
            return coll.fields.get(k.name, missing)
        return missing
    if cls is str:
        if k.__class__ is int and 0 <= k < len(coll):
            return Char(coll[k])
        return missing
    if isinstance(coll, Map):
        return coll.get(map_key(k), missing)
    if cls is HashMap:
        return coll.m.get(map_key(k), missing)
    return missing


def _collection(who: str, x, pos: int = 1):
    if x is None or x is EMPTY or x.__class__ in (Map, tuple, ArrayList, Pair, str, HashMap) or isinstance(x, (Map, Record)):
        return x
    raise LispTypeError(f"{who}: argument {pos} must be a map, vector or list, got {type_and_value(x)}")


def _map_arg(who: str, m, pos: int = 1) -> Map:
    """M as a map (nil is the empty map)."""
    if m.__class__ is Map:
        return m
    if m is None:
        return EMPTY_MAP
    if isinstance(m, Map):
        return m
    if m.__class__ is HashMap:
        return m.m
    raise LispTypeError(f"{who}: argument {pos} must be a map, got {type_and_value(m)}")


def _like(original, result: Map):
    """RESULT as a hashmap when ORIGINAL was one (the generic builtins keep the map's type)."""
    return HashMap(result) if original.__class__ is HashMap else result


# ---------------------------------------------------------------- reading


@builtin("get", "hash-ref")
def get(m: Any, k: Any, default: Any = None) -> Any:
    """The value under K in a map (a vector or list by index, a record by field keyword), else DEFAULT.

    (get {:a 1} :a) ; => 1
    (get {:a 1} :b 0) ; => 0
    (get [10 20] 1) ; => 20
    (get nil :a) ; => nil
    """
    if m.__class__ is Map:
        return m.get(map_key(k), default)
    if m is None:
        return default
    v = _lookup(_collection("get", m), k, _MISSING)
    return default if v is _MISSING else v


@builtin("get-in", "map/get-in")
def get_in(m: Any, path: Any, default: Any = None) -> Any:
    """Follow the keys of PATH through nested maps and vectors; DEFAULT when any step is missing.

    (get-in {:a {:b [1 2]}} [:a :b 1]) ; => 2
    (get-in {:a 1} [:x :y] :none) ; => :none
    """
    for k in seq_items(path, "get-in", 2):
        m = _lookup(m, k, _MISSING)
        if m is _MISSING:
            return default
    return m


@builtin("contains?")
def contains_p(coll: Any, k: Any) -> bool:
    """True if a map has the key K (a vector: the index K; a record: the field K).

    (contains? {:a nil} :a) ; => #t
    (contains? [1 2] 5) ; => #f
    """
    if coll.__class__ is Map:
        return map_key(k) in coll
    if coll is None:
        return False
    if coll.__class__ is tuple or coll.__class__ is HashMap or isinstance(coll, (Map, Record)):
        return _lookup(coll, k, _MISSING) is not _MISSING
    hint = "; use list/contains? to search a list" if isinstance(coll, ListBase) else ""
    raise LispTypeError(f"contains?: argument 1 must be a map or vector, got {type_and_value(coll)}{hint}")


@builtin("count")
def count(x: Any) -> int:
    """The number of entries of a map, elements of a list or vector, or characters of a string (nil: 0).

    (count {:a 1 :b 2}) ; => 2
    (count '(1 2 3)) ; => 3
    (count "abc") ; => 3
    (count nil) ; => 0
    """
    cls = x.__class__
    if cls is Map or cls is tuple or cls is str:
        return len(x)
    if cls is ArrayList:
        return len(x.items) - x.start
    if cls is Pair:
        return list_length(x)
    if x is None or x is EMPTY:
        return 0
    if isinstance(x, Map) or cls is bytes or cls is bytearray:
        return len(x)
    if cls is HashMap:
        return len(x.m)
    raise LispTypeError(f"count: argument 1 must be a collection, got {type_and_value(x)}")


@builtin("keys")
def keys(m: Map | None) -> ListBase:
    """The keys of a map, as a list in printing order (sorted).

    (keys {:b 2 :a 1}) ; => (:a :b)
    """
    if isinstance(m, Record):
        return make_list([Keyword(f) for f in m.rtype.field_names])
    return make_list([k for k, _ in sorted_items(_map_arg("keys", m))])


@builtin("vals")
def vals(m: Map | None) -> ListBase:
    """The values of a map, in the order of its keys.

    (vals {:b 2 :a 1}) ; => (1 2)
    """
    if isinstance(m, Record):
        return make_list([m.fields[f] for f in m.rtype.field_names])
    return make_list([v for _, v in sorted_items(_map_arg("vals", m))])


@builtin("map/entries")
def map_entries(m: Map | None) -> ListBase:
    """The entries of a map as ``(key value)`` lists, in key order (as iterating a map gives them).

    (map/entries {:b 2 :a 1}) ; => ((:a 1) (:b 2))
    (map (fn (e) (car e)) {:b 2 :a 1}) ; => (:a :b)
    """
    return make_list([ArrayList([k, v]) for k, v in sorted_items(_map_arg("map/entries", m))])


@builtin("select-keys", "map/select-keys")
def select_keys(m: Map | None, ks: Any) -> Map:
    """The part of a map whose keys are in KS.

    (select-keys {:a 1 :b 2 :c 3} [:a :c :z]) ; => {:a 1 :c 3}
    """
    m = _map_arg("select-keys", m)
    out = {}
    for k in seq_items(ks, "select-keys", 2):
        mk = map_key(k)
        v = m.get(mk, _MISSING)
        if v is not _MISSING:
            out[mk] = v
    return Map(out)


# ---------------------------------------------------------------- building


def _pairs(who: str, kvs: tuple, first_pos: int):
    if len(kvs) % 2:
        raise LispValueError(f"{who}: expected key/value pairs, got an odd number of arguments "
                             f"after argument {first_pos - 1}")
    return zip(kvs[0::2], kvs[1::2])


@builtin("hash-map", "map/new")
def hash_map(*kvs: Any) -> Map:
    """A map of the given keys and values.

    (hash-map :a 1 :b 2) ; => {:a 1 :b 2}
    (hash-map) ; => {}
    """
    return Map({map_key(k): v for k, v in _pairs("hash-map", kvs, 1)})


@builtin("map?", "hash-map?")
def map_p(x: Any) -> bool:
    """True for a map.

    (map? {:a 1}) ; => #t
    (map? [1]) ; => #f
    """
    return isinstance(x, Map)


@builtin("zipmap", "map/zip")
def zipmap(ks: Any, vs: Any) -> Map:
    """A map pairing the keys KS with the values VS (the shorter one decides).

    (zipmap [:a :b] '(1 2)) ; => {:a 1 :b 2}
    """
    return Map({map_key(k): v for k, v in zip(seq_items(ks, "zipmap", 1), seq_items(vs, "zipmap", 2))})


@builtin("map/from-entries")
def map_from_entries(entries: Any) -> Map:
    """A map from ``[key value]`` vectors, ``(key value)`` lists or ``(key . value)`` pairs.

    (map/from-entries '([:a 1] (:b 2))) ; => {:a 1 :b 2}
    """
    out = {}
    for e in seq_items(entries, "map/from-entries"):
        if e.__class__ is Pair and not isinstance(e.cdr, ListBase):
            k, v = e.car, e.cdr
        else:
            items = seq_items(e, "map/from-entries") if e.__class__ is not tuple else e
            if len(items) != 2:
                raise LispValueError(f"map/from-entries: each entry must have a key and a value, got {short(e)}")
            k, v = items
        out[map_key(k)] = v
    return Map(out)


def _assoc_vector(v: tuple, kvs) -> tuple:
    out = list(v)
    for i, x in kvs:
        if i.__class__ is not int:
            raise LispTypeError(f"assoc: vector index must be an integer, got {type_and_value(i)}")
        if 0 <= i < len(out):
            out[i] = x
        elif i == len(out):
            out.append(x)
        else:
            raise LispValueError(f"assoc: index {i} out of range for vector of length {len(out)}")
    return tuple(out)


@builtin("assoc")
def assoc(m: Any, *kvs: Any) -> Any:
    """A map with each key K set to V: ``(assoc m k v k2 v2 ...)``; on a vector, K is an index.

    Given a key and an association list instead, it is Scheme's ``assoc``: the
    first entry whose car is ``equal?`` to the key (or to which the optional
    third argument, a two-argument predicate, says yes), else #f.

    (assoc {:a 1} :b 2) ; => {:a 1 :b 2}
    (assoc {:a 1} :a 5 :c 3) ; => {:a 5 :c 3}
    (assoc [1 2 3] 0 :x) ; => [:x 2 3]
    (assoc nil :a 1) ; => {:a 1}
    (assoc "Bob" '(("Al" 1) ("Bob" 2))) ; => ("Bob" 2)
    (assoc 2.0 '((1 a) (2 b)) =) ; => (2 b)
    """
    if m.__class__ is HashMap:
        return HashMap(assoc(m.m, *kvs))
    if m.__class__ is not Map:
        if kvs and (len(kvs) == 1 or (len(kvs) == 2 and callable(kvs[1]))) and isinstance(kvs[0], ListBase):
            same = strict_equal if len(kvs) == 1 else (lambda key, k: is_true(kvs[1](key, k)))
            return _assoc_list("assoc", m, kvs[0], same)
        if m is None:
            m = EMPTY_MAP
        elif m.__class__ is tuple:
            return _assoc_vector(m, _pairs("assoc", kvs, 2))
        else:
            m = _map_arg("assoc", m)
    n = len(kvs)
    if n == 2:
        return m.set(map_key(kvs[0]), kvs[1])
    if n % 2:
        _pairs("assoc", kvs, 2)
    if n == 4:
        return m.set(map_key(kvs[0]), kvs[1]).set(map_key(kvs[2]), kvs[3])
    mm = m.mutate()
    for i in range(0, n, 2):
        mm.set(map_key(kvs[i]), kvs[i + 1])
    return mm.finish()


@builtin("dissoc", "map/except")
def dissoc(m: Map | None, *ks: Any) -> Any:
    """The map without the keys KS (missing keys are ignored); ``map/except`` also takes one list of keys.

    (dissoc {:a 1 :b 2 :c 3} :a :c) ; => {:b 2}
    (map/except {:a 1 :b 2} [:a]) ; => {:b 2}
    """
    if m is None:
        return None
    if m.__class__ is HashMap:
        return HashMap(dissoc(m.m, *ks))
    m = _map_arg("dissoc", m)
    if len(ks) == 1 and (ks[0].__class__ is tuple or isinstance(ks[0], ListBase)):
        ks = tuple(seq_items(ks[0], "dissoc", 2))
    if len(ks) == 1:
        mk = map_key(ks[0])
        return m.delete(mk) if mk in m else m
    mm = m.mutate()
    for k in ks:
        mm.pop(map_key(k), None)
    return mm.finish()


@builtin("update", "map/update")
def update(m: Any, k: Any, f: Callable_, *args: Any) -> Any:
    """Replace the value V under K by ``(f v args ...)`` (V is nil when K is absent).

    (update {:n 1} :n + 10) ; => {:n 11}
    (update {} :n (lambda (v) (if v v 0))) ; => {:n 0}
    """
    old = get(m, k)
    return assoc(m, k, f(old, *args))


def _in(who: str, path):
    ks = seq_items(path, who, 2)
    if not ks:
        raise LispValueError(f"{who}: the key path must not be empty")
    return ks


def _assoc_in(m, ks, i, v):
    k = ks[i]
    if i == len(ks) - 1:
        return assoc(m, k, v)
    inner = _lookup(m, k, None) if m is not None else None
    return assoc(m, k, _assoc_in(inner, ks, i + 1, v))


@builtin("assoc-in", "map/assoc-in")
def assoc_in(m: Any, path: Any, v: Any) -> Any:
    """Set the value at a path of keys, creating maps where the path is missing.

    (assoc-in {:a {:b 1}} [:a :c] 2) ; => {:a {:b 1 :c 2}}
    (assoc-in {} [:x :y] 1) ; => {:x {:y 1}}
    """
    return _assoc_in(m, _in("assoc-in", path), 0, v)


@builtin("update-in", "map/update-in")
def update_in(m: Any, path: Any, f: Callable_, *args: Any) -> Any:
    """Replace the value V at a path of keys by ``(f v args ...)``.

    (update-in {:a {:n 1}} [:a :n] + 1) ; => {:a {:n 2}}
    """
    ks = _in("update-in", path)
    old = m
    for k in ks:
        old = _lookup(old, k, None) if old is not None else None
    return _assoc_in(m, ks, 0, f(old, *args))


@builtin("merge")
def merge(*maps: Map | None) -> Map:
    """Merge maps left to right (later keys win); nil arguments are skipped.

    (merge {:a 1 :b 2} {:b 3} nil {:c 4}) ; => {:a 1 :b 3 :c 4}
    (merge) ; => {}
    """
    out = EMPTY_MAP
    first = next((m for m in maps if m is not None), None)
    for pos, m in enumerate(maps, 1):
        if m is None:
            continue
        m = _map_arg("merge", m, pos)
        out = m if not out else out.update(m)
    return _like(first, out)


def _deep_merge(a: Map, b: Map) -> Map:
    mm = a.mutate()
    for k, v in b.items():
        old = mm.get(k, _MISSING)
        if isinstance(old, Map) and isinstance(v, Map):
            v = _deep_merge(old, v)
        mm.set(k, v)
    return mm.finish()


@builtin("deep-merge", "map/deep-merge")
def deep_merge(*maps: Map | None) -> Map:
    """Merge maps recursively: where both values are maps they are merged too; later values win otherwise.

    (deep-merge {:a {:x 1 :y 2}} {:a {:y 3}}) ; => {:a {:x 1 :y 3}}
    """
    out = EMPTY_MAP
    for pos, m in enumerate(maps, 1):
        if m is None:
            continue
        out = _deep_merge(out, _map_arg("deep-merge", m, pos))
    return out


# ---------------------------------------------------------------- the map/ family


def _fn_and_map(who: str, a, b):
    """(function, map) from arguments given in either order."""
    if callable(a) and not callable(b):
        return a, _map_arg(who, b, 2)
    if callable(b):
        return b, _map_arg(who, a, 1)
    raise LispTypeError(f"{who}: expected a function and a map, got {type_and_value(a)} "
                        f"and {type_and_value(b)}")


@builtin("map/map-vals")
def map_map_vals(f: Any, m: Any) -> Map:
    """The map with F applied to each value; the function may come first or second.

    (map/map-vals (lambda (v) (* v 10)) {:a 1 :b 2}) ; => {:a 10 :b 20}
    """
    original = f if f.__class__ is HashMap else m
    f, m = _fn_and_map("map/map-vals", f, m)
    return _like(original, Map({k: f(v) for k, v in m.items()}))


@builtin("map/map-keys")
def map_map_keys(f: Any, m: Any) -> Map:
    """The map with F applied to each key; the function may come first or second.

    (map/map-keys name {:a 1}) ; => {"a" 1}
    """
    original = f if f.__class__ is HashMap else m
    f, m = _fn_and_map("map/map-keys", f, m)
    return _like(original, Map({map_key(f(unwrap_key(k))): v for k, v in m.items()}))


@builtin("map/filter")
def map_filter(pred: Any, m: Any) -> Map:
    """The entries for which ``(pred key value)`` is true; the predicate may come first or second.

    (map/filter (lambda (k v) (> v 1)) {:a 1 :b 2}) ; => {:b 2}
    """
    original = pred if pred.__class__ is HashMap else m
    pred, m = _fn_and_map("map/filter", pred, m)
    mm = m.mutate()
    for k, v in m.items():
        r = pred(unwrap_key(k), v)
        if r is False or r is None:
            mm.pop(k)
    return _like(original, mm.finish())


@builtin("map/sort-keys")
def map_sort_keys(m: Map | None) -> Map:
    """The map itself (maps already print and iterate in key order); a hashmap becomes a map.

    (map/sort-keys {:b 1 :a 2}) ; => {:a 2 :b 1}
    (map? (map/sort-keys (hashmap/new :c 3 :a 1))) ; => #t
    """
    return _map_arg("map/sort-keys", m)
