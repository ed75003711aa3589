"""Pairs and lists: cons/car/cdr, accessors, list predicates, ``member``/``assq``, and shared helpers.

Sequence functions accept lists, vectors and nil (as the empty list); maps
are walked as ``[key value]`` entry vectors.  They return lists, whatever
the input was.  :func:`seq_items` is how every list module (and
:mod:`.maps`) reads such a sequence; the bulk functions are in
:mod:`.sequences`, vectors in :mod:`.vectors`, the ``list/`` family in
:mod:`.list_family`.
"""

from __future__ import annotations

from itertools import islice

from ..errors import LispTypeError, LispValueError
from ..printer import type_and_value, write_str
from ..runtime.registry import Any, builtin
from ..values import (
    EMPTY,
    ArrayList,
    chunked,
    HashMap,
    ListBase,
    Map,
    MutableArray,
    Pair,
    Symbol,
    equal,
    is_list,
    list_length,
    make_list,
    sorted_items,
    strict_equal,
)
from .argcheck import short
from .core import eqv

# ---------------------------------------------------------------- helpers

_MISSING = object()


def _bad(who: str, pos: int, what: str, x):
    return LispTypeError(f"{who}: argument {pos} must be {what}, got {type_and_value(x)}")


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
        return [ArrayList([k, v]) for k, v in sorted_items(x)]  # entries as (key value) lists, as in Sema
    if x.__class__ is HashMap:
        return [ArrayList([k, v]) for k, v in sorted_items(x.m)]
    if x.__class__ is MutableArray:
        return list(x.items)
    raise _bad(who, pos, "a list or vector", x)


def _count_and_seq(who: str, a, b):
    """(count, sequence) from arguments given in either order."""
    if a.__class__ is int:
        return a, b, 2
    if b.__class__ is int:
        return b, a, 1
    raise LispTypeError(f"{who}: expected a count and a list, got {type_and_value(a)} "
                        f"and {type_and_value(b)}")


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
    raise LispTypeError(f"car: expected a pair, got {type_and_value(x)}")


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
    raise LispTypeError(f"cdr: expected a pair, got {type_and_value(x)}")


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
                where = "" if x is orig else f" inside {short(orig)}"
                raise LispTypeError(f"{name}: expected a pair, got {type_and_value(x)}{where}")
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
    elif cls is MutableArray:
        if 0 <= i < len(xs.items):
            return xs.items[i]
        kind, n = "mutable array", len(xs.items)
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
    if i.__class__ is int and i >= 0:  # the common cases first: a vector, or a list built in bulk
        cls = xs.__class__
        if cls is tuple:
            if i < len(xs):
                return xs[i]
        elif cls is ArrayList:
            j = xs.start + i
            if j < len(xs.items):
                return xs.items[j]
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
    items = seq_items(xs, "list-copy")
    return make_list(items if items.__class__ is range else chunked(items))  # a range stays lazy


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
    if cls is HashMap:
        return len(x.m) == 0
    raise _bad("empty?", 1, "a collection", x)


@builtin("vector?")
def vector_p(x: Any) -> bool:
    """True for a vector.

    (vector? [1 2]) ; => #t
    (vector? '(1 2)) ; => #f
    """
    return x.__class__ is tuple


# ---------------------------------------------------------------- member and association lists


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
                                f"{type_and_value(entry)}")
    return False


@builtin("assq")
def assq(key: Any, alist: Any) -> Any:
    """The first entry of an association list whose car is ``eq?`` (structurally equal, as in Sema) to KEY, or #f.

    (assq 'b '((a 1) (b 2))) ; => (b 2)
    """
    return _assoc_list("assq", key, alist, strict_equal)


@builtin("assv")
def assv(key: Any, alist: Any) -> Any:
    """The first entry of an association list whose car is ``eqv?`` (structurally equal, as in Sema) to KEY, or #f.

    (assv 2 '((1 . one) (2 . two))) ; => (2 . two)
    """
    return _assoc_list("assv", key, alist, strict_equal)
