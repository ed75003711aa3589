"""Vectors: ``vector``, ``make-vector``, ``vector-ref``, ``vector-length`` and conversions.

Vectors are Python tuples; the sequence functions of :mod:`.sequences` take
them too.
"""

from __future__ import annotations

from ..runtime.registry import Any, builtin
from ..values import ListBase, chunked, make_list
from .lists import _bad, _check_count, _index, seq_items

#: the stdlib reference (sema.docs) lists these builtins under "core: lists"
DOC_GROUP = "lists"


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
    items = seq_items(xs, "list->vector")
    return items if items.__class__ is tuple else tuple(chunked(items))


@builtin("vector->list")
def vector_to_list(v: Any) -> ListBase:
    """A list of a vector's elements.

    (vector->list [1 2]) ; => (1 2)
    """
    return make_list(list(seq_items(v, "vector->list")))
