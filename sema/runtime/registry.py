"""The builtin registry: one decorator registers a Python function under its Lisp name.

::

    @builtin("string/pad-left")
    def pad_left(s: str, width: int, pad: str = " ") -> str:
        '''Pad S on the left to WIDTH characters.

        (string/pad-left "7" 3 "0") ; => "007"
        '''

The function is stored in :data:`BUILTINS` and renamed to its Lisp name, so
that Python's own argument-count errors already speak of ``string/pad-left``.
Builtins are called directly by compiled code, with no wrapper: argument
types are checked only after something failed (see :func:`explain_failure`),
which keeps every successful call at full speed.  The annotations say which
Lisp type each argument must have.

``(doc name)`` shows the docstring; its ``; =>`` lines are run as tests.

A builtin that touches the machine (files, network, processes, the
environment ...) says what it needs with ``needs=``, which the sandbox reads
(see ``runtime.capabilities``)::

    @builtin("file/read", needs=Need("fs-read", paths=0))
"""

from __future__ import annotations

import numbers
import types
import weakref
from collections.abc import Callable
from fractions import Fraction

from ..printer import type_and_value
from ..values import Atom, Char, Keyword, ListBase, Map, Symbol
from .capabilities import declare

#: Lisp name -> Python function, for every builtin of every module
BUILTINS: dict[str, Callable] = {}
#: Lisp name of an alias -> Lisp name it stands for
ALIASES: dict[str, str] = {}
#: builtins that need the interpreter: Lisp name -> factory(interp) -> function
INTERP_BUILTINS: dict[str, Callable] = {}
#: code object -> a live instance of an interpreter builtin (closures made per interpreter; held weakly,
#: so no interpreter is kept alive by it: any instance explains a failure, they share a signature)
INTERP_BUILTIN_CODES: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
#: builtins whose module is imported on first use: Lisp name -> module name
LAZY_BUILTINS: dict[str, str] = {}


def lazy_builtins(module: str, names) -> None:
    """Declare that ``module`` registers ``names``, to be imported when one is first called.

    Keeps heavy modules (the LLM layer) out of start-up; the namespace holds a
    stub under each name until then (``runtime.namespace.lazy_stub``).
    """
    for name in names:
        LAZY_BUILTINS[name] = module


def builtin(name: str, *aliases: str, needs=None):
    """Register the decorated function as the builtin ``name`` (and ``aliases``).

    ``needs``: the capabilities it uses (a name, a ``capabilities.Need``, or a tuple of them).
    """

    def register(fn):
        fn.__name__ = name
        fn.__qualname__ = name
        BUILTINS[name] = fn
        declare(name, needs)
        for alias in aliases:
            BUILTINS[alias] = fn
            ALIASES[alias] = name
            declare(alias, needs)
        return fn

    return register


def interp_builtin(name: str, *aliases: str, needs=None):
    """Register a builtin that needs its interpreter.

    The decorated function is a factory ``f(interp) -> builtin``; the builtin
    it returns is renamed like any other.  Its docstring is the factory's.
    ``needs`` as for :func:`builtin`.
    """

    def register(factory):
        INTERP_BUILTINS[name] = factory
        declare(name, needs)
        for alias in aliases:
            INTERP_BUILTINS[alias] = factory
            ALIASES[alias] = name
            declare(alias, needs)
        factory.__qualname__ = name
        return factory

    return register


def make_interp_builtins(interp, names=None) -> dict[str, Callable]:
    """This interpreter's instances of the builtins that need it (all, or those in ``names``)."""
    out = {}
    made = {}
    for name, factory in INTERP_BUILTINS.items():
        if names is not None and name not in names:
            continue
        fn = made.get(factory)
        if fn is None:
            fn = factory(interp)
            lisp_name = ALIASES.get(name, name)
            fn.__name__ = lisp_name
            fn.__qualname__ = lisp_name
            if not fn.__doc__:
                fn.__doc__ = factory.__doc__
            made[factory] = fn
            code = getattr(fn, "__code__", None)
            if code is not None:  # so a failure inside it is explained like any builtin's
                INTERP_BUILTIN_CODES[code] = fn
        out[name] = fn
    return out


