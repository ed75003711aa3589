"""Higher-order builtins given a literal lambda, compiled as loops.

``(map (lambda (x) (* x x)) xs)`` calls a Lisp function per element; compiled
in place it is a Python ``for`` loop whose body is the lambda's body, with no
call at all::

    if _slot_map is _int:                 # map still the builtin (a redefinition reaches this)
        _out = []
        for x_7 in _seq_items(xs, "map", 2):
            _out.append(x_7 * x_7 ...)
        _t9 = _make_list(_out)
    else:
        def _fn10(x_11): ...              # the lambda, for whatever map is now
        _t9 = _map_slow(_fn10, xs)

The same for ``filter``, ``for-each``, ``foldl``/``reduce`` with an initial
value, and ``sort`` with ``(lambda (a b) (< a b))``.  A fold whose body is
``(assoc acc k v ...)`` on a map uses a transient (``Map.mutate()``): no one
else can see the intermediate maps, so building a 100,000-entry map does not
copy path nodes 100,000 times.

The elements are taken by the builtin's own ``seq_items`` (the same errors for
a wrong argument).  Not inlined: a lambda whose variables a closure in its
body captures (each step must have bindings of its own), and anything but
plain parameters.
"""

from __future__ import annotations

import ast

from ..runtime.inline_slots import SLOTS
from ..values import Keyword, Symbol
from .forms import L, S, head_name, is_form, items_of, walk_symbols
from .nodes import Name, Store
from .scope import Dest
from .tables import gensym, inline

_LAMBDAS = ("lambda", "fn")


def literal_lambda(c, form, scope, nparams: int):
    """(params, body) of ``form`` if it is a lambda with ``nparams`` plain parameters, else None."""
    if not is_form(form) or head_name(form) not in _LAMBDAS:
        return None
    if scope.lookup(form.car) is not None or c.interp.is_shadowed(form.car.name) or form.car in c.interp.macros:
        return None
    parts = items_of(form)
    if len(parts) < 3:
        return None
    params = parts[1]
    if not is_form(params):
        return None
    names = items_of(params)
    if len(names) != nparams or any(p.__class__ is not Symbol or p.name in (".", "&", "_") for p in names):
        return None
    if len(set(names)) != nparams:
        return None
    body = parts[2:]
    if len(body) > 1 and isinstance(body[0], str):
        body = body[1:]
    return names, body


#: builtins of two arguments that a fold may take by name, compiled as if written as a lambda
_FOLDABLE = ("+", "*", "max", "min")


def function_form(c, form, scope, nparams: int):
    """FORM as a lambda when it names a function the loops can open up: a keyword used as a
    function of one argument (``(map :name people)``) or, for folds, one of :data:`_FOLDABLE`
    while it is the builtin (``(reduce + 0 xs)``); otherwise FORM itself."""
    if form.__class__ is Keyword and nparams == 1:
        x = gensym("x")
        return L(S("fn"), L(x), L(form, x))
    if (form.__class__ is Symbol and form.name in _FOLDABLE and nparams == 2
            and c.known_builtin(form, scope) and form not in c.interp.macros):
        a, b = gensym("a"), gensym("b")
        return L(S("fn"), L(a, b), L(form, a, b))
    return form


def _guard_ok(op: str) -> ast.expr:
    return ast.Compare(Name(SLOTS[op].guard), [ast.Is()], [Name("_int")])


def _slow_call(op: str, args) -> ast.expr:
    return ast.Call(Name(SLOTS[op].slow_name()), args, [])


def _call(fn: str, *args) -> ast.expr:
    return ast.Call(Name(fn), list(args), [])


_NO_INIT = object()  # (a form may be nil, which reads as None)


