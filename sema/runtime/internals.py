"""The ``%``-prefixed internal functions that derived forms expand into, and helpers of compiled code.

Derived forms (records, ``match``, ``case``, destructuring, quasiquote ...)
expand into calls of these; user code cannot name them (``%`` names are
internal).  :data:`INTERNALS` maps their Lisp names to the functions.
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

from ..errors import ArityError, EvalError, LispTypeError, UserError
from ..printer import write_str
from ..values import (
    EMPTY,
    ArrayList,
    Char,
    Keyword,
    Map,
    MultipleValues,
    Pair,
    Parameter,
    Promise,
    Record,
    RecordType,
    Symbol,
    equal,
    is_true,
    iter_list,
    make_list,
    make_map,
    map_key,
    sorted_items,
    to_pylist,
)


def list_of(*items):
    return ArrayList(list(items)) if items else EMPTY


def map_literal(*flat):
    return make_map(zip(flat[0::2], flat[1::2]))


def arity_error(name, want, got):
    return ArityError(f"{name}: expected {want} argument{'' if want == '1' else 's'}, got {got}")


def unbound_set(name, candidates=()):
    from .traceback import unbound_error
    err = unbound_error(name, candidates)
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
    if v.__class__ is MultipleValues:
        return make_list(list(v.values))
    return make_list([v])


def bind_values(value, n, has_rest, who):
    """The tuple of values a values-binding form binds: N values, plus the rest as a list."""
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
        return Char(seq[i]) if i < len(seq) else None
    raise LispTypeError(f"destructuring: expected a list or vector, got {write_str(seq)}")


def drop_seq(seq, i):
    if seq is None:
        return EMPTY
    if isinstance(seq, str):
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
    start = time.perf_counter()
    result = thunk()
    sys.stderr.write(f"elapsed: {(time.perf_counter() - start) * 1000:.3f} ms\n")
    return result


def make_promise(thunk):
    return Promise(thunk)


#: what sort_numbers returns for a list that is not all real numbers
NOT_NUMBERS = object()
_REALS = frozenset((int, float, Fraction))


def sort_numbers(xs, reverse: bool):
    """``(sort xs (lambda (a b) (< a b)))`` of real numbers, without calling the lambda; else NOT_NUMBERS.

    The same order and stability as sorting by the comparator (Python's sort is stable, and
    with ``reverse`` it keeps equal elements in their original order too).
    """
    from ..builtins.lists import seq_items
    items = seq_items(xs, "sort", 1)
    classes = set(map(type, items))
    if not classes <= _REALS:
        return NOT_NUMBERS
    if float in classes and any(x != x for x in items):  # NaN: the comparator's order is not sorted()'s
        return NOT_NUMBERS
    return make_list(sorted(items, reverse=reverse))


_RULES: dict = {}  # id of a (syntax-rules ...) constant -> (the constant, its parsed Rules)


def syntax_rules_expand(spec, name, args):
    """The expansion of ``(name . args)`` by the syntax-rules ``spec`` (parsed once per constant)."""
    entry = _RULES.get(id(spec))
    if entry is None or entry[0] is not spec:
        from ..macro_rules import parse_rules
        entry = _RULES[id(spec)] = (spec, parse_rules(name.name, spec))
    return entry[1].expand(Pair(name, args))


INTERNALS = {
    "%syntax-rules-expand": syntax_rules_expand,
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
