"""More of ``file/`` and ``path/``: metadata, binary files, line-by-line folds, and path safety.

``file/fold-lines`` and ``file/for-each-line`` stream the file (a line at a
time, without its line ending), so they work on files bigger than memory;
``file/fold-lines-bytes`` gives each line as a bytevector, for the
``bytes/*`` parsers.  Errors are ``:io`` errors naming the builtin and the
path, as for the other file builtins.
"""

from __future__ import annotations

import os

from ..runtime.capabilities import Need
from ..runtime.registry import Callable_, builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, Map, make_map
from .argcheck import type_error
from .io import _io_error, skip_doc_examples

Bytes = bytes


def _path(who: str, p) -> str:
    if p.__class__ is not str:
        raise type_error(who, "a path string", p)
    return p


@skip_doc_examples
@builtin("file/info", needs=Need("fs-read", paths=0))
def file_info(path: str) -> Map:
    """Facts about the file at PATH: ``{:size :modified :is-file :is-dir}`` (:modified in epoch milliseconds).

    (file/info "data.txt") ; => {:is-dir #f :is-file #t :modified 1782248141021 :size 1234}
    """
    _path("file/info", path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _io_error("file/info", "stat", path, exc) from None
    import stat
    return make_map([(Keyword("size"), st.st_size), (Keyword("modified"), st.st_mtime_ns // 1_000_000),
                     (Keyword("is-file"), stat.S_ISREG(st.st_mode)), (Keyword("is-dir"), stat.S_ISDIR(st.st_mode))])


@skip_doc_examples
@builtin("file/read-bytes", needs=Need("fs-read", paths=0))
def read_bytes(path: str) -> Bytes:
    """The content of the file at PATH as a bytevector.

    (file/read-bytes "image.png") ; => #u8(137 80 78 71 ...)
    """
    _path("file/read-bytes", path)
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise _io_error("file/read-bytes", "read", path, exc) from None


@skip_doc_examples
@builtin("file/write-bytes", needs=Need("fs-write", paths=0))
def write_bytes(path: str, data: Bytes) -> None:
    """Write the bytevector DATA to the file at PATH (replacing it); returns nil.

    (file/write-bytes "out.bin" #u8(1 2 3)) ; => nil
    """
    _path("file/write-bytes", path)
    if data.__class__ is not bytes and data.__class__ is not bytearray:
        raise type_error("file/write-bytes", "a bytevector", data)
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise _io_error("file/write-bytes", "write", path, exc) from None


def _lines(who: str, path: str, binary: bool):
    """The lines of the file at PATH without their line endings (bytes when BINARY)."""
    _path(who, path)
    try:
        fh = open(path, "rb") if binary else open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise _io_error(who, "read", path, exc) from None
    with fh:
        try:
            for line in fh:
                if binary:
                    yield line.rstrip(b"\n").rstrip(b"\r")
                else:
                    yield line.rstrip("\n").rstrip("\r")
        except UnicodeDecodeError as exc:
            raise _io_error(who, "read", path, exc) from None


@skip_doc_examples
@builtin("file/for-each-line", needs=Need("fs-read", paths=0))
def for_each_line(path: str, f: Callable_) -> None:
    """Call F on each line of the file at PATH (without its line ending), reading one line at a time.

    (file/for-each-line "data.txt" println) ; => nil
    """
    for line in _lines("file/for-each-line", path, False):
        f(line)


@skip_doc_examples
@builtin("file/fold-lines", needs=Need("fs-read", paths=0))
def fold_lines(path: str, f: Callable_, init: typing.Any) -> typing.Any:
    """Fold F over the lines of the file at PATH: ``(f acc line)``, starting from INIT.

    (file/fold-lines "data.csv" (fn (n line) (+ n 1)) 0) ; => 42
    """
    acc = init
    for line in _lines("file/fold-lines", path, False):
        acc = f(acc, line)
    return acc


@skip_doc_examples
@builtin("file/fold-lines-bytes", needs=Need("fs-read", paths=0))
def fold_lines_bytes(path: str, f: Callable_, init: typing.Any) -> typing.Any:
    """Like file/fold-lines, with each line as a bytevector (for the bytes/ parsers).

    (file/fold-lines-bytes "m.txt" (fn (acc line) (+ acc (bytes/length line))) 0) ; => 1234
    """
    acc = init
    for line in _lines("file/fold-lines-bytes", path, True):
        acc = f(acc, line)
    return acc


@builtin("path/relative-to")
def relative_to(base: str, path: str) -> str:
    """PATH relative to the directory BASE (lexically; ".." where PATH is outside BASE).

    (path/relative-to "/a/b" "/a/b/c/d") ; => "c/d"
    (path/relative-to "/a/b" "/a/x") ; => "../x"
    """
    return os.path.relpath(_path("path/relative-to", path), _path("path/relative-to", base))


@skip_doc_examples
@builtin("path/within?")
def within_p(root: str, path: str) -> bool:
    """True if PATH, with symbolic links and ".." resolved, lies inside the directory ROOT.

    The check for confining file access: it catches ``../`` and symlink escapes.

    (path/within? "/repo" "/repo/src/x") ; => #t
    (path/within? "/repo" "/repo/../etc/passwd") ; => #f
    """
    real_root = os.path.realpath(_path("path/within?", root))
    real = os.path.realpath(_path("path/within?", path))
    try:
        return os.path.commonpath([real_root, real]) == real_root
    except ValueError:  # different drives on Windows
        return False