def _loop(c, op, lam_form, params, body, seq, scope, make_body, init=_NO_INIT):
    """Compile the inline loop of ``op`` and its fallback; the expression for the result, or None.

    ``make_body(elements_binding, acc_binding_or_None, inner_scope, result_tmp)``
    compiles the loop body into the current block and returns statements to
    run before the loop (or None when the pattern does not apply).
    """
    with c.speculation() as stmts:
        values = c.exprs_in_order([seq] if init is _NO_INIT else [init, seq], scope)
        values = [c.simple(v) for v in values]
        seq_value = values[-1]
        result = c.new_tmp(stable=True)
        inner = scope.child()
        before = set(c.bindings_by_py)
        bound = [c.declare(inner, p) for p in params]
        with c.collecting() as fast, c.branch(), c.nested_block(scope):
            ok = make_body(c, bound, inner, result, seq_value, values[0] if init is not _NO_INIT else None)
        new = [b for py, b in c.bindings_by_py.items() if py not in before]
        if not ok or any(b.captured for b in new):
            return None
        with c.collecting() as slow, c.branch():
            fn = c.lambda_value(lam_form, scope)
            args = [fn] + ([values[0]] if init is not _NO_INIT else []) + [seq_value]
            c.emit(ast.Assign([Store(result)], _slow_call(op, args)))
        c.emit(ast.If(_guard_ok(op), fast, slow))
        kept = c.facts
    c.block.extend(stmts)
    c.facts = kept
    return Name(result)


def _for(c, target: str, seq, who: str, pos: int, body: list) -> ast.For:
    it = _call("_seq_items", seq, ast.Constant(who), ast.Constant(pos))
    return ast.For(Store(target), it, body, [])


@inline("map")  # not mapcar: an alias shares no slot, so its redefinition could not reach compiled code
def inline_map(c, args, scope):
    if len(args) != 2:
        return None
    lam_form = function_form(c, args[0], scope, 1)
    lam = literal_lambda(c, lam_form, scope, 1)
    if lam is None:
        return None
    params, body = lam

    def make(c, bound, inner, result, seq, _):
        out = c.new_tmp()
        c.emit(ast.Assign([Store(out)], ast.List([], ast.Load())))
        value = c.new_tmp(stable=True)
        with c.collecting() as step:
            c.body(body, inner, Dest("assign", value))
            c.emit(ast.Expr(ast.Call(ast.Attribute(Name(out), "append", ast.Load()), [Name(value)], [])))
        c.emit(_for(c, bound[0].py, seq, "map", 2, step))
        c.emit(ast.Assign([Store(result)], _call("_make_list", Name(out))))
        return True
    return _loop(c, "map", lam_form, params, body, args[1], scope, make)


@inline("filter")
def inline_filter(c, args, scope):
    if len(args) != 2:
        return None
    lam_form = function_form(c, args[0], scope, 1)
    lam = literal_lambda(c, lam_form, scope, 1)
    if lam is None:
        return None
    params, body = lam

    def make(c, bound, inner, result, seq, _):
        out = c.new_tmp()
        c.emit(ast.Assign([Store(out)], ast.List([], ast.Load())))
        with c.collecting() as step:
            value = c.new_tmp(stable=True)
            c.body(body, inner, Dest("assign", value))
            append = ast.Expr(ast.Call(ast.Attribute(Name(out), "append", ast.Load()), [Name(bound[0].py)], []))
            c.emit(ast.If(c.truthy(Name(value)), [append], []))
        c.emit(_for(c, bound[0].py, seq, "filter", 2, step))
        c.emit(ast.Assign([Store(result)], _call("_make_list", Name(out))))
        return True
    return _loop(c, "filter", lam_form, params, body, args[1], scope, make)


@inline("for-each")
def inline_for_each(c, args, scope):
    if len(args) != 2:
        return None
    lam_form = function_form(c, args[0], scope, 1)
    lam = literal_lambda(c, lam_form, scope, 1)
    if lam is None:
        return None
    params, body = lam

    def make(c, bound, inner, result, seq, _):
        from .scope import DISCARD
        with c.collecting() as step:
            c.body(body, inner, DISCARD)
        c.emit(_for(c, bound[0].py, seq, "for-each", 2, step or [ast.Pass()]))
        c.emit(ast.Assign([Store(result)], ast.Constant(None)))
        return True
    return _loop(c, "for-each", lam_form, params, body, args[1], scope, make)


