"""What compiled code needs at run time besides the builtins.

:func:`make_namespace` builds an interpreter's global namespace: the
builtins under their mangled names, the helpers the code generator refers
to (``_add2``, ``_Pair``, ``_trampoline`` ...) and the ``%``-prefixed
internal functions that derived forms expand into.  Each interpreter gets
its own namespace, so two interpreters share nothing.
"""

from __future__ import annotations

import time

from ..errors import ArityError, EvalError, LispTypeError, UserError
from ..values import (
    EMPTY, ArrayList, Keyword, Map, Pair, Parameter, Promise, Record, RecordType, Symbol, equal, is_true,
    iter_list, keyword_lookup, list_length, make_list, make_map, map_key, to_pylist, write_str,
)
from .names import mangle

TAIL_BUDGET = 100


class Bounce:
    """The marker a tail-called function returns to unwind to its trampoline."""

    __slots__ = ("fn", "args")

    def __init__(self):
        self.fn = None
        self.args = ()


def make_tail_calls(ns: dict):
    """The ``_bounce`` and ``_resume`` helpers and the marker of one namespace.

    A function called in tail position while ``_BUDGET`` lasts calls its own
    tail callee directly; out of budget it returns ``_bounce(f, args)``,
    which unwinds to the nearest root caller, which calls ``_resume``.
    ``_resume`` leaves the budget at 0: any enclosing chain of tail calls
    then bounces at its next step, so no chain outgrows the budget.
    """
    marker = Bounce()

    def _bounce(fn, *args):
        marker.fn = fn
        marker.args = args
        return marker

    def _resume():
        try:
            while True:
                fn, args = marker.fn, marker.args
                marker.fn = None
                ns["_BUDGET"] = TAIL_BUDGET
                ns["_TOKEN"] = fn
                result = fn(*args)
                if result is not marker:
                    return result
        finally:
            ns["_BUDGET"] = 0
            ns["_TOKEN"] = None

    return marker, _bounce, _resume


def bind_code_constants(code, ns: dict) -> None:
    """Bind ``_code_<name>`` globals to the code objects of the closures that check them.

    A closure that makes tail calls recognises itself by its code object (see
    compiler.codegen); this runs for freshly compiled and for cached code alike.
    """
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            for name in const.co_names:
                if name.startswith("_code_"):
                    ns[name] = const
            bind_code_constants(const, ns)


def list_of(*items):
    return ArrayList(list(items)) if items else EMPTY


def map_literal(*flat):
    return make_map(zip(flat[0::2], flat[1::2]))


def arity_error(name, want, got):
    return ArityError(f"{name}: expected {want} argument{'' if want == '1' else 's'}, got {got}")


def unbound_set(name, candidates=()):
    from ..errors import UnboundSymbolError
    err = UnboundSymbolError(name, candidates=candidates)
    err.hints.insert(0, "set! changes an existing variable; use define to create one")
    return err


def qq_append(*segments):
    """Concatenate list segments; the last may be any value (a dotted tail)."""
    if not segments:
        return EMPTY
    out = segments[-1]
    for seg in reversed(segments[:-1]):
        if seg is None:
            continue
        if seg.__class__ is tuple:
            items = list(seg)
        elif seg is EMPTY or isinstance(seg, (Pair, ArrayList)):
            items = to_pylist(seg)
        else:
            raise LispTypeError(f"unquote-splicing (,@): expected a list, got {write_str(seg)}")
        for item in reversed(items):
            out = Pair(item, out)
    return out


def qq_vector(lst):
    return tuple(iter_list(lst))


def case_match(key, datums):
    for d in iter_list(datums):
        if equal(key, d):
            return True
    return False


def parameterize(params, values, thunk):
    params = to_pylist(params)
    values = to_pylist(values)
    saved = []
    for p, v in zip(params, values):
        if not isinstance(p, Parameter):
            raise LispTypeError(f"parameterize: expected a parameter, got {write_str(p)}")
        saved.append(p.value)
        p.value = p.converter(v) if p.converter is not None else v
    try:
        return thunk()
    finally:
        for p, v in zip(params, saved):
            p.value = v


