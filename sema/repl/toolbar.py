"""The bottom toolbar: the call shape of the function whose arguments are being typed.

With the cursor inside ``(string/pad-left "7" |``, the toolbar shows
``(string/pad-left s width [pad])``; inside a special form, its shape from
the documentation.  Outside any call it shows the REPL's short help.  No
prompt_toolkit here: the session turns the text into a toolbar.
"""

from __future__ import annotations

from .tokens import open_brackets

IDLE = ",help: commands   Tab: complete   Ctrl-R: search history   Ctrl-X Ctrl-E: edit in $EDITOR"


def called_names(text_before_cursor: str) -> list[str]:
    """The heads of the unclosed ``(`` before the cursor that are names, innermost first."""
    stack, unfinished = open_brackets(text_before_cursor)
    out = []
    for bracket in reversed(stack):
        if bracket.token.text != "(" or not bracket.items:
            continue
        head = bracket.items[0][0]
        if head.kind == "atom" and not head.text[0].isdigit() and not head.text.startswith(":"):
            out.append(head.text)
    return out


def _resolved(interp, name: str, about: str) -> str:
    """ABOUT, or the real call shape when NAME is a builtin whose module has not been loaded yet
    (its stand-in only knows ``. args``): the module is loaded now, for this one name."""
    from ..runtime.names import mangle
    value = interp.namespace.get(mangle(name))
    module = getattr(value, "lazy_module", None)
    if module is None:
        return about
    from ..runtime.namespace import resolve_lazy
    from .names import summary
    return summary(name, resolve_lazy(interp, interp.namespace, name, module))


def toolbar_text(text_before_cursor: str, interp) -> str:
    """What the toolbar shows for the text typed so far: the innermost call of a known name."""
    from .names import catalogue
    names = catalogue(interp)
    for name in called_names(text_before_cursor):  # in ((a 1) ...) of a let, `a` is no call: look further out
        about = names.get(name)
        if about is not None:
            about = _resolved(interp, name, about)
            return about if about.startswith("(") else f"{name}: {about}"
    return IDLE
