"""Console, file and path builtins: ``println``, ``read-line``, ``file/read``, ``path/join`` ...

Output goes to ``output.stdout()``/``output.stderr()`` looked up at call time, so the
REPL and tests can swap the streams; it is written with ``.write`` only and
never flushed per call (the CLI flushes at exit, ``io/flush`` on demand).

Printing conventions (chosen to match Rust Sema's output):

* ``display`` writes the display form of each argument, with no separator;
* ``print`` writes the write forms (strings quoted) separated by one space,
  no newline, as Sema's ``print`` does;
* ``println`` is ``print`` followed by a newline (``(println)`` prints an
  empty line);
* ``write`` writes the write form of one value (strings quoted);
* ``pprint`` writes the write form, broken over lines when wider than 80
  columns, then a newline.

File and path functions take and return strings.  Failures raise
:class:`~sema.errors.LispIOError` with a message in Lisp terms, e.g.
``file/read: cannot read "x.txt": No such file or directory``.
"""

from __future__ import annotations

import os
import sys

from ..errors import LispIOError
from ..printer import display_str, print_to, write_str
from ..runtime import output
from ..runtime.capabilities import Need, allowed_paths
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import (
    EMPTY,
    ArrayList,
    EmptyList,
    ListBase,
    Map,
    Pair,
    iter_list,
    make_list,
    sorted_items,
)


def skip_doc_examples(fn):
    """Mark a builtin whose docstring examples must not be run (they do I/O)."""
    fn.doc_example_skip = True
    return fn


def _io_error(who: str, verb: str, path, exc: BaseException) -> LispIOError:
    """A LispIOError naming the builtin, the action and the path, without errno noise."""
    if isinstance(exc, UnicodeDecodeError):
        reason = "not valid UTF-8 text"
    else:
        reason = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return LispIOError(f"{who}: cannot {verb} {write_str(path)}: {reason}")


# ---------------------------------------------------------------- console output


@skip_doc_examples
@builtin("display")
def display(*values: typing.Any) -> None:
    """Write the display form of each value to standard output, without separators or newline.

    (display "n = " 42) ; => nil
    """
    if len(values) == 1:
        print_to(output.stdout(), values[0], write=False)  # a huge list is written as it is printed
    else:
        output.stdout().write("".join(map(display_str, values)))


@skip_doc_examples
@builtin("print")
def print_(*values: typing.Any) -> None:
    """Write the values in write form (strings quoted, re-readable), separated by spaces, without a newline.

    (print "a" 1 :k) ; => nil
    """
    output.stdout().write(" ".join(map(write_str, values)))


@skip_doc_examples
@builtin("println")
def println(*values: typing.Any) -> None:
    """Write the display forms of the values separated by spaces, then a newline.

    (println "total:" 42) ; => nil
    """
    # One write per call; the common single-string case avoids the join.
    if len(values) == 1:
        print_to(output.stdout(), values[0], write=False, end="\n")  # the common single value: no join
    else:
        output.stdout().write(" ".join(map(display_str, values)) + "\n")


@skip_doc_examples
@builtin("newline")
def newline() -> None:
    """Write a newline to standard output.

    (newline) ; => nil
    """
    output.stdout().write("\n")


@skip_doc_examples
@builtin("write")
def write_(value: typing.Any) -> None:
    """Write the write form of VALUE (strings quoted, chars as #\\a), without a newline.

    (write "hi") ; => nil
    """
    print_to(output.stdout(), value)


@skip_doc_examples
@builtin("write-string", "io/write-string")
def write_string(s: str) -> None:
    """Write the string S as it is, without a newline.

    (write-string "hello") ; => nil
    """
    if s.__class__ is not str:
        raise TypeError(s)
    output.stdout().write(s)


@skip_doc_examples
@builtin("pprint")
def pprint(value: typing.Any) -> None:
    """Pretty-print VALUE in write form (long maps and lists one entry per line), then a newline.

    (pprint {:a 1 :b [1 2 3]}) ; => nil
    """
    output.stdout().write(pformat(value) + "\n")


@skip_doc_examples
@builtin("print-error", "io/print-error")
def print_error(*values: typing.Any) -> None:
    """Write the display forms of the values, separated by spaces, to standard error.

    (print-error "warning:" 3) ; => nil
    """
    output.stderr().write(" ".join(map(display_str, values)))


@skip_doc_examples
@builtin("println-error", "io/println-error")
def println_error(*values: typing.Any) -> None:
    """Like print-error, followed by a newline.

    (println-error "failed:" "x.txt") ; => nil
    """
    output.stderr().write(" ".join(map(display_str, values)) + "\n")


def _log(level: str, values) -> None:
    output.stderr().write(" ".join([f"[{level}]", *map(display_str, values)]) + "\n")


