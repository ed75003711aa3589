"""``proc/*``: child processes with live output (loaded on first use).

``(proc/spawn argv [opts])`` starts a program (no shell) with piped stdin,
stdout and stderr, and returns an integer handle.  Two reader threads
collect its output; ``proc/read-stdout``/``proc/read-stderr`` return what
arrived since the last read ("" if nothing).  ``proc/wait`` waits for the
exit code (``-1`` if a signal killed it), letting other async tasks run;
``proc/close`` kills the child if needed and frees the handle.
``proc/run`` instead gives the child sema's own terminal (for an editor or a
pager) and returns its exit code.  Options are ``shell``'s: ``:cwd`` and
``:env`` (a map of variables to add).
"""

from __future__ import annotations

import codecs
import itertools
import threading

from ..errors import LispIOError, LispValueError
from ..printer import write_str
from ..runtime import output
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Map
from .argcheck import type_error
from .io import skip_doc_examples
from .lists import seq_items
from .system import _shell_options

Any = typing.Any
_handles: dict[int, "_Proc"] = {}
_numbers = itertools.count(1)
_lock = threading.Lock()


class _Proc:
    def __init__(self, child):
        self.child = child
        self.out: list[str] = []
        self.err: list[str] = []
        self.buffer_lock = threading.Lock()
        self.readers = [self._reader(child.stdout, self.out), self._reader(child.stderr, self.err)]

    def _reader(self, pipe, sink: list) -> threading.Thread:
        def read():
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            while True:
                data = pipe.read1(65536) if hasattr(pipe, "read1") else pipe.read(65536)
                if not data:
                    break
                text = decoder.decode(data)
                if text:
                    with self.buffer_lock:
                        sink.append(text)
            tail = decoder.decode(b"", final=True)
            if tail:
                with self.buffer_lock:
                    sink.append(tail)
        thread = threading.Thread(target=read, name="sema-proc-reader", daemon=True)
        thread.start()
        return thread

    def drain(self, sink: list) -> str:
        with self.buffer_lock:
            text = "".join(sink)
            sink.clear()
        return text

    def code(self):
        rc = self.child.poll()
        if rc is None:
            return None
        return -1 if rc < 0 else rc


def _argv(who: str, argv) -> list[str]:
    items = list(seq_items(argv, who))
    if not items or any(a.__class__ is not str for a in items):
        raise type_error(who, "a non-empty list of strings (the program and its arguments)", argv)
    return items


def _options(who: str, opts) -> dict:
    if opts is None:
        return {}
    if not isinstance(opts, Map):
        raise type_error(who, "an options map {:cwd :env}", opts)
    kwargs = _shell_options(opts)
    kwargs.pop("input", None)
    return kwargs


def _get(who: str, h) -> _Proc:
    if h.__class__ is not int:
        raise type_error(who, "a process handle (an integer from proc/spawn)", h)
    p = _handles.get(h)
    if p is None:
        raise LispValueError(f"{who}: no such handle {h} (already closed, or not from proc/spawn)")
    return p


@skip_doc_examples
@builtin("proc/spawn", needs="shell")
def spawn(argv: Any, opts: Map | None = None) -> int:
    """Start ARGV (a list or vector: the program, then its arguments) and return its handle.

    (proc/spawn ["cat"] {:cwd "/tmp"}) ; => 1
    """
    import subprocess
    args = _argv("proc/spawn", argv)
    try:
        child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 start_new_session=True, **_options("proc/spawn", opts))
    except OSError as exc:
        raise LispIOError(f"proc/spawn: cannot run {write_str(args[0])}: {exc.strerror or exc}") from None
    with _lock:
        handle = next(_numbers)
        _handles[handle] = _Proc(child)
    return handle


@skip_doc_examples
@builtin("proc/write-stdin", needs="shell")
def write_stdin(h: int, text: str) -> None:
    """Write TEXT to the process's standard input.

    (proc/write-stdin h "hello\\n") ; => nil
    """
    p = _get("proc/write-stdin", h)
    if text.__class__ is not str:
        raise type_error("proc/write-stdin", "a string", text)
    try:
        p.child.stdin.write(text.encode("utf-8"))
        p.child.stdin.flush()
    except (OSError, ValueError) as exc:
        raise LispIOError(f"proc/write-stdin: cannot write to process {h}: {exc}") from None


