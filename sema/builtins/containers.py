"""Sema's other containers: ``hashmap/*``, ``mutable-array/*``, ``mutable-cell/*`` and the typed arrays.

* A hashmap (:class:`~sema.values.HashMap`) is an immutable map like ``{}``;
  the generic map builtins accept it and keep its type.
* Mutable arrays and cells are the imperative escape hatch: changed in place,
  shared by reference, compared by contents, and refused as map keys.
* ``f64-array``/``i64-array`` are fixed-length arrays of floats or integers.
  ``set!`` returns a new array and leaves the old one as it was (Sema mutates
  in place only when nothing else holds the array; always use the result).
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..errors import LispValueError
from ..runtime.registry import Callable_, builtin
from ..runtime.registry import typing_names as typing
from ..values import (
    EMPTY_MAP,
    HashMap,
    ListBase,
    Map,
    MutableArray,
    MutableCell,
    TypedArray,
    make_list,
    map_key,
    sorted_items,
)
from .argcheck import type_error
from .lists import seq_items

Any = typing.Any


# ---------------------------------------------------------------- hashmap/


def _hm(who: str, x) -> HashMap:
    if x.__class__ is HashMap:
        return x
    raise type_error(who, "a hashmap", x)


@builtin("hashmap/new")
def hashmap_new(*kvs: Any) -> HashMap:
    """A hashmap of the given keys and values.

    (hashmap/get (hashmap/new :a 1 :b 2) :b) ; => 2
    (count (hashmap/new)) ; => 0
    """
    if len(kvs) % 2:
        raise LispValueError("hashmap/new: expected key/value pairs, got an odd number of arguments")
    with EMPTY_MAP.mutate() as mm:
        for i in range(0, len(kvs), 2):
            mm[map_key(kvs[i])] = kvs[i + 1]
        return HashMap(mm.finish())


@builtin("hashmap/get")
def hashmap_get(hm: HashMap, k: Any, default: Any = None) -> Any:
    """The value under K, or DEFAULT (nil).

    (hashmap/get (hashmap/new :a 1) :a) ; => 1
    (hashmap/get (hashmap/new) :a :none) ; => :none
    """
    return _hm("hashmap/get", hm).m.get(map_key(k), default)


@builtin("hashmap/assoc")
def hashmap_assoc(hm: HashMap, *kvs: Any) -> HashMap:
    """A hashmap with each key K set to V: ``(hashmap/assoc hm k v ...)``.

    (hashmap/get (hashmap/assoc (hashmap/new) :a 1) :a) ; => 1
    """
    m = _hm("hashmap/assoc", hm).m
    if len(kvs) % 2:
        raise LispValueError("hashmap/assoc: expected key/value pairs, got an odd number of arguments")
    for i in range(0, len(kvs), 2):
        m = m.set(map_key(kvs[i]), kvs[i + 1])
    return HashMap(m)


@builtin("hashmap/contains?")
def hashmap_contains(hm: HashMap, k: Any) -> bool:
    """True if the hashmap has the key K.

    (hashmap/contains? (hashmap/new :a 1) :a) ; => #t
    """
    return map_key(k) in _hm("hashmap/contains?", hm).m


@builtin("hashmap/keys")
def hashmap_keys(hm: HashMap) -> ListBase:
    """The keys of the hashmap, as a list (in sorted order, so that output is deterministic).

    (hashmap/keys (hashmap/new :b 2 :a 1)) ; => (:a :b)
    """
    return make_list([k for k, _ in sorted_items(_hm("hashmap/keys", hm).m)])


@builtin("hashmap/to-map")
def hashmap_to_map(hm: HashMap) -> Map:
    """The hashmap as a sorted map.

    (hashmap/to-map (hashmap/new :b 2 :a 1)) ; => {:a 1 :b 2}
    """
    return _hm("hashmap/to-map", hm).m


# ---------------------------------------------------------------- mutable-array/


def _arr(who: str, x) -> MutableArray:
    if x.__class__ is MutableArray:
        return x
    raise type_error(who, "a mutable array", x)


def _slot(who: str, a: MutableArray, k) -> int:
    if k.__class__ is not int:
        raise type_error(who, "an integer index", k)
    if not 0 <= k < len(a.items):
        raise LispValueError(f"{who}: index {k} out of range for a mutable array of length {len(a.items)}")
    return k


_NO_FILL = object()


@builtin("mutable-array/new")
def array_new(n: int | None = None, fill: Any = _NO_FILL) -> MutableArray:
    """A mutable array: empty; empty with room for N pushes; or N copies of FILL.

    (mutable-array/length (mutable-array/new)) ; => 0
    (mutable-array/length (mutable-array/new 1024)) ; => 0
    (mutable-array/->vector (mutable-array/new 3 0)) ; => [0 0 0]
    """
    if n is not None and (n.__class__ is not int or n < 0):
        raise type_error("mutable-array/new", "a non-negative integer", n)
    if n is None or fill is _NO_FILL:
        return MutableArray([])  # Python lists grow as needed: the capacity is only a hint
    return MutableArray([fill] * n)


@builtin("mutable-array/push!")
def array_push(a: MutableArray, x: Any) -> MutableArray:
    """Append X in place; returns the array (so pushes chain and fold).

    (mutable-array/->vector (mutable-array/push! (mutable-array/push! (mutable-array/new) 1) 2)) ; => [1 2]
    """
    _arr("mutable-array/push!", a).items.append(x)
    return a


@builtin("mutable-array/get")
def array_get(a: MutableArray, k: int, *default: Any) -> Any:
    """The element at index K; out of range is an error unless a DEFAULT is given.

    (mutable-array/get (mutable-array/new 2 :x) 1) ; => :x
    (mutable-array/get (mutable-array/new 2 :x) 9 :missing) ; => :missing
    """
    a = _arr("mutable-array/get", a)
    if default and (k.__class__ is not int or not 0 <= k < len(a.items)):
        return default[0]
    return a.items[_slot("mutable-array/get", a, k)]


@builtin("mutable-array/set!")
def array_set(a: MutableArray, k: int, x: Any) -> MutableArray:
    """Overwrite the element at index K in place (the slot must exist); returns the array.

    (mutable-array/->vector (mutable-array/set! (mutable-array/new 3 0) 1 57)) ; => [0 57 0]
    """
    a = _arr("mutable-array/set!", a)
    a.items[_slot("mutable-array/set!", a, k)] = x
    return a


@builtin("mutable-array/length")
def array_length(a: MutableArray) -> int:
    """The number of elements (not the capacity).

    (mutable-array/length (mutable-array/new 3 :x)) ; => 3
    """
    return len(_arr("mutable-array/length", a).items)


@builtin("mutable-array/->vector")
def array_to_vector(a: MutableArray) -> tuple:
    """A vector copy of the elements: later changes to the array do not show in it.

    (mutable-array/->vector (mutable-array/push! (mutable-array/new) :a)) ; => [:a]
    """
    return tuple(_arr("mutable-array/->vector", a).items)


# ---------------------------------------------------------------- mutable-cell/


def _cell(who: str, x) -> MutableCell:
    if x.__class__ is MutableCell:
        return x
    raise type_error(who, "a mutable cell", x)


@builtin("mutable-cell/new")
def cell_new(value: Any) -> MutableCell:
    """A mutable cell holding VALUE.

    (mutable-cell/get (mutable-cell/new :ready)) ; => :ready
    """
    return MutableCell(value)


@builtin("mutable-cell/get")
def cell_get(c: MutableCell) -> Any:
    """The current contents of the cell.

    (mutable-cell/get (mutable-cell/new 0)) ; => 0
    """
    return _cell("mutable-cell/get", c).value


@builtin("mutable-cell/set!")
def cell_set(c: MutableCell, value: Any) -> MutableCell:
    """Replace the contents of the cell in place; returns the cell.

    (mutable-cell/get (mutable-cell/set! (mutable-cell/new 0) 1)) ; => 1
    """
    _cell("mutable-cell/set!", c).value = value
    return c


# ---------------------------------------------------------------- f64-array/ and i64-array/


def _element(who: str, kind: str, x):
    if kind == "i64":
        if x.__class__ is not int:
            raise type_error(who, "an integer element", x)
        return x
    if x.__class__ in (int, float, Fraction):
        return float(x)
    raise type_error(who, "a real number element", x)


def _ta(who: str, x) -> TypedArray:
    if x.__class__ is TypedArray:
        return x
    raise type_error(who, "an f64-array or i64-array", x)


@builtin("f64-array")
def f64_array(*xs: Any) -> TypedArray:
    """An f64 array of the numbers XS (as floats).

    (f64-array 1 2.5) ; => #f64(1 2.5)
    """
    return TypedArray("f64", tuple(_element("f64-array", "f64", x) for x in xs))


@builtin("i64-array")
def i64_array(*xs: Any) -> TypedArray:
    """An i64 array of the integers XS.

    (i64-array 10 20 30) ; => #i64(10 20 30)
    """
    return TypedArray("i64", tuple(_element("i64-array", "i64", x) for x in xs))


def _make(kind: str, n, fill) -> TypedArray:
    who = f"{kind}-array/make"
    if n.__class__ is not int or n < 0:
        raise type_error(who, "a non-negative integer length", n)
    return TypedArray(kind, (_element(who, kind, fill),) * n)


@builtin("f64-array/make")
def f64_make(n: int, fill: Any = 0) -> TypedArray:
    """An f64 array of N elements, each FILL (0.0 by default).

    (f64-array/make 3 1.5) ; => #f64(1.5 1.5 1.5)
    (f64-array/make 2) ; => #f64(0 0)
    """
    return _make("f64", n, fill)


@builtin("i64-array/make")
def i64_make(n: int, fill: Any = 0) -> TypedArray:
    """An i64 array of N elements, each FILL (0 by default).

    (i64-array/make 3 7) ; => #i64(7 7 7)
    """
    return _make("i64", n, fill)


def _from_list(kind: str, xs) -> TypedArray:
    who = f"{kind}-array/from-list"
    return TypedArray(kind, tuple(_element(who, kind, x) for x in seq_items(xs, who)))


@builtin("f64-array/from-list")
def f64_from_list(xs: Any) -> TypedArray:
    """An f64 array of the numbers in a list or vector.

    (f64-array/from-list '(1 2 3)) ; => #f64(1 2 3)
    """
    return _from_list("f64", xs)


@builtin("i64-array/from-list")
def i64_from_list(xs: Any) -> TypedArray:
    """An i64 array of the integers in a list or vector.

    (i64-array/from-list [4 5]) ; => #i64(4 5)
    """
    return _from_list("i64", xs)


@builtin("f64-array/range")
def f64_range(start: Any, end: Any, step: Any = 1) -> TypedArray:
    """The floats from START up to (not including) END by STEP (1 by default).

    (f64-array/range 0 5) ; => #f64(0 1 2 3 4)
    (f64-array/range 0 1 0.25) ; => #f64(0 0.25 0.5 0.75)
    """
    who = "f64-array/range"
    start, end, step = (_element(who, "f64", x) for x in (start, end, step))
    if step == 0:
        raise LispValueError(f"{who}: the step must not be zero")
    n = max(0, math.ceil((end - start) / step))
    return TypedArray("f64", tuple(start + i * step for i in range(n)))


@builtin("i64-array/range")
def i64_range(start: int, end: int, step: int = 1) -> TypedArray:
    """The integers from START up to (not including) END by STEP (1 by default).

    (i64-array/range 0 10 3) ; => #i64(0 3 6 9)
    """
    who = "i64-array/range"
    for x in (start, end, step):
        _element(who, "i64", x)
    if step == 0:
        raise LispValueError(f"{who}: the step must not be zero")
    return TypedArray("i64", tuple(range(start, end, step)))


@builtin("f64-array/ref", "i64-array/ref")
def ta_ref(a: TypedArray, k: int) -> Any:
    """The element at index K.

    (f64-array/ref (f64-array 1 2 3) 1) ; => 2.0
    """
    a = _ta("f64-array/ref", a)
    if k.__class__ is not int or not 0 <= k < len(a.items):
        raise LispValueError(f"f64-array/ref: index {k} out of range for an array of length {len(a.items)}")
    return a.items[k]


@builtin("f64-array/set!", "i64-array/set!")
def ta_set(a: TypedArray, k: int, x: Any) -> TypedArray:
    """The array with the element at K set to X; use the result (the original array is unchanged).

    (f64-array/set! (f64-array 1.0 2.0 3.0) 1 9.9) ; => #f64(1 9.9 3)
    (i64-array/set! (i64-array 10 20 30) 2 99) ; => #i64(10 20 99)
    """
    a = _ta("f64-array/set!", a)
    if k.__class__ is not int or not 0 <= k < len(a.items):
        raise LispValueError(f"f64-array/set!: index {k} out of range for an array of length {len(a.items)}")
    items = list(a.items)
    items[k] = _element("f64-array/set!", a.kind, x)
    return TypedArray(a.kind, tuple(items))


@builtin("f64-array/length", "i64-array/length")
def ta_length(a: TypedArray) -> int:
    """The number of elements.

    (f64-array/length (f64-array/make 4)) ; => 4
    """
    return len(_ta("f64-array/length", a).items)


@builtin("f64-array/map", "i64-array/map")
def ta_map(f: Callable_, a: TypedArray) -> TypedArray:
    """A new array of F applied to each element (F must give the array's kind of number).

    (f64-array/map (lambda (x) (* x 2.0)) (f64-array 1.0 2.0 3.0)) ; => #f64(2 4 6)
    (i64-array/map (lambda (x) (* x x)) (i64-array 1 2 3 4)) ; => #i64(1 4 9 16)
    """
    a = _ta("f64-array/map", a)
    return TypedArray(a.kind, tuple(_element("f64-array/map", a.kind, f(x)) for x in a.items))


@builtin("f64-array/fold", "i64-array/fold")
def ta_fold(f: Callable_, init: Any, a: TypedArray) -> Any:
    """Fold F over the elements from the left: ``(f acc x)``.

    (f64-array/fold (lambda (acc x) (+ acc x)) 0.0 (f64-array 1.0 2.0 3.0)) ; => 6.0
    (i64-array/fold max 0 (i64-array 3 1 4 1 5)) ; => 5
    """
    acc = init
    for x in _ta("f64-array/fold", a).items:
        acc = f(acc, x)
    return acc


@builtin("f64-array/sum", "i64-array/sum")
def ta_sum(a: TypedArray) -> Any:
    """The sum of the elements.

    (f64-array/sum (f64-array 1.0 2.0 3.0)) ; => 6.0
    (i64-array/sum (i64-array 1 2 3 4 5)) ; => 15
    """
    a = _ta("f64-array/sum", a)
    return math.fsum(a.items) if a.kind == "f64" else sum(a.items)


@builtin("f64-array/dot", "i64-array/dot")
def ta_dot(a: TypedArray, b: TypedArray) -> Any:
    """The dot product of two arrays of the same length.

    (f64-array/dot (f64-array 1 2 3) (f64-array 4 5 6)) ; => 32.0
    """
    a, b = _ta("f64-array/dot", a), _ta("f64-array/dot", b)
    if len(a.items) != len(b.items):
        raise LispValueError(f"f64-array/dot: the arrays differ in length ({len(a.items)} and {len(b.items)})")
    if a.kind == "i64" and b.kind == "i64":
        return sum(x * y for x, y in zip(a.items, b.items))
    return math.fsum(x * y for x, y in zip(a.items, b.items))


@builtin("f64-array?")
def f64_array_p(x: Any) -> bool:
    """True for an f64 array.

    (f64-array? (f64-array 1)) ; => #t
    (f64-array? [1.0]) ; => #f
    """
    return x.__class__ is TypedArray and x.kind == "f64"
