"""Building an interpreter's global namespace.

:func:`make_namespace` gives a fresh dict holding every builtin under its
mangled name, stubs for the lazily imported ones, the ``%``-internals, the
inline slots and the helpers the code generator refers to (``_Pair``,
``_bounce``, ``_resume`` ...).  Each interpreter gets its own namespace, so
two interpreters share nothing.  A sandboxed interpreter's builtins that touch
the machine go in through its policy (``runtime.capabilities``), which wraps
them in checks; lazy ones too, when their module is imported.
"""

from __future__ import annotations

from ..bignum import STR_LIMIT, int_to_str
from ..values import EMPTY, EMPTY_MAP, WRAPPED_KEY_TYPES, ArrayList, Keyword, Map, Pair, Record, keyword_lookup, list_length, make_list, map_key
from .inline_slots import initial_values, redirect, register_spec
from .internals import NOT_NUMBERS, INTERNALS, arity_error, list_of, map_literal, sort_numbers, unbound_set
from . import mapbuild
from .names import mangle
from .tailcalls import TAIL_BUDGET, make_tail_calls


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
    real = {n: _guarded(interp, n, fn) for n, fn in real.items()}
    for n, fn in real.items():
        current = ns.get(mangle(n))
        if getattr(current, "lazy_module", None) == module:  # not redefined by the user meanwhile
            ns[mangle(n)] = fn
    return real[name]


def _guarded(interp, name: str, fn):
    policy = getattr(interp, "policy", None)
    return fn if policy is None else policy.guard(name, fn, interp)


def make_namespace(interp) -> dict:
    """A fresh global namespace with every builtin and helper installed."""
    from .. import builtins as builtin_modules
    from ..builtins.lists import seq_items
    from ..builtins.control import spread_args
    from ..builtins import numbers
    from .registry import BUILTINS, LAZY_BUILTINS, make_interp_builtins
    from . import transient

    builtin_modules.load_all()
    ns: dict = {"__builtins__": {}, "__name__": "sema"}
    for name, module in LAZY_BUILTINS.items():
        ns[mangle(name)] = lazy_stub(interp, ns, name, module)
    for name, fn in BUILTINS.items():
        ns[mangle(name)] = _guarded(interp, name, fn)
    for name, fn in make_interp_builtins(interp).items():
        ns[mangle(name)] = _guarded(interp, name, fn)
    for name, value in getattr(numbers, "CONSTANTS", {}).items():
        ns[mangle(name)] = value
    for name, fn in INTERNALS.items():
        ns[mangle(name)] = fn
    marker, bounce, resume = make_tail_calls(ns)
    ns.update({
        "_FunctionType": type(make_namespace), "_int": int, "_tuple": tuple, "_Pair": Pair, "_ArrayList": ArrayList, "_Record": Record, "_EMPTY": EMPTY, "_Map": Map, "_EMPTY_MAP": EMPTY_MAP,
        "_keyword_lookup": keyword_lookup, "_list_of": list_of, "_map_literal": map_literal,
        "_arity_error": arity_error, "_Catchable": Exception, "_catch_value": interp._catch_value,
        "_TOKEN": None, "_BUDGET": TAIL_BUDGET, "_bounce": bounce, "_resume": resume, "_MARKER": marker,
        "_list_length": list_length, "_spread": spread_args,
        "_redefined": lambda name: redirect(ns, name, ns.get(mangle(name))),
        "_SPECS": {}, "_SPEC_DEPS": {},
        "_register_spec": lambda name, guard, variant, deps: register_spec(ns, name, guard, variant, deps),
        "_NS": ns, "_unbound_set": lambda name: unbound_set(name, interp._global_names()),
        "_WRAPPED_KEYS": WRAPPED_KEY_TYPES, "_str": int_to_str, "_pystr": str, "_STR_LIMIT": STR_LIMIT, "_len": len,
        "_seq_items": seq_items, "_make_list": make_list, "_map_key": map_key,
        "_sort_numbers": sort_numbers, "_NotNumbers": NOT_NUMBERS, "_KW_TABLE": Keyword._table,
        "_tstart": transient.start, "_tstep": transient.step, "_tview": transient.view,
    })
    ns.update(mapbuild.FUNCTIONS)
    ns.update(initial_values())
    return ns
