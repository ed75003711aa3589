"""Persistent input history, kept in the user's data folder and searched with Ctrl-R.

The file is ``history`` in ``platformdirs.user_data_dir("sema")`` (on Linux
``$XDG_DATA_HOME/sema/history``, by default ``~/.local/share/sema/history``).
When that folder cannot be created or written the history lives in memory
for the session only, and the REPL says so once.
"""

from __future__ import annotations

import os

from prompt_toolkit.history import FileHistory, History, InMemoryHistory


def history_path() -> str:
    """Where the REPL's history is kept."""
    import platformdirs
    return os.path.join(platformdirs.user_data_dir("sema", appauthor=False), "history")


def make_history(path: str | None = None, warn=None) -> History:
    """A FileHistory at ``path`` (default :func:`history_path`), or an in-memory one if it cannot be written.

    ``warn(message)`` is called when falling back.
    """
    try:
        path = path or history_path()
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except (OSError, ImportError) as exc:
        if warn is not None:
            reason = getattr(exc, "strerror", None) or str(exc)
            warn(f"note: history is not saved ({path}: {reason})")
        return InMemoryHistory()
    return FileHistory(path)