def values_to_list(v):
    from ..values import MultipleValues
    if v.__class__ is MultipleValues:
        return make_list(list(v.values))
    return make_list([v])


def bind_values(value, n, has_rest, who):
    """The tuple of values a values-binding form binds: N values, plus the rest as a list."""
    from ..values import MultipleValues
    vals = value.values if value.__class__ is MultipleValues else (value,)
    if len(vals) < n or (not has_rest and len(vals) > n):
        want = f"{n}{' or more' if has_rest else ''}"
        raise ArityError(f"{who}: expected {want} value{'s' if n != 1 or has_rest else ''}, got {len(vals)}")
    if has_rest:
        return tuple(vals[:n]) + (make_list(list(vals[n:])),)
    return tuple(vals)


def record_type(name, fields):
    return RecordType(name, tuple(f.name for f in iter_list(fields)))


def record_constructor(rtype: RecordType, args, name):
    arg_names = [a.name for a in iter_list(args)]
    n = len(arg_names)

    def construct(*values):
        if len(values) != n:
            raise ArityError(f"{name}: expected {n} argument{'s' if n != 1 else ''}, got {len(values)}")
        fields = dict.fromkeys(rtype.field_names)
        fields.update(zip(arg_names, values))
        return Record(rtype, fields)
    construct.__name__ = construct.__qualname__ = name
    construct.__doc__ = f"Make a {rtype.name} record from its fields ({' '.join(arg_names)})."
    return construct


def record_predicate(rtype, name):
    def predicate(x):
        return x.__class__ is Record and x.rtype is rtype
    predicate.__name__ = predicate.__qualname__ = name
    predicate.__doc__ = f"True if the argument is a {rtype.name} record."
    return predicate


def record_accessor(rtype, field, name):
    def access(r):
        if r.__class__ is not Record or r.rtype is not rtype:
            raise LispTypeError(f"{name}: expected a {rtype.name} record, got {write_str(r)}")
        return r.fields[field]
    access.__name__ = access.__qualname__ = name
    access.__doc__ = f"The {field} field of a {rtype.name} record."
    return access


def record_modifier(rtype, field, name):
    def modify(r, value):
        if r.__class__ is not Record or r.rtype is not rtype:
            raise LispTypeError(f"{name}: expected a {rtype.name} record, got {write_str(r)}")
        r.fields[field] = value
        return None
    modify.__name__ = modify.__qualname__ = name
    modify.__doc__ = f"Set the {field} field of a {rtype.name} record."
    return modify


def nth_or_nil(seq, i):
    if seq.__class__ is tuple:
        return seq[i] if i < len(seq) else None
    if seq is None:
        return None
    if isinstance(seq, (Pair, ArrayList)) or seq is EMPTY:
        x = seq
        for _ in range(i):
            if x.__class__ is Pair or x.__class__ is ArrayList:
                x = x.cdr
            else:
                return None
        return x.car if x.__class__ is Pair or x.__class__ is ArrayList else None
    if isinstance(seq, str):
        from ..values import Char
        return Char(seq[i]) if i < len(seq) else None
    raise LispTypeError(f"destructuring: expected a list or vector, got {write_str(seq)}")


def drop_seq(seq, i):
    if seq is None:
        return EMPTY
    if isinstance(seq, str):
        from ..values import Char
        return make_list([Char(c) for c in seq[i:]])
    if seq.__class__ is tuple:
        return make_list(list(seq[i:]))
    if isinstance(seq, (Pair, ArrayList)) or seq is EMPTY:
        return make_list(to_pylist(seq)[i:])
    raise LispTypeError(f"destructuring: expected a list or vector, got {write_str(seq)}")


def get_key(m, k):
    if m is None:
        return None
    if isinstance(m, Map):
        return m.get(map_key(k))
    if m.__class__ is Record and k.__class__ is Keyword:
        return m.fields.get(k.name)
    raise LispTypeError(f"destructuring: expected a map, got {write_str(m)}")


def tuple_ref(t, i):
    return t[i]


