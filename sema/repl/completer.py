"""Tab completion: special forms, builtins, user definitions, keywords, and REPL commands.

A candidate's meta text (shown beside it in the menu) is a builtin's call
shape or the first line of its documentation.  Keywords are completed from
every keyword the process has seen (they are interned) plus those in the
text being edited.  Names match by prefix; for a name with a ``/`` the part
after the slash matches too (``pad`` finds ``string/pad-left``).
"""

from __future__ import annotations

import re

from prompt_toolkit.completion import Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from .tokens import tokenize, word_before


_LOAD = re.compile(r"\s*,load\s+[\"']?([^\"'\n]*)$")


def _lisp_file_or_folder(path: str) -> bool:
    import os
    return os.path.isdir(path) or path.endswith((".scm", ".sema"))


class SemaCompleter(Completer):
    """Completes the word before the cursor; ``get_interp()`` gives the current interpreter."""

    def __init__(self, get_interp):
        self.get_interp = get_interp
        self.paths = PathCompleter(expanduser=True, file_filter=_lisp_file_or_folder)

    def get_completions(self, document, complete_event):
        before = document.text_before_cursor
        line = document.current_line_before_cursor
        m = _LOAD.match(before)
        if m is not None:
            typed = m.group(1)
            yield from self.paths.get_completions(Document(typed, len(typed)), complete_event)
            return
        if document.text.lstrip().startswith(",") and "\n" not in before and " " not in line.strip():
            yield from self._commands(line.strip())
            return
        word = word_before(before)
        if not word:
            return
        if word.startswith(":"):
            yield from self._keywords(word, document.text)
            return
        names = self._catalogue()
        exact, partial = [], []
        for name in sorted(names):
            if name.startswith(word):
                exact.append(name)
            elif "/" in name and "/" not in word and name.split("/", 1)[1].startswith(word):
                partial.append(name)
        for name in exact + partial:
            if name == word and len(exact) == 1 and not partial:
                continue  # already complete
            yield Completion(name, start_position=-len(word), display_meta=names[name])

    def _catalogue(self) -> dict[str, str]:
        """The interpreter's names with their summaries (summaries are cached in names.py)."""
        from .names import catalogue
        return catalogue(self.get_interp())

    def _keywords(self, word: str, text: str):
        from ..values import Keyword
        seen = {":" + name for name in list(Keyword._table)}
        seen.update(t.text for t in tokenize(text) if t.kind == "atom" and t.text.startswith(":"))
        seen.discard(word)
        for kw in sorted(k for k in seen if k.startswith(word)):
            yield Completion(kw, start_position=-len(word), display_meta="keyword")

    def _commands(self, typed: str):
        from .commands import COMMANDS
        for name, cmd in sorted(COMMANDS.items()):
            full = "," + name
            if full.startswith(typed) and name == cmd.name:
                yield Completion(full, start_position=-len(typed), display_meta=cmd.help)
