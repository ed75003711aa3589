"""Small helpers for taking apart and building Lisp forms inside the compiler."""

from __future__ import annotations

from ..errors import LispSyntaxError, Span
from ..printer import write_str
from ..values import EMPTY, ArrayList, Map, Pair, Symbol, iter_list

S = Symbol


def span_of(form) -> Span | None:
    """The source span of a list form, or None (atoms carry no span)."""
    return getattr(form, "span", None) if form.__class__ is Pair or form.__class__ is ArrayList else None


def L(*items, span: Span | None = None):
    """Build a proper list form (pairs, so that a span can be attached)."""
    out = EMPTY
    for item in reversed(items):
        out = Pair(item, out)
    if span is not None and out is not EMPTY:
        out.span = span
    return out


def from_iter(items, tail=EMPTY, span: Span | None = None):
    out = tail
    for item in reversed(list(items)):
        out = Pair(item, out)
    if span is not None and out.__class__ is Pair:
        out.span = span
    return out


def with_span(form, span: Span | None):
    """Give ``form`` the span ``span`` unless it has one (macro output keeps the call site)."""
    if span is not None and form.__class__ is Pair and getattr(form, "span", None) is None:
        form.span = span
    return form


def is_form(x) -> bool:
    return x.__class__ is Pair or x.__class__ is ArrayList


def items_of(form, what: str = "form") -> list:
    """The elements of a proper list form; a syntax error for an improper one."""
    out = []
    x = form
    while True:
        cls = x.__class__
        if cls is Pair:
            out.append(x.car)
            x = x.cdr
        elif cls is ArrayList:
            out.extend(x.items[x.start:])
            return out
        elif x is EMPTY:
            return out
        else:
            raise LispSyntaxError(f"{what}: expected a proper list, got {write_str(form)}", span_of(form))


def head_name(form) -> str | None:
    if is_form(form) and form.car.__class__ is Symbol:
        return form.car.name
    return None


def syntax_error(message: str, form, fallback: Span | None = None) -> LispSyntaxError:
    return LispSyntaxError(message, span_of(form) or fallback)


def walk_symbols(form):
    """Every symbol inside a form (quoted parts included), for cheap pre-scans."""
    stack = [form]
    while stack:
        x = stack.pop()
        cls = x.__class__
        if cls is Symbol:
            yield x
        elif cls is Pair or cls is ArrayList:
            stack.extend(iter_list(x))
            tail = x
            while tail.__class__ is Pair:
                tail = tail.cdr
            if tail is not EMPTY and tail.__class__ is not ArrayList:
                stack.append(tail)
        elif cls is tuple:
            stack.extend(x)
        elif isinstance(x, Map):
            stack.extend(x.keys())
            stack.extend(x.values())


def internal_defines(forms) -> list:
    """Names defined by ``define`` at the top of a body (``begin`` spliced)."""
    out = []
    for form in forms:
        name = head_name(form)
        if name in ("define", "def", "defn", "defun", "define-values", "define-record-type"):
            parts = items_of(form)
            if len(parts) < 2:
                continue
            target = parts[1]
            if name in ("defn", "defun"):
                out.append(target)
            elif name == "define-values":
                if is_form(target):
                    out.extend(x for x in items_of(target) if x.__class__ is Symbol)
            elif name == "define-record-type":
                continue
            else:
                while is_form(target):
                    target = target.car
                if target.__class__ is Symbol:
                    out.append(target)
        elif name == "begin":
            out.extend(internal_defines(items_of(form)[1:]))
    return out


def assigned_symbols(form) -> set:
    """Symbols that appear as the target of ``set!`` anywhere inside ``form``."""
    out = set()
    stack = [form]
    setbang = S("set!")
    while stack:
        x = stack.pop()
        cls = x.__class__
        if cls is Pair or cls is ArrayList:
            if x.car is setbang and x.cdr.__class__ in (Pair, ArrayList):
                out.add(x.cdr.car)
            y = x
            while y.__class__ is Pair:
                stack.append(y.car)
                y = y.cdr
            if y.__class__ is ArrayList:
                stack.extend(y.items[y.start:])
        elif cls is tuple:
            stack.extend(x)
        elif isinstance(x, Map):
            stack.extend(x.values())
    return out