@builtin("log/debug")
def log_debug(*values: typing.Any) -> None:
    """Write a ``[DEBUG]`` line to standard error: the values joined by spaces (strings as they are, others
    in display form, as println shows them); returns nil.

    (log/debug "payload" {:id 1}) ; => nil
    """
    _log("DEBUG", values)


@builtin("log/info")
def log_info(*values: typing.Any) -> None:
    """Write an ``[INFO]`` line to standard error, as log/debug does: ``[INFO] server started on port 8080``.

    (log/info "server started on port" 8080) ; => nil
    """
    _log("INFO", values)


@builtin("log/warn")
def log_warn(*values: typing.Any) -> None:
    """Write a ``[WARN]`` line to standard error, as log/debug does.

    (log/warn "retrying, attempt" 2) ; => nil
    """
    _log("WARN", values)


@builtin("log/error")
def log_error(*values: typing.Any) -> None:
    """Write an ``[ERROR]`` line to standard error, as log/debug does.

    (log/error "failed to connect:" "timeout") ; => nil
    """
    _log("ERROR", values)


@skip_doc_examples
@builtin("io/flush")
def flush() -> None:
    """Flush standard output and standard error.

    (io/flush) ; => nil
    """
    for stream in (output.stdout(), output.stderr()):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass


# ---------------------------------------------------------------- pretty printing

PPRINT_WIDTH = 80


def pformat(value, indent: int = 0, width: int = PPRINT_WIDTH) -> str:
    """The write form of ``value``, with maps, lists and vectors wider than ``width`` broken over lines.

    Clojure style: one entry per line, aligned one column right of the
    opening bracket; ``indent`` is the column where the value starts.
    """
    flat = write_str(value)
    if indent + len(flat) <= width:
        return flat
    cls = value.__class__
    if isinstance(value, Map) and len(value):
        pad = " " * (indent + 1)
        lines = []
        for k, v in sorted_items(value):
            key = write_str(k)
            lines.append(key + " " + pformat(v, indent + 1 + len(key) + 1, width))
        return "{" + ("\n" + pad).join(lines) + "}"
    if cls is tuple and value:
        pad = " " * (indent + 1)
        return "[" + ("\n" + pad).join(pformat(x, indent + 1, width) for x in value) + "]"
    if (cls is Pair or cls is ArrayList) and _proper(value) and not _quote_form(value):
        pad = " " * (indent + 1)
        return "(" + ("\n" + pad).join(pformat(x, indent + 1, width) for x in iter_list(value)) + ")"
    return flat


def _proper(x) -> bool:
    while x.__class__ is Pair:
        x = x.cdr
    return x is EMPTY or x.__class__ is ArrayList


def _quote_form(x) -> bool:
    # 'x and friends print as a prefix; breaking them would change their look.
    head = x.car
    return getattr(head, "name", None) in ("quote", "quasiquote", "unquote", "unquote-splicing") and \
        x.cdr.__class__ is not EmptyList and x.cdr.cdr is EMPTY


# ---------------------------------------------------------------- console input


@skip_doc_examples
@builtin("read-line", "io/read-line", needs="stdin")
def read_line() -> str | None:
    """Read one line from standard input, without its line ending; nil at end of input.

    (read-line) ; => "what the user typed"
    """
    stream = sys.stdin
    if stream is None:
        return None
    try:
        with output.terminal_input():
            line = stream.readline()
    except (OSError, ValueError) as exc:
        raise _io_error("read-line", "read", "<stdin>", exc) from None
    if not line:
        return None
    if line.endswith("\n"):
        line = line[:-2] if line.endswith("\r\n") else line[:-1]
    return line


@skip_doc_examples
@builtin("read-stdin", "io/read-stdin", needs="stdin")
def read_stdin() -> str:
    """Read all of standard input as one string ("" if it is empty or closed).

    (read-stdin) ; => "line 1\\nline 2\\n"
    """
    stream = sys.stdin
    if stream is None:
        return ""
    try:
        with output.terminal_input():
            return stream.read()
    except (OSError, ValueError) as exc:
        raise _io_error("read-stdin", "read", "<stdin>", exc) from None


# ---------------------------------------------------------------- files


def _check_path(path) -> None:
    # open() and listdir() accept integers as file descriptors: (file/read 1) must not read fd 1.
    if path.__class__ is not str:
        raise TypeError(path)


