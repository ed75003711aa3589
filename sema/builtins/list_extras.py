"""More of the ``list/`` family: windows and pages, padding, joining to text, cross joins, random picks.

As elsewhere, list arguments may be lists, vectors or nil, and counts of
``list/drop-last`` may come first or second.
"""

from __future__ import annotations

from ..printer import display_str
from ..runtime.registry import Any, builtin
from ..values import ListBase, list_from, make_list
from .argcheck import type_error
from .lists import _check_count, _count_and_seq, seq_items


def _positive(who: str, n, what: str) -> int:
    if n.__class__ is not int or n <= 0:
        raise type_error(who, f"a positive integer {what}", n)
    return n


@builtin("list/sliding")
def list_sliding(xs: Any, size: int, step: int = 1) -> ListBase:
    """The windows of SIZE consecutive elements, each STEP (1 by default) after the one before.

    Only full windows are kept.

    (list/sliding '(1 2 3 4 5) 2) ; => ((1 2) (2 3) (3 4) (4 5))
    (list/sliding '(1 2 3 4 5 6) 2 3) ; => ((1 2) (4 5))
    """
    size = _positive("list/sliding", size, "window size")
    step = _positive("list/sliding", step, "step")
    items = seq_items(xs, "list/sliding")
    return make_list([make_list(list(items[i:i + size])) for i in range(0, len(items) - size + 1, step)])


@builtin("list/page")
def list_page(xs: Any, page: int, per_page: int) -> ListBase:
    """Page PAGE (counting from 1) of the elements, PER-PAGE at a time.

    (list/page (range 20) 2 5) ; => (5 6 7 8 9)
    (list/page '(1 2 3) 5 2) ; => ()
    """
    page = _positive("list/page", page, "page number")
    per_page = _positive("list/page", per_page, "page size")
    items = seq_items(xs, "list/page")
    start = (page - 1) * per_page
    return make_list(list(items[start:start + per_page]))


@builtin("list/cross-join")
def list_cross_join(xs: Any, ys: Any) -> ListBase:
    """Every pair ``(x y)`` of an element of XS with an element of YS (the Cartesian product).

    (list/cross-join '(1 2) '(3 4)) ; => ((1 3) (1 4) (2 3) (2 4))
    """
    ys = seq_items(ys, "list/cross-join", 2)
    return make_list([list_from(x, y) for x in seq_items(xs, "list/cross-join") for y in ys])


@builtin("list/pad")
def list_pad(xs: Any, n: int, fill: Any = None) -> ListBase:
    """The list extended with FILL (nil by default) to N elements (a longer list is left as it is).

    (list/pad '(1 2 3) 5 0) ; => (1 2 3 0 0)
    (list/pad '(1 2) 1) ; => (1 2)
    """
    _check_count("list/pad", n)
    items = list(seq_items(xs, "list/pad"))
    return make_list(items + [fill] * (n - len(items)))


@builtin("list/drop-last")
def list_drop_last(n: Any, xs: Any) -> ListBase:
    """The list without its last N elements; the count may come first or second.

    (list/drop-last 2 '(1 2 3 4)) ; => (1 2)
    (list/drop-last 9 '(1 2)) ; => ()
    """
    n, xs, pos = _count_and_seq("list/drop-last", n, xs)
    _check_count("list/drop-last", n)
    items = seq_items(xs, "list/drop-last", pos)
    return make_list(list(items[:max(0, len(items) - n)]))


@builtin("list/join")
def list_join(xs: Any, sep: str = "", last_sep: str | None = None) -> str:
    """The elements (displayed) joined with SEP, and with LAST-SEP before the last one when given.

    (list/join '(1 2 3) ", ") ; => "1, 2, 3"
    (list/join '("a" "b" "c") ", " " and ") ; => "a, b and c"
    """
    for s in (sep, last_sep):
        if s is not None and s.__class__ is not str:
            raise type_error("list/join", "a separator string", s)
    parts = [x if x.__class__ is str else display_str(x) for x in seq_items(xs, "list/join")]
    if last_sep is None or len(parts) < 2:
        return sep.join(parts)
    return sep.join(parts[:-1]) + last_sep + parts[-1]


@builtin("list/pick")
def list_pick(xs: Any) -> Any:
    """A randomly chosen element (nil for an empty list).

    (list/contains? '(1 2 3) (list/pick '(1 2 3))) ; => #t
    """
    import random

    items = seq_items(xs, "list/pick")
    if not items:
        return None
    return items[random.randrange(len(items))]
