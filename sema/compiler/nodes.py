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
