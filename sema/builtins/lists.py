"""List and vector builtins: cons/car/cdr, the bulk functions, and the ``list/`` family.

Speed: every bulk builtin turns its input into a Python sequence once
(:func:`seq_items`, which shares an ArrayList's storage instead of copying
it), does its work with C loops (``map``, slicing, comprehensions,
``list.sort``), and returns an :class:`ArrayList` via ``make_list``.  Only
``cons`` builds pairs.

Sequence functions accept lists, vectors and nil (as the empty list); maps
are walked as ``[key value]`` entry vectors.  They return lists, whatever
the input was.

Decisions where Sema left room (documented in each docstring):

* ``take``/``drop`` (and ``list/take-last``, ``list/chunk``, ``list/repeat``)
  accept the count first or second: the argument that is an integer is the count.
* ``reduce`` is Clojure's ``(reduce f xs)`` / ``(reduce f init xs)``, ``f``
  called as ``(f acc x)``; ``fold`` is ``foldl``.
* ``flatten`` removes one level of nesting, ``flatten-deep`` all of them.
* ``partition`` splits by a predicate: ``((matching ...) (others ...))``.
* ``list/index-of`` answers nil when the value is absent.
"""

from __future__ import annotations

import functools
from collections import Counter
from fractions import Fraction
from itertools import chain, islice
from typing import Any

from ..errors import LispTypeError, LispValueError
from ..runtime.registry import BUILTINS, Callable_, Real, builtin
from ..values import (
    EMPTY, ArrayList, Keyword, ListBase, Map, Pair, Record, Symbol, equal, is_list, list_from,
    list_length, make_list, map_key, sorted_items, type_name, unwrap_key, write_str,
)
from .core import eqv

# ---------------------------------------------------------------- helpers

_MISSING = object()


