"""The core special forms: the ones the code generator knows directly.

Derived forms (``cond``, ``when``, ``do`` ...) are rewritten into these by
``derived.py``; quasiquote by ``quasi.py``; patterns by ``patterns.py``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..printer import write_str
from ..runtime.inline_slots import SLOTS
from ..runtime.names import mangle
from ..values import EMPTY, Pair, Symbol
from .forms import L, S, from_iter, head_name, internal_defines, is_form, items_of, span_of, syntax_error
from .nodes import Name, Store, if_stmt, is_bool, is_int, is_num, tag
from .patterns import destructure_define, destructuring_let_form
from .quasi import expand_quasiquote
from . import groups, records
from .specialize import specialize
from .scope import DISCARD, AssumptionFailed, Binding, CannotLoop, Dest, Loop, Scope
from .tables import fresh_id, special_form

if TYPE_CHECKING:
    from .codegen import Compiler

LAMBDA_NAMES = ("lambda", "fn")


def _shape(form, n_min: int, n_max: int | None, usage: str) -> list:
    parts = items_of(form)
    if len(parts) < n_min or (n_max is not None and len(parts) > n_max):
        raise syntax_error(f"{parts[0].name}: expected {usage}", form)
    return parts


@special_form("quote")
def sf_quote(c: Compiler, form, scope, dest):
    parts = _shape(form, 2, 2, "(quote datum)")
    return c.finish(c.const(parts[1]), dest)


@special_form("if")
def sf_if(c: Compiler, form, scope, dest):
    parts = _shape(form, 3, 4, "(if test then [else])")
    test = c.test(parts[1], scope)
    else_form = parts[3] if len(parts) == 4 else None
    if dest is None:
        with c.collecting() as then_stmts, c.branch():
            then_val = c.expr(parts[2], scope)
        with c.collecting() as else_stmts, c.branch():
            else_val = c.expr(else_form, scope) if else_form is not None else ast.Constant(None)
        if not then_stmts and not else_stmts:
            return _same_kind(ast.IfExp(test, then_val, else_val), then_val, else_val)
        tmp = c.new_tmp(stable=True)
        then_stmts.append(ast.Assign([Store(tmp)], then_val))
        else_stmts.append(ast.Assign([Store(tmp)], else_val))
        c.emit(if_stmt(test, then_stmts, else_stmts))
        return _same_kind(Name(tmp), then_val, else_val)
    with c.collecting() as then_block, c.branch():
        c.to_dest(parts[2], scope, dest)
    with c.collecting() as else_block, c.branch():
        if else_form is not None:
            c.to_dest(else_form, scope, dest)
        else:
            c.emit_value(ast.Constant(None), dest)
    c.emit(if_stmt(test, then_block, else_block))
    return None


def _same_kind(node, a, b):
    """``node`` (one of ``a`` or ``b``) known to be what both are known to be: bools, numbers, ints."""
    return tag(node, boolean=is_bool(a) and is_bool(b), number=is_num(a) and is_num(b),
               integer=is_int(a) and is_int(b))


@special_form("begin", "progn")
def sf_begin(c: Compiler, form, scope, dest):
    body = items_of(form)[1:]
    if not body:
        return c.finish(ast.Constant(None), dest)
    for f in body[:-1]:
        c.to_dest(f, scope, DISCARD)
    if dest is None:
        return c.expr(body[-1], scope)
    c.to_dest(body[-1], scope, dest)
    return None


def is_toplevel(scope: Scope) -> bool:
    return scope.parent is None and scope.fn.parent is None


def lambda_parts(value_form):
    """(params, body) of a lambda form, or None."""
    if head_name(value_form) in LAMBDA_NAMES:
        parts = items_of(value_form)
        if len(parts) >= 2:
            return parts[1], parts[2:]
    return None


@special_form("define", "def")
def sf_define(c: Compiler, form, scope, dest):
    parts = items_of(form)
    if len(parts) < 2:
        raise syntax_error("define: expected (define name value) or (define (name params ...) body ...)", form)
    target = parts[1]
    if is_form(target):
        # (define (name . params) body ...), curried (define ((f a) b) ...) too
        name, params = target.car, target.cdr
        body = parts[2:]
        if not body:
            raise syntax_error(f"define: function {write_str(name)} has no body", form)
        while is_form(name):
            body = [from_iter([S("lambda"), params] + body)]
            name, params = name.car, name.cdr
        if name.__class__ is not Symbol:
            raise syntax_error(f"define: a function name must be a symbol, got {write_str(name)} "
                               "(expected (define (name params ...) body ...))", target)
        value = L(S("lambda"), params, *body, span=span_of(form))
    elif target.__class__ is Symbol:
        if len(parts) > 3:
            # (define name "docstring" value) is accepted; anything else is not
            if len(parts) == 4 and isinstance(parts[2], str):
                parts = [parts[0], parts[1], parts[3]]
            else:
                raise syntax_error(f"define: too many forms for variable {target.name}", form)
        name = target
        value = parts[2] if len(parts) == 3 else None
    elif target.__class__ is tuple or hasattr(target, "items"):
        if len(parts) != 3:
            raise syntax_error("define: a destructuring define takes one value", form)
        return c.via_tmp(lambda d: c.to_dest(destructure_define(target, parts[2], span_of(form)), scope, d), dest) \
            if dest is not None else c.expr(destructure_define(target, parts[2], span_of(form)), scope)
    else:
        raise syntax_error(f"define: cannot define {write_str(target)}", form)
    define_value(c, name, value, scope)
    return c.finish(ast.Constant(None), dest)


def define_value(c: Compiler, name: Symbol, value_form, scope: Scope) -> None:
    """Bind ``name`` to the value of ``value_form`` (a global at top level, else a local)."""
    if is_toplevel(scope) or scope.lookup(name) is None and scope.fn.parent is None and scope.parent is None:
        py = mangle(name.name)
        scope.fn.globals.add(py)
        c.interp.note_global_definition(name.name, c.span)
        binding = None
    else:
        binding = scope.vars.get(name) or c.declare(scope, name)
        py = binding.py
    lam = lambda_parts(value_form) if value_form is not None else None
    spec = None
    if lam is not None:
        self_sym = name if binding is None or binding is scope.lookup(name) else None
        group = None
        if binding is None:  # a global function: perhaps with an int-specialised variant
            made = specialize(c, name, lam[0], lam[1], scope)
            if made is not None:
                variant, spec = made
                scope.fn.globals.update((spec.py, spec.guard))
                c.emit(variant)
            members = groups.find_members(c, name, lam[0], lam[1])
            made = groups.compile_group(c, members, name, lam[0], lam[1], scope) if members else None
            if made is not None:  # it closes a cycle of mutual tail calls: they run as one loop
                loop_def, group = made
                scope.fn.globals.update([group.py] + group.guards)
                c.emit(loop_def)
        fdef = c.function(lam[0], lam[1], scope, name.name, py, self_sym=self_sym, entry=spec, group_entry=group)
        c.emit(fdef)
        if group is not None:
            for member, guard in zip(group.members, group.guards):
                c.emit(ast.Assign([Store(guard)], Name(mangle(member.name))))
        if binding is None:
            c.unit_functions()[name] = (lam[0], lam[1])
    else:
        value = c.expr(value_form, scope) if value_form is not None else ast.Constant(None)
        c.emit(ast.Assign([Store(py)], value))
        if binding is not None:
            c.note_value(binding, value)
    if binding is None:
        # code compiled earlier may hold this name's old variants or inlined builtin: send it here
        c.emit(ast.Expr(ast.Call(Name("_redefined"), [ast.Constant(name.name)], [])))
        record_fn = records.record_function(c, value_form) if lam is None else None
        if record_fn is not None:  # calls of it in this unit are compiled inline
            records.register(c, name, record_fn, scope)
    if spec is not None:
        c.emit(ast.Assign([Store(spec.guard)], Name("_int")))
        c.emit(ast.Expr(ast.Call(Name("_register_spec"), [
            ast.Constant(name.name), ast.Constant(spec.guard), ast.Constant(spec.py),
            ast.Tuple([ast.Constant(d) for d in sorted(spec.deps)], ast.Load())], [])))
        c.unit_specs()[name] = spec


def _note_inlined_redefinition(c: Compiler, name: Symbol) -> None:
    """A set! of a global: an inlined builtin's slots, or a specialised function's variants, follow it."""
    from ..runtime.inline_slots import SLOTS
    call = ast.Expr(ast.Call(Name("_redefined"), [ast.Constant(name.name)], []))
    if name.name in SLOTS:
        c.emit(call)
    else:  # cheap when the name has no variants: one dictionary lookup
        c.emit(ast.If(ast.Compare(ast.Constant(name.name), [ast.In()], [Name("_SPECS")]), [call], []))


@special_form("set!")
def sf_set(c: Compiler, form, scope, dest):
    parts = _shape(form, 3, 3, "(set! name value)")
    name = parts[1]
    if name.__class__ is not Symbol:
        raise syntax_error(f"set!: expected a variable name, got {write_str(name)}", form)
    value = c.expr(parts[2], scope)
    b = scope.lookup(name)
    if b is not None:
        if b.is_loop_fn is not None:
            raise CannotLoop(b.is_loop_fn)
        if name not in c.assigned:
            c.late_assigned.add(name)  # from a macro: the form is compiled again knowing it
        c.facts.discard(b)
        c.facts.discard(("int", b))
        if b.fn is not scope.fn:
            b.captured = True
            scope.fn.nonlocals.add(b.py)
        c.emit(ast.Assign([Store(b.py)], value))
    else:
        py = mangle(name.name)
        scope.fn.globals.add(py)
        c.interp.note_global_definition(name.name, c.span)
        # set! assigns an existing variable: a typo must not quietly create a global
        c.emit(if_stmt(ast.Compare(ast.Constant(py), [ast.NotIn()], [Name("_NS")]),
                      [ast.Raise(ast.Call(Name("_unbound_set"), [ast.Constant(name.name)], []), None)], []))
        c.emit(ast.Assign([Store(py)], value))
        _note_inlined_redefinition(c, name)
    return c.finish(ast.Constant(None), dest)


@special_form("lambda", "fn")
def sf_lambda(c: Compiler, form, scope, dest):
    return c.finish(c.lambda_value(form, scope), dest)


# ---------------------------------------------------------------- let family


def let_pairs(bindings_form, form) -> list:
    """``((a 1) (b 2))`` or ``[a 1 b 2]`` -> [(a, 1-form), (b, 2-form)]."""
    if bindings_form is EMPTY:
        return []
    if bindings_form.__class__ is tuple:
        items = list(bindings_form)
        if items and all(is_form(x) for x in items):
            pass  # [(a 1) (b 2)]
        else:
            if len(items) % 2:
                raise syntax_error(f"{form.car.name}: a binding vector needs name/value pairs", form)
            return [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
    elif not is_form(bindings_form):
        raise syntax_error(f"{form.car.name}: expected a list of bindings, got {write_str(bindings_form)}", form)
    else:
        items = items_of(bindings_form)
    out = []
    if items and items[0].__class__ is Symbol and len(items) == 2 and not is_form(items[1]):
        # (let (x 1) ...): one binding without its own parentheses
        raise syntax_error(f"{form.car.name}: malformed bindings {write_str(bindings_form)}; each binding is "
                           f"a list of its own: ({write_str(bindings_form)} ...)", bindings_form)
    for b in items:
        if b.__class__ is Symbol:
            out.append((b, None))
            continue
        if not (is_form(b) or b.__class__ is tuple):
            raise syntax_error(f"{form.car.name}: malformed binding {write_str(b)}; expected "
                               "((name value) ...)", bindings_form if is_form(bindings_form) else form)
        pair = items_of(b) if is_form(b) else list(b)
        if len(pair) not in (1, 2):
            raise syntax_error(f"{form.car.name}: malformed binding {write_str(b)}, expected (name value)", b)
        out.append((pair[0], pair[1] if len(pair) == 2 else None))
    return out


@special_form("let")
def sf_let(c: Compiler, form, scope, dest):
    parts = items_of(form)
    if len(parts) < 2:
        raise syntax_error("let: expected (let ((name value) ...) body ...)", form)
    if parts[1].__class__ is Symbol:
        return named_let(c, form, scope, dest)
    pairs = let_pairs(parts[1], form)
    body = parts[2:]
    if any(p.__class__ is not Symbol for p, _ in pairs):
        return compile_in(c, destructuring_let_form(pairs, body, span_of(form)), scope, dest)
    inner = scope.child()
    values = [(sym, v) for sym, v in pairs]
    lambdas = [lambda_parts(v) if v is not None else None for _, v in values]
    exprs = c.exprs_in_order([v if v is not None and lam is None else None
                              for (_, v), lam in zip(values, lambdas)], scope)
    for (sym, vform), lam, value in zip(values, lambdas, exprs):
        b = c.declare(inner, sym)
        if lam is not None:
            c.emit(c.function(lam[0], lam[1], scope, sym.name, b.py))
        else:
            c.emit(ast.Assign([Store(b.py)], value))
            c.note_value(b, value)
    return c.body(body, inner, dest)


def compile_in(c: Compiler, form, scope, dest):
    return c.compile_in(form, scope, dest)


@special_form("let*")
def sf_let_star(c: Compiler, form, scope, dest):
    parts = items_of(form)
    if len(parts) < 2:
        raise syntax_error("let*: expected (let* ((name value) ...) body ...)", form)
    pairs = let_pairs(parts[1], form)
    body = parts[2:]
    if len(pairs) <= 1:
        return compile_in(c, from_iter([S("let"), parts[1]] + body, span=span_of(form)), scope, dest)
    inner = L(S("let*"), from_iter([L(p, v) if v is not None else L(p) for p, v in pairs[1:]]), *body,
              span=span_of(form))
    first = pairs[0]
    outer = L(S("let"), L(L(first[0], first[1]) if first[1] is not None else L(first[0])), inner,
              span=span_of(form))
    return compile_in(c, outer, scope, dest)


@special_form("letrec", "letrec*")
def sf_letrec(c: Compiler, form, scope, dest):
    parts = items_of(form)
    if len(parts) < 2:
        raise syntax_error(f"{parts[0].name}: expected ({parts[0].name} ((name value) ...) body ...)", form)
    pairs = let_pairs(parts[1], form)
    for sym, _ in pairs:
        if sym.__class__ is not Symbol:
            raise syntax_error(f"{parts[0].name}: expected a name to bind, got {write_str(sym)}", form)
    inner = scope.child()
    for sym, _ in pairs:
        c.declare(inner, sym)
    # the bindings and the body's internal defines are one letrec* scope
    for sym in internal_defines(parts[2:]):
        if sym not in inner.vars:
            c.declare(inner, sym)
    for sym, vform in pairs:
        define_value(c, sym, vform, inner)
    return c.body(parts[2:], inner, dest)


def named_let(c: Compiler, form, scope, dest):
    """``(let loop ((i 0)) ...)``: an inline ``while`` loop when possible, else a local function."""
    parts = items_of(form)
    if len(parts) < 3:
        raise syntax_error("let: a named let needs bindings and a body", form)
    name = parts[1]
    pairs = let_pairs(parts[2], form)
    body = parts[3:]
    if name.__class__ is not Symbol:
        raise syntax_error(f"let: a named let needs a symbol as its name, got {write_str(name)}", form)
    not_int: set[int] = set()  # loop variables found to take non-int values
    while all(p.__class__ is Symbol for p, _ in pairs) and not c.deep_enough(scope) \
            and not c.failed_before("let", form):
        try:
            with c.speculation() as attempt:
                result = _inline_loop(c, name, pairs, body, scope, dest, not_int)
                kept = c.facts
        except CannotLoop as exc:
            if exc.loop.sym is not name or exc.loop.fn is not scope.fn:
                raise
            c.remember_failure("let", form)
        except AssumptionFailed as exc:
            if exc.loop.sym is not name or exc.loop.fn is not scope.fn:
                raise
            not_int.add(exc.index)
        else:
            c.block.extend(attempt)
            c.facts = kept
            return result
    lam = L(S("lambda"), from_iter([p for p, _ in pairs]), *body, span=span_of(form))
    rec = L(S("letrec"), L(L(name, lam)), from_iter([name] + [v for _, v in pairs], span=span_of(form)),
            span=span_of(form))
    return compile_in(c, rec, scope, dest)


def _inline_loop(c: Compiler, name, pairs, body, scope, dest, not_int=()):
    """The named let as a ``while`` loop.  A variable that starts as an int is assumed to stay one
    (induction variables: no type guards in the body); a step that breaks that is found at compile
    time (AssumptionFailed) and the loop is compiled again without the assumption for it."""
    values = c.exprs_in_order([v for _, v in pairs], scope)
    loop = Loop(name, scope.fn)
    inner = scope.child()
    fn_binding = Binding(name, "_loop", scope.fn)
    fn_binding.is_loop_fn = loop
    inner.vars[name] = fn_binding
    scope.fn.loops.append(loop)
    try:
        params = [c.declare(inner, p) for p, _ in pairs]
        loop.params = params
        steps = _assoc_steps(name, [p for p, _ in pairs], body)
        for i, (b, v) in enumerate(zip(params, values)):
            if i in steps and b.sym not in c.assigned and not is_num(v):
                b.transient = loop.transients = True  # stepped by (assoc m k v): a transient map
                v = ast.Call(Name("_tstart"), [v], [])
            c.emit(ast.Assign([Store(b.py)], v))
            if i not in not_int and is_int(v) and b.sym not in c.assigned:
                loop.int_params.add(b)
                c.facts.update((b, ("int", b)))
        if dest is None:
            tmp = c.new_tmp(stable=True)
            exit_dest = Dest("assign", tmp, brk=True)
        elif dest.kind in ("return", "loop"):
            exit_dest = dest
        else:
            exit_dest = Dest(dest.kind, dest.name, brk=True)
        with c.nested_block(scope):
            loop_body = c.sub(lambda: c.body(body, inner, Dest("loop", loop=loop, outer=exit_dest)))
        if any(b.captured for b in loop.bindings):
            raise CannotLoop(loop)
    finally:
        scope.fn.loops.pop()
    if not loop.used and not exit_dest.brk:
        c.block.extend(loop_body)
    else:  # a loop, or a body whose exits say ``break``: they need a loop around them
        c.emit(ast.While(ast.Constant(True), loop_body, []))
        if dest is not None and dest.kind == "loop" and not dest.is_tail:
            c.emit(ast.Break())
    if dest is None:
        return Name(tmp)
    return None


def _assoc_steps(name, params, body) -> set:
    """Indexes of the loop variables some call ``(name ... (assoc var k v) ...)`` in BODY steps by assoc.

    A quick look at the unexpanded forms: it only proposes; loop_continue uses the in-place step
    where the call really is this loop's continue and ``assoc`` the builtin.
    """
    found: set[int] = set()
    stack = list(body)
    while stack:
        x = stack.pop()
        if x.__class__ is not Pair:
            continue
        if x.car is name:
            arg, i = x.cdr, 0
            while arg.__class__ is Pair and i < len(params):
                step = arg.car
                if (head_name(step) == "assoc" and step.cdr.__class__ is Pair and step.cdr.car is params[i]
                        and _length(step) == 4):
                    found.add(i)
                arg, i = arg.cdr, i + 1
        while x.__class__ is Pair:
            stack.append(x.car)
            x = x.cdr
    return found


def _length(x) -> int:
    n = 0
    while x.__class__ is Pair:
        x, n = x.cdr, n + 1
    return n if x is EMPTY else -1


@special_form("%transient-step")
def sf_transient_step(c: Compiler, form, scope, dest):
    """``(assoc m k v)`` on the transient loop variable m (see runtime/transient.py), assoc not redefined
    since: in place; after a redefinition, the new assoc on the map m holds."""
    _, var, key, value = items_of(form)
    b = scope.lookup(var)
    if b is None or not b.transient:
        return compile_in(c, from_iter([S("assoc"), var, key, value], span=span_of(form)), scope, dest)
    k, v = c.operands([key, value], scope)
    raw = Name(b.py)
    builtin = ast.Compare(Name(SLOTS["assoc"].guard), [ast.Is()], [Name("_Map")])
    slow = ast.Call(Name(SLOTS["assoc"].slow_name()), [ast.Call(Name("_tview"), [raw], []), k, v], [])
    fast = ast.Call(Name("_tstep"), [raw, k, v], [])
    return c.finish(ast.IfExp(builtin, fast, slow), dest)


# ---------------------------------------------------------------- and / or


@special_form("and", "or")
def sf_and_or(c: Compiler, form, scope, dest):
    name = form.car.name
    args = items_of(form)[1:]
    if not args:
        return c.finish(ast.Constant(name == "and"), dest)
    if len(args) == 1:
        return compile_in(c, args[0], scope, dest)
    if dest is None:
        # all operands give Python bools without statements: a Python and/or chain (of bools, so
        # its value is the Lisp value); anything else keeps its own value, compiled below
        with c.speculation() as stmts:
            first = c.expr(args[0], scope)
            kept = c.facts
            with c.branch():
                values = [first] + [c.expr(a, scope) for a in args[1:]]
        if not stmts and all(getattr(v, "_sema_bool", False) for v in values):
            c.facts = kept
            return tag(ast.BoolOp(ast.And() if name == "and" else ast.Or(), values), boolean=True)
        tmp = c.new_tmp(stable=True)
        sf_and_or_dest(c, name, args, scope, Dest("assign", tmp))
        return Name(tmp)
    sf_and_or_dest(c, name, args, scope, dest)
    return None


def sf_and_or_dest(c: Compiler, name, args, scope, dest):
    tmp = c.new_tmp(stable=True)
    value = c.expr(args[0], scope)  # always runs: what it teaches holds afterwards
    c.emit(ast.Assign([Store(tmp)], value))
    truth = c.truthy(Name(tmp))
    if name == "or":
        truth = ast.UnaryOp(ast.Not(), truth)
    stop = c.sub(lambda: c.emit_value(Name(tmp), dest))
    rest = L(S(name), *args[1:]) if len(args) > 2 else args[1]
    with c.collecting() as go_on, c.branch():
        c.to_dest(rest, scope, dest)
    c.emit(if_stmt(truth, go_on, stop))


# ---------------------------------------------------------------- try / catch / finally


@special_form("try")
def sf_try(c: Compiler, form, scope, dest):
    parts = items_of(form)[1:]
    body, catch, final = [], None, None
    for p in parts:
        h = head_name(p)
        if h == "catch":
            if catch is not None or final is not None:
                raise syntax_error("try: only one catch clause, before any finally", p)
            catch = items_of(p)
            if len(catch) < 2 or catch[1].__class__ is not Symbol:
                raise syntax_error("try: expected (catch name body ...)", p)
        elif h == "finally":
            if final is not None:
                raise syntax_error("try: only one finally clause", p)
            final = items_of(p)[1:]
        else:
            if catch is not None or final is not None:
                raise syntax_error("try: body forms must come before catch and finally", p)
            body.append(p)
    # Python allows few nested try blocks per function (a try with both clauses counts most)
    weight = 1 + (catch is not None) + (final is not None)
    if (catch is not None or final) and c.deep_enough(scope, weight):
        return c.in_own_function(form, scope, dest)
    tmp = c.new_tmp(stable=True)
    out = Dest("assign", tmp)
    with c.collecting() as try_block, c.branch(), c.nested_block(scope, weight):
        c.body(body, scope.child(), out)
    handlers = []
    if catch is not None:
        inner = scope.child()
        b = c.declare(inner, catch[1])
        exc_name = c.new_tmp("_exc")
        with c.collecting() as handler, c.branch(), c.nested_block(scope, 2):
            c.emit(ast.Assign([Store(b.py)], ast.Call(Name("_catch_value"), [Name(exc_name)], [])))
            c.body(catch[2:], inner, out)
        handlers.append(ast.ExceptHandler(Name("_Catchable"), exc_name, handler))
    final_block = []
    if final:
        with c.collecting() as final_block, c.branch(), c.nested_block(scope, weight):
            c.body(final, scope.child(), DISCARD)
    if not handlers and not final_block:
        c.block.extend(try_block)
    else:
        c.emit(ast.Try(try_block, handlers, [], final_block))
    return c.finish(Name(tmp), dest)


# ---------------------------------------------------------------- macros


@special_form("defmacro")
def sf_defmacro(c: Compiler, form, scope, dest):
    parts = items_of(form)
    if len(parts) < 4 or parts[1].__class__ is not Symbol:
        raise syntax_error("defmacro: expected (defmacro name (params ...) body ...)", form)
    name, params, body = parts[1], parts[2], parts[3:]
    lam = L(S("lambda"), params, *body, span=span_of(form))
    c.interp.define_macro(name, lam, span_of(form))
    return c.finish(ast.Constant(None), dest)


_SYNTAX_USAGE = "(define-syntax name (syntax-rules (literal ...) (pattern template) ...))"


@special_form("define-syntax")
def sf_define_syntax(c: Compiler, form, scope, dest):
    """A syntax-rules macro: checked now, expanded by %syntax-rules-expand with the rules as a constant."""
    from ..macro_rules import parse_rules
    parts = items_of(form)
    if len(parts) != 3 or parts[1].__class__ is not Symbol:
        raise syntax_error(f"define-syntax: expected {_SYNTAX_USAGE}", form)
    name, spec = parts[1], parts[2]
    parse_rules(name.name, spec, span_of(form))
    args = S("%syntax-args")
    expand = L(S("%syntax-rules-expand"), L(S("quote"), spec), L(S("quote"), name), args)
    c.interp.define_macro(name, L(S("lambda"), args, expand, span=span_of(form)), span_of(form))
    return c.finish(ast.Constant(None), dest)


@special_form("syntax-rules")
def sf_syntax_rules(c: Compiler, form, scope, dest):
    raise syntax_error(f"syntax-rules: only allowed as the transformer of {_SYNTAX_USAGE}", form)


@special_form("quasiquote")
def sf_quasiquote(c: Compiler, form, scope, dest):
    parts = _shape(form, 2, 2, "(quasiquote template)")
    return compile_in(c, expand_quasiquote(parts[1], span_of(form)), scope, dest)


@special_form("unquote", "unquote-splicing")
def sf_unquote(c: Compiler, form, scope, dest):
    raise syntax_error(f"{form.car.name}: only allowed inside a quasiquote (`)", form)


# ---------------------------------------------------------------- records


_RECORD_USAGE = ("(define-record-type name (constructor field ...) predicate "
                 "(field accessor [modifier]) ...)")


def _record_name(x, what: str, form):
    """``x`` checked to be a symbol: a syntax error pointing at ``x`` (or the form) otherwise."""
    if x.__class__ is not Symbol:
        raise syntax_error(f"define-record-type: the {what} must be a symbol, got {write_str(x)}; "
                           f"expected {_RECORD_USAGE}", x if is_form(x) else form)
    return x


@special_form("define-record-type")
def sf_define_record_type(c: Compiler, form, scope, dest):
    parts = items_of(form)
    if len(parts) < 3:
        raise syntax_error(f"define-record-type: expected {_RECORD_USAGE}", form)
    tname = parts[1]
    if is_form(tname):
        tname = tname.car
    _record_name(tname, "type name", form)
    ctor = parts[2]
    pred = parts[3] if len(parts) > 3 else None
    if pred is not None:
        _record_name(pred, "predicate name", form)
    fields = []
    for spec in parts[4:]:
        sp = items_of(spec, "define-record-type field") if is_form(spec) else [spec]
        if not 1 <= len(sp) <= 3:
            raise syntax_error(f"define-record-type: malformed field spec {write_str(spec)}, "
                               "expected (field accessor [modifier])", spec if is_form(spec) else form)
        for i, x in enumerate(sp):
            _record_name(x, ("field name", "accessor name", "modifier name")[i], spec if is_form(spec) else form)
        fields.append(sp)
    field_names = [f[0].name for f in fields]
    if is_form(ctor):
        ctor_parts = items_of(ctor, "define-record-type constructor")
        if not ctor_parts:
            raise syntax_error(f"define-record-type: the constructor spec is empty; expected {_RECORD_USAGE}",
                               ctor)
        for i, x in enumerate(ctor_parts):
            _record_name(x, "constructor name" if i == 0 else "constructor field", ctor)
    elif ctor.__class__ is Symbol:
        ctor_parts = [ctor] + [f[0] for f in fields]
    else:
        raise syntax_error(f"define-record-type: the constructor must be a symbol or (constructor field ...), "
                           f"got {write_str(ctor)}", form)
    for arg in ctor_parts[1:]:
        if arg.name not in field_names:
            raise syntax_error(f"define-record-type: constructor field {arg.name} is not a declared field",
                               ctor if is_form(ctor) else form)
    display_name = tname.name.strip("<>")
    span = span_of(form)
    type_sym = S(f"%rtd-{display_name}-{fresh_id()}")
    if is_toplevel(scope):
        records.note_type(c, type_sym, field_names)
    out = [L(S("define"), type_sym, L(S("%record-type"), display_name,
                                       L(S("quote"), from_iter([S(n) for n in field_names]))), span=span)]
    out.append(L(S("define"), ctor_parts[0], L(S("%record-constructor"), type_sym,
                                               L(S("quote"), from_iter(ctor_parts[1:])),
                                               ctor_parts[0].name), span=span))
    if pred is not None:
        out.append(L(S("define"), pred, L(S("%record-predicate"), type_sym, pred.name), span=span))
    for f in fields:
        if len(f) > 1:
            out.append(L(S("define"), f[1], L(S("%record-accessor"), type_sym, f[0].name, f[1].name), span=span))
        if len(f) > 2:
            out.append(L(S("define"), f[2], L(S("%record-modifier"), type_sym, f[0].name, f[2].name), span=span))
    defined = {ctor_parts[0]} | ({pred} if pred is not None else set()) | {x for f in fields for x in f[1:]}
    if is_toplevel(scope) and tname not in defined:
        out.append(L(S("define"), tname, type_sym, span=span))
    return compile_in(c, from_iter([S("begin")] + out, span=span), scope, dest)
