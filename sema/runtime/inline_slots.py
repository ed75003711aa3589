"""The one table of inlined builtins' slots: the globals compiled code reads instead of the builtin.

``(+ a b)`` compiles to ``a + b if a.__class__ is _int_add is b.__class__ else
_add2(a, b)``: the *guard* global (``_int_add``, initially ``int``) admits
the fast path, the *slow* globals (``_add2``) hold what runs otherwise.
Redefining the builtin at run time points the guard at a class no value has
and every slow global at the new definition (:func:`redirect`), so code
compiled before the redefinition follows it.  The compiler's inliners
(``compiler/inline.py``) take the names from here, the namespace its values.

(``not``, ``null?`` and ``nil?`` are inlined without slots: redefining them
affects only code compiled afterwards, since a guard on every test would
slow every branch of every program.)
"""

from __future__ import annotations

from .names import mangle


def _builtin(name: str):
    def resolve():
        from .registry import BUILTINS
        return BUILTINS[name]
    return resolve


def _number_op(attr: str):
    def resolve():
        from ..builtins import numbers
        return getattr(numbers, attr)
    return resolve


def _value(x):
    return lambda: x


def _values_equal():
    from ..values import equal
    return equal


def _pair():
    from ..values import Pair
    return Pair


def _map():
    from ..values import Map
    return Map


class Slot:
    """The globals of one inlined builtin: a guard (name, initial class) and slow paths (name -> resolver)."""

    __slots__ = ("guard", "guard_class", "slow")

    def __init__(self, guard: str | None, guard_class, slow: dict):
        self.guard = guard
        self.guard_class = guard_class
        self.slow = slow

    def slow_name(self, index: int = 0) -> str:
        return list(self.slow)[index]


SLOTS: dict[str, Slot] = {
    "+": Slot("_int_add", _value(int), {"_add2": _number_op("add2")}),
    "-": Slot("_int_sub", _value(int), {"_sub2": _number_op("sub2"), "_neg": _number_op("neg")}),
    "*": Slot("_int_mul", _value(int), {"_mul2": _number_op("mul2")}),
    "<": Slot("_int_lt", _value(int), {"_lt2": _number_op("lt2")}),
    ">": Slot("_int_gt", _value(int), {"_gt2": _number_op("gt2")}),
    "<=": Slot("_int_le", _value(int), {"_le2": _number_op("le2")}),
    ">=": Slot("_int_ge", _value(int), {"_ge2": _number_op("ge2")}),
    "=": Slot("_int_eq", _value(int), {"_numeq": _values_equal}),
    "eq?": Slot("_slot_eq", _value(int), {"_eq_slow": _builtin("eq?")}),
    "eqv?": Slot("_slot_eqv", _value(int), {"_eqv_slow": _builtin("eqv?")}),
    "equal?": Slot("_slot_equal", _value(int), {"_equal_slow": _builtin("equal?")}),
    "zero?": Slot("_int_zerop", _value(int), {"_zerop": _builtin("zero?")}),
    "car": Slot("_Pair_car", _pair, {"_car": _builtin("car")}),
    "cdr": Slot("_Pair_cdr", _pair, {"_cdr": _builtin("cdr")}),
    "cons": Slot(None, None, {"_cons": _pair}),
    "get": Slot("_Map_get", _map, {"_get": _builtin("get")}),
    "get-in": Slot("_Map_getin", _map, {"_get_in": _builtin("get-in")}),
    "assoc": Slot("_Map_assoc", _map, {"_assoc": _builtin("assoc")}),
    "update": Slot("_Map_update", _map, {"_update": _builtin("update")}),
    "map/update": Slot("_Map_mupdate", _map, {"_map_update": _builtin("map/update")}),
    "string-append": Slot("_str_append", _value(str), {"_string_append": _builtin("string-append")}),
    "number->string": Slot("_int_n2s", _value(int), {"_number_to_string": _builtin("number->string")}),
    "string-length": Slot("_str_length", _value(str), {"_string_length": _builtin("string-length")}),
    "substring": Slot("_str_substring", _value(str), {"_substring": _builtin("substring")}),
    "string->number": Slot("_str_s2n", _value(str), {"_string_to_number": _builtin("string->number")}),
    "string->keyword": Slot("_str_s2k", _value(str), {"_string_to_keyword": _builtin("string->keyword")}),
    "quotient": Slot("_int_quot", _value(int), {"_quotient": _builtin("quotient")}),
    "nth": Slot("_tuple_nth", _value(tuple), {"_nth": _builtin("nth")}),
    "remainder": Slot("_int_rem", _value(int), {"_remainder": _builtin("remainder")}),
    "modulo": Slot("_int_mod", _value(int), {"_modulo": _builtin("modulo")}),
    "even?": Slot("_int_even", _value(int), {"_evenp": _builtin("even?")}),
    "odd?": Slot("_int_odd", _value(int), {"_oddp": _builtin("odd?")}),
    # higher-order builtins compiled as loops when given a literal lambda (compiler/hof.py): the
    # guard stays int while the builtin is not redefined
    "map": Slot("_slot_map", _value(int), {"_map_slow": _builtin("map")}),
    "filter": Slot("_slot_filter", _value(int), {"_filter_slow": _builtin("filter")}),
    "for-each": Slot("_slot_for_each", _value(int), {"_for_each_slow": _builtin("for-each")}),
    "foldl": Slot("_slot_foldl", _value(int), {"_foldl_slow": _builtin("foldl")}),
    "reduce": Slot("_slot_reduce", _value(int), {"_reduce_slow": _builtin("reduce")}),
    "sort": Slot("_slot_sort", _value(int), {"_sort_slow": _builtin("sort")}),
}


class _NeverMatches:
    """A class no value has: the guard of an inlined builtin once the builtin is redefined."""


def initial_values() -> dict:
    """Every slot global with its starting value, for a new namespace."""
    out = {}
    for slot in SLOTS.values():
        if slot.guard is not None:
            out[slot.guard] = slot.guard_class()
        for name, resolve in slot.slow.items():
            out[name] = resolve()
    return out


def redirect(ns: dict, name: str, new_value) -> None:
    """The global ``name`` now holds ``new_value``: send compiled code that took it for known there.

    An inlined builtin's guard stops admitting its fast path and its slow
    paths call the new value; an int-specialised function's variants are
    invalidated the same way (``compiler.specialize``), and so, in turn, are
    the variants that called them directly.
    """
    slot = SLOTS.get(name)
    if slot is not None:
        if slot.guard is not None:
            ns[slot.guard] = _NeverMatches
        for slow in slot.slow:
            ns[slow] = new_value
    specs = ns["_SPECS"].pop(name, None)
    if specs:
        for guard, variant in specs:
            ns[guard] = _NeverMatches
            ns[variant] = new_value
    for dependent in ns["_SPEC_DEPS"].pop(name, ()):
        redirect(ns, dependent, ns.get(mangle(dependent)))


def register_spec(ns: dict, name: str, guard: str, variant: str, deps) -> None:
    """Compiled code defined an int-specialised variant of ``name`` that calls the variants of ``deps``."""
    ns["_SPECS"].setdefault(name, []).append((guard, variant))
    for dep in deps:
        ns["_SPEC_DEPS"].setdefault(dep, set()).add(name)