_UNDERSCORE = Symbol("_")
_AMP = Symbol("&")
_QUOTE = Symbol("quote")


def match_pattern(pat, value):
    """The values bound by match pattern ``pat`` against ``value`` (a tuple), or None."""
    out: list = []
    return tuple(out) if _match(pat, value, out) else None


def _match(pat, value, out) -> bool:
    cls = pat.__class__
    if cls is Symbol:
        if pat is not _UNDERSCORE:
            out.append(value)
        return True
    if cls is tuple or ((cls is Pair or cls is ArrayList) and pat.car is not _QUOTE):
        items = list(pat) if cls is tuple else to_pylist(pat)
        if value.__class__ is tuple:
            seq = list(value)
        elif value is EMPTY or value.__class__ is Pair or value.__class__ is ArrayList:
            seq = to_pylist(value)
        else:
            return False
        if _AMP in items:
            k = items.index(_AMP)
            if len(seq) < k:
                return False
            for p, v in zip(items[:k], seq):
                if not _match(p, v, out):
                    return False
            rest = make_list(seq[k:])
            return _match(items[k + 1], rest, out) if k + 1 < len(items) else True
        if len(seq) != len(items):
            return False
        return all(_match(p, v, out) for p, v in zip(items, seq))
    if cls is Pair or cls is ArrayList:  # (quote datum)
        return equal(pat.cdr.car, value)
    if isinstance(pat, Map):
        if not isinstance(value, Map):
            return False
        from ..values import sorted_items
        for key, sub in sorted_items(pat):  # the same order as patterns.pattern_vars
            if key is Keyword("keys") or key is Keyword("strs"):
                for name in (list(sub) if sub.__class__ is tuple else to_pylist(sub)):
                    lookup = Keyword(name.name) if key is Keyword("keys") else name.name
                    out.append(value.get(map_key(lookup)))
            elif key is Keyword("as"):
                out.append(value)
            else:
                missing = object()
                v = value.get(map_key(key), missing)
                if v is missing or not _match(sub, v, out):
                    return False
        return True
    return equal(pat, value)


def match_failed(value):
    raise EvalError(f"match: no clause matched {write_str(value)}")


def check(value, form, message):
    if not is_true(value):
        text = f"expected {write_str(form)} to be true"
        raise UserError(f"{text}: {message}" if message else text)
    return True


def time_thunk(thunk):
    import sys
    start = time.perf_counter()
    result = thunk()
    sys.stderr.write(f"elapsed: {(time.perf_counter() - start) * 1000:.3f} ms\n")
    return result


def make_promise(thunk):
    return Promise(thunk)


INTERNALS = {
    "%list": list_of,
    "%qq-append": qq_append,
    "%qq-vector": qq_vector,
    "%map-literal": map_literal,
    "%case-match": case_match,
    "%parameterize": parameterize,
    "%values->list": values_to_list,
    "%bind-values": bind_values,
    "%record-type": record_type,
    "%record-constructor": record_constructor,
    "%record-predicate": record_predicate,
    "%record-accessor": record_accessor,
    "%record-modifier": record_modifier,
    "%nth-or-nil": nth_or_nil,
    "%drop-seq": drop_seq,
    "%get": get_key,
    "%tuple-ref": tuple_ref,
    "%match-pattern": match_pattern,
    "%match-failed": match_failed,
    "%check": check,
    "%time": time_thunk,
    "%make-promise": make_promise,
}


class _NeverMatches:
    """A class no value has: the guard of an inlined builtin once the builtin is redefined."""


def redefine_inlined(ns: dict, name: str) -> None:
    """The global ``name`` (an inlined builtin) was redefined: send compiled code to the new value."""
    from ..compiler.inline import SLOTS
    slots = SLOTS.get(name)
    if slots is None:
        return
    guard, slow_names = slots
    if guard is not None:
        ns[guard] = _NeverMatches
    for slow in slow_names:
        ns[slow] = ns[mangle(name)]