def _fold(op: str, who: str, pos: int):
    def inliner(c, args, scope):
        if len(args) != 3:
            return None
        lam_form = function_form(c, args[0], scope, 2)
        lam = literal_lambda(c, lam_form, scope, 2)
        if lam is None:
            return None
        params, body = lam

        def make(c, bound, inner, result, seq, init):
            acc, elem = bound
            c.emit(ast.Assign([Store(acc.py)], init))
            transient = _transient_assoc(c, acc, body, inner, elem, seq, who, pos)
            with c.collecting() as step:
                c.body(body, inner, Dest("assign", acc.py))
            loop = _for(c, elem.py, seq, who, pos, step)
            if transient is not None:
                c.emit(ast.If(transient[0], transient[1], [loop]))
            else:
                c.emit(loop)
            c.emit(ast.Assign([Store(result)], Name(acc.py)))
            return True
        return _loop(c, op, lam_form, params, body, args[2], scope, make, init=args[1])
    return inliner


inline("foldl")(_fold("foldl", "foldl", 3))  # not its alias fold (no slot of its own)
inline("reduce")(_fold("reduce", "reduce", 3))


def _transient_assoc(c, acc, body, inner, elem, seq, who: str, pos: int):
    """(test, statements) of a fold that only assocs onto its accumulator map, done on a transient."""
    if len(body) != 1 or head_name(body[0]) != "assoc" or c.interp.is_redefined("assoc"):
        return None
    parts = items_of(body[0])
    if len(parts) < 4 or len(parts) % 2 != 0 or parts[1] is not acc.sym:
        return None
    if any(s is acc.sym for form in parts[2:] for s in walk_symbols(form)):
        return None
    if inner.lookup(parts[0]) is not None:
        return None
    mm = c.new_tmp()
    with c.collecting() as step:
        values = [c.simple(v) for v in c.exprs_in_order(parts[2:], inner)]
        for k, v in zip(values[0::2], values[1::2]):
            key = ast.IfExp(ast.Compare(ast.Attribute(k, "__class__", ast.Load()), [ast.NotIn()],
                                        [Name("_WRAPPED_KEYS")]), k, _call("_map_key", k))
            c.emit(ast.Assign([ast.Subscript(Name(mm), key, ast.Store())], v))
    stmts = [ast.Assign([Store(mm)], ast.Call(ast.Attribute(Name(acc.py), "mutate", ast.Load()), [], [])),
             _for(c, elem.py, seq, who, pos, step),
             ast.Assign([Store(acc.py)], ast.Call(ast.Attribute(Name(mm), "finish", ast.Load()), [], []))]
    test = ast.BoolOp(ast.And(), [
        ast.Compare(ast.Attribute(Name(acc.py), "__class__", ast.Load()), [ast.Is()], [Name(SLOTS["assoc"].guard)]),
        ast.Compare(Name(SLOTS["assoc"].guard), [ast.Is()], [Name("_Map")])])
    return test, stmts


@inline("sort")
def inline_sort(c, args, scope):
    """``(sort xs (lambda (a b) (< a b)))``: numbers sort without calling the lambda per comparison."""
    if len(args) != 2:
        return None
    lam = literal_lambda(c, args[1], scope, 2)
    if lam is None:
        return None
    (a, b), body = lam
    if len(body) != 1 or not is_form(body[0]):
        return None
    parts = items_of(body[0])
    if len(parts) != 3 or parts[0] not in (S("<"), S(">")) or scope.lookup(parts[0]) is not None:
        return None
    if c.interp.is_redefined(parts[0].name) or c.interp.is_redefined("sort"):
        return None
    if parts[1:] == [a, b]:
        reverse = parts[0] is S(">")
    elif parts[1:] == [b, a]:
        reverse = parts[0] is S("<")
    else:
        return None
    op = parts[0].name
    with c.speculation() as stmts:
        xs = c.simple(c.expr(args[0], scope))
        result = c.new_tmp(stable=True)
        fast = _call("_sort_numbers", xs, ast.Constant(reverse))
        with c.collecting() as slow, c.branch():
            fn = c.lambda_value(args[1], scope)
            c.emit(ast.Assign([Store(result)], _slow_call("sort", [xs, fn])))
        guard = ast.BoolOp(ast.And(), [_guard_ok("sort"), _guard_ok(op),
                                       ast.Compare(ast.NamedExpr(Store(result), fast), [ast.IsNot()],
                                                   [Name("_NotNumbers")])])
        c.emit(ast.If(ast.UnaryOp(ast.Not(), guard), slow, []))
        kept = c.facts
    c.block.extend(stmts)
    c.facts = kept
    return Name(result)
