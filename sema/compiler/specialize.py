"""Integer-specialised variants of global functions.

A global function whose parameters are used in arithmetic (``(define (fib n)
... (- n 1) ...)``) gets a second Python function that assumes those
parameters hold exact ints (never booleans).  In it the type guards of the
inlined arithmetic disappear, calls of itself and of the other specialised
functions of the same unit with int arguments go straight to their variants,
and when every value it returns is known to be an int, so are its calls::

    def fib__int_u_7(n):
        if n < 2:
            return n
        return fib__int_u_7(n - 1) + fib__int_u_7(n - 2)

    def fib(n):
        if n.__class__ is _spec_u_6:      # the one entry check
            return fib__int_u_7(n)
        ... the general body ...

Nothing is assumed that is not checked: the generic function checks the
types on entry, and a variant calls another only with arguments it knows to
be ints.  Redefining the function (``define``, ``set!``, ``interp.define``)
invalidates its variants at run time through the slot mechanism
(``runtime.inline_slots.redirect``): the guard becomes a class no value has,
the variant's name points at the new definition, and every variant that
called it directly (and so relied on its return type) is invalidated in turn.
"""

from __future__ import annotations

import ast

from ..values import EMPTY, ArrayList, Pair, Symbol
from .forms import is_form
from .scope import AssumptionFailed
from .tables import fresh_id

#: builtins whose arguments, when they are parameters, make the parameters worth specialising
NUMERIC_OPS = frozenset(("+", "-", "*", "<", ">", "<=", ">=", "=", "zero?", "quotient", "remainder", "modulo",
                         "even?", "odd?"))


#: the inlined numeric builtins whose guards a variant leaves out
_SLOT_OPS = frozenset(("+", "-", "*", "<", ">", "<=", ">=", "=", "zero?"))


class Spec:
    """What callers need to know of one specialised variant."""

    __slots__ = ("name", "py", "guard", "params", "int_params", "returns_int", "assume_returns_int",
                 "deps", "returns", "fn")

    def __init__(self, name: Symbol, py: str, guard: str, params: list, int_params: frozenset, assume: bool):
        self.name = name                  # the Lisp name of the function
        self.py = py                      # the Python name of the variant
        self.guard = guard                # the global the entry check compares classes with (int until invalid)
        self.params = params              # the parameter symbols
        self.int_params = int_params      # indices of the parameters assumed to be ints
        self.assume_returns_int = assume  # calls of itself inside the variant are taken to give ints
        self.returns_int = False          # known after compiling: every return value is an int
        self.deps: set[str] = set()       # other specialised functions the variant calls directly
        self.returns: list[bool] = []     # one entry per return: was its value known to be an int?
        self.fn = None                    # the Fn of the variant while it is being compiled


def candidates(params_form, body, interp) -> list[int] | None:
    """Indices of the parameters used as operands of numeric builtins in ``body``, or None."""
    params = _plain_params(params_form)
    if not params:
        return None
    if any(interp.is_redefined(op) for op in NUMERIC_OPS):
        return None
    index = {p: i for i, p in enumerate(params)}
    found: set[int] = set()
    stack = list(body)
    while stack:
        x = stack.pop()
        if x.__class__ is Pair or x.__class__ is ArrayList:
            items = _items(x)
            if items is None:
                continue
            if items and items[0].__class__ is Symbol:
                head = items[0].name
                if head == "quote":
                    continue
                if head in NUMERIC_OPS:
                    found.update(index[a] for a in items[1:] if a.__class__ is Symbol and a in index)
            stack.extend(items)
        elif x.__class__ is tuple:
            stack.extend(x)
    return sorted(found) or None


def specialize(c, name: Symbol, params_form, body, scope):
    """Compile the int variant of the global function ``name``: (its def, its Spec), or None.

    Tries the most hopeful assumptions first and retries with fewer: a
    parameter that a self tail call gives a non-int value is dropped, and so is
    the assumption that the function returns ints if one of its returns is not
    known to be one.  A variant that would make general tail calls is not
    worth it (it would need the bounce protocol): the function stays generic.
    """
    ints = candidates(params_form, body, c.interp)
    if ints is None:
        return None
    params = _plain_params(params_form)
    if len(body) > 1 and isinstance(body[0], str):
        body = body[1:]  # the docstring stays with the generic function
    assume = True
    prefix = c.interp.unit_prefix
    ident = fresh_id()
    py = f"_int_variant_{prefix}_{ident}"  # a "_" name: internal, never one of the Lisp globals
    guard = f"_spec_{prefix}_{ident}"
    while ints:
        spec = Spec(name, py, guard, params, frozenset(ints), assume)
        try:
            with c.speculation():
                fdef = c.function(params_form, body, scope, name.name, py, self_sym=name, spec=spec)
        except AssumptionFailed as exc:
            if spec.fn is None or exc.loop is not spec.fn.self_loop:
                raise
            ints = [i for i in ints if i != exc.index]
            continue
        if spec.fn.bouncer:
            return None
        spec.returns_int = bool(spec.returns) and all(spec.returns)
        if assume and not spec.returns_int:
            assume = False
            continue
        # the variant uses + - < ... without their guards: redefining one of them invalidates it
        spec.deps |= _SLOT_OPS
        return fdef, spec
    return None


def entry_check(spec: Spec, param_pys: list[str]) -> ast.stmt:
    """``if p.__class__ is <guard> and ...: return <variant>(params)``, the generic function's first step."""
    from .nodes import Name
    tests = [ast.Compare(ast.Attribute(Name(param_pys[i]), "__class__", ast.Load()), [ast.Is()],
                         [Name(spec.guard)]) for i in sorted(spec.int_params)]
    test = tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)
    return ast.If(test, [ast.Return(ast.Call(Name(spec.py), [Name(p) for p in param_pys], []))], [])


def direct_call(c, op: Symbol, values: list, scope):
    """A call of a specialised function straight to its variant, from inside a variant, or None.

    Only when every int parameter gets an int, and only for functions of the
    same unit (a cached unit must not name another unit's variants).  The
    result is known to be an int when the callee's returns are.
    """
    spec = scope.fn.spec
    if spec is None or scope.lookup(op) is not None:
        return None
    target = spec if op is spec.name else c.unit_specs().get(op)
    if target is None or len(values) != len(target.params):
        return None
    from .nodes import is_int
    if not all(is_int(values[i]) for i in target.int_params):
        return None
    from .nodes import Name, tag
    node = ast.Call(Name(target.py), values, [])
    if target is spec:
        return tag(node, integer=True) if spec.assume_returns_int else node
    spec.deps.add(target.name.name)
    return tag(node, integer=True) if target.returns_int else node


def _plain_params(params_form) -> list | None:
    """The parameters of a lambda list of plain symbols only (no rest, no patterns), else None."""
    if params_form is EMPTY:
        return None
    items = _items(params_form) if is_form(params_form) else None
    if not items or any(p.__class__ is not Symbol or p.name in (".", "&") for p in items):
        return None
    return items


def _items(form) -> list | None:
    """The elements of a proper list form, or None for a dotted one."""
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
