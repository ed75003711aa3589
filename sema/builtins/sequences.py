"""Bulk sequence functions: map/filter/fold, append, range, take/drop, sorting, any/every.

Speed: every bulk builtin turns its input into a Python sequence once
(:func:`~.lists.seq_items`, which shares an ArrayList's storage instead of
copying it), does its work with C loops (``map``, slicing, comprehensions,
``list.sort``), and returns an :class:`ArrayList` via ``make_list``.

Decisions where Sema left room (documented in each docstring):

* ``take``/``drop`` accept the count first or second: the argument that is
  an integer is the count (so do ``list/take-last``, ``list/chunk`` and
  ``list/repeat`` in :mod:`.list_family`).
* ``reduce`` is Clojure's ``(reduce f xs)`` / ``(reduce f init xs)``, ``f``
  called as ``(f acc x)``; ``fold`` is ``foldl``.
* ``flatten`` removes one level of nesting, ``flatten-deep`` all of them.
* ``partition`` splits by a predicate: ``((matching ...) (others ...))``.
"""

from __future__ import annotations

import functools
from collections import Counter
from fractions import Fraction
from itertools import islice

from ..errors import LispValueError
from ..runtime.registry import BUILTINS, Any, Callable_, Real, builtin
from ..values import (
    EMPTY, ArrayList, ListBase, Map, Pair, chunked, extend, list_from, make_list, map_key, sort_key,
)
from .lists import _MISSING, _bad, _check_count, _count_and_seq, _nthcdr, _truthy_list, seq_items
from .numbers import _norm

#: the stdlib reference (sema.docs) lists these builtins under "core: lists"
DOC_GROUP = "lists"

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
        extend(out, seq_items(xs, "append", pos))
    if tail is None or isinstance(tail, ListBase) or tail.__class__ is tuple or isinstance(tail, Map):
        if not out and isinstance(tail, ListBase):
            return tail  # lists are immutable: sharing the only non-empty one is safe
        extend(out, seq_items(tail, "append", len(xss)))
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
    if items.__class__ is range:
        return make_list(items[::-1])  # a reversed range is a range: still lazy
    return make_list(items[::-1] if items.__class__ is list else chunked(items[::-1]))


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
            extend(out, seq_items(x, "flatten"))
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
        span = range(start, end, step)  # backed lazily: (range 0 100000000000) costs no memory
        return ArrayList(span) if span else EMPTY
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
    """ITEMS in natural order: by value for numbers or strings alone, else Sema's order of all values.

    (Sema orders any values: keywords by name, lists element by element, and
    values of different kinds by kind: nil, booleans, numbers, characters,
    strings, symbols, keywords, lists, vectors, maps.)
    """
    try:
        return interruptible_sort(items, reverse=reverse)
    except TypeError:
        return interruptible_sort(items, key=sort_key, reverse=reverse)


#: lists longer than this are sorted in runs of this length, then merged, so that a stop gets in between
SORT_RUN = 1 << 20


def interruptible_sort(items, key=None, reverse: bool = False) -> list:
    """``sorted(items, key=key, reverse=reverse)``, stable, in steps a stop (Ctrl-C, a timeout) can get between.

    One ``sorted`` of 100 million numbers is a minute in C, out of reach of
    Ctrl-C.  Long inputs are sorted in runs of SORT_RUN items, and neighbouring
    runs merged by sorting their concatenation (timsort finds the two runs and
    merges them in linear time); only the last merge is as long as the input.
    """
    if len(items) <= SORT_RUN:
        return sorted(items, key=key, reverse=reverse)
    runs = [sorted(items[i:i + SORT_RUN], key=key, reverse=reverse) for i in range(0, len(items), SORT_RUN)]
    while len(runs) > 1:
        merged = []
        for i in range(0, len(runs) - 1, 2):
            joined = runs[i]
            extend(joined, runs[i + 1])
            joined.sort(key=key, reverse=reverse)
            merged.append(joined)
        if len(runs) % 2:
            merged.append(runs[-1])
        runs = merged
    return runs[0]


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
    return make_list(interruptible_sort(items, key=functools.cmp_to_key(_cmp_from_less(less))))


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
            idx = sorted(order, key=lambda i: sort_key(keys[i]))
    else:
        cmp = _cmp_from_less(less)
        idx = sorted(order, key=functools.cmp_to_key(lambda i, j: cmp(keys[i], keys[j])))
    return make_list([items[i] for i in idx])


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
