"""Sema's library macros written in Python: ``async``, ``async/with-timeout``, ``guard``,
``defmulti`` and ``defmethod`` (with the multimethod values they build).

They are registered into each interpreter with the standard library
(:func:`install`), as ordinary macros: ``macroexpand`` shows what they
become and ``(doc guard)`` their documentation.  Being Python functions
rather than ``defmacro`` forms in the prelude, they leave the prelude's
compiled code cacheable.
"""

from __future__ import annotations

import itertools

from ..errors import LispSyntaxError, LispValueError
from ..printer import write_str
from ..runtime.registry import Callable_, builtin
from ..runtime.registry import typing_names as typing
from ..values import (
    EMPTY,
    Keyword,
    ListBase,
    Map,
    Symbol,
    iter_list,
    make_list,
    strict_equal,
)

Any = typing.Any
_counter = itertools.count(1)


def _L(*items):
    return make_list(list(items))


def _S(name: str) -> Symbol:
    return Symbol(name)


def _fresh(base: str) -> Symbol:
    return Symbol(f"%{base}{next(_counter)}")


def _items(form) -> list:
    return list(iter_list(form)) if isinstance(form, ListBase) else []


def _syntax(message: str) -> LispSyntaxError:
    return LispSyntaxError(message)


# ---------------------------------------------------------------- async


def async_macro(*body):
    """(async body ...): run BODY as an async task and return its promise.

    The same as ``(async/spawn (fn () body ...))``; ``await`` gives its value.

    (await (async (+ 1 2))) ; => 3
    """
    return _L(_S("async/spawn"), make_list([_S("fn"), EMPTY, *body]))


def with_timeout_macro(ms=None, *body):
    """(async/with-timeout ms body ...): BODY's value if it finishes within MS milliseconds, else a :timeout error.

    (async/with-timeout 1000 (+ 1 2)) ; => 3
    """
    if ms is None:
        raise _syntax("async/with-timeout: expected (async/with-timeout ms body ...)")
    return _L(_S("async/timeout"), ms, async_macro(*body))


# ---------------------------------------------------------------- guard


def guard_macro(spec=None, *body):
    """(guard (var clause ...) body ...): R7RS exception handling with cond-like clauses.

    Runs BODY; if it raises, VAR is bound to the raised object (the value
    given to ``raise``/``throw``, or the error map of any other error) and
    the clauses are tried as in ``cond``.  With no matching clause (and no
    ``else``) the error is raised again, unchanged.

    (guard (e ((number? e) (* 2 e)) (else :other)) (raise 21)) ; => 42
    (guard (e ((string? e) e)) (raise "boom")) ; => "boom"
    (guard (e ((map? e) (:message e))) (/ 1 0)) ; => "/: division by zero"
    (guard (e ((number? e) :n)) 100) ; => 100
    """
    parts = _items(spec)
    if not parts or parts[0].__class__ is not Symbol:
        raise _syntax("guard: expected (guard (var clause ...) body ...)")
    var, clauses = parts[0], parts[1:]
    for c in clauses:
        if not isinstance(c, ListBase) or c is EMPTY:
            raise _syntax(f"guard: each clause must be a list (test body ...), got {write_str(c)}")
    caught = _fresh("guard")
    last_is_else = bool(clauses) and clauses[-1].car is _S("else")
    if not last_is_else:
        clauses = clauses + [_L(_S("else"), _L(_S("throw"), caught))]
    handler = _L(_S("let"), _L(_L(var, _L(_S("%guard-value"), caught))), make_list([_S("cond"), *clauses]))
    return _L(_S("try"), make_list([_S("begin"), *body]) if body else None, _L(_S("catch"), caught, handler))


@builtin("%guard-value")
def guard_value(error_map: Any) -> Any:
    """What a guard clause sees for a caught error: the raised object itself for raise/throw, else the error map."""
    if isinstance(error_map, Map) and error_map.get(Keyword("type")) is Keyword("user"):
        value = error_map.get(Keyword("value"), _MISSING)
        if value is not _MISSING:
            return value
    return error_map


_MISSING = object()


# ---------------------------------------------------------------- multimethods


