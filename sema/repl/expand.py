"""``,expand FORM``: one macro expansion step, and the form with every macro in it expanded.

The full expansion expands the head of each form until it is a core form or
a call, then the forms inside it that are code: not quoted data, parameter
lists or binding names.  It uses the session's own macros.
"""

from __future__ import annotations

from ..values import EMPTY, ArrayList, Pair, Symbol, make_list

_QUOTES = frozenset(("quote", "quasiquote"))
_BODY_AFTER = {"lambda": 2, "fn": 2, "defmacro": 3, "define-record-type": None}


def _items(form):
    out = []
    x = form
    while x.__class__ is Pair:
        out.append(x.car)
        x = x.cdr
    if x.__class__ is ArrayList:
        out.extend(x.items[x.start:])
    elif x is not EMPTY:
        return None
    return out


def _is_list(x) -> bool:
    return x.__class__ is Pair or x.__class__ is ArrayList


def expand_head(interp, form, limit: int = 1000):
    for _ in range(limit):
        expanded = interp._expand_once(form)
        if expanded is form:
            return form
        form = expanded
    return form


def expand_all(interp, form):
    """``form`` with every macro and derived form in it expanded."""
    form = expand_head(interp, form)
    if not _is_list(form):
        return form
    items = _items(form)
    if items is None:
        return form
    head = items[0]
    name = head.name if head.__class__ is Symbol else None
    if name in _QUOTES:
        return form
    if name in _BODY_AFTER:
        keep = _BODY_AFTER[name]
        if keep is None:
            return form
        return make_list(items[:keep] + [expand_all(interp, x) for x in items[keep:]])
    if name in ("define", "def") and len(items) > 1:
        return make_list(items[:2] + [expand_all(interp, x) for x in items[2:]])
    if name in ("let", "let*", "letrec", "letrec*") and len(items) > 1:
        named = items[1].__class__ is Symbol
        at = 2 if named else 1
        if at >= len(items):
            return form
        bindings = _bindings(interp, items[at])
        return make_list(items[:at] + [bindings] + [expand_all(interp, x) for x in items[at + 1:]])
    if name == "try":
        return make_list([head] + [_clause(interp, x) for x in items[1:]])
    return make_list([head if head.__class__ is Symbol else expand_all(interp, head)]
                     + [expand_all(interp, x) for x in items[1:]])


def _bindings(interp, bindings):
    if bindings.__class__ is tuple:
        return bindings
    items = _items(bindings) if _is_list(bindings) else None
    if items is None:
        return bindings
    out = []
    for b in items:
        parts = _items(b) if _is_list(b) else None
        out.append(make_list([parts[0]] + [expand_all(interp, x) for x in parts[1:]]) if parts else b)
    return make_list(out)


def _clause(interp, x):
    parts = _items(x) if _is_list(x) else None
    if parts and parts[0].__class__ is Symbol and parts[0].name == "catch":
        return make_list(parts[:2] + [expand_all(interp, y) for y in parts[2:]])
    if parts and parts[0].__class__ is Symbol and parts[0].name == "finally":
        return make_list(parts[:1] + [expand_all(interp, y) for y in parts[1:]])
    return expand_all(interp, x)
