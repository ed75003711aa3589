"""Loading files and modules: ``load``, ``import`` and the ``module`` form.

``(load "file.scm")`` runs a file in the interpreter that calls it.
``(import "file.scm" name ...)`` runs it once per program in an interpreter
of its own (a *module*) and binds what it exports: the names listed by its
``(module name (export ...))`` form, or else everything it defined.
Relative paths are resolved against the file being loaded.
"""

from __future__ import annotations

import os

from ..errors import LispIOError, LispSyntaxError
from ..values import Symbol
from .names import mangle, unmangle


def read_source(path: str, who: str = "load") -> str:
    """The text of the Lisp file ``path``; a Lisp I/O error that says why it cannot be read."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise LispIOError(f"{who}: cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LispIOError(f"{who}: {path} is not UTF-8 text (byte 0x{data[exc.start]:02x} "
                          f"on line {line})") from None


class ModuleLoader:
    """One interpreter's file loading state and, if it is a module, what it exports."""

    __slots__ = ("interp", "modules", "loading", "exports", "name", "baseline")

    def __init__(self, interp, modules: dict | None = None):
        self.interp = interp
        self.modules: dict = {} if modules is None else modules  # absolute path -> module Interpreter
        self.loading: list[str] = []        # absolute paths of the files being loaded, innermost last
        self.exports: list | None = None    # the names a module form exports (None: all it defines)
        self.name = None                    # the module form's name
        self.baseline: frozenset = frozenset()  # globals present before a module's own code ran

    def resolve(self, path: str) -> str:
        """``path`` as given, or relative to the file being loaded when it exists there."""
        if os.path.isabs(path):
            return path
        if self.loading:
            candidate = os.path.join(os.path.dirname(self.loading[-1]), path)
            if os.path.exists(candidate):
                return candidate
        return path

    def load_file(self, path: str):
        """Run the file ``path`` in this interpreter; the value of its last form."""
        interp = self.interp
        text = read_source(path)
        full = os.path.abspath(path)
        self.loading.append(full)
        try:
            with interp.units.loading_file(full, text):
                return interp.eval_source(text, path)
        finally:
            self.loading.pop()

    def import_module(self, path: str, names=()):
        """Import ``names`` (or every export) of the module file ``path`` into this interpreter."""
        interp = self.interp
        full = os.path.abspath(path)
        text = read_source(path, "import")
        with interp.units.loading_file(full, text):
            module = self.modules.get(full)
            if module is None:
                from ..interpreter import Interpreter
                module = Interpreter(stdlib=True, llm=interp.llm_enabled, args=interp.args,
                                     allow=interp.policy)  # a module may do no more than its importer
                module.loader.modules = self.modules
                self.modules[full] = module
                module.loader.baseline = frozenset(module.namespace)
                module.loader.load_file(full)
            exported = module.loader.exported_names()
            for sym in names or exported:
                if sym not in exported:
                    from ..errors import LispValueError
                    raise LispValueError(f"import: {path} does not export {sym.name}")
                self.import_binding(module, sym)

    def exported_names(self) -> list[Symbol]:
        if self.exports is not None:
            return list(self.exports)
        ns = self.interp.namespace
        return [Symbol(unmangle(k)) for k in ns if k not in self.baseline and not k.startswith("_")] + \
            list(self.interp.macros)

    def import_binding(self, module, sym: Symbol) -> None:
        interp = self.interp
        if sym in module.macros:
            interp._add_macro(sym, module.macros[sym], module.units.macro_fingerprints.get(sym, "?"))
            return
        py = mangle(sym.name)
        if py not in module.namespace:
            raise LispSyntaxError(f"import: module does not define {sym.name}")
        interp.namespace[py] = module.namespace[py]
        interp.note_global_definition(sym.name)
