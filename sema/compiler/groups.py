"""Mutual tail calls among the global functions of a unit, run as one loop.

``my-even?`` and ``my-odd?`` tail-call each other a million times.  The
general tail-call protocol (``compiler.codegen``) runs them in bounded stack
but pays a call, a token and a budget per step.  When the last of such a
group is defined, its members' bodies are compiled once more, side by side,
into one function that loops::

    def _grp_u_9(_w, _a0):
        while True:
            if _w == 0:                          # my-even?
                n_3 = _a0
                if n_3 == 0: return True
                if my_odd is _gm_u_9_1:          # still the function this loop was made from?
                    _a0 = n_3 - 1; _w = 1; continue
                ... the general tail call ...
            else:                                # my-odd?
                ...

and the member defined last enters it (``return _grp_u_9(0, n - 1)`` where it
tail-calls another member).  Every jump checks that the callee's global still
holds the function the loop was made from, so redefining a member reaches
every caller; nothing needs invalidating.

Members are global functions of the same unit with the same number of plain
parameters, each mentioning the next (a cycle); a group none of whose bodies
makes a member tail call, or whose loop variables a closure captures, is not
made.
"""

from __future__ import annotations

import ast

from ..runtime.names import mangle
from ..values import Symbol
from .forms import walk_symbols
from .nodes import Name, Store
from .scope import RETURN, Fn, Loop, Scope
from .specialize import _plain_params
from .tables import fresh_id


class Group:
    """Functions whose bodies share one loop (see the module docstring)."""

    __slots__ = ("py", "members", "index", "guards", "nparams", "loop", "args", "jumps")

    def __init__(self, py: str, members: list, nparams: int):
        self.py = py
        self.members = members                          # Lisp names, in dispatch order
        self.index = {m: i for i, m in enumerate(members)}
        self.guards = [f"{py}_m{i}" for i in range(len(members))]  # each member's function when made
        self.nparams = nparams
        self.loop: Loop | None = None
        self.args = [f"_a{i}" for i in range(nparams)]
        self.jumps = 0                                  # member tail calls compiled as jumps


def find_members(c, name: Symbol, params_form, body) -> list | None:
    """The members of a group ``name`` closes (itself last), or None."""
    params = _plain_params(params_form)
    if params is None:
        return None
    known = dict(c.unit_functions())
    known[name] = (params_form, body)
    arity = len(params)
    edges = {}
    for fn, (p, b) in known.items():
        if len(_plain_params(p) or ()) != arity:
            continue
        mentioned = {s for form in b for s in walk_symbols(form)}
        edges[fn] = [g for g in mentioned if g in known and g is not fn]
    if name not in edges:
        return None
    # the functions that reach name and that name reaches: its strongly connected component
    reach = _reachable(edges, name)
    members = [m for m in reach if name in _reachable(edges, m)]
    if len(members) < 2:
        return None
    members.sort(key=lambda m: m is name)  # the one defined now last
    return members


def _reachable(edges, start) -> list:
    seen, order, stack = {start}, [start], [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt in edges and nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
                stack.append(nxt)
    return order


def compile_group(c, members: list, name: Symbol, params_form, body, scope):
    """The ``def`` of the group's loop function and its Group, or None."""
    known = dict(c.unit_functions())
    known[name] = (params_form, body)
    group = Group(f"_grp_{c.interp.unit_prefix}_{fresh_id()}", members, len(_plain_params(params_form)))
    fn = Fn(scope.fn, " / ".join(m.name for m in members), group.py)
    fn.group = group
    inner = Scope(scope, fn)
    loop = Loop(Symbol("%group"), fn)
    group.loop = loop
    fn.loops.append(loop)
    c.fns.append(fn)
    saved_facts = c.facts
    c.facts = set()
    try:
        with c.speculation():
            branches = []
            for i, member in enumerate(members):
                member_params, member_body = known[member]
                if len(member_body) > 1 and isinstance(member_body[0], str):
                    member_body = member_body[1:]
                member_scope = Scope(inner, fn)
                binds = [c.declare(member_scope, p) for p in _plain_params(member_params)]
                with c.collecting() as stmts, c.nested_block(inner):
                    for b, a in zip(binds, group.args):
                        c.emit(ast.Assign([Store(b.py)], Name(a)))
                    c.body(member_body, member_scope, RETURN)
                branches.append(stmts)
    finally:
        c.fns.pop()
        c.facts = saved_facts
    if not group.jumps or any(b.captured for b in loop.bindings):
        return None
    dispatch = branches[-1]
    for i in range(len(members) - 2, -1, -1):
        dispatch = [ast.If(ast.Compare(Name("_w"), [ast.Eq()], [ast.Constant(i)]), branches[i], dispatch)]
    scope.fn.globals.update([group.py] + group.guards)  # (before make_def: a global knows itself by name)
    fdef = c.make_def(fn, ["_w"] + group.args, None, [ast.While(ast.Constant(True), dispatch, [])])
    return fdef, group


def jump(c, group: Group, op: Symbol, values: list, scope) -> None:
    """Inside the group's loop: ``if op is <its function>: <args>; _w = i; continue`` (then the general call)."""
    i = group.index[op]
    targets = [Store(a) for a in group.args]
    assign = (ast.Assign([targets[0]], values[0]) if len(values) == 1 else
              ast.Assign([ast.Tuple(targets, ast.Store())], ast.Tuple(values, ast.Load())))
    c.emit(ast.If(ast.Compare(Name(mangle(op.name)), [ast.Is()], [Name(group.guards[i])]),
                  [assign, ast.Assign([Store("_w")], ast.Constant(i)), ast.Continue()], []))
    group.jumps += 1


def enter(c, group: Group, op: Symbol, values: list) -> None:
    """In the member defined last: ``if op is <its function>: return _grp(i, args)`` (then the general call)."""
    i = group.index[op]
    call = ast.Call(Name(group.py), [ast.Constant(i)] + values, [])
    c.emit(ast.If(ast.Compare(Name(mangle(op.name)), [ast.Is()], [Name(group.guards[i])]),
                  [ast.Return(call)], []))


def can_jump(scope, group: Group, op, nargs: int) -> bool:
    """A tail call of a member with the right arity, not from inside a loop of its own."""
    return (op.__class__ is Symbol and op in group.index and scope.lookup(op) is None and nargs == group.nparams
            and bool(scope.fn.loops) and scope.fn.loops[-1] is group.loop)
