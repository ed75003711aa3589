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
a string key stays a string; a list or vector key comes out as a ``tuple``
and a map key as a tuple of (key, value) pairs, since Python keys must be
hashable.  Anything else crosses unchanged.
"""

from __future__ import annotations

from fractions import Fraction

from .errors import PythonError, SemaError
from .runtime.codeinfo import is_lisp_code
from .values import EMPTY, ArrayList, Keyword, Map, Pair, iter_list, make_list, make_map, sorted_items

_SCALARS = (type(None), bool, int, float, str, Fraction, complex)


_END = object()


def to_python(value, interp=None):
    """A Lisp value as plain Python data (see the module table).

    Iterative, so a list nested 300,000 deep converts like a flat one.
    """
    done, out = _leaf(value, interp, False)
    if done:
        return out
    stack = [_Frame(value, False)]
    while True:
        frame = stack[-1]
        item = next(frame.items, _END)
        if item is _END:
            stack.pop()
            result = frame.finish()
            if not stack:
                return result
            stack[-1].out.append(result)
            continue
        child, as_key = item
        done, out = _leaf(child, interp, as_key)
        if done:
            frame.out.append(out)
        else:
            stack.append(_Frame(child, as_key))


def _leaf(value, interp, as_key: bool):
    """(True, converted) for a value with no parts to convert, else (False, None)."""
    cls = value.__class__
    if cls in _SCALARS:
        return True, value
    if cls is Pair or cls is ArrayList or value is EMPTY or cls is tuple or isinstance(value, Map):
        return False, None
    if as_key and cls is Keyword:
        return True, value.name
    if callable(value) and cls is not Keyword and getattr(value, "__code__", None) is not None \
            and interp is not None and is_lisp_code(value.__code__):
        return True, python_callable(value, interp)
    return True, value


class _Frame:
    """A container being converted: its remaining (child, is-a-map-key) items and the output so far."""

    __slots__ = ("kind", "items", "out")

    def __init__(self, value, as_key: bool):
        if isinstance(value, Map):
            # keys in printing order, so the dict is the same in every run
            self.kind = "map-key" if as_key else "map"
            # keys must be hashable, and inside a key everything must be
            self.items = ((x, as_key or i % 2 == 0) for kv in sorted_items(value) for i, x in enumerate(kv))
        else:
            self.kind = "tuple" if as_key else "list"
            seq = value if value.__class__ is tuple else iter_list(value)
            self.items = ((x, as_key) for x in seq)
        self.out: list = []

    def finish(self):
        out = self.out
        if self.kind == "list":
            return out
        if self.kind == "tuple":  # a list or vector used as a map key: Python keys must be hashable
            return tuple(out)
        pairs = zip(out[0::2], out[1::2])
        return dict(pairs) if self.kind == "map" else tuple(pairs)


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


def python_callable(fn, interp):
    """Wrap a Lisp function so Python can call it with Python values and get Python values back."""
    def call(*args):
        return interp.apply(fn, [from_python(a, interp) for a in args])
    call.__name__ = getattr(fn, "__name__", "lambda")
    call.__qualname__ = call.__name__
    call.__doc__ = fn.__doc__
    call.lisp_function = fn
    return call


def lisp_callable(fn, name: str, interp=None, *, convert: bool = True):
    """Wrap a Python callable so Lisp can call it (with Python values, unless ``convert`` is false).

    An exception the Python code raises becomes a Lisp error of type
    ``:python-error`` (the original is its ``__cause__``), so Lisp ``try`` can
    catch it; Lisp errors (from calling back into Lisp) pass through unchanged.
    """
    def call(*args):
        try:
            if not convert:
                return fn(*args)
            return from_python(fn(*[to_python(a, interp) for a in args]), interp)
        except SemaError:
            raise
        except Exception as exc:
            raise PythonError(name, exc) from exc
    call.__name__ = call.__qualname__ = name
    call.__doc__ = fn.__doc__ or f"{name}: a Python function registered by the embedding program."
    call.python_function = fn
    return call