def doc_of(name: str) -> str | None:
    import inspect
    if name in LAZY_BUILTINS:
        import importlib
        importlib.import_module(LAZY_BUILTINS[name])
    fn = BUILTINS.get(name) or INTERP_BUILTINS.get(name)
    if fn is None:
        return None
    return inspect.getdoc(fn)


# ---------------------------------------------------------------- type checks after a failure

Number = numbers.Number
"""Annotation for any Lisp number (integers, rationals, floats, complex)."""
Real = numbers.Real
"""Annotation for a real number."""
class Any:
    """Annotation: any Lisp value (typing.Any without importing typing, ~2.5 ms of start-up)."""


class typing_names:
    """What the builtin modules take from ``typing`` (``import ... typing_names as typing``), without it."""

    Any = Any
    NoReturn = Any


class Callable_:
    """Annotation marker: a function value."""


_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a float",
    bool: "a boolean",
    Number: "a number",
    Real: "a real number",
    Fraction: "a rational",
    Keyword: "a keyword",
    Symbol: "a symbol",
    Char: "a character",
    ListBase: "a list",
    tuple: "a vector",
    Map: "a map",
    Atom: "an atom",
}


def _is_union(ann) -> bool:
    import typing
    origin = typing.get_origin(ann)
    return origin is typing.Union or origin is types.UnionType


def _matches(value, ann) -> bool:
    import inspect
    import typing
    if ann is inspect.Parameter.empty or ann is Any or ann is typing.Any:
        return True
    if ann is int:
        return value.__class__ is int
    if ann in (Number, Real):
        return value.__class__ is not bool and isinstance(value, ann)
    if ann is float:
        return value.__class__ is not bool and isinstance(value, (int, float, Fraction))
    if ann is Callable_ or ann is typing.Callable:
        return callable(value)
    if _is_union(ann):
        return any(_matches(value, a) for a in typing.get_args(ann))
    if ann is type(None):
        return value is None
    if isinstance(ann, type):
        return isinstance(value, ann) and not (value.__class__ is bool and ann is not bool)
    return True


def _typing_callable():
    import typing
    return typing.Callable


def _describe(ann) -> str:
    if _is_union(ann):
        import typing
        parts = [_describe(a) for a in typing.get_args(ann) if a is not type(None)]
        text = " or ".join(parts)
        if type(None) in typing.get_args(ann):
            text += " or nil"
        return text
    if ann is Callable_ or ann is _typing_callable():
        return "a function"
    return _TYPE_NAMES.get(ann, getattr(ann, "__name__", str(ann)))


def explain_failure(fn, arguments: dict) -> str | None:
    """Why calling builtin ``fn`` with ``arguments`` (parameter name -> value) failed.

    Returns "argument N must be ..., got ..." for the first argument that does
    not match its annotation, or None when every argument matches (the failure
    is then sema's own, not the caller's).
    """
    import inspect
    try:
        import typing
        hints = typing.get_type_hints(fn)
        params = list(inspect.signature(fn).parameters.values())
    except Exception:
        return None
    for index, param in enumerate(params, 1):
        if param.name not in arguments:
            continue
        ann = hints.get(param.name, inspect.Parameter.empty)
        value = arguments[param.name]
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            for offset, item in enumerate(value):
                if not _matches(item, ann):
                    return (f"argument {index + offset} must be {_describe(ann)}, "
                            f"got {type_and_value(item)}")
            continue
        if not _matches(value, ann):
            return f"argument {index} must be {_describe(ann)}, got {type_and_value(value)}"
    return None


def arity_of(fn) -> tuple[int, int | None]:
    """(minimum, maximum) number of arguments; maximum None means variadic."""
    import inspect
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return (0, None)
    lo, hi = 0, 0
    for p in params:
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            hi = None
        elif p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            if p.default is inspect.Parameter.empty:
                lo += 1
            if hi is not None:
                hi += 1
    return lo, hi


def signature_text(name: str, fn) -> str:
    """``(name a b [c] . rest)``: a builtin's call shape for docs and the REPL."""
    import inspect
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return f"({name} ...)"
    parts = []
    for p in params:
        pname = p.name.rstrip("_").replace("_", "-")
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f". {pname}")
        elif p.kind is inspect.Parameter.KEYWORD_ONLY:
            continue
        elif p.default is not inspect.Parameter.empty:
            parts.append(f"[{pname}]")
        else:
            parts.append(pname)
    return "(" + " ".join([name] + parts) + ")"
