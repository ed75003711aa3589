"""``git/*``: read-only questions to the ``git`` program about the current repository (loaded on first use).

Each builtin runs ``git`` in the current directory (nothing is ever changed)
and turns its porcelain output into Lisp data; paths are read NUL-separated,
so spaces and renames come out intact.  Outside a repository, or without
``git`` installed, they raise an :io error that says so.
"""

from __future__ import annotations

from ..errors import LispIOError
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, ListBase, make_list, make_map
from .argcheck import type_error
from .io import skip_doc_examples

Any = typing.Any


def _git(who: str, *args: str, check: bool = True):
    import subprocess

    from .system import wait_for_process
    try:
        child = subprocess.Popen(["git", "-c", "core.quotepath=off", *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
                                 errors="replace")
    except OSError as exc:
        raise LispIOError(f"{who}: cannot run git: {exc.strerror or exc}") from None
    out, err = wait_for_process(child)
    if check and child.returncode != 0:
        raise LispIOError(f"{who}: git {args[0]} failed: {err.strip() or 'exit code ' + str(child.returncode)}")
    return out, child.returncode


def _split0(text: str) -> list[str]:
    return [p for p in text.split("\0") if p]


@skip_doc_examples
@builtin("git/root", needs="shell")
def git_root() -> str:
    """The top-level directory of the repository around the current directory.

    (git/root) ; => "/home/you/project"
    """
    return _git("git/root", "rev-parse", "--show-toplevel")[0].strip()


@skip_doc_examples
@builtin("git/current-branch", needs="shell")
def current_branch() -> str:
    """The name of the checked-out branch ("HEAD" when detached).

    (git/current-branch) ; => "main"
    """
    return _git("git/current-branch", "rev-parse", "--abbrev-ref", "HEAD")[0].strip()


def _status_entries(who: str) -> list:
    out = _split0(_git(who, "status", "--porcelain=v1", "-z", "--untracked-files=all")[0])
    entries, i = [], 0
    while i < len(out):
        record = out[i]
        code, path = record[:2], record[3:]
        if code[0] in "RC":  # a rename or copy is followed by its old path
            i += 1
        entries.append((code, path))
        i += 1
    return entries


@skip_doc_examples
@builtin("git/status", needs="shell")
def status() -> ListBase:
    """The changed files, as maps ``{:path :status :staged :untracked}`` (:status is git's short code).

    (git/status) ; => ({:path "src/a.scm" :staged #f :status "M" :untracked #f})
    """
    out = []
    for code, path in _status_entries("git/status"):
        untracked = code == "??"
        out.append(make_map([(Keyword("path"), path), (Keyword("status"), code.strip() or code),
                             (Keyword("staged"), not untracked and code[0] not in " ?"),
                             (Keyword("untracked"), untracked)]))
    return make_list(out)


@skip_doc_examples
@builtin("git/changed-files", needs="shell")
def changed_files() -> ListBase:
    """The paths of every changed, staged or untracked file.

    (git/changed-files) ; => ("src/a.scm" "notes.md")
    """
    return make_list([path for _, path in _status_entries("git/changed-files")])


@skip_doc_examples
@builtin("git/diff-files", needs="shell")
def diff_files() -> ListBase:
    """The paths with unstaged changes (``git diff --name-only``).

    (git/diff-files) ; => ("src/a.scm")
    """
    return make_list(_split0(_git("git/diff-files", "diff", "--name-only", "-z")[0]))


@skip_doc_examples
@builtin("git/diff", needs="shell")
def diff(path: str | None = None) -> str:
    """The unified diff of the unstaged changes (of PATH only, when given).

    (git/diff "src/a.scm") ; => "diff --git a/src/a.scm b/src/a.scm ..."
    """
    if path is not None and path.__class__ is not str:
        raise type_error("git/diff", "a path string", path)
    args = ["diff", "--no-color"] + (["--", path] if path is not None else [])
    return _git("git/diff", *args)[0]


@skip_doc_examples
@builtin("git/recent-files", needs="shell")
def recent_files(n: int = 20) -> ListBase:
    """The files touched by the last N commits (20 by default), each once, most recent first.

    (git/recent-files 5) ; => ("src/a.scm" "README.md")
    """
    if n.__class__ is not int or n < 1:
        raise type_error("git/recent-files", "a positive number of commits", n)
    out = _git("git/recent-files", "log", "--name-only", "--pretty=format:", "-z", "-n", str(n))[0]
    seen: dict[str, None] = {}
    for path in out.replace("\n", "\0").split("\0"):
        if path:
            seen.setdefault(path, None)
    return make_list(list(seen))


@skip_doc_examples
@builtin("git/ignore-matches?", needs="shell")
def ignore_matches_p(path: str) -> bool:
    """True if .gitignore rules ignore PATH.

    (git/ignore-matches? "target/x") ; => #t
    """
    if path.__class__ is not str:
        raise type_error("git/ignore-matches?", "a path string", path)
    _, code = _git("git/ignore-matches?", "check-ignore", "-q", path, check=False)
    if code not in (0, 1):
        raise LispIOError("git/ignore-matches?: not inside a git repository")
    return code == 0
