"""What sema knows about the code objects it compiled: that they are Lisp, and their source text.

A traceback through compiled Lisp code is the Lisp stack (``runtime.traceback``);
it tells Lisp frames from Python ones by looking their code objects up here.
The table holds its code objects weakly, so it grows and shrinks with the
code that exists (nothing is keyed by file name, and no interpreter sees
another's sources).

Closures that make tail calls recognise themselves by their code object
(see ``compiler.codegen``); :func:`install_code` also binds the
``_code_<unit>_<name>`` globals they compare with, for fresh and cached code alike.
"""

from __future__ import annotations

import weakref

#: the end of an int variant's qualified name (compiler.specialize): a traceback shows the variant
#: and the generic function's entry check that called it as one Lisp call
VARIANT_MARK = " (int variant)"

#: compiled Lisp code object -> the source text it was compiled from (None if unknown)
_LISP_CODE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _Text:
    """The text of one unit, shared by all its code objects (weak dicts need an object value)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def install_code(code, ns: dict, text: str | None) -> None:
    """Record ``code`` and the code nested in it as Lisp code from ``text``; bind its ``_code_`` globals."""
    holder = _Text(text)
    stack = [code]
    while stack:
        c = stack.pop()
        _LISP_CODE[c] = holder
        for const in c.co_consts:
            if hasattr(const, "co_code"):
                for name in const.co_names:
                    if name.startswith("_code_"):
                        ns[name] = const
                stack.append(const)


def is_lisp_code(code) -> bool:
    return code in _LISP_CODE


def source_text(code) -> str | None:
    holder = _LISP_CODE.get(code)
    return holder.text if holder is not None else None
