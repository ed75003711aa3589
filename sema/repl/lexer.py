"""Syntax highlighting: a prompt-toolkit lexer for sema, and the REPL's style.

Brackets are coloured by depth (rainbow parentheses), the bracket matching
the one at the cursor is underlined (prompt-toolkit's
``HighlightMatchingBracketProcessor``, set up in session.py), and strings,
keywords, numbers, comments, special forms and builtins have their own
classes.  The style uses the terminal's 16 ANSI colours, so it follows the
user's theme; with ``NO_COLOR`` set, session.py renders without colours.
"""

from __future__ import annotations

from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

from .tokens import tokenize

#: bracket colours cycle through this many depths
DEPTHS = 4

STYLE = Style.from_dict({
    "prompt": "ansigreen bold",
    "continuation": "ansibrightblack",
    "bracket.d0": "ansiyellow",
    "bracket.d1": "ansimagenta",
    "bracket.d2": "ansicyan",
    "bracket.d3": "ansiblue",
    "bracket.unmatched": "ansired bold",
    "string": "ansigreen",
    "string.open": "ansigreen",
    "char": "ansigreen",
    "number": "ansicyan",
    "keyword": "ansibrightmagenta bold",
    "constant": "ansicyan",
    "comment": "ansibrightblack italic",
    "special": "ansiblue bold",
    "builtin": "ansiblue",
    "prefix": "ansiyellow",
    "error": "ansired",
    "matching-bracket.cursor": "bold underline",
    "matching-bracket.other": "bold underline",
    "completion-menu.meta.completion": "italic",
    "bottom-toolbar": "noreverse ansibrightblack",
    "bottom-toolbar.text": "italic",
})

_CONSTANTS = frozenset(("#t", "#f", "#true", "#false", "nil", "true", "false"))


def classify_atom(text: str, specials, globals_) -> str:
    """The style class of an atom: number, keyword, constant, special, builtin or plain."""
    if text in _CONSTANTS:
        return "class:constant"
    if text.startswith(":") and len(text) > 1:
        return "class:keyword"
    if text[0] in "0123456789+-.#":
        from ..reader import parse_number
        try:
            if parse_number(text) is not None:
                return "class:number"
        except Exception:  # a malformed number: the reader will say what is wrong
            pass
    if text in specials:
        return "class:special"
    if text in globals_:
        return "class:builtin"
    return ""


def highlight(text: str, specials=frozenset(), globals_=frozenset()) -> list[tuple[str, str]]:
    """``(style, text)`` fragments for ``text``, covering it exactly."""
    out: list[tuple[str, str]] = []
    depth = 0
    for tok in tokenize(text):
        kind = tok.kind
        if kind == "open":
            out.append((f"class:bracket.d{depth % DEPTHS}", tok.text))
            depth += 1
        elif kind == "close":
            if depth == 0:
                out.append(("class:bracket.unmatched", tok.text))
            else:
                depth -= 1
                out.append((f"class:bracket.d{depth % DEPTHS}", tok.text))
        elif kind == "atom":
            out.append((classify_atom(tok.text, specials, globals_), tok.text))
        elif kind == "string":
            out.append(("class:string" if tok.closed else "class:string.open", tok.text))
        elif kind == "space":
            out.append(("", tok.text))
        else:  # comment, char, prefix, error
            out.append((f"class:{kind}", tok.text))
    return out


def split_lines(fragments):
    """The fragments of each line (prompt-toolkit asks the lexer line by line)."""
    lines: list[list[tuple[str, str]]] = [[]]
    for style, text in fragments:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                lines[-1].append((style, part))
    return lines


class SemaLexer(Lexer):
    """Highlights sema source; knows special forms and the current interpreter's globals."""

    def __init__(self, get_interp=None):
        self.get_interp = get_interp
        self._cache = (None, None)

    def _names(self):
        """Special forms and macros, and global names (recomputed only when they change)."""
        from .names import global_names, special_forms
        interp = self.get_interp() if self.get_interp else None
        key = (id(interp), len(interp.namespace), len(interp.macros)) if interp is not None else None
        cached_key, names = self._cache
        if names is None or cached_key != key:
            specials = frozenset(special_forms())
            if interp is None:
                names = (specials, frozenset())
            else:
                names = (specials | frozenset(m.name for m in interp.macros), frozenset(global_names(interp)))
            self._cache = (key, names)
        return names

    def lex_document(self, document):
        specials, globals_ = self._names()
        lines = split_lines(highlight(document.text, specials, globals_))

        def get_line(lineno: int):
            return lines[lineno] if 0 <= lineno < len(lines) else []
        return get_line
