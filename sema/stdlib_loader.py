"""Loading the Lisp part of the standard library (``stdlib/*.scm``, shipped in the wheel)."""

from __future__ import annotations

import os

#: files of the Lisp standard library, in load order
STDLIB_FILES = ("prelude.scm",)
_sources: dict[str, str] = {}
_HERE = os.path.dirname(os.path.abspath(__file__))
#: where the files are: the package sema.stdlib when installed, stdlib/ beside sema/ in a checkout
_FOLDERS = (os.path.join(_HERE, "stdlib"), os.path.join(os.path.dirname(_HERE), "stdlib"))


def stdlib_source(name: str) -> str:
    """The text of a stdlib file (read with open(): importlib.resources would cost start-up ~7 ms)."""
    text = _sources.get(name)
    if text is None:
        for folder in _FOLDERS:
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    text = fh.read()
                break
            except FileNotFoundError:
                continue
        else:
            raise FileNotFoundError(f"sema's standard library file {name} is missing from {_FOLDERS[0]}")
        _sources[name] = text
    return text


def load_stdlib(interp) -> None:
    """Run every stdlib file in ``interp``, then add the library macros written in Python."""
    for name in STDLIB_FILES:
        interp.eval_source(stdlib_source(name), f"<stdlib>/{name}")
    from .builtins.macros import install
    install(interp)