@skip_doc_examples
@builtin("proc/close-stdin", needs="shell")
def close_stdin(h: int) -> None:
    """Close the process's standard input (it sees end of file).

    (proc/close-stdin h) ; => nil
    """
    p = _get("proc/close-stdin", h)
    try:
        p.child.stdin.close()
    except OSError:
        pass


@skip_doc_examples
@builtin("proc/read-stdout", needs="shell")
def read_stdout(h: int) -> str:
    """The standard output that arrived since the last read ("" if none).

    (proc/read-stdout h) ; => "hello\\n"
    """
    p = _get("proc/read-stdout", h)
    return p.drain(p.out)


@skip_doc_examples
@builtin("proc/read-stderr", needs="shell")
def read_stderr(h: int) -> str:
    """The standard error that arrived since the last read ("" if none).

    (proc/read-stderr h) ; => ""
    """
    p = _get("proc/read-stderr", h)
    return p.drain(p.err)


@skip_doc_examples
@builtin("proc/running?", needs="shell")
def running_p(h: int) -> bool:
    """True while the process has not exited.

    (proc/running? h) ; => #t
    """
    return _get("proc/running?", h).child.poll() is None


def _wait(p: _Proc) -> int:
    import subprocess

    from .blocking import blocking
    with blocking():
        while True:
            try:
                p.child.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                continue
        for reader in p.readers:
            reader.join()
    return p.code()


@skip_doc_examples
@builtin("proc/wait", needs="shell")
def wait(h: int) -> int:
    """Wait for the process to exit and return its exit code (-1 if a signal killed it).

    Its remaining output is collected first, so a following read gets the tail.

    (proc/wait h) ; => 0
    """
    return _wait(_get("proc/wait", h))


@skip_doc_examples
@builtin("proc/exit-code", needs="shell")
def exit_code(h: int) -> int | None:
    """The exit code if the process has exited, else nil (without waiting).

    (proc/exit-code h) ; => nil
    """
    return _get("proc/exit-code", h).code()


@skip_doc_examples
@builtin("proc/kill", needs="shell")
def kill(h: int) -> None:
    """Kill the process (SIGKILL); harmless if it has already exited.

    (proc/kill h) ; => nil
    """
    p = _get("proc/kill", h)
    if p.child.poll() is None:
        p.child.kill()


@skip_doc_examples
@builtin("proc/close", needs="shell")
def close(h: int) -> None:
    """Kill the process if it still runs, reap it, and free the handle.

    (proc/close h) ; => nil
    """
    p = _get("proc/close", h)
    if p.child.poll() is None:
        p.child.kill()
    _wait(p)
    for pipe in (p.child.stdin, p.child.stdout, p.child.stderr):
        try:
            pipe.close()
        except OSError:
            pass
    with _lock:
        _handles.pop(h, None)


@skip_doc_examples
@builtin("proc/run", needs="shell")
def run(argv: Any, opts: Map | None = None) -> int:
    """Run ARGV on sema's own terminal (stdin, stdout and stderr inherited) and return its exit code.

    For handing the terminal to an editor or a pager.

    (proc/run ["less" "log.txt"]) ; => 0
    """
    import subprocess
    args = _argv("proc/run", argv)
    from .blocking import blocking
    with output.terminal_input(), blocking():  # the child gets the terminal as a program expects it
        try:
            child = subprocess.Popen(args, **_options("proc/run", opts))
        except OSError as exc:
            raise LispIOError(f"proc/run: cannot run {write_str(args[0])}: {exc.strerror or exc}") from None
        try:
            while True:
                try:
                    rc = child.wait(timeout=0.05)
                    break
                except subprocess.TimeoutExpired:
                    continue
        except BaseException:
            child.kill()
            child.wait()
            raise
    return -1 if rc < 0 else rc
