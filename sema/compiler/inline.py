"""Builtins the compiler inlines while they are not redefined.

``(+ a b)`` becomes ``a + b if a.__class__ is int is b.__class__ else
_add2(a, b)``: plain CPython arithmetic for small integers, the checked
generic function for everything else.  Type facts remove the check where a
local is already known to hold a number (a checked operation succeeded on
it earlier on the same path): ``(- n 1)`` on such ``n`` is ``n - 1``.

Each inliner returns an expression, or None to fall back to an ordinary call
of the builtin (an unusual argument count, say).
"""

from __future__ import annotations

import ast

from .codegen import INLINE, Name, is_bool, is_num, inline, tag

_ARITH = {"+": (ast.Add, "_add2"), "-": (ast.Sub, "_sub2"), "*": (ast.Mult, "_mul2")}
_COMPARE = {"<": (ast.Lt, "_lt2"), ">": (ast.Gt, "_gt2"), "<=": (ast.LtE, "_le2"), ">=": (ast.GtE, "_ge2")}


def _cls_is(x, cls_name: str) -> ast.expr:
    return ast.Compare(ast.Attribute(x, "__class__", ast.Load()), [ast.Is()], [Name(cls_name)])


def _is_int_const(x) -> bool:
    return isinstance(x, ast.Constant) and x.value.__class__ is int


def _int_guard(a, b) -> ast.expr | None:
    """The test that both operands are ints (None when both are int constants)."""
    checks = [x for x in (a, b) if not _is_int_const(x)]
    if not checks:
        return None
    if len(checks) == 1:
        return _cls_is(checks[0], "_int")
    return ast.Compare(ast.Attribute(a, "__class__", ast.Load()), [ast.Is(), ast.Is()],
                       [Name("_int"), ast.Attribute(b, "__class__", ast.Load())])


def _note_numbers(c, *operands) -> None:
    """After a checked numeric operation, its local operands are known numbers."""
    for x in operands:
        if isinstance(x, ast.Name):
            b = c.binding_of_py(x.id)
            if b is not None and b.sym not in c.assigned:
                c.facts.add(b)


def _binary_arith(c, op: str, a, b) -> ast.expr:
    pyop, slow = _ARITH[op]
    if op in "+-" and ((is_num(a) and _is_int_const(b)) or (is_num(b) and _is_int_const(a) and op == "+")):
        # a number plus or minus an integer never needs normalising
        return tag(ast.BinOp(a, pyop(), b), number=True)
    guard = _int_guard(a, b)
    fast = ast.BinOp(a, pyop(), b)
    if guard is None:
        return tag(fast, number=True)
    node = ast.IfExp(guard, fast, ast.Call(Name(slow), [a, b], []))
    _note_numbers(c, a, b)
    return tag(node, number=True)


def _arith_inliner(op: str):
    def inliner(c, args, scope):
        if len(args) < 2:
            if op == "-" and len(args) == 1:
                (a,) = c.operands(args, scope)
                return tag(ast.Call(Name("_neg"), [a], []), number=True)
            return None
        values = c.operands(args, scope)
        acc = values[0]
        for v in values[1:]:
            acc = _binary_arith(c, op, acc, v)
            if len(values) > 2 and v is not values[-1]:
                acc = c.simple(acc)
        return acc
    return inliner


for _op in _ARITH:
    inline(_op)(_arith_inliner(_op))


def _compare_inliner(op: str):
    pyop, slow = _COMPARE[op]

    def inliner(c, args, scope):
        if len(args) != 2:
            return None
        a, b = c.operands(args, scope)
        fast = ast.Compare(a, [pyop()], [b])
        if is_num(a) and is_num(b):
            return tag(fast, boolean=True)
        guard = _int_guard(a, b)
        node = fast if guard is None else ast.IfExp(guard, fast, ast.Call(Name(slow), [a, b], []))
        _note_numbers(c, a, b)
        return tag(node, boolean=True)
    return inliner


for _op in _COMPARE:
    inline(_op)(_compare_inliner(_op))


@inline("=")
def inline_eq(c, args, scope):
    if len(args) != 2:
        return None
    a, b = c.operands(args, scope)
    fast = ast.Compare(a, [ast.Eq()], [b])
    if is_num(a) and is_num(b):
        return tag(fast, boolean=True)
    guard = _int_guard(a, b)
    if guard is None:
        return tag(fast, boolean=True)
    return tag(ast.IfExp(guard, fast, ast.Call(Name("_numeq"), [a, b], [])), boolean=True)


@inline("not")
def inline_not(c, args, scope):
    if len(args) != 1:
        return None
    value = c.expr(args[0], scope)
    if is_bool(value):
        return tag(ast.UnaryOp(ast.Not(), value), boolean=True)
    return tag(ast.UnaryOp(ast.Not(), c.truthy(value)), boolean=True)


def _pair_access(field: str, slow: str):
    def inliner(c, args, scope):
        if len(args) != 1:
            return None
        (x,) = c.operands(args, scope)
        return ast.IfExp(_cls_is(x, "_Pair"), ast.Attribute(x, field, ast.Load()),
                         ast.Call(Name(slow), [x], []))
    return inliner


inline("car")(_pair_access("car", "_car"))
inline("cdr")(_pair_access("cdr", "_cdr"))


@inline("cons")
def inline_cons(c, args, scope):
    if len(args) != 2:
        return None
    a, b = c.exprs_in_order(args, scope)
    return ast.Call(Name("_Pair"), [a, b], [])


@inline("null?")
def inline_null(c, args, scope):
    if len(args) != 1:
        return None
    (x,) = c.operands(args, scope)
    return tag(ast.BoolOp(ast.Or(), [ast.Compare(x, [ast.Is()], [Name("_EMPTY")]),
                                     ast.Compare(x, [ast.Is()], [ast.Constant(None)])]), boolean=True)


@inline("nil?")
def inline_nil(c, args, scope):
    if len(args) != 1:
        return None
    x = c.expr(args[0], scope)
    return tag(ast.Compare(x, [ast.Is()], [ast.Constant(None)]), boolean=True)


@inline("zero?")
def inline_zero(c, args, scope):
    if len(args) != 1:
        return None
    (x,) = c.operands(args, scope)
    fast = ast.Compare(x, [ast.Eq()], [ast.Constant(0)])
    if is_num(x):
        return tag(fast, boolean=True)
    return tag(ast.IfExp(_cls_is(x, "_int"), fast, ast.Call(Name("_zerop"), [x], [])), boolean=True)


__all__ = ["INLINE"]