def _short(x) -> str:
    text = write_str(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _bad(who: str, pos: int, what: str, x):
    return LispTypeError(f"{who}: argument {pos} must be {what}, got {type_name(x)} {_short(x)}")


def seq_items(x, who: str, pos: int = 1):
    """The elements of a list, vector or nil as a Python list or tuple.

    The result may share storage with ``x``: callers must not mutate it.
    """
    cls = x.__class__
    if cls is ArrayList:
        return x.items if x.start == 0 else x.items[x.start:]
    if cls is tuple:
        return x
    if cls is Pair:
        out = []
        append = out.append
        while x.__class__ is Pair:
            append(x.car)
            x = x.cdr
        if x.__class__ is ArrayList:
            out.extend(islice(x.items, x.start, None))
        elif x is not EMPTY:
            raise LispTypeError(f"{who}: argument {pos} must be a proper list, got a dotted list")
        return out
    if x is EMPTY or x is None:
        return ()
    if isinstance(x, Map):
        return sorted_items(x)  # entries as [key value] vectors
    raise _bad(who, pos, "a list or vector", x)


def _count_and_seq(who: str, a, b):
    """(count, sequence) from arguments given in either order."""
    if a.__class__ is int:
        return a, b, 2
    if b.__class__ is int:
        return b, a, 1
    raise LispTypeError(f"{who}: expected a count and a list, got {type_name(a)} {_short(a)} "
                        f"and {type_name(b)} {_short(b)}")


def _check_count(who: str, n: int) -> int:
    if n.__class__ is not int:
        raise _bad(who, 1, "an integer", n)
    if n < 0:
        raise LispValueError(f"{who}: count must be non-negative, got {n}")
    return n


def _nthcdr(x, n: int):
    """The list after dropping ``n`` elements (shares structure; stops early at the end)."""
    while n > 0:
        cls = x.__class__
        if cls is Pair:
            x = x.cdr
            n -= 1
        elif cls is ArrayList:
            s = x.start + n
            return ArrayList(x.items, s) if s < len(x.items) else EMPTY
        else:
            return x
    return x


def _truthy_list(pred, items) -> list:
    return [x for x in items if (r := pred(x)) is not False and r is not None]


def _norm(x):
    """Fractions with denominator 1 become ints (exact results stay normalised)."""
    if x.__class__ is Fraction and x.denominator == 1:
        return x.numerator
    return x


# ---------------------------------------------------------------- pairs


@builtin("cons")
def cons(x: Any, xs: Any) -> Any:
    """Prepend X to the list XS (a new pair; XS may be any value for a dotted pair).

    (cons 1 '(2 3)) ; => (1 2 3)
    (cons 1 2) ; => (1 . 2)
    """
    if xs is None:
        xs = EMPTY
    elif xs.__class__ is tuple:
        xs = make_list(list(xs))
    return Pair(x, xs)


@builtin("car")
def car(x: Any) -> Any:
    """The first element of a list; nil for the empty list.

    (car '(1 2 3)) ; => 1
    (car '()) ; => nil
    """
    cls = x.__class__
    if cls is Pair:
        return x.car
    if cls is ArrayList:
        return x.items[x.start]
    if x is EMPTY or x is None:
        return None
    raise LispTypeError(f"car: expected a pair, got {type_name(x)} {_short(x)}")


@builtin("cdr")
def cdr(x: Any) -> Any:
    """The list after the first element; ``()`` for the empty list.

    (cdr '(1 2 3)) ; => (2 3)
    (cdr '()) ; => ()
    """
    cls = x.__class__
    if cls is Pair:
        return x.cdr
    if cls is ArrayList:
        nxt = x.start + 1
        return ArrayList(x.items, nxt) if nxt < len(x.items) else EMPTY
    if x is EMPTY or x is None:
        return EMPTY
    raise LispTypeError(f"cdr: expected a pair, got {type_name(x)} {_short(x)}")


#: used by the compiler's inline fast paths once a value is known not to be a Pair
car_slow = car
cdr_slow = cdr


def _sample(spec):
    return make_list([_sample(x) for x in spec]) if isinstance(spec, list) else Symbol(spec)


# nested deeply enough that every c[ad]r below has an answer
_CXR_SAMPLE = _sample([[["a", "b"], ["c", "d"]], [["e", "f"], ["g", "h"]], ["i", "j"], "k"])


def _make_cxr(path: str):
    ops = [car if c == "a" else cdr for c in reversed(path)]
    name = f"c{path}r"

    def cxr(x: Any) -> Any:
        orig = x
        for op in ops:
            if x.__class__ is not Pair and x.__class__ is not ArrayList and x is not EMPTY and x is not None:
                where = "" if x is orig else f" inside {_short(orig)}"
                raise LispTypeError(f"{name}: expected a pair, got {type_name(x)} {_short(x)}{where}")
            x = op(x)
        return x

    example = "'(((a b) (c d)) ((e f) (g h)) (i j) k)"
    sample = _CXR_SAMPLE
    steps = " of the ".join("car" if c == "a" else "cdr" for c in path)
    cxr.__doc__ = f"The {steps} of a list.\n\n({name} {example}) ; => {write_str(cxr(sample))}\n"
    return builtin(name)(cxr)


for _path in ["aa", "ad", "da", "dd", "aaa", "aad", "ada", "add", "daa", "dad", "dda", "ddd", "addd", "dddd"]:
    _make_cxr(_path)


# ---------------------------------------------------------------- constructors and accessors


@builtin("list")
def list_(*xs: Any) -> ListBase:
    """A list of the arguments.

    (list 1 2 3) ; => (1 2 3)
    (list) ; => ()
    """
    return ArrayList(list(xs)) if xs else EMPTY


@builtin("first")
def first(xs: Any) -> Any:
    """The first element of a list or vector; nil when empty.

    (first '(1 2 3)) ; => 1
    (first [7 8]) ; => 7
    (first '()) ; => nil
    """
    cls = xs.__class__
    if cls is Pair:
        return xs.car
    if cls is ArrayList:
        return xs.items[xs.start]
    if cls is tuple:
        return xs[0] if xs else None
    if xs is EMPTY or xs is None:
        return None
    raise _bad("first", 1, "a list or vector", xs)


def _nth_or_nil(who: str, xs, i: int):
    if xs.__class__ is tuple:
        return xs[i] if i < len(xs) else None
    if xs is None or isinstance(xs, ListBase):
        rest = _nthcdr(xs, i) if xs is not None else EMPTY
        return rest.car if rest.__class__ is Pair or rest.__class__ is ArrayList else None
    raise _bad(who, 1, "a list or vector", xs)


@builtin("second")
def second(xs: Any) -> Any:
    """The second element of a list or vector; nil when missing.

    (second '(1 2 3)) ; => 2
    """
    return _nth_or_nil("second", xs, 1)


@builtin("third")
def third(xs: Any) -> Any:
    """The third element of a list or vector; nil when missing.

    (third '(1 2 3)) ; => 3
    """
    return _nth_or_nil("third", xs, 2)


@builtin("rest")
def rest(xs: Any) -> ListBase:
    """Everything after the first element, as a list; ``()`` when empty.

    (rest '(1 2 3)) ; => (2 3)
    (rest [1 2]) ; => (2)
    """
    cls = xs.__class__
    if cls is Pair or cls is ArrayList or xs is EMPTY or xs is None:
        return cdr(xs)
    if cls is tuple:
        return make_list(list(xs[1:]))
    raise _bad("rest", 1, "a list or vector", xs)


@builtin("last")
def last(xs: Any) -> Any:
    """The last element of a list or vector; nil when empty.

    (last '(1 2 3)) ; => 3
    """
    cls = xs.__class__
    if cls is ArrayList or cls is tuple:
        items = xs.items if cls is ArrayList else xs
        return items[-1] if items else None
    if xs is EMPTY or xs is None:
        return None
    if cls is Pair:
        while True:
            nxt = xs.cdr
            if nxt.__class__ is Pair:
                xs = nxt
            elif nxt.__class__ is ArrayList:
                return nxt.items[-1]
            else:
                return xs.car
    raise _bad("last", 1, "a list or vector", xs)


@builtin("last-pair")
def last_pair(xs: ListBase) -> ListBase:
    """The last pair of a non-empty list.

    (last-pair '(1 2 3)) ; => (3)
    """
    while True:
        cls = xs.__class__
        if cls is ArrayList:
            return ArrayList(xs.items, len(xs.items) - 1)
        if cls is not Pair:
            raise _bad("last-pair", 1, "a non-empty list", xs)
        if xs.cdr.__class__ is not Pair and xs.cdr.__class__ is not ArrayList:
            return xs
        xs = xs.cdr



def _index(who: str, xs, i, default=_MISSING):
    if i.__class__ is not int:
        raise _bad(who, 2, "an integer", i)
    cls = xs.__class__
    if cls is tuple:
        if 0 <= i < len(xs):
            return xs[i]
        kind, n = "vector", len(xs)
    elif cls is ArrayList or cls is Pair or xs is EMPTY or xs is None:
        if i >= 0:
            rest = _nthcdr(xs, i) if xs is not None else EMPTY
            if rest.__class__ is Pair:
                return rest.car
            if rest.__class__ is ArrayList:
                return rest.items[rest.start]
        kind, n = "list", (list_length(xs) if xs is not None else 0)
    else:
        raise _bad(who, 1, "a list or vector", xs)
    if default is not _MISSING:
        return default
    raise LispValueError(f"{who}: index {i} out of range for {kind} of length {n}")


@builtin("nth")
def nth(xs: Any, i: int, default: Any = _MISSING) -> Any:
    """The element at index I (from 0) of a list or vector; DEFAULT (if given) when out of range.

    (nth '(a b c) 1) ; => b
    (nth [1 2] 5 :none) ; => :none
    """
    return _index("nth", xs, i, default)


@builtin("list-ref")
def list_ref(xs: Any, i: int) -> Any:
    """The element at index I (from 0) of a list; an error when out of range.

    (list-ref '(a b c) 2) ; => c
    """
    return _index("list-ref", xs, i)


@builtin("length")
def length(xs: Any) -> int:
    """The number of elements of a list, vector or string (nil has none).

    (length '(1 2 3)) ; => 3
    (length [1 2]) ; => 2
    """
    cls = xs.__class__
    if cls is ArrayList:
        return len(xs.items) - xs.start
    if cls is Pair:
        return list_length(xs)
    if cls is tuple or cls is str:
        return len(xs)
    if xs is EMPTY or xs is None:
        return 0
    raise _bad("length", 1, "a list, vector or string", xs)


@builtin("make-list")
def make_list_(n: int, fill: Any = None) -> ListBase:
    """A list of N copies of FILL (default nil).

    (make-list 3 0) ; => (0 0 0)
    """
    return make_list([fill] * _check_count("make-list", n))


@builtin("list-copy")
def list_copy(xs: Any) -> ListBase:
    """A fresh list with the elements of XS.

    (list-copy '(1 2)) ; => (1 2)
    """
    return make_list(list(seq_items(xs, "list-copy")))


# ---------------------------------------------------------------- predicates


@builtin("null?")
def null_p(x: Any) -> bool:
    """True for the empty list and nil.

    (null? '()) ; => #t
    (null? '(1)) ; => #f
    """
    return x is EMPTY or x is None


@builtin("pair?")
def pair_p(x: Any) -> bool:
    """True for a non-empty list (a cons cell).

    (pair? '(1)) ; => #t
    (pair? '()) ; => #f
    """
    return x.__class__ is Pair or x.__class__ is ArrayList


@builtin("list?")
def list_p(x: Any) -> bool:
    """True for a proper list, including the empty list.

    (list? '(1 2)) ; => #t
    (list? [1 2]) ; => #f
    """
    return isinstance(x, ListBase) and is_list(x)


@builtin("empty?")
def empty_p(x: Any) -> bool:
    """True for an empty list, vector, string or map, and for nil.

    (empty? '()) ; => #t
    (empty? "") ; => #t
    (empty? {:a 1}) ; => #f
    """
    if x is EMPTY or x is None:
        return True
    cls = x.__class__
    if cls is Pair or cls is ArrayList:
        return False
    if cls is tuple or cls is str or isinstance(x, Map) or cls is bytes or cls is bytearray:
        return len(x) == 0
    raise _bad("empty?", 1, "a collection", x)


@builtin("vector?")
def vector_p(x: Any) -> bool:
    """True for a vector.

    (vector? [1 2]) ; => #t
    (vector? '(1 2)) ; => #f
    """
    return x.__class__ is tuple


# ---------------------------------------------------------------- bulk operations


@builtin("append")
def append(*xss: Any) -> Any:
    """Concatenate lists (and vectors); a non-list last argument becomes a dotted tail.

    (append '(1 2) '(3) '(4 5)) ; => (1 2 3 4 5)
    (append) ; => ()
    """
    if not xss:
        return EMPTY
    *init, tail = xss
    out: list = []
    for pos, xs in enumerate(init, 1):
        out += seq_items(xs, "append", pos)
    if tail is None or isinstance(tail, ListBase) or tail.__class__ is tuple or isinstance(tail, Map):
        if not out and isinstance(tail, ListBase):
            return tail  # lists are immutable: sharing the only non-empty one is safe
        out += seq_items(tail, "append", len(xss))
        return make_list(out)
    for x in reversed(out):
        tail = Pair(x, tail)
    return tail


@builtin("reverse")
def reverse(xs: Any) -> ListBase:
    """The elements of a list or vector in reverse order.

    (reverse '(1 2 3)) ; => (3 2 1)
    """
    items = seq_items(xs, "reverse")
    return make_list(items[::-1] if items.__class__ is list else list(items[::-1]))


@builtin("map", "mapcar")
def map_(f: Callable_, xs: Any, *more: Any) -> ListBase:
    """Apply F to each element; with several lists, to their elements in parallel (shortest wins).

    (map (lambda (x) (* x x)) '(1 2 3)) ; => (1 4 9)
    (map + '(1 2) '(10 20)) ; => (11 22)
    """
    if xs.__class__ is ArrayList and xs.start == 0 and not more:
        return make_list(list(map(f, xs.items)))
    items = seq_items(xs, "map", 2)
    if not more:
        return make_list(list(map(f, items)))
    others = [seq_items(ys, "map", pos) for pos, ys in enumerate(more, 3)]
    return make_list(list(map(f, items, *others)))


@builtin("map-indexed")
def map_indexed(f: Callable_, xs: Any) -> ListBase:
    """Call F with each index and element.

    (map-indexed (lambda (i x) (list i x)) '(a b)) ; => ((0 a) (1 b))
    """
    items = seq_items(xs, "map-indexed", 2)
    return make_list(list(map(f, range(len(items)), items)))


@builtin("enumerate")
def enumerate_(xs: Any) -> ListBase:
    """A list of ``(index element)`` lists.

    (enumerate '(a b)) ; => ((0 a) (1 b))
    """
    items = seq_items(xs, "enumerate")
    return make_list(list(map(list_from, range(len(items)), items)))


@builtin("filter")
def filter_(pred: Callable_, xs: Any) -> ListBase:
    """The elements for which PRED is true (anything but #f and nil).

    (filter even? '(1 2 3 4)) ; => (2 4)
    """
    return make_list(_truthy_list(pred, seq_items(xs, "filter", 2)))


@builtin("reject", "list/reject")
def reject(pred: Callable_, xs: Any) -> ListBase:
    """The elements for which PRED is false.

    (reject even? '(1 2 3 4)) ; => (1 3)
    """
    items = seq_items(xs, "reject", 2)
    return make_list([x for x in items if (r := pred(x)) is False or r is None])


@builtin("for-each")
def for_each(f: Callable_, xs: Any, *more: Any) -> None:
    """Call F on each element (elements of several lists in parallel) for its effect; returns nil.

    (for-each (lambda (x) x) '(1 2)) ; => nil
    """
    items = seq_items(xs, "for-each", 2)
    if more:
        others = [seq_items(ys, "for-each", pos) for pos, ys in enumerate(more, 3)]
        for args in zip(items, *others):
            f(*args)
    else:
        for x in items:
            f(x)
    return None


@builtin("foldl", "fold")
def foldl(f: Callable_, init: Any, xs: Any, *more: Any) -> Any:
    """Fold from the left: F is called as ``(f acc x)`` (``(f acc x y ...)`` with several lists).

    (foldl + 0 '(1 2 3)) ; => 6
    (foldl (lambda (acc x) (cons x acc)) '() '(1 2 3)) ; => (3 2 1)
    """
    acc = init
    items = seq_items(xs, "foldl", 3)
    if more:
        others = [seq_items(ys, "foldl", pos) for pos, ys in enumerate(more, 4)]
        for args in zip(items, *others):
            acc = f(acc, *args)
        return acc
    for x in items:
        acc = f(acc, x)
    return acc


@builtin("foldr")
def foldr(f: Callable_, init: Any, xs: Any, *more: Any) -> Any:
    """Fold from the right: F is called as ``(f x acc)``.

    (foldr cons '() '(1 2 3)) ; => (1 2 3)
    (foldr - 0 '(1 2 3)) ; => 2
    """
    acc = init
    items = seq_items(xs, "foldr", 3)
    if more:
        others = [seq_items(ys, "foldr", pos) for pos, ys in enumerate(more, 4)]
        for args in reversed(list(zip(items, *others))):
            acc = f(*args, acc)
        return acc
    for x in reversed(items):
        acc = f(x, acc)
    return acc


@builtin("reduce")
def reduce_(f: Callable_, init_or_xs: Any, xs: Any = _MISSING) -> Any:
    """Clojure's reduce: ``(reduce f xs)`` starts from the first element, ``(reduce f init xs)`` from INIT.

    F is called as ``(f acc x)``.

    (reduce + '(1 2 3 4)) ; => 10
    (reduce + 10 '(1 2 3)) ; => 16
    """
    if xs is not _MISSING:
        acc = init_or_xs
        for x in seq_items(xs, "reduce", 3):
            acc = f(acc, x)
        return acc
    items = seq_items(init_or_xs, "reduce", 2)
    if not items:
        raise LispValueError("reduce: empty list and no initial value")
    it = iter(items)
    acc = next(it)
    for x in it:
        acc = f(acc, x)
    return acc


@builtin("flat-map")
def flat_map(f: Callable_, xs: Any) -> ListBase:
    """Map F over XS and concatenate the lists it returns.

    (flat-map (lambda (x) (list x x)) '(1 2)) ; => (1 1 2 2)
    """
    out: list = []
    for x in seq_items(xs, "flat-map", 2):
        out += seq_items(f(x), "flat-map", 1)
    return make_list(out)


def _flatten(items, out: list) -> None:
    for x in items:
        cls = x.__class__
        if cls is Pair or cls is ArrayList or cls is tuple or x is EMPTY:
            _flatten(seq_items(x, "flatten-deep"), out)
        else:
            out.append(x)


@builtin("flatten")
def flatten(xs: Any) -> ListBase:
    """Remove one level of nesting: nested lists and vectors are spliced in.

    (flatten '(1 (2 3) [4] ((5)))) ; => (1 2 3 4 (5))
    """
    out: list = []
    for x in seq_items(xs, "flatten"):
        cls = x.__class__
        if cls is Pair or cls is ArrayList or cls is tuple or x is EMPTY:
            out += seq_items(x, "flatten")
        else:
            out.append(x)
    return make_list(out)


@builtin("flatten-deep")
def flatten_deep(xs: Any) -> ListBase:
    """Remove all nesting of lists and vectors.

    (flatten-deep '(1 (2 (3 [4])))) ; => (1 2 3 4)
    """
    out: list = []
    _flatten(seq_items(xs, "flatten-deep"), out)
    return make_list(out)


@builtin("zip")
def zip_(xs: Any, *more: Any) -> ListBase:
    """A list of lists pairing up elements of the arguments (the shortest wins).

    (zip '(1 2 3) '(a b)) ; => ((1 a) (2 b))
    """
    seqs = [seq_items(xs, "zip", 1)] + [seq_items(ys, "zip", pos) for pos, ys in enumerate(more, 2)]
    return make_list(list(map(list_from, *seqs)))


@builtin("interpose")
def interpose(sep: Any, xs: Any) -> ListBase:
    """SEP between each two elements of XS.

    (interpose :x '(1 2 3)) ; => (1 :x 2 :x 3)
    """
    items = seq_items(xs, "interpose", 2)
    if not items:
        return EMPTY
    out = [sep] * (2 * len(items) - 1)
    out[0::2] = items
    return make_list(out)


@builtin("range")
def range_(a: Real, b: Real | None = None, step: Real = 1) -> ListBase:
    """Numbers from START (default 0) below END, by STEP: ``(range end)``, ``(range start end [step])``.

    (range 5) ; => (0 1 2 3 4)
    (range 2 10 3) ; => (2 5 8)
    (range 5 0 -2) ; => (5 3 1)
    """
    if b is None:
        start, end = 0, a
    else:
        start, end = a, b
    if start.__class__ is int and end.__class__ is int and step.__class__ is int:
        if step == 0:
            raise LispValueError("range: step must not be zero")
        return make_list(list(range(start, end, step)))
    for pos, v in ((1, a), (2, b), (3, step)):
        if v is not None and (v.__class__ is bool or not isinstance(v, (int, float, Fraction))):
            raise _bad("range", pos, "a real number", v)
    if step == 0:
        raise LispValueError("range: step must not be zero")
    out = []
    i, x = 0, start + 0 * step  # a float step makes every element a float
    while (x < end) if step > 0 else (x > end):
        out.append(_norm(x))
        i += 1
        x = start + i * step  # multiply rather than accumulate: no float drift
    return make_list(out)


@builtin("iota")
def iota(n: int, start: Real = 0, step: Real = 1) -> ListBase:
    """N numbers from START (default 0) by STEP (default 1).

    (iota 4) ; => (0 1 2 3)
    (iota 3 1 2) ; => (1 3 5)
    """
    _check_count("iota", n)
    if start.__class__ is int and step.__class__ is int:
        return make_list(list(range(start, start + n * step, step)) if step else [start] * n)
    return make_list([_norm(start + i * step) for i in range(n)])


@builtin("take")
def take(n: Any, xs: Any) -> ListBase:
    """The first N elements (all of them if there are fewer); the count may come first or second.

    (take 2 '(1 2 3)) ; => (1 2)
    (take '(1 2 3) 5) ; => (1 2 3)
    """
    n, xs, pos = _count_and_seq("take", n, xs)
    _check_count("take", n)
    if xs.__class__ is ArrayList:
        return make_list(xs.items[xs.start:xs.start + n])
    if xs.__class__ is Pair:  # walk only the first n pairs
        out = []
        while len(out) < n:
            if xs.__class__ is Pair:
                out.append(xs.car)
                xs = xs.cdr
            else:
                if xs.__class__ is ArrayList:
                    out.extend(islice(xs.items, xs.start, xs.start + n - len(out)))
                break
        return make_list(out)
    items = seq_items(xs, "take", pos)
    return make_list(list(items[:n]))


@builtin("drop")
def drop(n: Any, xs: Any) -> ListBase:
    """The list without its first N elements; the count may come first or second.

    (drop 2 '(1 2 3)) ; => (3)
    (drop '(1 2 3) 5) ; => ()
    """
    n, xs, pos = _count_and_seq("drop", n, xs)
    _check_count("drop", n)
    cls = xs.__class__
    if cls is ArrayList or cls is Pair:
        rest = _nthcdr(xs, n)
        return rest if isinstance(rest, ListBase) else EMPTY
    return make_list(list(seq_items(xs, "drop", pos)[n:]))


@builtin("take-while", "list/take-while")
def take_while(pred: Callable_, xs: Any) -> ListBase:
    """The leading elements for which PRED is true.

    (take-while odd? '(1 3 4 5)) ; => (1 3)
    """
    out = []
    for x in seq_items(xs, "take-while", 2):
        r = pred(x)
        if r is False or r is None:
            break
        out.append(x)
    return make_list(out)


@builtin("drop-while", "list/drop-while")
def drop_while(pred: Callable_, xs: Any) -> ListBase:
    """The list from the first element for which PRED is false.

    (drop-while odd? '(1 3 4 5)) ; => (4 5)
    """
    items = seq_items(xs, "drop-while", 2)
    for i, x in enumerate(items):
        r = pred(x)
        if r is False or r is None:
            return make_list(list(items[i:]))
    return EMPTY


# ---------------------------------------------------------------- sorting


def _natural_sort(who: str, items, reverse: bool = False) -> list:
    try:
        return sorted(items, reverse=reverse)
    except TypeError:
        kinds = sorted({type_name(x) for x in items})
        raise LispTypeError(f"{who}: cannot order values of type {', '.join(kinds)} "
                            "naturally; pass a comparator") from None


def _cmp_from_less(less):
    """A cmp function for ``cmp_to_key`` from a Lisp less-than predicate.

    ``list.sort`` only ever asks "a < b?", so one call of LESS answers it; an
    integer result is taken as a three-way comparison (negative = less).
    """

    def cmp(a, b):
        r = less(a, b)
        if r is True:
            return -1
        if r is False or r is None:
            return 1
        if r.__class__ is int or r.__class__ is float or r.__class__ is Fraction:
            return -1 if r < 0 else 1
        return -1

    return cmp


@builtin("sort")
def sort(xs: Any, less: Callable_ | None = None) -> ListBase:
    """Sort a list or vector: naturally (numbers, strings ...) or by a less-than predicate. Stable.

    (sort '(3 1 2)) ; => (1 2 3)
    (sort '(3 1 2) >) ; => (3 2 1)
    (sort '("b" "a")) ; => ("a" "b")
    """
    if callable(xs) and less is not None and not callable(less):
        xs, less = less, xs  # (sort < xs)
    items = seq_items(xs, "sort", 1)
    if less is None or less is BUILTINS.get("<"):
        return make_list(_natural_sort("sort", items))
    if less is BUILTINS.get(">"):
        return make_list(_natural_sort("sort", items, reverse=True))
    return make_list(sorted(items, key=functools.cmp_to_key(_cmp_from_less(less))))


@builtin("sort-by")
def sort_by(key: Callable_, xs: Any, less: Callable_ | None = None) -> ListBase:
    """Sort by the value of KEY on each element (naturally, or by the less-than predicate LESS). Stable.

    (sort-by - '(1 3 2)) ; => (3 2 1)
    (sort-by :age (list {:age 30} {:age 20})) ; => ({:age 20} {:age 30})
    """
    if not callable(key) and callable(xs):
        key, xs = xs, key
    items = seq_items(xs, "sort-by", 2)
    keys = list(map(key, items))
    order = range(len(items))
    if less is None:
        try:
            idx = sorted(order, key=keys.__getitem__)
        except TypeError:
            _natural_sort("sort-by", keys)
            raise
    else:
        cmp = _cmp_from_less(less)
        idx = sorted(order, key=functools.cmp_to_key(lambda i, j: cmp(keys[i], keys[j])))
    return make_list([items[i] for i in idx])


# ---------------------------------------------------------------- searching


@builtin("member")
def member(x: Any, xs: Any) -> Any:
    """The tail of XS starting at the first element ``equal?`` to X, or #f.

    (member 2 '(1 2 3)) ; => (2 3)
    (member 9 '(1 2)) ; => #f
    """
    return _member("member", x, xs, equal)


@builtin("memq", "memv")
def memq(x: Any, xs: Any) -> Any:
    """The tail of XS starting at the first element ``eqv?`` to X, or #f.

    (memq 'c '(a b c d)) ; => (c d)
    """
    return _member("memq", x, xs, eqv)


def _member(who, x, xs, same):
    if xs.__class__ is tuple or xs is None:
        xs = make_list(list(xs or ()))
    while True:
        cls = xs.__class__
        if cls is Pair:
            if same(x, xs.car):
                return xs
            xs = xs.cdr
        elif cls is ArrayList:
            items = xs.items
            for i in range(xs.start, len(items)):
                if same(x, items[i]):
                    return ArrayList(items, i)
            return False
        elif xs is EMPTY:
            return False
        else:
            raise _bad(who, 2, "a list", xs)


def _assoc_list(who, key, alist, same):
    for entry in seq_items(alist, who, 2):
        cls = entry.__class__
        if cls is Pair or cls is ArrayList:
            if same(key, entry.car):
                return entry
        elif cls is tuple and entry:
            if same(key, entry[0]):
                return entry
        elif entry is not EMPTY:
            raise LispTypeError(f"{who}: association list entries must be pairs, got "
                                f"{type_name(entry)} {_short(entry)}")
    return False


@builtin("assq")
def assq(key: Any, alist: Any) -> Any:
    """The first entry of an association list whose car is ``eq?`` to KEY, or #f.

    (assq 'b '((a 1) (b 2))) ; => (b 2)
    """
    return _assoc_list("assq", key, alist, eqv)


@builtin("assv")
def assv(key: Any, alist: Any) -> Any:
    """The first entry of an association list whose car is ``eqv?`` to KEY, or #f.

    (assv 2 '((1 . one) (2 . two))) ; => (2 . two)
    """
    return _assoc_list("assv", key, alist, eqv)


@builtin("any")
def any_(pred: Callable_, xs: Any) -> Any:
    """The first true result of PRED on an element, or #f.

    (any (lambda (x) (and (> x 1) (* x 10))) '(1 2 3)) ; => 20
    (any even? '(1 3)) ; => #f
    """
    for x in seq_items(xs, "any", 2):
        r = pred(x)
        if r is not False and r is not None:
            return r
    return False


@builtin("any?")
def any_p(pred: Callable_, xs: Any) -> bool:
    """True if PRED is true for some element.

    (any? even? '(1 2)) ; => #t
    """
    return any_(pred, xs) is not False


@builtin("every")
def every(pred: Callable_, xs: Any) -> Any:
    """The last result of PRED if it is true for every element (#t for an empty list), else #f.

    (every (lambda (x) (* x 2)) '(1 2 3)) ; => 6
    (every even? '(2 3)) ; => #f
    """
    r = True
    for x in seq_items(xs, "every", 2):
        r = pred(x)
        if r is False or r is None:
            return False
    return r


@builtin("every?")
def every_p(pred: Callable_, xs: Any) -> bool:
    """True if PRED is true for every element.

    (every? even? '(2 4)) ; => #t
    """
    return every(pred, xs) is not False


@builtin("partition")
def partition(pred: Callable_, xs: Any) -> ListBase:
    """Split by PRED: a list of the matching elements and the others.

    (partition even? '(1 2 3 4)) ; => ((2 4) (1 3))
    """
    yes, no = [], []
    for x in seq_items(xs, "partition", 2):
        r = pred(x)
        (no if r is False or r is None else yes).append(x)
    return list_from(make_list(yes), make_list(no))


@builtin("frequencies")
def frequencies(xs: Any) -> Map:
    """A map from each distinct element to how often it occurs.

    (frequencies '(a b a)) ; => {a 2 b 1}
    """
    return Map(Counter(map(map_key, seq_items(xs, "frequencies"))))


# ---------------------------------------------------------------- vectors


@builtin("vector")
def vector(*xs: Any) -> tuple:
    """A vector of the arguments.

    (vector 1 2 3) ; => [1 2 3]
    """
    return xs


@builtin("make-vector")
def make_vector(n: int, fill: Any = None) -> tuple:
    """A vector of N copies of FILL (default nil).

    (make-vector 2 :a) ; => [:a :a]
    """
    return (fill,) * _check_count("make-vector", n)


@builtin("vector-ref")
def vector_ref(v: tuple, i: int) -> Any:
    """The element at index I of a vector.

    (vector-ref [1 2 3] 0) ; => 1
    """
    if v.__class__ is not tuple:
        raise _bad("vector-ref", 1, "a vector", v)
    return _index("vector-ref", v, i)


@builtin("vector-length")
def vector_length(v: tuple) -> int:
    """The number of elements of a vector.

    (vector-length [1 2 3]) ; => 3
    """
    if v.__class__ is not tuple:
        raise _bad("vector-length", 1, "a vector", v)
    return len(v)


@builtin("list->vector")
def list_to_vector(xs: Any) -> tuple:
    """A vector of a list's elements.

    (list->vector '(1 2)) ; => [1 2]
    """
    return tuple(seq_items(xs, "list->vector"))


@builtin("vector->list")
def vector_to_list(v: Any) -> ListBase:
    """A list of a vector's elements.

    (vector->list [1 2]) ; => (1 2)
    """
    return make_list(list(seq_items(v, "vector->list")))



# ---------------------------------------------------------------- the list/ family

_NUMBER_CLASSES = frozenset((int, float, Fraction, complex))


def _numbers(who: str, xs) -> list | tuple:
    items = seq_items(xs, who)
    if not set(map(type, items)) <= _NUMBER_CLASSES:
        bad = next(x for x in items if x.__class__ not in _NUMBER_CLASSES)
        raise LispTypeError(f"{who}: expected a list of numbers, found {type_name(bad)} {_short(bad)}")
    return items


def _nonempty(who: str, items):
    if not items:
        raise LispValueError(f"{who}: empty list")
    return items


@builtin("list/sum")
def list_sum(xs: Any) -> Any:
    """The sum of a list of numbers (0 when empty).

    (list/sum '(1 2 3)) ; => 6
    (list/sum '(1/2 1/2)) ; => 1
    """
    return _norm(sum(_numbers("list/sum", xs)))


@builtin("list/max")
def list_max(xs: Any) -> Any:
    """The largest element of a non-empty list.

    (list/max '(3 9 2)) ; => 9
    """
    items = _nonempty("list/max", seq_items(xs, "list/max"))
    try:
        return max(items)
    except TypeError:
        _natural_sort("list/max", items)
        raise


@builtin("list/min")
def list_min(xs: Any) -> Any:
    """The smallest element of a non-empty list.

    (list/min '(3 9 2)) ; => 2
    """
    items = _nonempty("list/min", seq_items(xs, "list/min"))
    try:
        return min(items)
    except TypeError:
        _natural_sort("list/min", items)
        raise


def _to_float(x):
    return float(x) if x.__class__ is Fraction else x


@builtin("list/avg")
def list_avg(xs: Any) -> Any:
    """The mean of a non-empty list of numbers, as a float.

    (list/avg '(1 2 3 4)) ; => 2.5
    """
    items = _nonempty("list/avg", _numbers("list/avg", xs))
    return _to_float(sum(items) / len(items))


@builtin("list/median")
def list_median(xs: Any) -> Any:
    """The median of a non-empty list of numbers (the mean of the middle two for an even count).

    (list/median '(3 1 2)) ; => 2
    (list/median '(1 2 3 4)) ; => 2.5
    """
    items = sorted(_nonempty("list/median", _numbers("list/median", xs)))
    mid = len(items) // 2
    if len(items) % 2:
        return items[mid]
    return _to_float((items[mid - 1] + items[mid]) / 2)


@builtin("list/mode")
def list_mode(xs: Any) -> Any:
    """The most frequent element (the first to appear among ties); nil when empty.

    (list/mode '(1 2 2 3)) ; => 2
    """
    counts = Counter(map(map_key, seq_items(xs, "list/mode")))
    if not counts:
        return None
    return unwrap_key(counts.most_common(1)[0][0])


@builtin("list/unique")
def list_unique(xs: Any) -> ListBase:
    """The distinct elements, in order of first appearance.

    (list/unique '(1 2 1 3 2)) ; => (1 2 3)
    """
    return make_list(list(map(unwrap_key, dict.fromkeys(map(map_key, seq_items(xs, "list/unique"))))))


@builtin("list/dedupe")
def list_dedupe(xs: Any) -> ListBase:
    """The list without consecutive repeats.

    (list/dedupe '(1 1 2 1 1)) ; => (1 2 1)
    """
    out: list = []
    for x in seq_items(xs, "list/dedupe"):
        if not out or not equal(out[-1], x):
            out.append(x)
    return make_list(out)


@builtin("list/duplicates")
def list_duplicates(xs: Any) -> ListBase:
    """The elements that occur more than once, each once, in order of first appearance.

    (list/duplicates '(a b a c b a)) ; => (a b)
    """
    counts = Counter(map(map_key, seq_items(xs, "list/duplicates")))
    return make_list([unwrap_key(k) for k, n in counts.items() if n > 1])


@builtin("list/chunk")
def list_chunk(n: Any, xs: Any) -> ListBase:
    """Split into lists of N elements (the last may be shorter); the size may come first or second.

    (list/chunk 2 '(1 2 3 4 5)) ; => ((1 2) (3 4) (5))
    """
    n, xs, pos = _count_and_seq("list/chunk", n, xs)
    if n <= 0:
        raise LispValueError(f"list/chunk: size must be positive, got {n}")
    items = seq_items(xs, "list/chunk", pos)
    return make_list([make_list(list(items[i:i + n])) for i in range(0, len(items), n)])


@builtin("list/take-last")
def list_take_last(n: Any, xs: Any) -> ListBase:
    """The last N elements; the count may come first or second.

    (list/take-last 2 '(1 2 3)) ; => (2 3)
    """
    n, xs, pos = _count_and_seq("list/take-last", n, xs)
    _check_count("list/take-last", n)
    items = seq_items(xs, "list/take-last", pos)
    return make_list(list(items[len(items) - n:]) if n < len(items) else list(items))


@builtin("list/split-at")
def list_split_at(n: Any, xs: Any) -> ListBase:
    """A list of the first N elements and the rest; the count may come first or second.

    (list/split-at 2 '(1 2 3 4)) ; => ((1 2) (3 4))
    """
    n, xs, pos = _count_and_seq("list/split-at", n, xs)
    _check_count("list/split-at", n)
    items = seq_items(xs, "list/split-at", pos)
    return list_from(make_list(list(items[:n])), make_list(list(items[n:])))


@builtin("list/index-of")
def list_index_of(xs: Any, x: Any) -> Any:
    """The index of the first element ``equal?`` to X, or nil.

    (list/index-of '(a b c) 'b) ; => 1
    (list/index-of '(a b) 'z) ; => nil
    """
    for i, y in enumerate(seq_items(xs, "list/index-of")):
        if equal(x, y):
            return i
    return None


@builtin("list/contains?")
def list_contains_p(xs: Any, x: Any) -> bool:
    """True if some element is ``equal?`` to X.

    (list/contains? '(1 2 3) 2) ; => #t
    """
    return any(equal(x, y) for y in seq_items(xs, "list/contains?"))


@builtin("list/nth-or")
def list_nth_or(xs: Any, i: int, default: Any) -> Any:
    """The element at index I, or DEFAULT when out of range.

    (list/nth-or '(1 2) 5 0) ; => 0
    """
    return _index("list/nth-or", xs, i, default)


@builtin("list/find")
def list_find(pred: Callable_, xs: Any) -> Any:
    """The first element for which PRED is true, or nil.

    (list/find even? '(1 4 6)) ; => 4
    """
    for x in seq_items(xs, "list/find", 2):
        r = pred(x)
        if r is not False and r is not None:
            return x
    return None


@builtin("list/group-by")
def list_group_by(f: Callable_, xs: Any) -> Map:
    """A map from each value of F to the list of elements giving it, in order.

    (list/group-by odd? '(1 2 3)) ; => {#f (2) #t (1 3)}
    """
    groups: dict = {}
    for x in seq_items(xs, "list/group-by", 2):
        k = map_key(f(x))
        g = groups.get(k)
        if g is None:
            groups[k] = [x]
        else:
            g.append(x)
    return Map({k: make_list(v) for k, v in groups.items()})


@builtin("list/key-by")
def list_key_by(f: Callable_, xs: Any) -> Map:
    """A map from the value of F on each element to the element (the last one wins).

    (list/key-by :id (list {:id 1} {:id 2})) ; => {1 {:id 1} 2 {:id 2}}
    """
    return Map({map_key(f(x)): x for x in seq_items(xs, "list/key-by", 2)})


def _pluck(key, m):
    if isinstance(m, Map):
        return m.get(map_key(key))
    if m is None:
        return None
    if isinstance(m, Record) and key.__class__ is Keyword:
        return m.fields.get(key.name)
    raise LispTypeError(f"list/pluck: expected a list of maps, found {type_name(m)} {_short(m)}")


@builtin("list/pluck")
def list_pluck(key: Any, xs: Any) -> ListBase:
    """The value under KEY of each map in XS (nil where missing).

    (list/pluck :a (list {:a 1} {:a 2} {})) ; => (1 2 nil)
    """
    return make_list([_pluck(key, m) for m in seq_items(xs, "list/pluck", 2)])


@builtin("list/repeat")
def list_repeat(n: Any, x: Any) -> ListBase:
    """A list of N copies of X; the count may come first or second.

    (list/repeat 3 :a) ; => (:a :a :a)
    """
    if n.__class__ is not int and x.__class__ is int:
        n, x = x, n
    return make_list([x] * _check_count("list/repeat", n))


@builtin("list/times")
def list_times(n: int, f: Callable_) -> ListBase:
    """The results of calling F on 0, 1, ..., N-1.

    (list/times 3 (lambda (i) (* i i))) ; => (0 1 4)
    """
    return make_list(list(map(f, range(_check_count("list/times", n)))))


@builtin("list/interleave")
def list_interleave(xs: Any, *more: Any) -> ListBase:
    """The first element of each list, then the second of each, ... (stops at the shortest).

    (list/interleave '(1 2 3) '(a b c)) ; => (1 a 2 b 3 c)
    """
    seqs = [seq_items(xs, "list/interleave", 1)] + [
        seq_items(ys, "list/interleave", pos) for pos, ys in enumerate(more, 2)]
    return make_list(list(chain.from_iterable(zip(*seqs))))


@builtin("list/diff")
def list_diff(xs: Any, ys: Any) -> ListBase:
    """The elements of XS that are not in YS.

    (list/diff '(1 2 3 4) '(2 4)) ; => (1 3)
    """
    drop_keys = set(map(map_key, seq_items(ys, "list/diff", 2)))
    return make_list([x for x in seq_items(xs, "list/diff", 1) if map_key(x) not in drop_keys])


@builtin("list/intersect")
def list_intersect(xs: Any, ys: Any) -> ListBase:
    """The elements of XS that are also in YS.

    (list/intersect '(1 2 3 4) '(4 2 9)) ; => (2 4)
    """
    keep = set(map(map_key, seq_items(ys, "list/intersect", 2)))
    return make_list([x for x in seq_items(xs, "list/intersect", 1) if map_key(x) in keep])


@builtin("list/shuffle")
def list_shuffle(xs: Any) -> ListBase:
    """The elements in a random order.

    (length (list/shuffle '(1 2 3))) ; => 3
    """
    import random

    items = list(seq_items(xs, "list/shuffle"))
    random.shuffle(items)
    return make_list(items)


@builtin("list/sole")
def list_sole(a: Any, b: Any = _MISSING) -> Any:
    """The only element of XS (``(list/sole xs)``) or the only one matching PRED (``(list/sole pred xs)``).

    It is an error if there is none or more than one.

    (list/sole '(7)) ; => 7
    (list/sole even? '(1 2 3)) ; => 2
    """
    if b is _MISSING:
        found = list(seq_items(a, "list/sole"))
    else:
        found = _truthy_list(a, seq_items(b, "list/sole", 2))
    if len(found) != 1:
        raise LispValueError(f"list/sole: expected exactly one element, found {len(found)}")
    return found[0]
