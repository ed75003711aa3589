"""Control builtins: errors, ``apply``, and the ones that need the interpreter
(``eval``, ``load``, ``read``, ``macroexpand``, ``sys/args``, ``doc``, modules, tests).
"""

from __future__ import annotations

import os

from ..errors import EvalError, LispIOError, LispTypeError, UserError
from ..printer import display_str, write_str
from ..runtime import output
from ..runtime.capabilities import Need
from ..runtime.registry import Any, Callable_, builtin, interp_builtin
from ..values import (
    EMPTY,
    ArrayList,
    Map,
    Pair,
    Symbol,
    iter_list,
    make_list,
    to_pylist,
)


@builtin("throw", "raise")
def throw(value: Any) -> Any:
    """Raise VALUE as an error; ``catch`` receives it (an error map is re-raised as it is).

    (try (throw :oops) (catch e (:value e))) ; => :oops
    """
    if isinstance(value, Map) and value.get(_K_TYPE) is not None and value.get(_K_MESSAGE) is not None:
        err = UserError(value, str(value.get(_K_MESSAGE)))
        err.rethrown_map = value
        raise err
    raise UserError(value, value if isinstance(value, str) else display_str(value))


@builtin("error")
def error(message: Any, *irritants: Any) -> Any:
    """Raise an :eval error with MESSAGE (display form) followed by the IRRITANTS (write form).

    As in Sema, the error's :type is :eval (``throw`` and ``raise`` make :user errors).

    (try (error "bad value:" 42) (catch e (:message e))) ; => "bad value: 42"
    (try (error "boom") (catch e (:type e))) ; => :eval
    """
    text = " ".join([display_str(message)] + [write_str(x) for x in irritants])
    raise EvalError(text)


@builtin("apply")
def apply(f: Callable_, *args: Any) -> Any:
    """Call F with ARGS, the last of which is a list (or vector) spread into arguments.

    (apply + 1 2 '(3 4)) ; => 10
    """
    if not args:
        return f()
    if not callable(f):
        raise LispTypeError(f"apply: cannot call {write_str(f)}: it is not a function")
    return f(*args[:-1], *spread_args(args[-1]))


def spread_args(last) -> list:
    """The elements of ``apply``'s last argument (a list, a vector or nil)."""
    if last is None or last is EMPTY:
        return []
    if last.__class__ is tuple:
        return list(last)
    if isinstance(last, (Pair, ArrayList)):
        return to_pylist(last)
    raise LispTypeError(f"apply: the last argument must be a list, got {write_str(last)}")


from ..values import Keyword  # noqa: E402

#: load and import read the file they resolve to (next to the loading file first)
_LOADS = Need("load", paths=lambda args, interp: [interp._resolve_path(a) for a in args[:1] if isinstance(a, str)])

_K_TYPE, _K_MESSAGE = Keyword("type"), Keyword("message")


@interp_builtin("eval")
def make_eval(interp):
    """Evaluate FORM (data, as returned by quote or read) in the global environment.

    (eval '(+ 1 2)) ; => 3
    """
    def eval_(form: Any, env: Any = None) -> Any:
        return interp._eval_form(form, "<eval>")
    return eval_


@interp_builtin("load", needs=_LOADS)
def make_load(interp):
    """Load and run the file at PATH (relative paths are tried next to the loading file first).

    (load "lib.scm") ; => nil
    """
    def load(path: str) -> Any:
        interp.load_file(interp._resolve_path(path))
        return None
    load.doc_example_skip = True
    return load


@interp_builtin("read", "read/string")
def make_read(interp):
    """Read one form from STRING and return it as data, without evaluating it.

    (read "(+ 1 2)") ; => (+ 1 2)
    """
    def read(text: str) -> Any:
        from ..reader import read_one
        return read_one(text, "<read>")
    return read


@interp_builtin("read-many", "read/all")
def make_read_many(interp):
    """Read every form in STRING and return them as a list.

    (read-many "1 (a b) :c") ; => (1 (a b) :c)
    """
    def read_many(text: str) -> Any:
        from ..reader import read_all
        return make_list(read_all(text, "<read>"))
    return read_many


@interp_builtin("macroexpand")
def make_macroexpand(interp):
    """Expand the macro (or derived form) at the head of FORM until it is a core form.

    (macroexpand '(when a b)) ; => (if a b)
    """
    def macroexpand(form: Any) -> Any:
        while True:
            expanded = interp._expand_once(form)
            if expanded is form:
                return form
            form = expanded
    return macroexpand


@interp_builtin("macroexpand-1")
def make_macroexpand_1(interp):
    """Expand the macro (or derived form) at the head of FORM once.

    (macroexpand-1 '(unless a b)) ; => (if a nil b)
    """
    def macroexpand_1(form: Any) -> Any:
        return interp._expand_once(form)
    return macroexpand_1


@interp_builtin("sys/args")
def make_sys_args(interp):
    """The command-line arguments given to the script, as a list of strings.

    (sys/args) ; => ()
    """
    def sys_args() -> Any:
        return make_list(list(interp.args))
    sys_args.doc_example_skip = True
    return sys_args


@interp_builtin("%doc")
def make_doc(interp):
    """Print the documentation of NAME: a builtin, special form, macro or documented function."""
    def doc(name: Any) -> Any:
        text = interp.doc_text(name)
        output.stdout().write(text + "\n")
        return None
    return doc


@interp_builtin("%module-exports")
def make_module_exports(interp):
    """Record the exports of the module being loaded (used by the module form)."""
    def module_exports(name: Any, exports: Any) -> Any:
        interp.loader.name = name
        interp.loader.exports = None if exports is None else [s for s in iter_list(exports)]
        return None
    return module_exports


@interp_builtin("%import", needs=_LOADS)
def make_import(interp):
    """Load a module file in an isolated interpreter and bind its exports here."""
    def import_(path: Any, names: Any) -> Any:
        if not isinstance(path, str):
            raise LispTypeError(f"import: expected a file name string, got {write_str(path)}")
        full = interp._resolve_path(path)
        if not os.path.exists(full):
            raise LispIOError(f"import: no such module file: {path}")
        wanted = list(iter_list(names)) if names is not None else []
        for sym in wanted:
            if sym.__class__ is not Symbol:
                raise LispTypeError(f"import: expected symbols to import, got {write_str(sym)}")
        interp.loader.import_module(full, wanted)
        return None
    return import_


@interp_builtin("%register-test")
def make_register_test(interp):
    """Register a deftest (name, thunk, file, line) with the interpreter."""
    def register_test(name: Any, thunk: Any, file: Any, line: Any) -> Any:
        interp.tests.append((name, thunk, file, line))
        return None
    return register_test