def inline_slots() -> dict:
    """The initial guard and slow-path globals of every inlined builtin."""
    from ..builtins import numbers
    from .registry import BUILTINS
    slots = {
        "_add2": numbers.add2, "_sub2": numbers.sub2, "_mul2": numbers.mul2, "_neg": numbers.neg,
        "_lt2": numbers.lt2, "_gt2": numbers.gt2, "_le2": numbers.le2, "_ge2": numbers.ge2,
        "_numeq": equal, "_zerop": BUILTINS["zero?"], "_car": BUILTINS["car"], "_cdr": BUILTINS["cdr"],
        "_cons": Pair, "_Pair_car": Pair, "_Pair_cdr": Pair,
        "_get": BUILTINS["get"], "_assoc": BUILTINS["assoc"], "_Map_get": Map, "_Map_assoc": Map,
        "_WRAPPED_KEYS": frozenset((bool, float, complex)),
        "_string_append": BUILTINS["string-append"], "_number_to_string": BUILTINS["number->string"],
        "_string_length": BUILTINS["string-length"], "_str_append": str, "_str_length": str, "_int_n2s": int,
        "_str": str, "_len": len,
    }
    for guard in ("_int_add", "_int_sub", "_int_mul", "_int_lt", "_int_gt", "_int_le", "_int_ge", "_int_eq",
                  "_int_zerop"):
        slots[guard] = int
    return slots


def lazy_stub(interp, ns: dict, name: str, module: str):
    """A stand-in for a lazy builtin: the first call imports its module and installs the real ones."""
    def stub(*args):
        return resolve_lazy(interp, ns, name, module)(*args)
    stub.__name__ = stub.__qualname__ = name
    stub.lazy_module = module
    return stub


def resolve_lazy(interp, ns: dict, name: str, module: str):
    """Import a lazy builtin's module and put its builtins (still stubs) into ``ns``; the real ``name``."""
    import importlib
    from .registry import BUILTINS, LAZY_BUILTINS, make_interp_builtins
    importlib.import_module(module)
    names = {n for n, m in LAZY_BUILTINS.items() if m == module}
    real = {n: BUILTINS[n] for n in names if n in BUILTINS}
    real.update(make_interp_builtins(interp, names))
    for n, fn in real.items():
        current = ns.get(mangle(n))
        if getattr(current, "lazy_module", None) == module:  # not redefined by the user meanwhile
            ns[mangle(n)] = fn
    return real[name]


def make_namespace(interp) -> dict:
    """A fresh global namespace with every builtin and helper installed."""
    from .. import builtins as builtin_modules
    from ..builtins.control import spread_args
    from ..builtins import numbers
    from .registry import BUILTINS, LAZY_BUILTINS, make_interp_builtins

    builtin_modules.load_all()
    ns: dict = {"__builtins__": {}, "__name__": "sema"}
    for name, module in LAZY_BUILTINS.items():
        ns[mangle(name)] = lazy_stub(interp, ns, name, module)
    for name, fn in BUILTINS.items():
        ns[mangle(name)] = fn
    for name, fn in make_interp_builtins(interp).items():
        ns[mangle(name)] = fn
    for name, value in getattr(numbers, "CONSTANTS", {}).items():
        ns[mangle(name)] = value
    for name, fn in INTERNALS.items():
        ns[mangle(name)] = fn
    marker, bounce, resume = make_tail_calls(ns)
    ns.update({
        "_FunctionType": type(make_namespace), "_int": int, "_Pair": Pair, "_EMPTY": EMPTY, "_Map": Map,
        "_keyword_lookup": keyword_lookup, "_list_of": list_of, "_map_literal": map_literal,
        "_arity_error": arity_error, "_Catchable": Exception, "_catch_value": interp.catch_value,
        "_TOKEN": None, "_BUDGET": TAIL_BUDGET, "_bounce": bounce, "_resume": resume, "_MARKER": marker,
        "_list_length": list_length, "_spread": spread_args,
        "_redefined": lambda name: redefine_inlined(ns, name),
        "_NS": ns, "_unbound_set": lambda name: unbound_set(name, interp.global_names()),
    })
    ns.update(inline_slots())
    return ns
