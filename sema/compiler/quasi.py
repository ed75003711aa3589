"""Quasiquote: ```(a ,b ,@c)`` becomes list-building code.

Symbols ending in ``#`` inside a template are auto-gensyms: every ``x#`` in
one template stands for the same fresh symbol, unique to that expansion.
"""

from __future__ import annotations

from ..values import EMPTY, ArrayList, Map, Pair, Symbol, map_items
from .tables import fresh_id
from .forms import L, S, from_iter, is_form, syntax_error

QUOTE, QUASI, UNQUOTE, SPLICE = S("quote"), S("quasiquote"), S("unquote"), S("unquote-splicing")


def expand_quasiquote(template, span=None):
    """The form that builds ``template`` with its unquotes filled in."""
    return _qq(template, 1, {}, span)


def _has_unquote(x, gensyms) -> bool:
    cls = x.__class__
    if cls is Symbol:
        return x.name.endswith("#") and len(x.name) > 1
    if cls is Pair or cls is ArrayList:
        while x.__class__ is Pair or x.__class__ is ArrayList:
            if x.car is UNQUOTE or x.car is SPLICE:
                return True
            if _has_unquote(x.car, gensyms):
                return True
            x = x.cdr
        return _has_unquote(x, gensyms)
    if cls is tuple:
        return any(_has_unquote(i, gensyms) for i in x)
    if isinstance(x, Map):
        return any(_has_unquote(k, gensyms) or _has_unquote(v, gensyms) for k, v in map_items(x))
    return False


def _qq(x, depth: int, gensyms: dict, span):
    if not _has_unquote(x, gensyms):
        return L(QUOTE, x) if _needs_quote(x) else x
    cls = x.__class__
    if cls is Symbol:
        g = gensyms.get(x)
        if g is None:
            g = gensyms[x] = S(f"{x.name[:-1]}__{fresh_id()}__auto")
        return L(QUOTE, g)
    if cls is tuple:
        return L(S("%qq-vector"), _qq_list(list(x), EMPTY, depth, gensyms, span))
    if isinstance(x, Map):
        flat = []
        for k, v in map_items(x):
            flat.extend([_qq(k, depth, gensyms, span), _qq(v, depth, gensyms, span)])
        return from_iter([S("%map-literal")] + flat)
    # a list
    head = x.car
    if head is UNQUOTE:
        arg = _single(x, span)
        if depth == 1:
            return arg
        return L(S("%list"), L(QUOTE, UNQUOTE), _qq(arg, depth - 1, gensyms, span))
    if head is QUASI:
        return L(S("%list"), L(QUOTE, QUASI), _qq(_single(x, span), depth + 1, gensyms, span))
    if head is SPLICE and depth == 1:
        raise syntax_error("unquote-splicing (,@) must be inside a list", x, span)
    items = []
    while x.__class__ is Pair or x.__class__ is ArrayList:
        if x.car is UNQUOTE and x.cdr.__class__ in (Pair, ArrayList) and x.cdr.cdr is EMPTY:
            break  # `(a . ,b): an unquote in tail position
        items.append(x.car)
        x = x.cdr
    return _qq_list(items, x, depth, gensyms, span)


def _qq_list(items, tail, depth, gensyms, span):
    segments = []
    run = []
    for item in items:
        if item.__class__ in (Pair, ArrayList) and item.car is SPLICE and depth == 1:
            if run:
                segments.append(from_iter([S("%list")] + run))
                run = []
            segments.append(_single(item, span))
        else:
            run.append(_qq(item, depth, gensyms, span))
    if run:
        segments.append(from_iter([S("%list")] + run))
    if tail is EMPTY:
        if len(segments) == 1 and is_form(segments[0]) and segments[0].car is S("%list"):
            return segments[0]
        if not segments:
            return L(QUOTE, EMPTY)
        segments.append(L(QUOTE, EMPTY))
    else:
        segments.append(_qq(tail, depth, gensyms, span))
    return from_iter([S("%qq-append")] + segments)


def _single(x, span):
    rest = x.cdr
    if rest.__class__ not in (Pair, ArrayList) or rest.cdr is not EMPTY:
        raise syntax_error(f"{x.car.name}: expected exactly one form", x, span)
    return rest.car


def _needs_quote(x) -> bool:
    cls = x.__class__
    return cls is Symbol or cls is Pair or cls is ArrayList or x is EMPTY or cls is tuple or isinstance(x, Map)

