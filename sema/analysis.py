"""``sema check``'s second look: calls with the wrong number of arguments, and names bound nowhere.

This is an analysis of its own over the *expanded* forms of a file (macros
and derived forms expanded with the file's own macros; the code generator is
not involved).  It knows the core forms (``quote if begin define set! fn let
let* letrec and or try defmacro quasiquote define-record-type``) and walks
everything else as calls.  It reports, as warnings with positions:

- a call of a known function (a builtin, a standard-library function, or a
  function the file defines once with ``define``) with an argument count it
  cannot take;
- a symbol that is bound nowhere: not locally, not by the file (at any
  top-level position: a function may call one defined further down), not by
  a file it loads or imports with a literal path, not by sema.

It errs on the side of silence: a file that loads or imports what it cannot
follow (a computed path, an unreadable file) gets no unbound-name warnings,
and a function defined twice or ``set!`` somewhere has no known arity.
Positions are those of the innermost list around the name (symbols carry no
position of their own).
"""

from __future__ import annotations

import os

from .errors import SemaError, Span
from .values import EMPTY, ArrayList, Keyword, Map, Pair, Symbol, map_items


class Warning_:
    """One finding: where, and what."""

    __slots__ = ("span", "message")

    def __init__(self, span: Span | None, message: str):
        self.span = span
        self.message = message

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span is not None else ""
        return f"{where}warning: {self.message}"


def S(name: str) -> Symbol:
    return Symbol(name)


_QUOTE, _QUASI, _UNQUOTE, _SPLICE = S("quote"), S("quasiquote"), S("unquote"), S("unquote-splicing")
_DEFINE = (S("define"), S("def"))
_LAMBDA = (S("lambda"), S("fn"))
_LETS = (S("let"), S("let*"), S("letrec"), S("letrec*"))
_AMP, _DOT, _UNDERSCORE = S("&"), S("."), S("_")
_IMPORT, _LOAD = S("%import"), S("load")
_CORE = {"quote", "if", "begin", "progn", "define", "def", "set!", "lambda", "fn", "let", "let*", "letrec",
         "letrec*", "and", "or", "try", "defmacro", "define-syntax", "quasiquote", "unquote", "unquote-splicing",
         "define-record-type", "catch", "finally"}


def _span(form) -> Span | None:
    return getattr(form, "span", None) if form.__class__ is Pair or form.__class__ is ArrayList else None


def _items(form):
    """The elements of a proper list, or None for anything else (a dotted list, an atom)."""
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


def pattern_names(pattern) -> set[str]:
    """Every name a parameter list or destructuring pattern binds (generously: any symbol in it)."""
    out: set[str] = set()
    stack = [pattern]
    while stack:
        x = stack.pop()
        cls = x.__class__
        if cls is Symbol:
            if x not in (_AMP, _DOT, _UNDERSCORE):
                out.add(x.name)
        elif cls is Pair:
            stack.append(x.car)
            stack.append(x.cdr)
        elif cls is ArrayList:
            stack.extend(x.items[x.start:])
        elif cls is tuple:
            stack.extend(x)
        elif isinstance(x, Map):
            for k, v in map_items(x):
                stack.append(k)
                stack.append(v)
    return out


def params_arity(params) -> tuple[int, int | None] | None:
    """(minimum, maximum or None) for a simple parameter list; None when it cannot tell."""
    if params.__class__ is Symbol:
        return (0, None)
    if params.__class__ is tuple:
        items, tail = list(params), EMPTY
    else:
        items = []
        x = params
        while x.__class__ is Pair:
            items.append(x.car)
            x = x.cdr
        if x.__class__ is ArrayList:
            items.extend(x.items[x.start:])
            tail = EMPTY
        else:
            tail = x
    if tail is not EMPTY:
        return (len(items), None) if tail.__class__ is Symbol else None
    if _AMP in items or _DOT in items:
        marker = items.index(_AMP) if _AMP in items else items.index(_DOT)
        return (marker, None)
    if any(x.__class__ is Keyword or (x.__class__ is Symbol and x.name.startswith("#!")) for x in items):
        return None
    return (len(items), len(items))


