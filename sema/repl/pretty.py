"""How the terminal REPL shows a value: broken over lines to the terminal's width, and cut when long.

``*print-length*`` (default 100) is how many elements of a list, vector or
map are shown before ``...N more``; ``*print-level*`` (default 8) how deep
nesting is shown before a container prints as ``(...)``; strings longer
than ``*print-length*`` times 20 characters are cut too.  Both are Lisp
globals of the session (``(set! *print-length* nil)`` shows everything).
Only what is shown is visited, so ``(range 100000)`` costs as little as
``(range 100)``.  Nested lists, vectors and maps wider than the terminal go
one element (one key and value) per line, aligned after the bracket.
"""

from __future__ import annotations

from ..printer import write_str
from ..values import EMPTY, ArrayList, Map, Pair, Symbol, sorted_items

DEFAULTS = {"*print-length*": 100, "*print-level*": 8}
#: at most this many elements in all, however the settings are (a 100 x 100 x 100 value is a lot of screen)
BUDGET = 5000
_QUOTES = {"quote", "quasiquote", "unquote", "unquote-splicing"}


class _Node:
    """A container to lay out: its brackets, its parts (nodes or text), and whether they go in pairs."""

    __slots__ = ("open", "close", "parts", "pairs", "flat")

    def __init__(self, open_: str, close: str, parts: list, pairs: bool = False):
        self.open, self.close, self.parts, self.pairs = open_, close, parts, pairs
        self.flat = open_ + " ".join(_flat(p) for p in parts) + close


def _flat(part) -> str:
    return part if part.__class__ is str else part.flat


class _Builder:
    def __init__(self, length, level):
        self.length = length
        self.level = level
        self.budget = BUDGET

    def build(self, x, depth: int):
        cls = x.__class__
        if cls is str:
            limit = None if self.length is None else self.length * 20
            if limit is not None and len(x) > limit:
                return write_str(x[:limit])[:-1] + f'..." ({len(x) - limit:,} more characters)'
            return write_str(x)
        is_list = (cls is Pair or cls is ArrayList) and _proper(x) and not _quote_form(x)
        if not (is_list or cls is tuple or (isinstance(x, Map) and len(x))):
            return write_str(x)
        open_, close = ("(", ")") if is_list else ("[", "]") if cls is tuple else ("{", "}")
        if self.level is not None and depth >= self.level:
            return open_ + "..." + close
        if isinstance(x, Map):
            return self._map(x, depth)
        parts = []
        total = len(x) if cls is tuple or cls is ArrayList else None
        limit = self._limit()
        count = 0
        for item in (x if cls is tuple else _elements(x)):
            if limit is not None and count >= limit:
                rest = (total - count) if total is not None else _count_rest(x, count)
                parts.append(f"...{rest:,} more")
                break
            parts.append(self.build(item, depth + 1))
            count += 1
            self.budget -= 1
        return _Node(open_, close, parts)

    def _map(self, m, depth: int):
        parts = []
        limit = self._limit()
        items = sorted_items(m)
        for count, (k, v) in enumerate(items):
            if limit is not None and count >= limit:
                parts.append(f"...{len(items) - count:,} more")
                break
            parts.append(self.build(k, depth + 1))
            parts.append(self.build(v, depth + 1))
            self.budget -= 1
        return _Node("{", "}", parts, pairs=True)

    def _limit(self):
        budget = max(self.budget, 1)
        return budget if self.length is None else min(self.length, budget)


def _proper(x) -> bool:
    while x.__class__ is Pair:
        x = x.cdr
    return x is EMPTY or x.__class__ is ArrayList


def _quote_form(x) -> bool:
    head, rest = x.car, x.cdr
    return head.__class__ is Symbol and head.name in _QUOTES and (rest.__class__ is Pair or rest.__class__ is
                                                                  ArrayList) and rest.cdr is EMPTY


def _elements(x):
    while x.__class__ is Pair:
        yield x.car
        x = x.cdr
    if x.__class__ is ArrayList:
        items, start = x.items, x.start
        for i in range(start, len(items)):
            yield items[i]


def _count_rest(x, shown: int) -> int:
    n = 0
    while x.__class__ is Pair:
        n += 1
        x = x.cdr
    if x.__class__ is ArrayList:
        n += len(x.items) - x.start
    return n - shown


def _layout(part, col: int, width: int) -> str:
    """``part`` starting at column ``col``: on one line if it fits, else one element per line."""
    if part.__class__ is str:
        return part
    if col + len(part.flat) <= width or not part.parts:
        return part.flat
    inner = col + len(part.open)
    pad = "\n" + " " * inner
    lines = []
    parts = part.parts
    if part.pairs:
        i = 0
        while i < len(parts):
            key = _layout(parts[i], inner, width)
            if i + 1 < len(parts):
                value = _layout(parts[i + 1], inner + len(key) + 1, width)
                lines.append(key + " " + value)
            else:
                lines.append(key)
            i += 2
    elif all(p.__class__ is str and "\n" not in p for p in parts):
        lines = _fill(parts, inner, width)  # atoms: as many on a line as fit
    else:
        lines = [_layout(p, inner, width) for p in parts]
    return part.open + pad.join(lines) + part.close


def _fill(words: list[str], col: int, width: int) -> list[str]:
    lines, line = [], ""
    for w in words:
        if line and col + len(line) + 1 + len(w) > width - 1:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return lines


def pretty(value, *, width: int = 80, length: int | None = 100, level: int | None = 8) -> str:
    """The text the REPL shows for ``value`` (write form, broken to ``width``, cut by ``length``/``level``)."""
    return _layout(_Builder(length, level).build(value, 0), 0, max(width, 20))


def settings(namespace) -> tuple:
    """(length, level) from the session's ``*print-length*`` and ``*print-level*`` (a non-number: no limit)."""
    from ..runtime.names import mangle
    out = []
    for name in ("*print-length*", "*print-level*"):
        v = namespace.get(mangle(name), DEFAULTS[name])
        out.append(v if v.__class__ is int and v >= 0 else None)
    return tuple(out)
