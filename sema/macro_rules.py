"""``syntax-rules``: pattern-matching macros, checked when defined and expanded on data.

A rule set is parsed once (:func:`parse_rules`) into a :class:`Rules`; each use of
the macro matches the call form against the patterns in order and fills the first
matching template.  Patterns follow R7RS: ``_`` matches anything, literals match
themselves, ``p ...`` matches zero or more (also before more patterns and a dotted
tail, and nested), vectors match vectors.  In templates ``(... ...)`` stands for a
literal ellipsis.

Hygiene is binder renaming, as in Sema: a symbol the template itself binds (a
``let``/``lambda``/``do`` variable that is not a pattern variable) gets a fresh
name in every expansion, so it cannot capture a variable of the caller's code.
"""

from __future__ import annotations

import itertools

from .errors import LispSyntaxError
from .printer import write_str
from .values import EMPTY, ArrayList, Pair, Symbol

ELLIPSIS, UNDERSCORE = Symbol("..."), Symbol("_")
_AMP = Symbol("&")
_fresh = itertools.count(1)

# Forms whose binders a template may introduce: where the names sit in each.
_LAMBDAS = frozenset(map(Symbol, ("lambda", "fn")))
_LETS = frozenset(map(Symbol, ("let", "let*", "letrec", "letrec*")))
_DO = Symbol("do")
_DEFINES = frozenset(map(Symbol, ("define", "def", "defn", "defun")))


class _Many:
    """What a pattern variable under an ellipsis matched: one binding per repetition."""

    __slots__ = ("items",)

    def __init__(self, items: list):
        self.items = items


def _split(x):
    """(the elements, the tail) of a possibly improper list form."""
    items = []
    while True:
        cls = x.__class__
        if cls is Pair:
            items.append(x.car)
            x = x.cdr
        elif cls is ArrayList:
            items.extend(x.items[x.start:])
            return items, EMPTY
        else:
            return items, x


def _build(items, tail=EMPTY):
    out = tail
    for item in reversed(items):
        out = Pair(item, out)
    return out


def _is_list(x) -> bool:
    return x.__class__ is Pair or x.__class__ is ArrayList