def _count_text(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"at least {lo} argument{'s' if lo != 1 else ''}"
    if lo == hi:
        return f"{lo} argument{'s' if lo != 1 else ''}"
    return f"{lo} to {hi} arguments"


class Analysis:
    """The analysis of one file's forms in an interpreter that has compiled them (so knows their macros)."""

    def __init__(self, interp, path: str):
        self.interp = interp
        self.path = path
        self.warnings: list[Warning_] = []
        self.globals: set[str] = set()          # names the file (and what it loads) defines at top level
        self.arity: dict[str, tuple | None] = {}  # the file's functions -> arity (None: unknown)
        self.follow_ok = True                   # every load/import could be followed
        self.known = self._sema_names()

    def _sema_names(self) -> set[str]:
        from .runtime.names import unmangle
        names = {unmangle(k) for k in self.interp.namespace if not k.startswith("_")}
        names.update(m.name for m in self.interp.macros)
        names.update(_CORE)
        return names

    # ------------------------------------------------------------ expansion

    def expand(self, form, local: frozenset):
        """``form`` with the macro or derived form at its head expanded until it is a core form or a call."""
        for _ in range(1000):
            if not _is_list(form) or form.car.__class__ is not Symbol or form.car.name in local:
                return form
            try:
                expanded = self.interp._expand_once(form)
            except SemaError:
                return form  # the compile pass reports broken forms
            if expanded is form:
                return form
            form = expanded
        return form

    # ------------------------------------------------------------ pass 1: what the file defines

    def collect(self, forms, base_dir: str, seen: set) -> None:
        for form in forms:
            self._collect_form(self.expand(form, frozenset()), base_dir, seen)

    def _collect_form(self, form, base_dir: str, seen: set) -> None:
        if not _is_list(form):
            return
        head = form.car
        items = _items(form)
        if items is None:
            return
        if head in (S("begin"), S("progn")):
            for sub in items[1:]:
                self._collect_form(self.expand(sub, frozenset()), base_dir, seen)
        elif head in _DEFINE and len(items) >= 2:
            self._define(items)
        elif head in (S("defmacro"), S("define-syntax")) and len(items) >= 2 and items[1].__class__ is Symbol:
            self.globals.add(items[1].name)
        elif head is S("define-record-type") and len(items) >= 3:
            self._record(items)
        elif head is _IMPORT or head is _LOAD:
            self._follow(items, base_dir, seen, head is _IMPORT)

    def _define(self, items) -> None:
        target = items[1]
        value = items[2] if len(items) > 2 and target.__class__ is Symbol else None
        arity = None
        while _is_list(target):  # (define (f a b) ...) and curried (define ((f a) b) ...)
            params = target.cdr
            arity = params_arity(params) if target.car.__class__ is Symbol else None
            target = target.car
        if target.__class__ is not Symbol:
            return
        name = target.name
        if value is not None and _is_list(value) and value.car in _LAMBDA:
            lam = _items(value)
            arity = params_arity(lam[1]) if lam is not None and len(lam) >= 2 else None
        if name in self.globals:
            self.arity[name] = None  # defined twice: no telling which one a call meets
        else:
            self.arity[name] = arity
        self.globals.add(name)

    def _record(self, items) -> None:
        name = items[1]
        if name.__class__ is Symbol:
            self.globals.add(name.name.strip("<>"))
            self.globals.add(name.name)
        ctor = items[2]
        if ctor.__class__ is Symbol:
            self.globals.add(ctor.name)
        elif _is_list(ctor) and ctor.car.__class__ is Symbol:
            fields = _items(ctor) or []
            self.globals.add(ctor.car.name)
            self.arity[ctor.car.name] = (len(fields) - 1, len(fields) - 1)
        if len(items) > 3 and items[3].__class__ is Symbol:
            self.globals.add(items[3].name)
            self.arity[items[3].name] = (1, 1)
        for spec in items[4:]:
            parts = _items(spec) if _is_list(spec) else None
            for i, p in enumerate(parts[1:] if parts else (), 1):
                if p.__class__ is Symbol:
                    self.globals.add(p.name)
                    self.arity[p.name] = (1, 1) if i == 1 else (2, 2)

    def _follow(self, items, base_dir: str, seen: set, is_import: bool) -> None:
        """Names a (load "file") or (import "file" ...) brings in, read from that file."""
        path = items[1] if len(items) > 1 else None
        if is_import and len(items) > 2:
            names = items[2]
            if _is_list(names) and names.car is _QUOTE:
                listed = _items(names.cdr.car) if _is_list(names.cdr.car) else []
                if listed:
                    self.globals.update(s.name for s in listed if s.__class__ is Symbol)
                    return
        if not isinstance(path, str):
            self.follow_ok = False
            return
        full = path if os.path.isabs(path) else os.path.join(base_dir, path)
        if not os.path.exists(full) and not os.path.isabs(path):
            full = path
        full = os.path.abspath(full)
        if full in seen:
            return
        seen.add(full)
        try:
            from .reader import read_all
            from .runtime.modules import read_source
            forms = read_all(read_source(full, "check"), full)
        except SemaError:
            self.follow_ok = False
            return
        before = set(self.arity)
        self.collect(forms, os.path.dirname(full), seen)
        for name in set(self.arity) - before:
            self.arity[name] = None  # their definitions were read, not checked: keep quiet about arity

    # ------------------------------------------------------------ pass 2: every use

    def check(self, forms) -> None:
        for form in forms:
            self.walk(form, frozenset(), _span(form))

    def walk(self, form, local: frozenset, where: Span | None) -> None:
        stack = [(form, local, where)]
        while stack:
            form, local, where = stack.pop()
            cls = form.__class__
            if cls is Symbol:
                self._reference(form, local, where)
                continue
            if cls is tuple:
                stack.extend((x, local, where) for x in form)
                continue
            if isinstance(form, Map):
                for k, v in map_items(form):
                    stack.append((k, local, where))
                    stack.append((v, local, where))
                continue
            if not _is_list(form):
                continue
            form = self.expand(form, local)
            if not _is_list(form):
                stack.append((form, local, where))
                continue
            where = _span(form) or where
            items = _items(form)
            if items is None:
                continue
            head = form.car
            if head.__class__ is Symbol and head.name not in local and head.name in _CORE:
                stack.extend(self._core(head.name, items, local, where))
                continue
            self._call(head, items, local, where)
            stack.extend((x, local, where) for x in items)

    def _core(self, name: str, items, local: frozenset, where):
        """The sub-forms of a core form to walk next, each with the names bound around it."""
        rest = items[1:]
        if name == "quote":
            return []
        if name == "quasiquote":
            return self._unquoted(rest[0] if rest else None, local, where)
        if name in ("define", "def"):
            if not rest:
                return []
            target, body = rest[0], rest[1:]
            names: set[str] = set()
            while _is_list(target):
                names |= pattern_names(target.cdr)
                target = target.car
            inner = local | names
            if target.__class__ is Symbol and local:
                inner = inner | {target.name}  # an internal define binds in its body
            return self._body(body, inner, where) if names or _is_list(rest[0]) else \
                [(x, inner, where) for x in body]
        if name == "set!":
            if rest and rest[0].__class__ is Symbol:
                self._reference(rest[0], local, where, setting=True)
            return [(x, local, where) for x in rest[1:]]
        if name in ("lambda", "fn"):
            if not rest:
                return []
            inner = local | pattern_names(rest[0])
            return self._body(rest[1:], inner, where)
        if name in ("let", "let*", "letrec", "letrec*"):
            return self._let(name, rest, local, where)
        if name == "try":
            out = []
            for x in rest:
                parts = _items(x) if _is_list(x) else None
                if parts and parts[0] is S("catch"):
                    binder = parts[1] if len(parts) > 1 and parts[1].__class__ is Symbol else None
                    inner = local | ({binder.name} if binder is not None else set())
                    out.extend(self._body(parts[2:], inner, where))
                elif parts and parts[0] is S("finally"):
                    out.extend((y, local, where) for y in parts[1:])
                else:
                    out.append((x, local, where))
            return out
        if name == "defmacro":
            if len(rest) < 2:
                return []
            return self._body(rest[2:], local | pattern_names(rest[1]), where)
        if name in ("define-record-type", "define-syntax"):
            return []
        if name in ("begin", "progn") and not local:
            return [(x, local, where) for x in rest]
        return self._body(rest, local, where) if name in ("begin", "progn") else [(x, local, where) for x in rest]

    def _body(self, forms, local: frozenset, where):
        """A body: its internal defines bind in all of it (letrec* semantics)."""
        names: set[str] = set()
        stack = list(forms)
        while stack:
            f = self.expand(stack.pop(), local)
            items = _items(f) if _is_list(f) else None
            if not items:
                continue
            if f.car in _DEFINE and len(items) > 1:
                target = items[1]
                while _is_list(target):
                    target = target.car
                if target.__class__ is Symbol:
                    names.add(target.name)
            elif f.car in (S("begin"), S("progn")):
                stack.extend(items[1:])
            elif f.car is S("define-record-type"):
                names |= record_names(items)
        inner = local | names
        return [(f, inner, where) for f in forms]

    def _let(self, name: str, rest, local: frozenset, where):
        if not rest:
            return []
        out = []
        inner = set(local)
        if rest[0].__class__ is Symbol:  # named let: the loop's name is bound in its body
            inner.add(rest[0].name)
            rest = rest[1:]
            if not rest:
                return []
        pairs = _let_pairs(rest[0])
        if pairs is None:
            return [(x, local, where) for x in rest]
        recursive = name.startswith("letrec")
        names = set()
        for pattern, _ in pairs:
            names |= pattern_names(pattern)
        if recursive:
            inner |= names
        for pattern, value in pairs:
            out.append((value, frozenset(inner) if recursive or name == "let*" else local, where))
            if name == "let*":
                inner |= pattern_names(pattern)
        inner |= names
        out.extend(self._body(rest[1:], frozenset(inner), where))
        return out

    def _unquoted(self, template, local, where):
        out = []
        stack = [template]
        while stack:
            x = stack.pop()
            if _is_list(x):
                if x.car in (_UNQUOTE, _SPLICE):
                    parts = _items(x)
                    if parts and len(parts) > 1:
                        out.append((parts[1], local, _span(x) or where))
                    continue
                if x.car is _QUASI:
                    continue  # nested quasiquote: its unquotes belong to it
                items = _items(x)
                stack.extend(items if items is not None else [x.car, x.cdr])
            elif x.__class__ is tuple:
                stack.extend(x)
            elif isinstance(x, Map):
                for k, v in map_items(x):
                    stack.extend((k, v))
        return out

    # ------------------------------------------------------------ findings

    def _reference(self, sym: Symbol, local, where, setting: bool = False) -> None:
        name = sym.name
        if name in local or name in self.globals or name in self.known or not self.follow_ok:
            return
        if name.startswith("%") or name.startswith(":") or "." in name[1:-1]:
            return
        from .diagnostics import unbound_hints
        hints = unbound_hints(name, sorted(self.known | self.globals))
        hint = f" ({hints[0]})" if hints else ""
        what = "set! of an undefined global" if setting else "unbound symbol"
        self.warnings.append(Warning_(where, f"{what}: {name}{hint}"))

    def _call(self, head, items, local, where) -> None:
        if head.__class__ is not Symbol or head.name in local:
            return
        name = head.name
        got = len(items) - 1
        arity = self._arity(name)
        if arity is None:
            return
        lo, hi = arity
        if got < lo or (hi is not None and got > hi):
            self.warnings.append(Warning_(where, f"{name} takes {_count_text(lo, hi)}, but this call "
                                                 f"passes {got}"))

    def _arity(self, name: str):
        if name in self.arity:
            return self.arity[name]
        if name in self.globals or name not in self.known or name in _CORE:
            return None
        if self.interp.is_redefined(name):
            return None
        from .runtime.names import mangle
        fn = self.interp.namespace.get(mangle(name))
        if fn is None or not callable(fn) or getattr(fn, "lazy_module", None) is not None:
            return self._lazy_arity(name)
        from .runtime.registry import arity_of
        lo, hi = arity_of(getattr(fn, "sema_guarded", fn))
        return None if (lo, hi) == (0, None) else (lo, hi)

    def _lazy_arity(self, name: str):
        from .runtime.registry import BUILTINS, INTERP_BUILTINS, LAZY_BUILTINS, arity_of
        if name not in LAZY_BUILTINS or name in INTERP_BUILTINS:
            return None
        import importlib
        importlib.import_module(LAZY_BUILTINS[name])
        fn = BUILTINS.get(name)
        if fn is None:
            return None
        lo, hi = arity_of(fn)
        return None if (lo, hi) == (0, None) else (lo, hi)


def record_names(items) -> set[str]:
    """The names a (define-record-type name (ctor field ...) pred (field accessor [modifier]) ...) binds."""
    out = set()
    for part in items[1:4]:
        head = part.car if _is_list(part) else part
        if head.__class__ is Symbol:
            out.add(head.name)
    for spec in items[4:]:
        parts = _items(spec) if _is_list(spec) else None
        out.update(p.name for p in (parts[1:] if parts else ()) if p.__class__ is Symbol)
    return out


def _let_pairs(bindings):
    """[(pattern, value form)] of a let's bindings, or None for a shape this analysis does not know."""
    if bindings is EMPTY:
        return []
    if bindings.__class__ is tuple:
        items = list(bindings)
        if items and all(_is_list(x) for x in items):
            return [(p[0], p[1] if len(p) > 1 else None) for p in (_items(x) or [None] for x in items)
                    if p and p[0] is not None]
        if len(items) % 2:
            return None
        return [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
    items = _items(bindings) if _is_list(bindings) else None
    if items is None:
        return None
    out = []
    for b in items:
        parts = _items(b) if _is_list(b) else None
        if not parts:
            return None
        out.append((parts[0], parts[1] if len(parts) > 1 else None))
    return out


def analyze(interp, path: str, forms) -> list[Warning_]:
    """The warnings for the (already compiled) top-level ``forms`` of the file ``path``."""
    a = Analysis(interp, path)
    a.collect(forms, os.path.dirname(os.path.abspath(path)), {os.path.abspath(path)})
    a.check(forms)
    return sorted(a.warnings, key=lambda w: (w.span.line, w.span.col) if w.span is not None else (0, 0))
