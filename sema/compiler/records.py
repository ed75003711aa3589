"""Record constructors, predicates and accessors compiled inline within their unit.

``(define-record-type num (make-num value) num? (value num-value))`` defines
plain functions; a call of one of them from code of the same unit (a file,
or one REPL entry) becomes the Python expression it would run::

    (num? x)        ->  (x.__class__ is _Record and x.rtype is T) if G is _int else num_p(x)
    (num-value x)   ->  x.fields['value'] if G is _int and x.__class__ is _Record and x.rtype is T
                        else num_value(x)
    (make-num 1)    ->  _Record(T, {'value': 1}) if G is _int else make_num(1)

``T`` is the record type's global and ``G`` a guard global that starts as
``int``.  Redefining the function (``define``, ``set!``) turns the guard into
a class no value is, through the slot mechanism that also invalidates
int-specialised variants (``runtime.inline_slots.redirect``), so code compiled
earlier calls the new definition.  A value of the wrong type takes the slow
path and gets the accessor's own error.  Only the unit's own records are
inlined, so cached code never names another unit's globals.
"""

from __future__ import annotations

import ast

from ..runtime.names import mangle
from ..values import Pair, Symbol
from .forms import head_name, is_form, items_of
from .nodes import Name, Store, bool_when_fast
from .tables import fresh_id

_KINDS = {"%record-constructor": "new", "%record-predicate": "pred", "%record-accessor": "get"}


class RecordFn:
    """One inlinable record function: its kind, its type's global, the guard, and its fields."""

    __slots__ = ("kind", "type_py", "guard", "field", "args", "fields")

    def __init__(self, kind: str, type_py: str, guard: str, field=None, args=(), fields=()):
        self.kind = kind        # "new", "pred" or "get"
        self.type_py = type_py  # the Python global holding the RecordType
        self.guard = guard      # int while the function is the one defined here
        self.field = field      # the field an accessor reads
        self.args = args        # the constructor's parameters (field names), in order
        self.fields = fields    # every field of the type, in order


def _quoted_names(form) -> tuple | None:
    """The names of ``(quote (a b ...))``, or None."""
    if head_name(form) != "quote":
        return None
    inner = items_of(form)[1]
    if inner.__class__ is not Pair and not is_form(inner):
        return ()
    names = items_of(inner)
    return tuple(n.name for n in names) if all(n.__class__ is Symbol for n in names) else None


def note_type(c, type_sym: Symbol, field_names) -> None:
    """A define-record-type at top level: its type global's fields, for the functions defined next."""
    c.unit_records()[type_sym] = tuple(field_names)


def record_function(c, value_form) -> RecordFn | None:
    """The RecordFn a global definition's value form makes, when it is a record function of this unit."""
    type_fields = c.unit_records()
    kind = _KINDS.get(head_name(value_form)) if is_form(value_form) else None
    if kind is None:
        return None
    parts = items_of(value_form)
    type_sym = parts[1] if len(parts) > 1 else None
    if type_sym.__class__ is not Symbol or type_fields.get(type_sym).__class__ is not tuple:
        return None
    guard = f"_rec_{c.interp.unit_prefix}_{fresh_id()}"
    fields = type_fields[type_sym]
    if kind == "get":
        return RecordFn(kind, mangle(type_sym.name), guard, field=parts[2]) if isinstance(parts[2], str) else None
    if kind == "new":
        args = _quoted_names(parts[2])
        return RecordFn(kind, mangle(type_sym.name), guard, args=args, fields=fields) if args is not None else None
    return RecordFn(kind, mangle(type_sym.name), guard)


def register(c, name: Symbol, rec: RecordFn, scope) -> None:
    """After the definition of NAME: start its guard and have a redefinition invalidate it."""
    scope.fn.globals.add(rec.guard)
    c.emit(ast.Assign([Store(rec.guard)], Name("_int")))
    c.emit(ast.Expr(ast.Call(Name("_register_spec"), [
        ast.Constant(name.name), ast.Constant(rec.guard), ast.Constant(rec.guard + "_was"),
        ast.Tuple([], ast.Load())], [])))
    c.unit_records()[name] = rec


def _is(a, b) -> ast.expr:
    return ast.Compare(a, [ast.Is()], [b])


def _of_type(x, rec: RecordFn) -> list:
    return [_is(ast.Attribute(x, "__class__", ast.Load()), Name("_Record")),
            _is(ast.Attribute(x, "rtype", ast.Load()), Name(rec.type_py))]


def lookup(c, op, scope) -> RecordFn | None:
    """The unit's record function OP names here, or None."""
    if op.__class__ is not Symbol or scope.lookup(op) is not None or op in c.interp.macros:
        return None
    rec = c.unit_records().get(op)
    return rec if rec.__class__ is RecordFn else None


def inline_call(c, rec: RecordFn, op: Symbol, args, scope) -> ast.expr | None:
    """The inline expression of the call ``(op args ...)``, or None (a wrong count: the call reports it)."""
    if rec.kind == "new":
        if len(args) != len(rec.args):
            return None
        values = c.operands(args, scope)
        given = dict(zip(rec.args, values))
        fields = ast.Dict([ast.Constant(f) for f in rec.fields],
                          [given.get(f, ast.Constant(None)) for f in rec.fields])
        fast = ast.Call(Name("_Record"), [Name(rec.type_py), fields], [])
        return ast.IfExp(_is(Name(rec.guard), Name("_int")), fast, ast.Call(Name(mangle(op.name)), values, []))
    if len(args) != 1:
        return None
    (x,) = c.operands(args, scope)
    slow = ast.Call(Name(mangle(op.name)), [x], [])
    if rec.kind == "pred":
        fast = ast.BoolOp(ast.And(), _of_type(x, rec))
        return bool_when_fast(ast.IfExp(_is(Name(rec.guard), Name("_int")), fast, slow))
    read = ast.Subscript(ast.Attribute(x, "fields", ast.Load()), ast.Constant(rec.field), ast.Load())
    guard = ast.BoolOp(ast.And(), [_is(Name(rec.guard), Name("_int"))] + _of_type(x, rec))
    return ast.IfExp(guard, read, slow)
