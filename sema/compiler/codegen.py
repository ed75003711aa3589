"""Compile Lisp forms to Python AST.

Each top-level form becomes a Python function ``<toplevel>`` whose body is
the form compiled to statements; the interpreter calls it once.  Lisp locals
are Python locals, Lisp globals are globals of the interpreter's namespace,
lambdas are nested ``def``s.

Tail calls.  A tail call of the function itself (or of a named ``let``)
becomes a ``while True`` loop.  Any other call in tail position goes through
a budget: a function that makes such calls ("bouncer") checks at entry
whether it was itself tail-called (the caller put it into ``_TOKEN``).  A
root call runs the callee under ``_trampoline``; a tail-called one calls the
callee directly while ``_BUDGET`` lasts (about 100 frames) and then returns
the preallocated bounce marker, which unwinds to the trampoline.  So chains
of tail calls run in bounded stack and ordinary calls pay nothing.

Positions.  Generated nodes carry the Lisp line and column of the form they
come from, and code objects carry Lisp function names, so a Python traceback
through compiled code *is* a Lisp stack trace (see ``runtime.traceback``).
"""

from __future__ import annotations

import ast
import os
import warnings
from contextlib import contextmanager

from ..errors import LispSyntaxError, Span
from ..printer import write_str
from ..runtime.mapbuild import SETTERS
from ..runtime.names import mangle
from ..values import EMPTY, ArrayList, Keyword, Map, Pair, Symbol, map_items
from .forms import (
    L,
    S,
    assigned_symbols,
    head_name,
    internal_defines,
    items_of,
    span_of,
    syntax_error,
    walk_symbols,
    with_span,
)
from .nodes import (
    Name, Store, cannot_fail, copy_tags, is_bool, is_bool_when_fast, is_int, is_num, is_simple, merge_shared_guards,
    set_loc, tag,
)
from ..runtime.codeinfo import VARIANT_MARK
from .patterns import destructuring_let_form
from . import groups, records
from .specialize import direct_call, entry_check
from .scope import DISCARD, RETURN, AssumptionFailed, Binding, CannotLoop, Dest, Fn, Loop, Scope
from .tables import DERIVED, INLINE, SPECIAL_FORMS, fresh_id, load_handlers

DUMP_PYTHON = bool(os.environ.get("SEMA_DUMP_PY"))

CONSTANT_TYPES = (int, float, str, bool, complex, type(None))

#: Python allows 20 statically nested blocks (loops, try) per function; past this depth a
#: form that needs one is compiled into a function of its own (see ``Compiler.deep_enough``)
MAX_BLOCK_DEPTH = 16


