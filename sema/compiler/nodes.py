"""Small helpers for building Python AST nodes, shared by the code generator and the handlers.

Expressions can carry compile-time tags: ``_sema_bool`` (known to give a
Python bool, so a test needs no truthiness check), ``_sema_num`` (known to
give a number) and ``_sema_int`` (known to give an exact ``int``, never a
bool: arithmetic on two of them needs no type guard at all).  Constants of the namespace (quoted data, keywords) carry
``_sema_const``: evaluating them cannot fail, so a discarded one is dropped.
"""

from __future__ import annotations

import ast

from ..errors import Span


def Name(py: str) -> ast.Name:
    return ast.Name(py, ast.Load())


def Store(py: str) -> ast.Name:
    return ast.Name(py, ast.Store())


def tag(node, *, boolean=False, number=False, integer=False, const=False):
    """Mark an expression as known to give a Python bool / a number / an int / as a namespace constant."""
    if boolean:
        node._sema_bool = True
    if number or integer:
        node._sema_num = True
    if integer:
        node._sema_int = True
    if const:
        node._sema_const = True
    return node


def bool_when_fast(node):
    """An inlined predicate ``fast if guard else slow(...)``: only the fast path is known to give a bool.

    The slow path runs the builtin or, once it is redefined, the new definition, whose value may be
    any Lisp value: tested (``Compiler.truthy``) it is tested the Lisp way, as a value it stays as is.
    """
    if isinstance(node, ast.IfExp):
        tag(node.body, boolean=True)
        node._sema_bool_fast = True
        return node
    return tag(node, boolean=True)


def is_bool_when_fast(node) -> bool:
    return getattr(node, "_sema_bool_fast", False)


def is_bool(node) -> bool:
    return getattr(node, "_sema_bool", False)


def is_num(node) -> bool:
    return getattr(node, "_sema_num", False) or (
        isinstance(node, ast.Constant) and node.value.__class__ in (int, float))


def is_int(node) -> bool:
    """True if ``node`` is known to give an exact int (a literal, or tagged by type facts)."""
    return getattr(node, "_sema_int", False) or (
        isinstance(node, ast.Constant) and node.value.__class__ is int)


def is_simple(node) -> bool:
    """A name or a constant: cheap to repeat (but a name may still be unbound)."""
    return isinstance(node, (ast.Name, ast.Constant))


def cannot_fail(node) -> bool:
    """True if evaluating ``node`` can have no effect and raise nothing (so it may be dropped)."""
    return isinstance(node, ast.Constant) or getattr(node, "_sema_const", False)


def copy_tags(dst, src):
    if is_bool(src):
        dst._sema_bool = True
    if getattr(src, "_sema_num", False):
        dst._sema_num = True
    if is_int(src):
        dst._sema_int = dst._sema_num = True
    return dst


def if_stmt(test, body: list, orelse: list) -> ast.If:
    """An ``if`` statement; Python rejects an empty body, so an empty branch becomes ``pass``."""
    return ast.If(test, body or [ast.Pass()], orelse)


def set_loc(node, span: Span | None):
    """Give ``node`` the Lisp position of ``span`` (so tracebacks read as Lisp positions)."""
    if span is not None and getattr(node, "lineno", None) is None:
        node.lineno = span.line
        node.col_offset = max(span.col - 1, 0)
        node.end_lineno = max(span.end_line, span.line)
        end = span.end_col - 1
        if node.end_lineno == node.lineno and end <= node.col_offset:
            end = node.col_offset + 1
        node.end_col_offset = end
    return node


def _class_guard(node):
    """``(names, guard)`` if ``node`` is ``fast if <x>.__class__ is <guard> else slow`` (an inlined
    builtin with one operand to check), where ``names`` are the names ``<x>`` binds or reads; else None."""
    if not isinstance(node, ast.IfExp):
        return None
    t = node.test
    if not (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Is)
            and isinstance(t.comparators[0], ast.Name) and isinstance(t.left, ast.Attribute)
            and t.left.attr == "__class__"):
        return None
    names, x = [], t.left.value
    while isinstance(x, ast.NamedExpr):
        names.append(x.target.id)
        x = x.value
    if isinstance(x, ast.Name):
        names.append(x.id)
    return (names, t.comparators[0].id, isinstance(t.left.value, ast.Name)) if names else None


def _calls_or_binds(node, names, calls=True) -> bool:
    return any((calls and isinstance(n, ast.Call)) or (isinstance(n, ast.NamedExpr) and n.target.id in names)
               for n in ast.walk(node))


def merge_shared_guards(op, parts: list) -> list:
    """``(or (= (car r) a) (= (car r) b))`` checks the class of the same value twice: one check will do.

    A run of tested operands ``f1 if G else s1``, ``f2 if G' else s2`` ... where every later guard
    G' reads (with no walrus) a name G bound or read, against the same guard global, becomes
    ``(f1 op f2 ...) if G else (s1 op s2 ...)``.  G' gives what G gave as long as nothing in between
    rebinds that name or can redefine the builtin (change the guard global): so the fast parts
    before a later guard must call nothing.  The slow parts may: they already run the generic path.
    """
    out, i = [], 0
    while i < len(parts):
        first = _class_guard(parts[i])
        j = i + 1
        if first is not None:
            names, guard, _ = first
            while j < len(parts):
                before, g = parts[j - 1], _class_guard(parts[j])
                if (g is None or not g[2] or g[0][0] not in names or g[1] != guard
                        or _calls_or_binds(before.body, names) or _calls_or_binds(before.orelse, names, False)):
                    break
                j += 1
        if j - i < 2:
            out.append(parts[i])
            i += 1
            continue
        run = parts[i:j]
        fast = ast.BoolOp(op(), [p.body for p in run])
        slow = ast.BoolOp(op(), [p.orelse for p in run])
        out.append(tag(ast.IfExp(run[0].test, fast, slow), boolean=True))
        i = j
    return out
