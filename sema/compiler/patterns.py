"""Destructuring (``let``, ``define``, parameters) and ``match``.

Destructuring turns a pattern into plain bindings at compile time:
``[a b & rest]`` takes elements of a list or vector by position,
``{:keys [a b]}`` and ``{:k pattern}`` take map entries.  ``match`` hands its
patterns, as quoted data, to a small runtime matcher that returns the bound
values in a fixed order, or nil when the pattern does not match.
"""

from __future__ import annotations

from ..printer import write_str
from ..values import Keyword, Map, Symbol, map_items, sorted_items
from .forms import L, S, from_iter, is_form, items_of, span_of, syntax_error
from .tables import derived_form, gensym

AMP, UNDERSCORE, WHEN = S("&"), S("_"), S("when")
KEYS, STRS, AS = Keyword("keys"), Keyword("strs"), Keyword("as")


def _tmp(base="d"):
    return gensym(base)


def pattern_bindings(pat, value_form, out: list, span=None) -> None:
    """Append (symbol, form) bindings that take ``pat`` apart into ``out``."""
    cls = pat.__class__
    if cls is Symbol:
        out.append((_tmp("ignored") if pat is UNDERSCORE else pat, value_form))
    elif cls is tuple or is_form(pat):
        items = list(pat) if cls is tuple else items_of(pat)
        tmp = _tmp()
        out.append((tmp, value_form))
        i = 0
        while i < len(items):
            item = items[i]
            if item is AMP:
                if i + 2 != len(items):
                    raise syntax_error("destructuring: exactly one pattern must follow &", pat, span)
                pattern_bindings(items[i + 1], L(S("%drop-seq"), tmp, i), out, span)
                break
            if item is AS:
                pattern_bindings(items[i + 1], tmp, out, span)
                i += 2
                continue
            pattern_bindings(item, L(S("%nth-or-nil"), tmp, i), out, span)
            i += 1
    elif isinstance(pat, Map):
        tmp = _tmp()
        out.append((tmp, value_form))
        for key, sub in map_items(pat):
            if key is KEYS or key is STRS:
                names = list(sub) if sub.__class__ is tuple else items_of(sub)
                for name in names:
                    if name.__class__ is not Symbol:
                        raise syntax_error(f"destructuring: {write_str(key)} takes symbols, got {write_str(name)}",
                                           pat, span)
                    lookup = Keyword(name.name) if key is KEYS else name.name
                    out.append((name, L(S("%get"), tmp, lookup)))
            elif key is AS:
                out.append((sub, tmp))
            else:
                k = L(S("quote"), key) if key.__class__ is Symbol else key
                pattern_bindings(sub, L(S("%get"), tmp, k), out, span)
    else:
        raise syntax_error(f"destructuring: cannot bind to {write_str(pat)}", pat, span)


def destructuring_let_form(pairs, body, span):
    """``(let (([a b] v)) body ...)`` as nested single-binding lets."""
    binds = []
    for pat, value in pairs:
        pattern_bindings(pat, value, binds, span)
    return L(S("let*"), from_iter([L(s, v) for s, v in binds]), *body, span=span)


def destructure_define(pattern, value_form, span):
    binds = []
    pattern_bindings(pattern, value_form, binds, span)
    return from_iter([S("begin")] + [L(S("define"), s, v, span=span) for s, v in binds] + [None], span=span)


# ---------------------------------------------------------------- match


def pattern_vars(pat, out: list) -> list:
    """The variables a match pattern binds, in the order the runtime matcher returns them."""
    cls = pat.__class__
    if cls is Symbol:
        if pat is not UNDERSCORE and pat is not AMP:
            out.append(pat)
    elif is_form(pat):
        if pat.car is S("quote"):
            return out
        for item in items_of(pat):
            pattern_vars(item, out)
    elif cls is tuple:
        for item in pat:
            pattern_vars(item, out)
    elif isinstance(pat, Map):
        for key, sub in sorted_items(pat):  # the same order as the runtime matcher
            if key is KEYS or key is STRS:
                out.extend(x for x in (list(sub) if sub.__class__ is tuple else items_of(sub)))
            elif key is AS:
                out.append(sub)
            else:
                pattern_vars(sub, out)
    return out


def _match(form, strict: bool):
    parts = items_of(form)
    if len(parts) < 2:
        raise syntax_error(f"{parts[0].name}: expected ({parts[0].name} value (pattern body ...) ...)", form)
    span = span_of(form)
    value = _tmp("m")
    if strict:
        fallback = L(S("%match-failed"), value)
    else:
        fallback = None
    out = fallback
    for clause in reversed(parts[2:]):
        if not is_form(clause):
            raise syntax_error(f"{parts[0].name}: each clause must be (pattern body ...), got {write_str(clause)}",
                               form)
        citems = items_of(clause)
        pat, body = citems[0], citems[1:]
        guard = None
        if len(body) >= 2 and body[0] is WHEN:
            guard, body = body[1], body[2:]
        vars_ = pattern_vars(pat, [])
        result = _tmp("r")
        binds = from_iter([L(v, L(S("%tuple-ref"), result, i)) for i, v in enumerate(vars_)])
        body_form = from_iter([S("let"), binds] + (body or [None]))
        test = result if guard is None else L(S("and"), result, L(S("let"), binds, guard))
        out = L(S("let"), L(L(result, L(S("%match-pattern"), L(S("quote"), pat), value))),
                L(S("if"), test, body_form, out), span=span_of(clause) or span)
    return L(S("let"), L(L(value, parts[1])), out, span=span)


@derived_form("match")
def match_form(form):
    return _match(form, strict=True)


@derived_form("match*")
def match_star_form(form):
    return _match(form, strict=False)

