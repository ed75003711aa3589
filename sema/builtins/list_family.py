"""The ``list/`` family: statistics, dedupe, chunking, lookup, grouping and set operations on lists.

Like the other sequence functions they accept lists, vectors and nil and
return lists.  ``list/take-last``, ``list/chunk`` and ``list/repeat`` accept
the count first or second; ``list/index-of`` answers nil when the value is
absent.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import chain

from ..errors import LispTypeError, LispValueError
from ..printer import type_and_value
from ..runtime.registry import Any, Callable_, builtin
from ..values import (
    Keyword,
    ListBase,
    Map,
    Record,
    equal,
    list_from,
    make_list,
    map_key,
    sort_key,
    unwrap_key,
)
from .lists import (
    _MISSING,
    _check_count,
    _count_and_seq,
    _index,
    _truthy_list,
    seq_items,
)
from .numbers import _NUM, _norm


def _numbers(who: str, xs) -> list | tuple:
    items = seq_items(xs, who)
    if not set(map(type, items)) <= _NUM:
        bad = next(x for x in items if x.__class__ not in _NUM)
        raise LispTypeError(f"{who}: expected a list of numbers, found {type_and_value(bad)}")
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


def _extreme(who: str, pick, xs):
    """PICK (max or min) of a non-empty list, in the order ``sort`` uses (any values compare, as in Sema)."""
    items = _nonempty(who, seq_items(xs, who))
    try:
        return pick(items)
    except TypeError:
        return pick(items, key=sort_key)


@builtin("list/max")
def list_max(xs: Any) -> Any:
    """The largest element of a non-empty list.

    (list/max '(3 9 2)) ; => 9
    """
    return _extreme("list/max", max, xs)


@builtin("list/min")
def list_min(xs: Any) -> Any:
    """The smallest element of a non-empty list.

    (list/min '(3 9 2)) ; => 2
    """
    return _extreme("list/min", min, xs)


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
    raise LispTypeError(f"list/pluck: expected a list of maps, found {type_and_value(m)}")


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
