"""Core builtins: equality, type predicates, atoms, promises, symbols, multiple values, parameters.

Predicates about lists and vectors (``null?``, ``pair?``, ``list?``,
``empty?``, ``vector?``) live in :mod:`sema.builtins.lists`, ``map?`` in
:mod:`sema.builtins.maps`, ``char?`` in :mod:`sema.builtins.chars`, numeric
ones in :mod:`sema.builtins.numtypes`.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from ..errors import LispTypeError
from ..printer import type_and_value
from ..runtime.registry import Any, Callable_, builtin
from ..values import (
    Atom,
    Keyword,
    Map,
    MultipleValues,
    Parameter,
    Promise,
    Record,
    Symbol,
    is_lisp_function,
    strict_equal,
    type_name,
)

# ---------------------------------------------------------------- equality


def eqv(a, b) -> bool:
    """``eqv?``: identity, except that numbers of the same exactness and strings compare by value.

    Python keeps no identity for small numbers or strings that a Lisp
    programmer could rely on, so comparing them by value is the only
    deterministic choice; ``(eqv? 1 1.0)`` stays #f as in Scheme.
    """
    if a is b:
        return True
    ca = a.__class__
    if ca is not b.__class__:
        return False
    if ca is int or ca is float or ca is Fraction or ca is complex or ca is str:
        return a == b
    return False


@builtin("equal?")
def equal_p(a: Any, b: Any) -> bool:
    """Structural equality: lists, vectors and maps compare by contents; exact and inexact numbers differ.

    As in Sema, ``eqv?`` and ``eq?`` are the same function.  Use ``=`` to
    compare numbers across exactness.

    (equal? '(1 [2 {:a 3}]) '(1 [2 {:a 3}])) ; => #t
    (equal? 1 1.0) ; => #f
    (equal? 1 #t) ; => #f
    """
    return strict_equal(a, b)


@builtin("eqv?")
def eqv_p(a: Any, b: Any) -> bool:
    """The same as ``equal?`` (as in Sema): structural equality, exactness kept apart.

    (eqv? 2 2) ; => #t
    (eqv? 2 2.0) ; => #f
    (eqv? '(1) '(1)) ; => #t
    """
    return strict_equal(a, b)


@builtin("eq?")
def eq_p(a: Any, b: Any) -> bool:
    """The same as ``equal?`` (as in Sema, ``eq?`` is structural, not identity).

    (eq? 'a 'a) ; => #t
    (eq? '(1 2) '(1 2)) ; => #t
    (eq? 1 1.0) ; => #f
    """
    return a is b or strict_equal(a, b)


@builtin("not")
def not_(x: Any) -> bool:
    """True for #f and nil, false for everything else.

    (not #f) ; => #t
    (not 0) ; => #f
    """
    return x is False or x is None


@builtin("identity")
def identity(x: Any) -> Any:
    """Its argument, unchanged.

    (identity 5) ; => 5
    """
    return x


#: the keywords (type x) returns where they differ from the type's name in messages (as in Sema)
_TYPE_KEYWORDS = {"integer": "int", "boolean": "bool", "character": "char", "parameter": "lambda"}


@builtin("type", "type-of")
def type_(x: Any) -> Keyword:
    """The type of a value as a keyword (a record answers its type's name).

    (type 1) ; => :int
    (type "s") ; => :string
    (type '(1)) ; => :list
    (type nil) ; => :nil
    """
    name = type_name(x)
    if name == "function":  # Sema tells functions written in Lisp from builtins
        return Keyword("lambda" if is_lisp_function(x) else "native-fn")
    return Keyword(_TYPE_KEYWORDS.get(name, name))


# ---------------------------------------------------------------- predicates


@builtin("nil?")
def nil_p(x: Any) -> bool:
    """True only for nil.

    (nil? nil) ; => #t
    (nil? #f) ; => #f
    """
    return x is None


@builtin("some?")
def some_p(x: Any, xs: Any = None, *more: Any) -> bool:
    """``(some? x)``: true unless X is nil.  ``(some? pred xs)``: true if PRED holds for an element.

    (some? 0) ; => #t
    (some? nil) ; => #f
    (some? even? '(1 2)) ; => #t
    """
    if xs is None and not more:
        return x is not None
    from .sequences import any_

    return any_(x, xs) is not False


@builtin("true?")
def true_p(x: Any) -> bool:
    """True only for #t.

    (true? #t) ; => #t
    (true? 1) ; => #f
    """
    return x is True


@builtin("false?")
def false_p(x: Any) -> bool:
    """True only for #f.

    (false? #f) ; => #t
    (false? nil) ; => #f
    """
    return x is False


@builtin("boolean?", "bool?")
def boolean_p(x: Any) -> bool:
    """True for #t and #f.

    (boolean? #f) ; => #t
    (boolean? nil) ; => #f
    """
    return x is True or x is False


@builtin("symbol?")
def symbol_p(x: Any) -> bool:
    """True for a symbol.

    (symbol? 'a) ; => #t
    (symbol? :a) ; => #f
    """
    return x.__class__ is Symbol


@builtin("keyword?")
def keyword_p(x: Any) -> bool:
    """True for a keyword.

    (keyword? :a) ; => #t
    """
    return x.__class__ is Keyword


@builtin("string?")
def string_p(x: Any) -> bool:
    """True for a string.

    (string? "a") ; => #t
    (string? #\\a) ; => #f
    """
    return x.__class__ is str


@builtin("procedure?", "fn?")
def procedure_p(x: Any) -> bool:
    """True for a function (lambdas, builtins, parameters); keywords are not functions here.

    (procedure? car) ; => #t
    (procedure? (lambda (x) x)) ; => #t
    (procedure? :a) ; => #f
    """
    cls = x.__class__
    return callable(x) and cls is not Keyword and cls is not Symbol and not isinstance(x, (type, Map))


@builtin("atom?")
def atom_p(x: Any) -> bool:
    """True for an atom.

    (atom? (atom 1)) ; => #t
    """
    return x.__class__ is Atom


@builtin("promise?")
def promise_p(x: Any) -> bool:
    """True for a promise (made by ``delay`` or ``make-promise``).

    (promise? (make-promise 1)) ; => #t
    """
    return x.__class__ is Promise


@builtin("record?")
def record_p(x: Any) -> bool:
    """True for an instance of a record type.

    (record? 1) ; => #f
    """
    return isinstance(x, Record)


# ---------------------------------------------------------------- atoms


@builtin("atom")
def atom(x: Any) -> Atom:
    """A new atom holding X.

    (deref (atom 5)) ; => 5
    """
    return Atom(x)


@builtin("deref")
def deref(x: Any) -> Any:
    """The value of an atom or parameter, or a promise's forced value (``@x`` reads as ``(deref x)``).

    (deref (atom 1)) ; => 1
    (deref (make-promise 2)) ; => 2
    """
    cls = x.__class__
    if cls is Atom:
        return x.value
    if cls is Promise:
        return x.force()
    if cls is Parameter:
        return x.value
    raise LispTypeError(f"deref: expected an atom, promise or parameter, got {type_and_value(x)}")


@builtin("reset!")
def reset_bang(a: Atom, value: Any) -> Any:
    """Set the atom's value; returns the new value.

    (reset! (atom 1) 2) ; => 2
    """
    if a.__class__ is not Atom:
        raise LispTypeError(f"reset!: argument 1 must be an atom, got {type_and_value(a)}")
    with a.lock:
        a.value = value
    return value


@builtin("swap!")
def swap_bang(a: Atom, f: Callable_, *args: Any) -> Any:
    """Atomically replace the atom's value by ``(f value args ...)``; returns the new value.

    (swap! (atom 1) + 10) ; => 11
    """
    if a.__class__ is not Atom:
        raise LispTypeError(f"swap!: argument 1 must be an atom, got {type_and_value(a)}")
    # the lock is reentrant: F may itself swap! the same atom on this thread
    with a.lock:
        new = f(a.value, *args)
        a.value = new
    return new


@builtin("compare-and-set!")
def compare_and_set_bang(a: Atom, old: Any, new: Any) -> bool:
    """Set the atom to NEW only if its value is ``eqv?`` to OLD; true if it was set.

    (compare-and-set! (atom 1) 1 2) ; => #t
    (compare-and-set! (atom 1) 5 2) ; => #f
    """
    if a.__class__ is not Atom:
        raise LispTypeError(f"compare-and-set!: argument 1 must be an atom, got {type_and_value(a)}")
    with a.lock:
        if eqv(a.value, old):
            a.value = new
            return True
        return False


# ---------------------------------------------------------------- promises


@builtin("force")
def force(x: Any) -> Any:
    """The value of a promise, computed on first use and remembered; other values are returned as they are.

    (force (make-promise 3)) ; => 3
    (force 4) ; => 4
    """
    if x.__class__ is Promise:
        return x.force()
    return x


@builtin("make-promise")
def make_promise(x: Any) -> Promise:
    """A promise already holding X (X itself if it is a promise).

    (promise-forced? (make-promise 1)) ; => #t
    """
    if x.__class__ is Promise:
        return x
    p = Promise(None)
    p.value, p.forced = x, True
    return p


@builtin("promise-forced?")
def promise_forced_p(p: Promise) -> bool:
    """True once the promise's value has been computed.

    (promise-forced? (make-promise 1)) ; => #t
    """
    if p.__class__ is not Promise:
        raise LispTypeError(f"promise-forced?: argument 1 must be a promise, got {type_and_value(p)}")
    return p.forced


# ---------------------------------------------------------------- symbols and keywords

_gensym_counter = itertools.count(1)


@builtin("gensym")
def gensym(prefix: str | Symbol = "g") -> Symbol:
    """A fresh symbol, distinct from every symbol made so far by gensym.

    (symbol? (gensym)) ; => #t
    (equal? (gensym "t") (gensym "t")) ; => #f
    """
    if prefix.__class__ is Symbol:
        prefix = prefix.name
    elif prefix.__class__ is not str:
        raise LispTypeError(f"gensym: argument 1 must be a string or symbol, got {type_and_value(prefix)}")
    return Symbol(f"{prefix}__{next(_gensym_counter)}")


def _name_of(who: str, x) -> str:
    cls = x.__class__
    if cls is str:
        return x
    if cls is Symbol or cls is Keyword:
        return x.name
    raise LispTypeError(f"{who}: argument 1 must be a string, symbol or keyword, got {type_and_value(x)}")


@builtin("symbol")
def symbol(x: str | Symbol | Keyword) -> Symbol:
    """The symbol with the given name.

    (symbol "abc") ; => abc
    (symbol :k) ; => k
    """
    return Symbol(_name_of("symbol", x))


@builtin("keyword")
def keyword(x: str | Symbol | Keyword) -> Keyword:
    """The keyword with the given name.

    (keyword "a") ; => :a
    (keyword 'b) ; => :b
    """
    return Keyword(_name_of("keyword", x))


@builtin("name")
def name(x: str | Symbol | Keyword) -> str:
    """The name of a keyword or symbol, as a string (a string is returned as it is).

    (name :a) ; => "a"
    (name 'foo) ; => "foo"
    """
    return _name_of("name", x)


# ---------------------------------------------------------------- multiple values and parameters


@builtin("values")
def values_(*xs: Any) -> Any:
    """Return several values; ``(values x)`` is just X.

    (values 1) ; => 1
    (call-with-values (lambda () (values 1 2)) +) ; => 3
    """
    if len(xs) == 1:
        return xs[0]
    return MultipleValues(xs)


@builtin("call-with-values")
def call_with_values(producer: Callable_, consumer: Callable_) -> Any:
    """Call CONSUMER with the values PRODUCER returns.

    (call-with-values (lambda () (values 1 2 3)) list) ; => (1 2 3)
    """
    result = producer()
    if result.__class__ is MultipleValues:
        return consumer(*result.values)
    return consumer(result)


@builtin("make-parameter")
def make_parameter(value: Any, converter: Callable_ | None = None) -> Parameter:
    """A parameter (dynamically rebindable with ``parameterize``); call it to read its value.

    Called with one value it sets the parameter (through the converter), as
    SRFI 39 and Sema allow.

    ((make-parameter 10)) ; => 10
    ((make-parameter 10 (lambda (x) (* x 2)))) ; => 20
    (let ((mode (make-parameter :normal))) (mode :debug) (mode)) ; => :debug
    """
    return Parameter(value, converter)


@builtin("tap")
def tap(x: Any, f: Callable_) -> Any:
    """Call F on X for its effect and return X (the two may come in either order).

    (tap 5 (lambda (x) (* x 2))) ; => 5
    """
    if not callable(f) and callable(x):
        x, f = f, x
    f(x)
    return x
