"""Loading the Lisp part of the standard library (``stdlib/*.scm``, shipped in the wheel)."""

from __future__ import annotations

import os
from importlib import resources

#: files of the Lisp standard library, in load order
STDLIB_FILES = ("prelude.scm",)
_sources: dict[str, str] = {}


def stdlib_source(name: str) -> str:
    text = _sources.get(name)
    if text is None:
        try:  # installed: stdlib/ is the package sema.stdlib inside the wheel
            text = resources.files("sema.stdlib").joinpath(name).read_text(encoding="utf-8")
        except ModuleNotFoundError:  # a source checkout: stdlib/ sits beside sema/
            here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "stdlib", name)
            with open(here, encoding="utf-8") as fh:
                text = fh.read()
        _sources[name] = text
    return text


def load_stdlib(interp) -> None:
    """Run every stdlib file in ``interp``, then add the library macros written in Python."""
    for name in STDLIB_FILES:
        interp.eval_source(stdlib_source(name), f"<stdlib>/{name}")
    from .builtins.macros import install
    install(interp)