class Rules:
    """A parsed ``syntax-rules``: its literals, ellipsis symbol and (pattern, template) rules."""

    def __init__(self, name: str, literals: frozenset, ellipsis: Symbol, rules: list):
        self.name = name
        self.literals = literals
        self.ellipsis = ellipsis
        self.rules = rules  # (pattern without the keyword, template, pattern variables, template binders)

    # ------------------------------------------------------------ matching

    def _match(self, pat, x, out: dict) -> bool:
        cls = pat.__class__
        if cls is Symbol:
            if pat in self.literals:
                return x is pat
            if pat is not UNDERSCORE:
                out[pat] = x
            return True
        if cls is Pair or cls is ArrayList:
            if not (_is_list(x) or x is EMPTY):
                return False
            pitems, ptail = _split(pat)
            xitems, xtail = _split(x)
            return self._match_seq(pitems, ptail, xitems, xtail, out)
        if cls is tuple:
            return x.__class__ is tuple and self._match_seq(list(pat), EMPTY, list(x), EMPTY, out)
        if pat is EMPTY:
            return x is EMPTY
        return x.__class__ is cls and x == pat

    def _match_seq(self, pitems, ptail, xitems, xtail, out) -> bool:
        ell = self.ellipsis
        at = next((i for i in range(1, len(pitems)) if pitems[i] is ell), None)
        if at is None:
            if len(xitems) < len(pitems) or (ptail is EMPTY and len(xitems) != len(pitems)):
                return False
            for p, x in zip(pitems, xitems):
                if not self._match(p, x, out):
                    return False
            rest = _build(xitems[len(pitems):], xtail)
            return self._match(ptail, rest, out) if ptail is not EMPTY else xtail is EMPTY
        before, repeated, after = pitems[:at - 1], pitems[at - 1], pitems[at + 1:]
        if len(xitems) < len(before) + len(after):
            return False
        if ptail is EMPTY and xtail is not EMPTY:
            return False
        for p, x in zip(before, xitems):
            if not self._match(p, x, out):
                return False
        stop = len(xitems) - len(after)
        matches = []
        for x in xitems[len(before):stop]:
            one = {}
            if not self._match(repeated, x, one):
                return False
            matches.append(one)
        for var in self._vars(repeated):
            out[var] = _Many([m[var] for m in matches])
        for p, x in zip(after, xitems[stop:]):
            if not self._match(p, x, out):
                return False
        return self._match(ptail, xtail, out) if ptail is not EMPTY else True

    def _vars(self, pat) -> list:
        """The pattern variables of ``pat``, in order."""
        cls = pat.__class__
        if cls is Symbol:
            if pat in self.literals or pat is UNDERSCORE or pat is self.ellipsis:
                return []
            return [pat]
        if cls is Pair or cls is ArrayList:
            items, tail = _split(pat)
            return [v for p in items + [tail] for v in self._vars(p)]
        if cls is tuple:
            return [v for p in pat for v in self._vars(p)]
        return []

    # ------------------------------------------------------------ expanding

    def expand(self, form):
        """The expansion of the call ``form`` by the first rule whose pattern matches it."""
        args = form.cdr
        for pattern, template, _variables, binders in self.rules:
            bound = {}
            if self._match(pattern, args, bound):
                renames = {b: Symbol(f"{b.name}__{next(_fresh)}__hyg") for b in binders}
                return self._fill(template, bound, renames)
        raise LispSyntaxError(f"{self.name}: no syntax-rules pattern matches {write_str(form)}",
                              getattr(form, "span", None))

    def _fill(self, t, bound: dict, renames: dict):
        cls = t.__class__
        if cls is Symbol:
            if t in bound:
                value = bound[t]
                if value.__class__ is _Many:
                    raise LispSyntaxError(f"{self.name}: pattern variable {t.name} is used without "
                                          f"the ellipsis ({self.ellipsis.name}) it was matched with", None)
                return value
            return renames.get(t, t)
        if cls is Pair or cls is ArrayList:
            items, tail = _split(t)
            if items and items[0] is self.ellipsis and len(items) == 2:  # (... template): ellipsis is literal
                return _Literal(self).fill(items[1], bound, renames)
            return _build(self._fill_items(items, bound, renames), self._fill(tail, bound, renames))
        if cls is tuple:
            return tuple(self._fill_items(list(t), bound, renames))
        return t

    def _fill_items(self, items, bound, renames) -> list:
        out = []
        i, n = 0, len(items)
        while i < n:
            t = items[i]
            depth = 0
            while i + 1 + depth < n and items[i + 1 + depth] is self.ellipsis:
                depth += 1
            if depth:
                out.extend(self._repeat(t, bound, renames, depth))
            else:
                out.append(self._fill(t, bound, renames))
            i += 1 + depth
        return out

    def _repeat(self, t, bound, renames, depth: int) -> list:
        many = [v for v in self._vars(t) if bound.get(v).__class__ is _Many]
        if not many:
            raise LispSyntaxError(f"{self.name}: {write_str(t)} is followed by {self.ellipsis.name} but has "
                                  "no pattern variable matched under an ellipsis", None)
        lengths = {len(bound[v].items) for v in many}
        if len(lengths) > 1:
            names = ", ".join(v.name for v in many)
            raise LispSyntaxError(f"{self.name}: the pattern variables {names} matched different "
                                  f"numbers of forms ({', '.join(map(str, sorted(lengths)))})", None)
        out = []
        for k in range(lengths.pop()):
            inner = dict(bound)
            for v in many:
                inner[v] = bound[v].items[k]
            if depth == 1:
                out.append(self._fill(t, inner, renames))
            else:
                out.extend(self._repeat(t, inner, renames, depth - 1))
        return out


class _Literal(Rules):
    """The same rules with no ellipsis: for the ``(... template)`` escape."""

    def __init__(self, rules: Rules):
        super().__init__(rules.name, rules.literals, Symbol(" no ellipsis "), rules.rules)

    def fill(self, t, bound, renames):
        return self._fill(t, bound, renames)


# ---------------------------------------------------------------- parsing


def _error(message: str, form, fallback):
    return LispSyntaxError(message, getattr(form, "span", None) or fallback)


