"""More of Sema's system builtins: ``spy`` and ``retry``, and the ``sys/`` facts about the terminal
and sema's own folders.
"""

from __future__ import annotations

import os
import sys

from ..printer import display_str
from ..runtime import output
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, Map, make_map
from .io import skip_doc_examples

Any = typing.Any


@builtin("spy")
def spy(label: Any, value: Any) -> Any:
    """Print ``[LABEL] VALUE`` to standard error and return VALUE: a peek inside any expression.

    (+ 1 (spy "doubled" (* 2 5))) ; => 11
    """
    from ..printer import write_str
    output.stderr().write(f"[{display_str(label)}] {write_str(value)}\n")
    return value


@skip_doc_examples
@builtin("sys/term-size")
def term_size() -> Map | None:
    """The terminal's size as ``{:rows :cols}``, or nil when no terminal is attached.

    (sys/term-size) ; => {:cols 180 :rows 47}
    """
    for stream in (output.stdout(), output.stderr(), sys.stdin):
        try:
            size = os.get_terminal_size(stream.fileno())
        except (OSError, ValueError, AttributeError):
            continue
        return make_map([(Keyword("rows"), size.lines), (Keyword("cols"), size.columns)])
    return None


@skip_doc_examples
@builtin("sys/tty")
def tty() -> str | None:
    """The path of the terminal device standard input is connected to, or nil.

    (sys/tty) ; => "/dev/pts/3"
    """
    try:
        return os.ttyname(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return None


@skip_doc_examples
@builtin("sys/sema-home", needs="env-read")
def sema_home() -> str:
    """sema's own folder for user data ($SEMA_HOME, else ~/.sema as in Sema).

    (sys/sema-home) ; => "/home/ada/.sema"
    """
    return os.environ.get("SEMA_HOME") or os.path.join(os.path.expanduser("~"), ".sema")


@skip_doc_examples
@builtin("sys/config-dir", needs="env-read")
def config_dir() -> str:
    """The user's configuration folder ($XDG_CONFIG_HOME, else ~/.config).

    (sys/config-dir) ; => "/home/ada/.config"
    """
    return os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")


# ---------------------------------------------------------------- gc/ (issue 11)


def _gc_totals() -> Map:
    import gc
    stats = gc.get_stats()
    return make_map([(Keyword("collections"), sum(s["collections"] for s in stats)),
                     (Keyword("collected"), sum(s["collected"] for s in stats)),
                     (Keyword("uncollectable"), sum(s["uncollectable"] for s in stats)),
                     (Keyword("registry-size"), sum(gc.get_count()))])


@builtin("gc/collect")
def gc_collect() -> Map:
    """Run a full collection of reference cycles now; ``{:collected n}``, the number of objects it freed.
    (Python frees everything else as soon as it is unreferenced; Sema's collector reports more keys.)

    (map? (gc/collect)) ; => #t
    """
    import gc
    return make_map([(Keyword("collected"), gc.collect())])


@builtin("gc/stats")
def gc_stats() -> Map:
    """The cycle collector's totals without collecting: ``:collections`` run, objects ``:collected`` and
    ``:uncollectable`` so far, and ``:registry-size``, the objects allocated since the last collections.

    (sort (keys (gc/stats))) ; => (:collected :collections :registry-size :uncollectable)
    """
    return _gc_totals()
