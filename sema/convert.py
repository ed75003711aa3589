"""Converting values at the boundary between Python and Lisp.

| Python (to Lisp)                  | Lisp                    | Python (from Lisp)               |
| --------------------------------- | ----------------------- | -------------------------------- |
| ``None``, ``bool``, ``int``, ``float``, ``str``, ``Fraction``, ``complex`` | the same | the same |
| ``list``                          | list                    | ``list``                         |
| ``tuple``                         | vector                  | ``list``                         |
| ``dict`` (``str`` keys)           | map with keyword keys   | ``dict`` with ``str`` keys       |
| ``dict`` (other keys)             | map with those keys     | ``dict``                         |
| callable                          | function (arguments and result converted) | callable (same) |
| ``sema.values.Keyword``/``Symbol``| keyword / symbol        | ``Keyword`` / ``Symbol``         |

A map key that is a keyword comes out as its name (``:model`` -> ``"model"``);
a string key stays a string.  Anything else crosses unchanged.
"""

from __future__ import annotations

from fractions import Fraction

from .values import EMPTY, ArrayList, Atom, Keyword, Map, Pair, iter_list, make_list, make_map, sorted_items

_SCALARS = (type(None), bool, int, float, str, Fraction, complex)


def to_python(value, interp=None):
    """A Lisp value as plain Python data (see the module table)."""
    cls = value.__class__
    if cls in _SCALARS:
        return value
    if cls is Pair or cls is ArrayList or value is EMPTY:
        return [to_python(x, interp) for x in iter_list(value)]
    if cls is tuple:
        return [to_python(x, interp) for x in value]
    if isinstance(value, Map):
        # keys in printing order, so the dict is the same in every run
        return {(k.name if k.__class__ is Keyword else to_python(k, interp)): to_python(v, interp)
                for k, v in sorted_items(value)}
    if cls is Atom:
        return value
    if callable(value) and not isinstance(value, (Keyword,)) and getattr(value, "__code__", None) is not None \
            and interp is not None and _is_lisp_function(value):
        return python_callable(value, interp)
    return value


def from_python(value, interp=None):
    """Python data as a Lisp value (see the module table)."""
    cls = value.__class__
    if cls in _SCALARS:
        return value
    if cls is list:
        return make_list([from_python(x, interp) for x in value])
    if cls is tuple:
        return tuple(from_python(x, interp) for x in value)
    if isinstance(value, dict):
        return make_map((Keyword(k) if isinstance(k, str) else from_python(k, interp), from_python(v, interp))
                        for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return make_list([from_python(x, interp) for x in value])
    return value


def _is_lisp_function(fn) -> bool:
    from .runtime.traceback import LISP_FILES
    return fn.__code__.co_filename in LISP_FILES


def python_callable(fn, interp):
    """Wrap a Lisp function so Python can call it with Python values and get Python values back."""
    def call(*args):
        return interp.apply(fn, [from_python(a, interp) for a in args])
    call.__name__ = getattr(fn, "__name__", "lambda")
    call.__qualname__ = call.__name__
    call.__doc__ = fn.__doc__
    call.lisp_function = fn
    return call


def lisp_callable(fn, name: str, interp=None):
    """Wrap a Python callable so Lisp passes it Python values and gets a Lisp value back."""
    def call(*args):
        return from_python(fn(*[to_python(a, interp) for a in args]), interp)
    call.__name__ = call.__qualname__ = name
    call.__doc__ = fn.__doc__ or f"{name}: a Python function registered by the embedding program."
    call.python_function = fn
    return call


__all__ = ["to_python", "from_python", "python_callable", "lisp_callable", "EMPTY", "make_list"]