def parse_rules(name: str, spec, span=None) -> Rules:
    """``spec`` is the ``(syntax-rules ...)`` form; a syntax error names the bad part."""
    usage = "expected (syntax-rules (literal ...) (pattern template) ...)"
    items, tail = _split(spec)
    if tail is not EMPTY or not items or items[0] is not Symbol("syntax-rules"):
        raise _error(f"define-syntax {name}: {usage}, got {write_str(spec)}", spec, span)
    ellipsis = ELLIPSIS
    rest = items[1:]
    if rest and rest[0].__class__ is Symbol:  # R7RS custom ellipsis: (syntax-rules ::: (lits) ...)
        ellipsis, rest = rest[0], rest[1:]
    if not rest or not (rest[0] is EMPTY or _is_list(rest[0]) or rest[0].__class__ is tuple):
        raise _error(f"define-syntax {name}: {usage}; the literals list is missing", spec, span)
    literals = rest[0] if rest[0].__class__ is tuple else _split(rest[0])[0]
    for lit in literals:
        if lit.__class__ is not Symbol:
            raise _error(f"define-syntax {name}: a literal must be a symbol, got {write_str(lit)}", rest[0], span)
    rules = Rules(name, frozenset(literals), ellipsis, [])
    for rule in rest[1:]:
        parts, rtail = _split(rule) if _is_list(rule) else ([], None)
        if rtail is not EMPTY or len(parts) != 2 or not _is_list(parts[0]):
            raise _error(f"define-syntax {name}: each rule is (pattern template) with the pattern a list "
                         f"starting with the macro's name, got {write_str(rule)}", rule, span)
        pattern, template = parts
        variables = rules._vars(pattern.cdr)
        seen = set()
        for v in variables:
            if v in seen:
                raise _error(f"define-syntax {name}: pattern variable {v.name} appears twice in "
                             f"{write_str(pattern)}", pattern, span)
            seen.add(v)
        _check_ellipses(rules, pattern.cdr, pattern, span)
        binders = _binders(template, seen, ellipsis)
        rules.rules.append((pattern.cdr, template, seen, binders))
    return rules


def _check_ellipses(rules: Rules, pat, whole, span) -> None:
    """At most one ellipsis per list level of a pattern, and never first."""
    if pat.__class__ is Pair or pat.__class__ is ArrayList or pat.__class__ is tuple:
        items = list(pat) if pat.__class__ is tuple else _split(pat)[0]
        marks = [i for i, x in enumerate(items) if x is rules.ellipsis]
        if len(marks) > 1 or (marks and marks[0] == 0):
            raise _error(f"define-syntax {rules.name}: misplaced {rules.ellipsis.name} in pattern "
                         f"{write_str(whole)} (one per list, after the pattern it repeats)", whole, span)
        for x in items:
            _check_ellipses(rules, x, whole, span)


def _binders(template, variables: set, ellipsis: Symbol) -> frozenset:
    """The symbols the template binds itself (not pattern variables): renamed in each expansion."""
    found = set()

    def names_in(params):
        cls = params.__class__
        if cls is Symbol:
            if params not in variables and params is not ellipsis and params is not _AMP \
                    and params is not UNDERSCORE and params.name != ".":
                found.add(params)
        elif cls is Pair or cls is ArrayList:
            items, tail = _split(params)
            for p in items:
                names_in(p)
            names_in(tail)
        elif cls is tuple:
            for p in params:
                names_in(p)

    def walk(t):
        if t.__class__ is tuple:
            for x in t:
                walk(x)
            return
        if not _is_list(t):
            return
        items, tail = _split(t)
        head = items[0] if items else None
        if head in _LAMBDAS and len(items) > 1:
            names_in(items[1])
        elif head in _LETS and len(items) > 1:
            bindings = items[1]
            if bindings.__class__ is Symbol and len(items) > 2:  # named let
                names_in(bindings)
                bindings = items[2]
            _binding_names(bindings, names_in)
        elif head is _DO and len(items) > 1:
            _binding_names(items[1], names_in)
        elif head in _DEFINES and len(items) > 1 and _is_list(items[1]):
            names_in(items[1].cdr)  # the parameters, not the defined name
        for x in items:
            walk(x)
        walk(tail)

    walk(template)
    return frozenset(found)


def _binding_names(bindings, names_in) -> None:
    if bindings.__class__ is tuple:  # Clojure-style [x 1 y 2]
        for x in bindings[0::2]:
            names_in(x)
    elif _is_list(bindings):
        for b in _split(bindings)[0]:
            if _is_list(b):
                names_in(b.car)
            elif b.__class__ is Symbol:
                names_in(b)