class MultiMethod:
    """A multimethod: a dispatch function and the methods registered for dispatch values."""

    sema_type = "multimethod"

    def __init__(self, name: str, dispatch):
        self.name = name
        self.dispatch = dispatch
        self.methods: list = []  # (dispatch value, handler), in the order they were added
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args):
        key = self.dispatch(*args)
        for value, handler in self.methods:
            if strict_equal(value, key):
                return handler(*args)
        for value, handler in self.methods:
            if value is _DEFAULT:
                return handler(*args)
        raise LispValueError(f"{self.name}: no method for dispatch value {write_str(key)} "
                             "(and no :default method)")

    def sema_print(self, out, print_value):
        out.append(f"<multimethod {self.name}>")


_DEFAULT = Keyword("default")


@builtin("%make-multimethod")
def make_multimethod(name: Any, dispatch: Callable_) -> MultiMethod:
    """A new multimethod called NAME that dispatches on the value of DISPATCH."""
    return MultiMethod(name.name if name.__class__ is Symbol else str(name), dispatch)


@builtin("%add-method")
def add_method(multi: Any, value: Any, handler: Callable_) -> None:
    """Register HANDLER for dispatch VALUE on MULTI (replacing an earlier one for an equal value)."""
    if multi.__class__ is not MultiMethod:
        raise LispValueError(f"defmethod: {write_str(multi)} is not a multimethod (define it with defmulti)")
    multi.methods = [(v, h) for v, h in multi.methods if not strict_equal(v, value)] + [(value, handler)]
    return None


def defmulti_macro(name=None, dispatch=None, *extra):
    """(defmulti name dispatch-fn): define NAME as a multimethod dispatching on (dispatch-fn args ...).

    Methods are added with ``defmethod``; a :default method catches the rest.

    (defmulti area (fn (s) (:type s))) (defmethod area :sq (fn (s) (* (:n s) (:n s)))) (area {:type :sq :n 3}) ; => 9
    """
    if name.__class__ is not Symbol or dispatch is None or extra:
        raise _syntax("defmulti: expected (defmulti name dispatch-fn)")
    return _L(_S("define"), name, _L(_S("%make-multimethod"), _L(_S("quote"), name), dispatch))


def defmethod_macro(name=None, value=_MISSING, handler=None, *extra):
    """(defmethod name dispatch-value handler-fn): add a method to the multimethod NAME; returns nil.

    (defmulti kind (fn (x) (type x))) (defmethod kind :int (fn (x) "integer")) (defmethod kind :default (fn (x) "other")) (list (kind 1) (kind "s")) ; => ("integer" "other")
    """
    if name.__class__ is not Symbol or value is _MISSING or handler is None or extra:
        raise _syntax("defmethod: expected (defmethod name dispatch-value handler-fn)")
    return _L(_S("%add-method"), name, value, handler)


def _guarded_mode(enable: str, disable: str, name: str):
    def macro(*body):
        return _L(_S("begin"), _L(_S(enable)),
                  make_list([_S("try"), make_list([_S("begin"), *body]) if body else None,
                             _L(_S("finally"), _L(_S(disable)))]))
    macro.__doc__ = f"""({name} body ...): run BODY with {enable} in effect, and {disable} afterwards,
    also when BODY raises; gives BODY's value.
    """
    return macro


MACROS = {
    "async": async_macro,
    "async/with-timeout": with_timeout_macro,
    "guard": guard_macro,
    "defmulti": defmulti_macro,
    "defmethod": defmethod_macro,
    "term/with-mouse": _guarded_mode("term/enable-mouse", "term/disable-mouse", "term/with-mouse"),
    "term/with-alt-screen": _guarded_mode("term/enter-alt-screen", "term/leave-alt-screen", "term/with-alt-screen"),
    "term/with-bracketed-paste": _guarded_mode("term/enable-bracketed-paste", "term/disable-bracketed-paste",
                                               "term/with-bracketed-paste"),
    "term/with-focus-events": _guarded_mode("term/enable-focus-events", "term/disable-focus-events",
                                            "term/with-focus-events"),
    "term/with-kitty-keys": _guarded_mode("term/enable-kitty-keys!", "term/disable-kitty-keys!",
                                          "term/with-kitty-keys"),
}


def install(interp) -> None:
    """Register the macros into INTERP (unless the program already defined one of the names).

    Their fingerprint for the code cache is fixed: the code cache's key already
    covers this module's source (``runtime.cache.compiler_stamp``).
    """
    for name, fn in MACROS.items():
        sym = Symbol(name)
        if sym not in interp.macros:
            interp._add_macro(sym, fn, f"builtin:{name}")

