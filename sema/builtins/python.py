"""``py/*``: reaching Python from Lisp (loaded on first use; needs the ``python`` capability).

``(py/import "math")`` gives the module as an opaque handle, ``py/get``
reads an attribute, ``py/call`` and ``py/method`` call, ``py/set!`` sets.
Values cross as at the embedding boundary (``sema.convert``): Python lists,
dicts, strings and numbers become Lisp data, a Python function becomes a Lisp
function, and anything else (a module, a class, a date) is a handle that
prints as ``#<python datetime.date 2024-05-01>``.  Among the arguments of
``py/call``/``py/method``, a keyword followed by a value is a keyword
argument: ``(py/call f 1 :sep "-")`` is ``f(1, sep="-")``.

The capability is off for an embedder's interpreter unless it allows
``"python"``, and on for the ``sema`` command: with it, Lisp code can do
anything the Python process can (``(py/import "os")``), so grant it only to
code you trust.  An exception raised by Python code is a Lisp
``:python-error``.
"""

from __future__ import annotations

import typing

from ..convert import PyObject, describe, from_python, to_python
from ..errors import LispTypeError, PythonError, SemaError
from ..printer import type_and_value
from ..runtime.registry import builtin
from ..values import Keyword

Any = typing.Any


def _attr_name(who: str, name) -> str:
    if name.__class__ is Keyword:
        name = name.name
    if not isinstance(name, str) or not name:
        raise LispTypeError(f"{who}: expected an attribute name (a string), got {type_and_value(name)}")
    return name


def _python(who: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except SemaError:
        raise
    except Exception as exc:
        raise PythonError(who, exc) from exc


def _split_args(args) -> tuple[list, dict]:
    """Positional arguments and keyword arguments (``:name value`` pairs) as Python values."""
    positional, keywords = [], {}
    i = 0
    while i < len(args):
        a = args[i]
        if a.__class__ is Keyword and i + 1 < len(args):
            keywords[a.name.replace("-", "_")] = to_python(args[i + 1])
            i += 2
            continue
        positional.append(to_python(a))
        i += 1
    return positional, keywords


@builtin("py/import", needs="python")
def py_import(name: str) -> Any:
    """The Python module NAME (a dotted name), as a handle.

    (py/object? (py/import "math")) ; => #t
    """
    import importlib
    if not isinstance(name, str):
        raise LispTypeError(f"py/import: expected a module name (a string), got {type_and_value(name)}")
    return from_python(_python("py/import", importlib.import_module, name))


@builtin("py/get", needs="python")
def py_get(obj: Any, name: str) -> Any:
    """The attribute NAME of OBJ (``a.b`` follows several); Python values become Lisp values.

    (py/get (py/import "math") "pi") ; => 3.141592653589793
    (py/get (py/import "os") "path.sep") ; => "/"
    """
    value = to_python(obj)
    for part in _attr_name("py/get", name).split("."):
        value = _python("py/get", getattr, value, _attr_name("py/get", part))
    return from_python(value)


@builtin("py/set!", needs="python")
def py_set(obj: Any, name: str, value: Any) -> Any:
    """Set the attribute NAME of the Python object OBJ to VALUE (converted); returns VALUE.

    (let ((ns (py/call (py/get (py/import "types") "SimpleNamespace")))) (py/set! ns "x" 5) (py/get ns "x")) ; => 5
    """
    _python("py/set!", setattr, to_python(obj), _attr_name("py/set!", name), to_python(value))
    return value


@builtin("py/call", needs="python")
def py_call(fn: Any, *args: Any) -> Any:
    """Call the Python callable FN with ARGS (``:name value`` pairs are keyword arguments).

    (py/call (py/get (py/import "math") "hypot") 3 4) ; => 5.0
    (py/call (py/get (py/import "builtins") "round") 2.675 :ndigits 1) ; => 2.7
    """
    target = to_python(fn)
    if not callable(target):
        raise LispTypeError(f"py/call: expected a Python callable, got {type_and_value(fn)}")
    positional, keywords = _split_args(args)
    return from_python(_python("py/call", target, *positional, **keywords))


@builtin("py/method", needs="python")
def py_method(obj: Any, name: str, *args: Any) -> Any:
    """Call the method NAME of OBJ with ARGS (``:name value`` pairs are keyword arguments).

    (py/method "a-b-c" "split" "-") ; => ("a" "b" "c")
    (py/method (py/call (py/get (py/import "datetime") "date") 2024 5 1) "isoformat") ; => "2024-05-01"
    """
    method = _python("py/method", getattr, to_python(obj), _attr_name("py/method", name))
    positional, keywords = _split_args(args)
    return from_python(_python("py/method", method, *positional, **keywords))


@builtin("py/list", needs="python")
def py_list(obj: Any) -> Any:
    """The items of the Python iterable OBJ (a generator, a range, a set ...) as a Lisp list.

    (py/list (py/call (py/get (py/import "itertools") "repeat") "x" 2)) ; => ("x" "x")
    """
    return from_python(_python("py/list", list, to_python(obj)))


@builtin("py/type", needs="python")
def py_type(obj: Any) -> str:
    """The Python type of OBJ, as a dotted name.

    (py/type (py/import "math")) ; => "module"
    (py/type (py/call (py/get (py/import "datetime") "date") 2024 5 1)) ; => "datetime.date"
    """
    return describe(to_python(obj), 0).split(" ", 1)[0]


@builtin("py/object?")
def py_object_p(x: Any) -> bool:
    """True if X is a handle on a Python object (no capability needed to ask).

    (py/object? 42) ; => #f
    """
    return x.__class__ is PyObject


NAMES = ("py/call", "py/get", "py/import", "py/list", "py/method", "py/object?", "py/set!", "py/type")