class Compiler:
    """Compiles forms for one interpreter, one top-level form at a time."""

    def __init__(self, interp, filename: str):
        self.interp = interp
        self.ns = interp.namespace
        self.filename = filename
        self.block: list = []
        self.span: Span | None = None
        self.facts: set = set()          # bindings known to hold numbers here
        self.assigned: set = set()       # symbols set! somewhere in the current form
        self.def_names: dict[str, str] = {}
        self.bindings_by_py: dict[str, Binding] = {}
        self.cse_names: dict = {}        # (op, local) -> temporary holding its value (see inline._reuse)
        self.stable_tmps: set = set()    # temporaries assigned once, before any use (see is_stable)
        self.late_assigned: set = set()  # set! targets the pre-scan missed (macro output)
        self.expansions: dict = {}       # id(form) -> (form, expansion): a retry expands nothing twice
        self.failures: dict = {}         # (what, id(form)) -> form: attempts that failed (failed_before)
        self.fns: list[Fn] = []          # the Python functions being compiled, innermost last
        self.local_specs: dict = {}      # int-specialised functions of this form when no unit is recorded
        self.local_functions: dict = {}  # global functions of this form when no unit is recorded
        self.local_records: dict = {}    # record types and functions of this form when no unit is recorded

    def binding_of_py(self, py: str) -> Binding | None:
        return self.bindings_by_py.get(py)

    # ------------------------------------------------------------ entry

    def compile_toplevel(self, form):
        """Compile one top-level form to a code object of a no-argument function."""
        load_handlers()
        self.assigned = assigned_symbols(form)
        while True:
            fdef, py_name = self._toplevel_def(form)
            if not self.late_assigned:
                break
            # a macro expanded into set! of a local that code compiled earlier took as constant:
            # compile again knowing it (the expansions are reused, so no macro runs twice)
            self.assigned |= self.late_assigned
            self.late_assigned = set()
            self.facts = set()
        module = ast.Module([fdef], [])
        set_loc(fdef, self.span or Span(self.filename, 1, 1))
        ast.fix_missing_locations(module)
        self.def_names[py_name] = "<toplevel>"
        if DUMP_PYTHON:  # SEMA_DUMP_PY=1: show the generated Python (for working on the compiler)
            import sys
            sys.stderr.write(ast.unparse(module) + "\n\n")
        try:
            with warnings.catch_warnings():  # e.g. "'str' object is not callable": a Lisp error at run time
                warnings.simplefilter("ignore")
                code = compile(module, str(self.filename), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:  # a bug in the compiler, never the user's
            raise RuntimeError(f"sema compiler produced invalid Python: {exc}\n{ast.unparse(module)}") from exc
        return rename_code(code, self.def_names), py_name

    def _toplevel_def(self, form):
        py_name = f"_top{fresh_id()}"
        fn = Fn(None, "<toplevel>", py_name)
        scope = Scope(None, fn)
        self.span = span_of(form)
        body = self.sub(lambda: self.to_dest(form, scope, RETURN))
        return self.make_def(fn, [], None, body), py_name

    # ------------------------------------------------------------ blocks

    def emit(self, stmt):
        set_loc(stmt, self.span)
        self.block.append(stmt)

    @contextmanager
    def collecting(self, stmts: list | None = None):
        """Statements emitted inside the ``with`` go to ``stmts`` (a fresh list by default)."""
        saved = self.block
        self.block = [] if stmts is None else stmts
        try:
            yield self.block
        finally:
            self.block = saved

    @contextmanager
    def branch(self):
        """Compile code that runs only conditionally: what it learns does not hold afterwards."""
        saved = self.facts
        self.facts = set(saved)
        try:
            yield
        finally:
            self.facts = saved

    @contextmanager
    def speculation(self):
        """Compile code that may be thrown away: its statements go to the yielded list, and
        what it learns is forgotten (the caller keeps it with ``self.facts = kept`` if used)."""
        with self.collecting() as stmts, self.branch():
            yield stmts

    def sub(self, fn) -> list:
        """Run ``fn`` with a fresh statement block and return that block."""
        with self.collecting() as stmts:
            fn()
        return stmts

    @contextmanager
    def nested_block(self, scope: Scope, weight: int = 1):
        """Code inside a Python loop or ``try`` of the current function (Python limits their depth)."""
        scope.fn.depth += weight
        try:
            yield
        finally:
            scope.fn.depth -= weight

    def deep_enough(self, scope: Scope, weight: int = 1) -> bool:
        """True if one more block of ``weight`` would pass Python's limit on nesting."""
        return scope.fn.depth + weight > MAX_BLOCK_DEPTH

    def in_own_function(self, form, scope: Scope, dest: Dest | None):
        """``form`` compiled as the body of a function called at once (a fresh block depth)."""
        thunk = L(L(S("lambda"), EMPTY, form, span=span_of(form)), span=span_of(form))
        if dest is None:
            return self.expr(thunk, scope)
        self.to_dest(thunk, scope, dest)
        return None

    def trusted(self) -> bool:
        """True while compiling an int variant's own body: there type facts may remove guards."""
        return bool(self.fns) and self.fns[-1].spec is not None

    def unit_specs(self) -> dict:
        """The int-specialised functions of the unit being compiled, by Lisp name."""
        rec = self.interp.units.recording
        return rec.specs if rec is not None else self.local_specs

    def unit_records(self) -> dict:
        """The record types and inlinable record functions of the unit being compiled (compiler.records)."""
        rec = self.interp.units.recording
        return rec.records if rec is not None else self.local_records

    def unit_functions(self) -> dict:
        """(params, body) of the global functions of the unit being compiled, by Lisp name."""
        rec = self.interp.units.recording
        return rec.functions if rec is not None else self.local_functions

    def failed_before(self, what: str, form) -> bool:
        """True if compiling ``form`` as ``what`` (an inline loop) failed earlier in this compilation.

        Remembering it keeps nested loops that each fall back from being
        recompiled once per enclosing attempt (exponential in the nesting).
        """
        entry = self.failures.get((what, id(form)))
        return entry is not None and entry is form

    def remember_failure(self, what: str, form) -> None:
        self.failures[(what, id(form))] = form

    def new_tmp(self, base: str = "_t", *, stable: bool = False) -> str:
        name = f"{base}{fresh_id()}"
        if stable:
            self.stable_tmps.add(name)
        return name

    def declare(self, scope: Scope, sym: Symbol) -> Binding:
        if sym.__class__ is not Symbol:
            raise LispSyntaxError(f"expected a symbol to bind, got {write_str(sym)}", self.span)
        b = Binding(sym, f"{mangle(sym.name)}_{fresh_id()}", scope.fn)
        scope.vars[sym] = b
        self.bindings_by_py[b.py] = b
        active = self.active_loop(scope)
        if active is not None:
            active.bindings.append(b)
        return b

    def active_loop(self, scope: Scope) -> Loop | None:
        loops = scope.fn.loops
        return loops[-1] if loops else None

    # ------------------------------------------------------------ values

    def const(self, value) -> ast.expr:
        cls = value.__class__
        if cls in CONSTANT_TYPES:
            return ast.Constant(value)
        if cls is Keyword:
            py = "_k_" + mangle(value.name)
            if py not in self.ns:
                self.ns[py] = value
            self.interp.record_constant(py, value)
            return tag(Name(py), const=True)
        py = f"_c{self.interp.unit_prefix}_{fresh_id()}"
        self.ns[py] = value
        self.interp.record_constant(py, value)
        return tag(Name(py), const=True)

    def ref(self, sym: Symbol, scope: Scope) -> ast.expr:
        b = scope.lookup(sym)
        if b is not None:
            if b.is_loop_fn is not None:
                raise CannotLoop(b.is_loop_fn)
            if b.fn is not scope.fn and not _refers_to_itself(b, scope.fn):
                b.captured = True
            if b.transient:
                return ast.Call(Name("_tview"), [Name(b.py)], [])
            node = Name(b.py)
            if b in self.facts:
                tag(node, number=True, integer=("int", b) in self.facts)
            return node
        return Name(mangle(sym.name))

    def note_value(self, b: Binding, value: ast.expr) -> None:
        """``b`` was just given ``value``: what is known of the value holds for ``b`` while it is not set!."""
        if b.sym in self.assigned:
            return
        if is_num(value):
            self.facts.add(b)
            if is_int(value):
                self.facts.add(("int", b))

    def emit_value(self, value: ast.expr, dest: Dest) -> None:
        kind = dest.kind
        if kind == "return":
            spec = self.fns[-1].spec if self.fns else None
            if spec is not None:
                spec.returns.append(is_int(value))
            self.emit(ast.Return(value))
        elif kind == "assign":
            self.emit(ast.Assign([Store(dest.name)], value))
            if dest.brk:
                self.emit(ast.Break())
        elif kind == "discard":
            if not cannot_fail(value):  # a bare name stays: it may be unbound
                self.emit(ast.Expr(value))
            if dest.brk:
                self.emit(ast.Break())
        else:  # loop tail: the value leaves the loop
            self.emit_value(value, dest.outer)

    def finish(self, value: ast.expr, dest: Dest | None, span: Span | None = None):
        set_loc(value, span or self.span)
        if dest is None:
            return value
        self.emit_value(value, dest)
        return None

    def via_tmp(self, compile_into, dest: Dest | None):
        """Compile a statement-only form: straight into ``dest``, or into a temporary."""
        if dest is not None:
            compile_into(dest)
            return None
        tmp = self.new_tmp(stable=True)
        compile_into(Dest("assign", tmp))
        return Name(tmp)

    # ------------------------------------------------------------ dispatch

    def expr(self, form, scope: Scope) -> ast.expr:
        cls = form.__class__
        if cls is Symbol:
            return self.ref(form, scope)
        if cls is Pair or cls is ArrayList:
            return self.compound(form, scope, None)
        if form is EMPTY:
            return ast.Constant(None)  # an unquoted () is nil, as in Sema
        if cls is tuple:
            return self.vector_literal(form, scope)
        if isinstance(form, Map):
            return self.map_literal(form, scope)
        return self.const(form)

    def to_dest(self, form, scope: Scope, dest: Dest) -> None:
        cls = form.__class__
        if cls is Pair or cls is ArrayList:
            self.compound(form, scope, dest)
        else:
            self.emit_value(self.expr(form, scope), dest)

    def compile_in(self, form, scope: Scope, dest: Dest | None):
        """``form`` as an expression (``dest`` None) or into ``dest``."""
        if dest is None:
            return self.expr(form, scope)
        self.to_dest(form, scope, dest)
        return None

    def compound(self, form, scope: Scope, dest: Dest | None):
        saved_span = self.span
        span = getattr(form, "span", None)
        if span is not None:
            self.span = span
        try:
            head = form.car
            if head.__class__ is Symbol and scope.lookup(head) is None:
                name = head.name
                macro = self.interp.macros.get(head)
                if macro is not None:
                    expanded = self.expansion(form, lambda: self.interp.expand_macro(macro, form))
                    return self.compile_in(expanded, scope, dest)
                if not self.interp.is_shadowed(name):  # a user's global of a form's name replaces it
                    handler = SPECIAL_FORMS.get(name)
                    if handler is not None:
                        result = handler(self, form, scope, dest)
                        return set_loc(result, self.span) if result is not None else None
                    rewrite = DERIVED.get(name)
                    if rewrite is not None:
                        expanded = self.expansion(form, lambda: with_span(rewrite(form), span))
                        return self.compile_in(expanded, scope, dest)
                inline = INLINE.get(name)
                if inline is not None and not self.interp.is_redefined(name):
                    value = inline(self, items_of(form)[1:], scope)
                    if value is not None:
                        return self.finish(value, dest)
                rec = records.lookup(self, head, scope)
                if rec is not None:
                    value = records.inline_call(self, rec, head, items_of(form)[1:], scope)
                    if value is not None:
                        return self.finish(value, dest)
            elif head.__class__ is Keyword:
                return self.keyword_call(form, scope, dest)
            return self.call(form, scope, dest)
        finally:
            self.span = saved_span

    def expansion(self, form, expand):
        """The expansion of ``form``, computed once per compilation (a retry reuses it)."""
        entry = self.expansions.get(id(form))
        if entry is None or entry[0] is not form:
            entry = self.expansions[id(form)] = (form, expand())
        return entry[1]

    # ------------------------------------------------------------ calls

    def exprs_in_order(self, forms, scope: Scope) -> list:
        """Compile several forms left to right, keeping Lisp evaluation order.

        A form that needs statements of its own forces the values computed
        before it into temporaries, so its statements cannot overtake them.
        """
        results: list = []
        for form in forms:
            with self.collecting() as stmts:
                value = self.expr(form, scope)
            if stmts and not all(isinstance(st, ast.FunctionDef) for st in stmts):
                for i, prev in enumerate(results):
                    if not self.is_stable(prev):
                        tmp = self.new_tmp(stable=True)
                        self.emit(ast.Assign([Store(tmp)], prev))
                        results[i] = copy_tags(Name(tmp), prev)
            self.block.extend(stmts)
            results.append(value)
        return results

    def is_stable(self, node) -> bool:
        """True if evaluating other code cannot change the value of ``node``.

        Constants, temporaries assigned once before any use, and locals that are never ``set!``.
        """
        if isinstance(node, ast.Constant) or getattr(node, "_sema_const", False):
            return True
        if isinstance(node, ast.Name):
            if node.id in self.stable_tmps:
                return True
            b = self.bindings_by_py.get(node.id)
            return b is not None and b.sym not in self.assigned
        return False

    def simple(self, value: ast.expr) -> ast.expr:
        """``value`` as a name or constant, storing it in a temporary if needed."""
        if is_simple(value):
            return value
        tmp = self.new_tmp(stable=True)
        self.emit(ast.Assign([Store(tmp)], value))
        return copy_tags(Name(tmp), value)

    def operands(self, forms, scope: Scope) -> list:
        return [self.simple(v) for v in self.exprs_in_order(forms, scope)]

    def known_builtin(self, op, scope: Scope) -> bool:
        return (op.__class__ is Symbol and scope.lookup(op) is None and self.interp.is_builtin(op.name)
                and not self.interp.is_redefined(op.name))

    def call(self, form, scope: Scope, dest: Dest | None):
        parts = items_of(form, "call")
        op, args = parts[0], parts[1:]
        if op.__class__ is Symbol:
            loop = self.loop_target(op, scope)
            if loop is not None:
                if dest is not None and dest.kind == "loop" and dest.loop is loop:
                    self.loop_continue(loop, args, scope)
                    return None
                b = scope.lookup(op)
                if b is not None and b.is_loop_fn is loop:
                    raise CannotLoop(loop)  # a named-let loop called other than in tail position
                if dest is not None and dest.is_tail:
                    raise CannotLoop(loop)  # a self tail call a Python loop cannot reach
                # otherwise an ordinary (non-tail) recursive call
        if (op is S("apply") and len(args) >= 2 and dest is not None and dest.is_tail
                and scope.fn.parent is not None and self.known_builtin(op, scope)):
            # (apply f a ... lst) in tail position is a tail call of f
            values = self.exprs_in_order(args, scope)
            spread = ast.Starred(ast.Call(Name("_spread"), [self.simple(values[-1])], []), ast.Load())
            self.tail_call(values[0], values[1:-1] + [spread], scope)
            return None
        values = self.exprs_in_order(parts, scope)
        fexpr, aexprs = values[0], values[1:]
        if scope.fn.spec is not None and op.__class__ is Symbol and not (dest is not None and dest.is_tail):
            direct = direct_call(self, op, aexprs, scope)  # inside an int variant: straight to a variant
            if direct is not None:
                return self.finish(direct, dest)
        if (dest is not None and dest.is_tail and scope.fn.parent is not None
                and not self.known_builtin(op, scope)):
            group, entry = scope.fn.group, scope.fn.group_entry
            if group is not None and groups.can_jump(scope, group, op, len(aexprs)):
                aexprs = [self.simple(a) for a in aexprs]
                groups.jump(self, group, op, aexprs, scope)
            elif entry is not None and op.__class__ is Symbol and op in entry.index and scope.lookup(op) is None \
                    and len(aexprs) == entry.nparams:
                aexprs = [self.simple(a) for a in aexprs]
                groups.enter(self, entry, op, aexprs)
            self.tail_call(fexpr, aexprs, scope)
            return None
        return self.finish(ast.Call(fexpr, aexprs, []), dest)

    def loop_target(self, op: Symbol, scope: Scope) -> Loop | None:
        b = scope.lookup(op)
        if b is not None:
            return b.is_loop_fn
        fn = scope.fn
        if fn.self_loop is not None and op is fn.self_sym:
            return fn.self_loop
        return None

    def loop_continue(self, loop: Loop, args, scope: Scope) -> None:
        nparams = len(loop.params)
        if len(args) < nparams or (loop.rest is None and len(args) > nparams):
            want = f"{nparams}{' or more' if loop.rest is not None else ''}"
            self.emit(ast.Raise(ast.Call(Name("_arity_error"), [
                ast.Constant(loop.sym.name), ast.Constant(want), ast.Constant(len(args))], []), None))
            return
        if loop.transients and self.known_builtin(S("assoc"), scope):
            args = [_transient_step(arg, b, scope) for arg, b in zip(args, loop.params)] + list(args[nparams:])
        values = self.exprs_in_order(args, scope)
        for i, (b, v) in enumerate(zip(loop.params, values)):
            if b in loop.int_params and not is_int(v):
                raise AssumptionFailed(loop, i)  # compiled again without assuming it (see named_let)
        targets = [p.py for p in loop.params]
        if loop.rest is not None:
            targets.append(loop.rest.py)
            rest_values = values[nparams:]
            values = values[:nparams] + [ast.Call(Name("_list_of"), rest_values, [])]
        if len(targets) == 1:
            self.emit(ast.Assign([Store(targets[0])], values[0]))
        elif targets:
            self.emit(ast.Assign([ast.Tuple([Store(t) for t in targets], ast.Store())],
                                 ast.Tuple(values, ast.Load())))
        loop.used = True
        self.emit(ast.Continue())

    def tail_call(self, fexpr, aexprs, scope: Scope) -> None:
        """``return f(args)`` in bounded stack (see the module docstring)."""
        fn = scope.fn
        fn.bouncer = True
        fn.globals.update(("_TOKEN", "_BUDGET"))
        f = self.simple(fexpr)
        args = [a if isinstance(a, ast.Starred) else self.simple(a) for a in aexprs]
        # tail-called: call directly while the budget lasts, else unwind (the marker passes up as is)
        direct = [ast.AugAssign(Store("_BUDGET"), ast.Sub(), ast.Constant(1)),
                  ast.Assign([Store("_TOKEN")], f),
                  ast.Return(ast.Call(f, args, []))]
        self.emit(ast.If(Name("_tc"), [
            ast.If(Name("_BUDGET"), direct, []),
            ast.Return(ast.Call(Name("_bounce"), [f] + args, []))], []))
        # a root: run the callee in tail mode and resume the chain if it bounced back here
        result = self.new_tmp()
        self.emit(ast.Assign([Store("_TOKEN")], f))
        self.emit(ast.Assign([Store(result)], ast.Call(f, args, [])))
        self.emit(ast.Return(ast.IfExp(ast.Compare(Name(result), [ast.Is()], [Name("_MARKER")]),
                                       ast.Call(Name("_resume"), [], []), Name(result))))

    def keyword_call(self, form, scope: Scope, dest: Dest | None):
        parts = items_of(form)
        if len(parts) not in (2, 3):
            raise syntax_error(f"{write_str(parts[0])}: a keyword takes a map and an optional default", form)
        key = self.const(parts[0])
        args = self.operands(parts[1:], scope)
        m = args[0]
        default = args[1] if len(args) > 1 else ast.Constant(None)
        fast = ast.Call(ast.Attribute(m, "get", ast.Load()), [key, default], [])
        slow = ast.Call(Name("_keyword_lookup"), [key, m, default], [])
        test = ast.Compare(ast.Attribute(m, "__class__", ast.Load()), [ast.Is()], [Name("_Map")])
        return self.finish(ast.IfExp(test, fast, slow), dest)

    # ------------------------------------------------------------ literals

    def vector_literal(self, form: tuple, scope: Scope) -> ast.expr:
        if all(is_self_evaluating(x) for x in form):
            return self.const(form)
        return ast.Tuple(self.exprs_in_order(list(form), scope), ast.Load())

    def map_literal(self, form, scope: Scope) -> ast.expr:
        # The reader's map keeps no order, so the entries' forms are evaluated in the order they were
        # written (their spans); entries with no span are atoms, whose evaluation does nothing visible.
        items = sorted(map_items(form), key=_written_at)
        if all(is_self_evaluating(k) and is_self_evaluating(v) for k, v in items):
            return self.const(form)
        if all(k.__class__ in (Keyword, str, int) for k, _ in items):
            # constant keys stored as they are (no map_key wrapping): one dict display, then Map(dict)
            values = self.exprs_in_order([v for _, v in items], scope)
            keys = [self.const(k) for k, _ in items]
            if len(items) == 1:
                return ast.Call(ast.Attribute(Name("_EMPTY_MAP"), "set", ast.Load()), [keys[0], values[0]], [])
            if len(set(k for k, _ in items)) == len(items) and len(items) in SETTERS:  # one mutation
                flat = [x for kv in zip(keys, values) for x in kv]
                return ast.Call(Name(SETTERS[len(items)]), [Name("_EMPTY_MAP"), *flat], [])
            return ast.Call(Name("_Map"), [ast.Dict(keys, values)], [])
        flat = [x for kv in items for x in kv]
        return ast.Call(Name("_map_literal"), self.exprs_in_order(flat, scope), [])

    # ------------------------------------------------------------ tests

    def test(self, form, scope: Scope) -> ast.expr:
        """A Python expression that is true exactly when ``form`` is Lisp-true."""
        name = head_name(form)
        if (name in ("and", "or", "not") and scope.lookup(form.car) is None and not self.interp.is_redefined(name)
                and not self.interp.is_shadowed(name) and form.car not in self.interp.macros):
            args = items_of(form)[1:]
            if name == "not" and len(args) == 1:
                inner = self.test(args[0], scope)
                return tag(ast.UnaryOp(ast.Not(), inner), boolean=True)
            if name in ("and", "or") and len(args) == 1:
                return self.test(args[0], scope)
            if name in ("and", "or") and args:
                return self.bool_chain(name, args, scope)
        value = self.expr(form, scope)
        return self.truthy(value)

    def bool_chain(self, name: str, args, scope: Scope) -> ast.expr:
        """``(and a b)`` as a test: operands after the first run only conditionally."""
        chain = self.pure_bool_chain(name, args, scope)
        if chain is not None:
            return chain
        tmp = self.new_tmp(stable=True)
        self.to_dest(L(S(name), *args), scope, Dest("assign", tmp))
        return self.truthy(Name(tmp))

    def pure_bool_chain(self, name: str, args, scope: Scope) -> ast.expr | None:
        """``(and a b ...)`` as one Python ``and``/``or`` expression, or None if an operand
        needs statements (then nothing was emitted and nothing learnt)."""
        with self.speculation() as stmts:
            first = self.test(args[0], scope)
            after_first = self.facts
            rest = []
            with self.branch():  # operands after the first run only conditionally
                for arg in args[1:]:
                    rest.append(self.test(arg, scope))
        if stmts:
            return None
        self.facts = after_first
        op = ast.And if name == "and" else ast.Or
        parts = merge_shared_guards(op, [first] + rest)
        return parts[0] if len(parts) == 1 else tag(ast.BoolOp(op(), parts), boolean=True)

    def truthy(self, value: ast.expr) -> ast.expr:
        if is_bool(value):
            return value
        if is_bool_when_fast(value):  # test the slow path's value (any Lisp value) the Lisp way
            return tag(ast.IfExp(value.test, value.body, self.truthy(value.orelse)), boolean=True)
        if isinstance(value, ast.Constant):
            return ast.Constant(value.value is not False and value.value is not None)
        if isinstance(value, ast.Name):
            v1, v2 = value, Name(value.id)
        else:
            tmp = self.new_tmp()
            v1, v2 = ast.NamedExpr(Store(tmp), value), Name(tmp)
        return tag(ast.BoolOp(ast.And(), [
            ast.Compare(v1, [ast.IsNot()], [ast.Constant(False)]),
            ast.Compare(v2, [ast.IsNot()], [ast.Constant(None)]),
        ]), boolean=True)

    # ------------------------------------------------------------ bodies

    def body(self, forms, scope: Scope, dest: Dest | None):
        """A sequence of forms (a lambda or let body): internal defines are local."""
        if not forms:
            return self.finish(ast.Constant(None), dest)
        for sym in internal_defines(forms):
            if sym not in scope.vars:
                self.declare(scope, sym)
        for form in forms[:-1]:
            self.to_dest(form, scope, DISCARD)
        last = forms[-1]
        if dest is None:
            return self.expr(last, scope)
        self.to_dest(last, scope, dest)
        return None

    # ------------------------------------------------------------ functions

    def function(self, params_form, body_forms, scope: Scope, lisp_name: str, py_name: str,
                 self_sym=None, spec=None, entry=None, group_entry=None) -> ast.FunctionDef:
        """Compile ``(lambda params body...)`` to a ``def`` named ``py_name``."""
        if self_sym is not None and not any(s is self_sym for f in body_forms for s in walk_symbols(f)):
            self_sym = None
        if self_sym is not None and not self.failed_before("loop", params_form):
            try:
                return self._function(params_form, body_forms, scope, lisp_name, py_name, self_sym, True, spec,
                                      entry, group_entry)
            except CannotLoop as exc:
                if exc.loop.fn.parent is not scope.fn or exc.loop.sym is not self_sym:
                    raise
                self.remember_failure("loop", params_form)
        return self._function(params_form, body_forms, scope, lisp_name, py_name, self_sym, False, spec, entry,
                              group_entry)

    def _function(self, params_form, body_forms, scope, lisp_name, py_name, self_sym, as_loop, spec=None,
                  entry=None, group_entry=None):
        docstring = None
        if len(body_forms) > 1 and isinstance(body_forms[0], str):
            docstring, body_forms = body_forms[0], body_forms[1:]
        fn = Fn(scope.fn, lisp_name, py_name, self_sym)
        fn.group_entry = group_entry
        if spec is not None:
            fn.spec, spec.fn = spec, fn
            spec.returns, spec.deps = [], set()
        inner = Scope(scope, fn)
        saved_facts = self.facts
        # facts about outer locals hold inside; reusable values are temporaries of the outer function
        self.facts = {f for f in saved_facts if not (f.__class__ is tuple and f[0] == "cse")}
        self.fns.append(fn)
        try:
            params, rest, patterns = parse_params(params_form, self.span)
            loop = Loop(self_sym, fn) if as_loop else None
            if loop is not None:
                fn.self_loop = loop
                fn.loops.append(loop)
            pbinds = [self.declare(inner, p) if p.__class__ is Symbol else None for p in params]
            tmp_params = []
            for i, p in enumerate(params):
                if pbinds[i] is None:  # a destructuring pattern: bind a temporary, destructure in the body
                    tmp_sym = S(f"%param{fresh_id()}")
                    pbinds[i] = self.declare(inner, tmp_sym)
                    tmp_params.append((p, tmp_sym))
            rbind = self.declare(inner, rest) if rest is not None else None
            if loop is not None:
                loop.params = pbinds
                loop.rest = rbind
            if spec is not None:  # the variant's int parameters: known ints, and kept so by its loop
                for i in spec.int_params:
                    self.facts.update((pbinds[i], ("int", pbinds[i])))
                    if loop is not None:
                        loop.int_params.add(pbinds[i])
            if entry is not None:
                fn.entry = entry_check(entry, [b.py for b in pbinds])
            if tmp_params:
                body_forms = [destructuring_let_form(tmp_params, body_forms, self.span)]
            if loop is not None:
                with self.nested_block(inner):
                    body = self.sub(lambda: self.body(body_forms, inner, Dest("loop", loop=loop, outer=RETURN)))
                if any(b.captured for b in loop.bindings):
                    raise CannotLoop(loop)
                if loop.used:
                    body = [ast.While(ast.Constant(True), body, [])]
            else:
                body = self.sub(lambda: self.body(body_forms, inner, RETURN))
        finally:
            self.facts = saved_facts
            self.fns.pop()
        prologue = []
        if rbind is not None:
            prologue.append(ast.Assign([Store(rbind.py)], ast.Call(Name("_list_of"), [
                ast.Starred(Name(rbind.py), ast.Load())], [])))
        if docstring is not None:
            prologue.insert(0, ast.Expr(ast.Constant(docstring)))
        return self.make_def(fn, [b.py for b in pbinds], rbind.py if rbind else None, prologue + body)

    def make_def(self, fn: Fn, params: list, rest: str | None, body: list) -> ast.FunctionDef:
        prologue = []
        if fn.globals:
            prologue.append(ast.Global(sorted(fn.globals)))
        if fn.nonlocals:
            prologue.append(ast.Nonlocal(sorted(fn.nonlocals)))
        if fn.bouncer:
            if fn.py_name in fn.parent_globals():
                # a global function knows itself by its global name
                tail_called = ast.Compare(Name("_TOKEN"), [ast.Is()], [Name(fn.py_name)])
            else:
                # a closure must not refer to itself: that cycle would make every closure it creates
                # garbage only the cycle collector frees.  It knows itself by its code object instead
                # (bound to _code_<unit>_<name> after compiling, see runtime.codeinfo.install_code; the unit
                # prefix keeps names from different sources apart, as with constants).
                tail_called = ast.BoolOp(ast.And(), [
                    ast.Compare(ast.Attribute(Name("_TOKEN"), "__class__", ast.Load()), [ast.Is()],
                                [Name("_FunctionType")]),
                    ast.Compare(ast.Attribute(Name("_TOKEN"), "__code__", ast.Load()), [ast.Is()],
                                [Name(f"_code_{self.interp.unit_prefix}_{fn.py_name}")])])
            prologue.append(ast.If(
                tail_called,
                [ast.Assign([Store("_TOKEN")], ast.Constant(None)), ast.Assign([Store("_tc")], ast.Constant(True))],
                [ast.Assign([Store("_tc")], ast.Constant(False))]))
        if fn.entry is not None:  # after the tail-call check, which consumes a token meant for this function
            prologue.append(fn.entry)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = [body[0]] + prologue + body[1:]
        else:
            body = prologue + body
        if not _always_leaves(body):
            body.append(ast.Return(ast.Constant(None)))
            if fn.spec is not None:
                fn.spec.returns.append(False)
        args = ast.arguments(
            posonlyargs=[], args=[ast.arg(p) for p in params],
            vararg=ast.arg(rest) if rest else None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        fdef = ast.FunctionDef(fn.py_name, args, body, [], None)
        for stmt in body:
            set_loc(stmt, self.span)
        self.def_names[fn.py_name] = fn.lisp_name
        return fdef

    def lambda_value(self, form, scope: Scope, lisp_name: str = "lambda", py_name: str | None = None,
                     self_sym=None) -> ast.expr:
        """Emit the ``def`` for a lambda form and return an expression for the function."""
        parts = items_of(form)
        if len(parts) < 2:
            raise syntax_error(f"{parts[0].name}: expected (lambda (params ...) body ...)", form)
        py = py_name or self.new_tmp("_fn")
        fdef = self.function(parts[1], parts[2:], scope, lisp_name, py, self_sym)
        self.emit(fdef)
        return Name(py)


def _always_leaves(stmts: list) -> bool:
    """True if running ``stmts`` never falls off their end (it returns, raises or loops for ever)."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.While):  # the compiler's loops are ``while True``, left only by return or break
        return not any(isinstance(n, ast.Break) for n in _own_statements(last.body))
    if isinstance(last, ast.If):
        return _always_leaves(last.body) and _always_leaves(last.orelse)
    return False


def _own_statements(stmts):
    """The statements of a loop body, not descending into nested loops or functions (their breaks are theirs)."""
    stack = list(stmts)
    while stack:
        s = stack.pop()
        yield s
        if isinstance(s, ast.If):
            stack.extend(s.body + s.orelse)
        elif isinstance(s, ast.Try):
            stack.extend(s.body + s.orelse + s.finalbody + [st for h in s.handlers for st in h.body])


def _transient_step(arg, b: Binding, scope: Scope):
    """``(assoc m k v)`` stepping the transient loop variable ``m`` itself: the in-place form."""
    if (b.transient and head_name(arg) == "assoc" and arg.cdr.__class__ is Pair
            and arg.cdr.car.__class__ is Symbol and scope.lookup(arg.cdr.car) is b):
        parts = items_of(arg)
        if len(parts) == 4:
            return with_span(L(S("%transient-step"), *parts[1:]), span_of(arg))
    return arg


def _refers_to_itself(b: Binding, fn: Fn) -> bool:
    """True if ``fn`` is (inside) the function bound to ``b``: a self-reference, which every
    closure made from it shares harmlessly (so ``b`` need not be a variable of its own per loop step)."""
    while fn is not None and fn is not b.fn:
        if fn.py_name == b.py:
            return True
        fn = fn.parent
    return False


def is_self_evaluating(x) -> bool:
    cls = x.__class__
    if cls is Symbol or cls is Pair or cls is ArrayList:
        return False
    if cls is tuple:
        return all(is_self_evaluating(i) for i in x)
    if isinstance(x, Map):
        return all(is_self_evaluating(k) and is_self_evaluating(v) for k, v in map_items(x))
    return True


def parse_params(form, span) -> tuple[list, Symbol | None, list]:
    """Lambda parameters: ``(a b . rest)``, ``args``, ``[a b & rest]``, with patterns allowed."""
    if form.__class__ is Symbol:
        return [], form, []
    params, rest = [], None
    if form.__class__ is tuple:
        items = list(form)
    else:
        items = []
        x = form
        while x.__class__ is Pair:
            items.append(x.car)
            x = x.cdr
        if x.__class__ is ArrayList:
            items.extend(x.items[x.start:])
        elif x is not EMPTY:
            rest = x
    i = 0
    while i < len(items):
        p = items[i]
        if p is S("&") or p is S("."):
            if i + 2 != len(items):
                raise LispSyntaxError("lambda: exactly one parameter must follow & in a parameter list", span)
            rest = items[i + 1]
            break
        params.append(p)
        i += 1
    if rest is not None and rest.__class__ is not Symbol:
        raise LispSyntaxError(f"lambda: the rest parameter must be a symbol, got {write_str(rest)}", span)
    seen = set()
    for p in params + ([rest] if rest is not None else []):
        if p.__class__ is Symbol:
            if p in seen and p is not S("_"):
                raise LispSyntaxError(f"lambda: duplicate parameter {p.name}", span)
            seen.add(p)
        elif p.__class__ is not tuple and not isinstance(p, Map):
            raise LispSyntaxError(f"lambda: a parameter must be a symbol or a pattern, got {write_str(p)}", span)
    return params, rest, []


def rename_code(code, names: dict):
    """Give compiled code objects their Lisp names (for stack traces and arity errors)."""
    consts = tuple(rename_code(c, names) if hasattr(c, "co_code") else c for c in code.co_consts)
    lisp = names.get(code.co_name)
    changes = {"co_consts": consts}
    if lisp is not None:
        changes["co_name"] = lisp
        if hasattr(code, "co_qualname"):  # an int variant says so: stack traces show it and its entry as one
            changes["co_qualname"] = lisp + VARIANT_MARK if code.co_name.startswith("_int_variant_") else lisp
    return code.replace(**changes)


def _written_at(entry) -> tuple:
    """Where a map literal's entry (key, value) was written: the first span of its two forms, if any."""
    for part in entry:
        span = span_of(part)
        if span is not None:
            return (span.line, span.col)
    return (0, 0)