def _read_text(who: str, path: str) -> str:
    _check_path(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise _io_error(who, "read", path, exc) from None


def _write_text(who: str, path: str, text: str, mode: str, verb: str = "write") -> None:
    _check_path(path)
    try:
        with open(path, mode, encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise _io_error(who, verb, path, exc) from None


@skip_doc_examples
@builtin("file/read", needs=Need("fs-read", paths=0))
def file_read(path: str) -> str:
    """The whole content of the file at PATH, as a string (UTF-8).

    (file/read "notes.txt") ; => "hello\\n"
    """
    return _read_text("file/read", path)


@skip_doc_examples
@builtin("file/write", needs=Need("fs-write", paths=0))
def file_write(path: str, content: str) -> None:
    """Write the string CONTENT to the file at PATH, replacing it; returns nil.

    (file/write "notes.txt" "hello\\n") ; => nil
    """
    if content.__class__ is not str:
        raise TypeError(content)
    _write_text("file/write", path, content, "w")


@skip_doc_examples
@builtin("file/append", needs=Need("fs-write", paths=0))
def file_append(path: str, content: str) -> None:
    """Append the string CONTENT to the file at PATH (created if missing); returns nil.

    (file/append "log.txt" "one more line\\n") ; => nil
    """
    if content.__class__ is not str:
        raise TypeError(content)
    _write_text("file/append", path, content, "a", "append to")


@skip_doc_examples
@builtin("file/read-lines", needs=Need("fs-read", paths=0))
def file_read_lines(path: str) -> ListBase:
    """The lines of the file at PATH, as a list of strings without line endings.

    (file/read-lines "notes.txt") ; => ("first" "second")
    """
    return make_list(_read_text("file/read-lines", path).splitlines())


@skip_doc_examples
@builtin("file/write-lines", needs=Need("fs-write", paths=0))
def file_write_lines(path: str, lines: ListBase | tuple) -> None:
    """Write each string of LINES to the file at PATH, each followed by a newline; returns nil.

    (file/write-lines "notes.txt" '("first" "second")) ; => nil
    """
    items = list(lines) if lines.__class__ is tuple else list(iter_list(lines))
    text = "".join(display_str(line) + "\n" for line in items)
    _write_text("file/write-lines", path, text, "w")


@skip_doc_examples
@builtin("file/exists?", needs=Need("fs-read", paths=0))
def exists_p(path: str) -> bool:
    """True if a file or directory exists at PATH.

    (file/exists? "/no/such/file") ; => #f
    """
    return os.path.exists(path)


@skip_doc_examples
@builtin("file/is-file?", needs=Need("fs-read", paths=0))
def is_file_p(path: str) -> bool:
    """True if PATH names a regular file.

    (file/is-file? "/") ; => #f
    """
    return os.path.isfile(path)


@skip_doc_examples
@builtin("file/is-directory?", needs=Need("fs-read", paths=0))
def is_directory_p(path: str) -> bool:
    """True if PATH names a directory.

    (file/is-directory? "/") ; => #t
    """
    return os.path.isdir(path)


@skip_doc_examples
@builtin("file/is-symlink?", needs=Need("fs-read", paths=0))
def is_symlink_p(path: str) -> bool:
    """True if PATH is a symbolic link.

    (file/is-symlink? "/no/such/file") ; => #f
    """
    return os.path.islink(path)


@skip_doc_examples
@builtin("file/delete", needs=Need("fs-write", paths=0))
def file_delete(path: str) -> None:
    """Delete the file (or empty directory) at PATH; returns nil.

    (file/delete "old.txt") ; => nil
    """
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.remove(path)
    except OSError as exc:
        raise _io_error("file/delete", "delete", path, exc) from None


@skip_doc_examples
@builtin("file/list", needs=Need("fs-read", paths=lambda args, interp: args[:1] or ["."]))
def file_list(path: str = ".") -> ListBase:
    """The names of the entries of the directory PATH, sorted, as a list of strings.

    (file/list "src") ; => ("main.scm" "util.scm")
    """
    _check_path(path)
    try:
        return make_list(sorted(os.listdir(path)))
    except OSError as exc:
        raise _io_error("file/list", "list", path, exc) from None


@skip_doc_examples
@builtin("file/mkdir", needs=Need("fs-write", paths=0))
def file_mkdir(path: str) -> None:
    """Create the directory PATH and any missing parents (no error if it exists); returns nil.

    (file/mkdir "build/out") ; => nil
    """
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise _io_error("file/mkdir", "create directory", path, exc) from None


@skip_doc_examples
@builtin("file/copy", needs=(Need("fs-read", paths=0), Need("fs-write", paths=1)))
def file_copy(source: str, dest: str) -> None:
    """Copy the file SOURCE to DEST (a file path or a directory); returns nil.

    (file/copy "a.txt" "b.txt") ; => nil
    """
    import shutil

    try:
        shutil.copy(source, dest)
    except OSError as exc:
        raise _io_error("file/copy", "copy", source, exc) from None


@skip_doc_examples
@builtin("file/rename", needs=(Need("fs-write", paths=0), Need("fs-write", paths=1)))
def file_rename(source: str, dest: str) -> None:
    """Rename (move) SOURCE to DEST; returns nil.

    (file/rename "draft.txt" "final.txt") ; => nil
    """
    try:
        os.replace(source, dest)
    except OSError as exc:
        raise _io_error("file/rename", "rename", source, exc) from None


@skip_doc_examples
@builtin("file/glob", needs=Need("fs-read", paths=lambda args, interp: [glob_root(a) for a in args[:1]]))
def file_glob(pattern: str) -> ListBase:
    """The paths matching the glob PATTERN (``**`` crosses directories), sorted.

    (file/glob "src/*.scm") ; => ("src/main.scm" "src/util.scm")
    """
    import glob

    if pattern.__class__ is not str:
        raise TypeError(pattern)
    # in a sandbox, only matches inside the readable folders (a match may be a symlink leading out)
    return make_list(sorted(allowed_paths("fs-read", glob.glob(pattern, recursive=True))))


def glob_root(pattern) -> str:
    """The folder a glob pattern cannot look above: its fixed part, climbing for each ``..`` after a wildcard."""
    if pattern.__class__ is not str:
        return pattern
    parts = pattern.replace(os.sep, "/").split("/")
    fixed: list[str] = []
    depth = 0                  # levels below the fixed part that wildcards may have gone down
    climbed = 0                # levels above it that ".." after a wildcard reaches
    wild = False
    for part in parts:
        if not wild and not any(c in part for c in "*?["):
            fixed.append(part)
            continue
        wild = True
        if part == "..":
            if depth:
                depth -= 1
            else:
                climbed += 1
        elif part not in ("", ".", "**"):
            depth += 1
    root = "/".join(fixed) or "."
    if pattern.startswith("/") and not root.startswith("/"):
        root = "/" + root
    return os.path.join(root, *[".."] * climbed) if climbed else root


# ---------------------------------------------------------------- paths
# Pure string operations; they follow Rust's Path: a trailing separator is
# ignored and the extension has no dot.


def _strip_trailing(path: str) -> str:
    stripped = path.rstrip("/" + os.sep)
    return stripped if stripped else path[:1]


@builtin("path/join")
def path_join(first: str, *parts: str) -> str:
    """Join path components with the platform separator (an absolute part restarts the path).

    (path/join "a" "b" "c.txt") ; => "a/b/c.txt"
    """
    return os.path.join(first, *parts)


@builtin("path/dir", "path/dirname")
def path_dir(path: str) -> str:
    """The parent directory of PATH ("" when it has none, as in Sema).

    (path/dir "/home/user/notes.txt") ; => "/home/user"
    (path/dir "foo") ; => ""
    """
    p = _strip_trailing(path)
    if p in ("/", os.sep, ""):
        return ""
    return os.path.dirname(p)


@builtin("path/filename", "path/basename")
def path_filename(path: str) -> str:
    """The last component of PATH ("" when it has none).

    (path/filename "/home/user/notes.txt") ; => "notes.txt"
    """
    return os.path.basename(_strip_trailing(path))


@builtin("path/extension", "path/ext")
def path_extension(path: str) -> str:
    """The extension of PATH's file name without the dot, or "" if it has none.

    (path/extension "archive.tar.gz") ; => "gz"
    (path/extension ".hidden") ; => ""
    """
    ext = os.path.splitext(os.path.basename(_strip_trailing(path)))[1]
    return ext[1:]


@builtin("path/stem")
def path_stem(path: str) -> str | None:
    """PATH's file name without its extension ("" when it has no file name).

    (path/stem "/tmp/archive.tar.gz") ; => "archive.tar"
    """
    name = os.path.basename(_strip_trailing(path))
    return os.path.splitext(name)[0]


@skip_doc_examples
@builtin("path/absolute", needs="env-read")
def path_absolute(path: str) -> str:
    """PATH made absolute against the current directory (symlinks are not resolved).

    (path/absolute "notes.txt") ; => "/home/user/notes.txt"
    """
    return os.path.abspath(path)


@builtin("path/absolute?")
def path_absolute_p(path: str) -> bool:
    """True if PATH is absolute.

    (path/absolute? "/etc/hosts") ; => #t
    """
    return os.path.isabs(path)


@skip_doc_examples
@builtin("path/canonicalize", needs=(Need("fs-read", paths=0), Need("env-read")))
def path_canonicalize(path: str) -> str:
    """The absolute path of an existing PATH with symlinks resolved.

    (path/canonicalize ".") ; => "/home/user"
    """
    try:
        return os.path.realpath(path, strict=True)
    except OSError as exc:
        raise _io_error("path/canonicalize", "resolve", path, exc) from None
