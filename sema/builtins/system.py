"""System builtins: environment, processes, time, host facts and assertions.

``env``, ``exit``, ``shell``, ``sleep``, ``time-ms``, ``assert`` and the
``sys/`` family (``sys/args`` is the interpreter's, not defined here).

Modules that cost start-up time (subprocess, socket, shlex ...) are imported
inside the builtins that need them, so that ``import sema`` stays cheap.
"""

from __future__ import annotations

import os
import sys
import time

from ..errors import ExitRequest, LispIOError, LispValueError, UserError
from ..printer import write_str
from ..runtime.registry import Real, builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, Map, equal, make_map, map_items
from .io import skip_doc_examples

#: when this module was imported, close enough to when sema started
_START = time.perf_counter()


# ---------------------------------------------------------------- environment


@skip_doc_examples
@builtin("env", needs="env-read")
def env(name: str, default: typing.Any = None) -> typing.Any:
    """The value of the environment variable NAME, or DEFAULT (nil) if it is not set.

    (env "HOME") ; => "/home/user"
    """
    if name.__class__ is not str:
        raise TypeError(name)
    return os.environ.get(name, default)


@skip_doc_examples
@builtin("sys/env-all", needs="env-read")
def env_all() -> Map:
    """All environment variables, as a map from name strings to value strings.

    (get (sys/env-all) "HOME") ; => "/home/user"
    """
    return make_map(os.environ.items())


@skip_doc_examples
@builtin("sys/set-env", needs="env-write")
def set_env(name: str, value: str | None) -> None:
    """Set the environment variable NAME to the string VALUE (nil removes it); returns nil.

    (sys/set-env "APP_MODE" "test") ; => nil
    """
    if name.__class__ is not str:
        raise TypeError(name)
    if value is None:
        os.environ.pop(name, None)
    elif value.__class__ is str:
        os.environ[name] = value
    else:
        raise TypeError(value)


# ---------------------------------------------------------------- processes


@skip_doc_examples
@builtin("exit", needs="exit")
def exit_(code: int = 0) -> typing.NoReturn:
    """Stop the program with exit status CODE (default 0).

    (exit 1) ; => never returns
    """
    if code.__class__ is not int:
        raise TypeError(code)
    raise ExitRequest(code)


def _shell_options(opts: Map) -> dict:
    """subprocess.run keyword arguments for a shell option map {:cwd :env :stdin}."""
    kwargs: dict = {}
    cwd = opts.get(Keyword("cwd"))
    if cwd is not None:
        kwargs["cwd"] = cwd
    extra = opts.get(Keyword("env"))
    if extra is not None:
        environ = dict(os.environ)
        for k, v in map_items(extra):
            key = k.name if isinstance(k, Keyword) else str(k)
            if v is None:
                environ.pop(key, None)
            else:
                environ[key] = v if v.__class__ is str else write_str(v)
        kwargs["env"] = environ
    stdin = opts.get(Keyword("stdin"))
    if stdin is not None:
        kwargs["input"] = stdin
    return kwargs


@skip_doc_examples
@builtin("shell", needs="shell")
def shell(command: str, *args: str | Map) -> Map:
    """Run COMMAND and return {:stdout :stderr :exit-code}.

    With one string the command runs through the system shell; with more
    strings, COMMAND is the program and ARGS its arguments (no shell).  A
    final map may give options: :cwd (directory), :env (map of variables to
    add; nil removes one), :stdin (string fed to the command).

    (shell "echo hi") ; => {:exit-code 0 :stderr "" :stdout "hi\\n"}
    (shell "ls" "-l" "/tmp") ; => {:exit-code 0 :stderr "" :stdout "..."}
    """
    import subprocess

    if command.__class__ is not str:
        raise TypeError(command)
    kwargs: dict = {}
    if args and isinstance(args[-1], Map):
        kwargs = _shell_options(args[-1])
        args = args[:-1]
    for a in args:
        if a.__class__ is not str:
            raise TypeError(a)
    argv: str | list = [command, *args] if args else command
    feed = kwargs.pop("input", None)
    # Like Rust's Command::output: the child does not read sema's stdin.
    kwargs["stdin"] = subprocess.PIPE if feed is not None else subprocess.DEVNULL
    try:
        # its own process group, so that stopping the command stops what the shell started too
        child = subprocess.Popen(argv, shell=not args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 encoding="utf-8", errors="replace", start_new_session=os.name == "posix",
                                 **kwargs)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise LispIOError(f"shell: cannot run {write_str(command)}: {reason}") from None
    out, err = wait_for_process(child, feed)
    return make_map([(Keyword("stdout"), out), (Keyword("stderr"), err), (Keyword("exit-code"), child.returncode)])


def wait_for_process(child, feed=None) -> tuple:
    """(stdout, stderr) of CHILD once it exits, feeding it FEED.

    Waits in short slices, so that Ctrl-C, a timeout or an async cancellation
    stops the wait, and then kills the child rather than leave it running.
    Inside an async task the other tasks run meanwhile.
    """
    import subprocess

    from .blocking import blocking
    with blocking():
        try:
            while True:
                try:
                    return child.communicate(feed, timeout=0.05)
                except subprocess.TimeoutExpired:
                    continue
        except BaseException:
            kill_process_tree(child)
            raise


def kill_process_tree(child) -> None:
    """Kill CHILD and its process group (what a shell command started), then reap it."""
    import signal
    try:
        if os.name == "posix" and os.getpgid(child.pid) == child.pid:
            os.killpg(child.pid, signal.SIGKILL)
        else:
            child.kill()
    except OSError:
        pass
    child.wait()


@builtin("shell/quote")
def shell_quote(s: str) -> str:
    """S quoted for safe use as one word in a POSIX shell command.

    (shell/quote "it's here") ; => "'it'\\"'\\"'s here'"
    """
    import shlex

    if s.__class__ is not str:
        raise TypeError(s)
    return shlex.quote(s)


# ---------------------------------------------------------------- host facts


def _os_name() -> str:
    p = sys.platform
    if p.startswith("linux"):
        return "linux"
    if p == "darwin":
        return "macos"
    if p in ("win32", "cygwin", "msys"):
        return "windows"
    if p.startswith("freebsd"):
        return "freebsd"
    return p


@skip_doc_examples
@builtin("sys/os")
def sys_os() -> str:
    """The operating system: "linux", "macos", "windows", ...

    (sys/os) ; => "linux"
    """
    return _os_name()


@skip_doc_examples
@builtin("sys/platform")
def sys_platform() -> str:
    """The platform name, as sys/os gives it: "linux", "macos", "windows", ...

    (sys/platform) ; => "linux"
    """
    return _os_name()


_ARCH_NAMES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64", "i386": "x86", "i686": "x86"}


@skip_doc_examples
@builtin("sys/arch")
def sys_arch() -> str:
    """The CPU architecture, with Rust's names: "x86_64", "aarch64", ...

    (sys/arch) ; => "x86_64"
    """
    try:
        machine = os.uname().machine
    except AttributeError:  # Windows has no os.uname
        import platform

        machine = platform.machine()
    return _ARCH_NAMES.get(machine.lower(), machine.lower())


@skip_doc_examples
@builtin("sys/cwd", needs="env-read")
def sys_cwd() -> str:
    """The current working directory.

    (sys/cwd) ; => "/home/user/project"
    """
    try:
        return os.getcwd()
    except OSError as exc:
        raise LispIOError(f"sys/cwd: cannot get the current directory: {exc.strerror or exc}") from None


@skip_doc_examples
@builtin("sys/pid")
def sys_pid() -> int:
    """The process id of this sema.

    (sys/pid) ; => 4242
    """
    return os.getpid()


@skip_doc_examples
@builtin("sys/hostname", needs="env-read")
def sys_hostname() -> str:
    """The name of this machine.

    (sys/hostname) ; => "my-laptop"
    """
    import socket

    return socket.gethostname()


@skip_doc_examples
@builtin("sys/user", needs="env-read")
def sys_user() -> str | None:
    """The login name of the current user, or nil if it cannot be found.

    (sys/user) ; => "ada"
    """
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no USER variables and no passwd entry (containers)
        return None


@skip_doc_examples
@builtin("sys/home-dir", needs="env-read")
def sys_home_dir() -> str | None:
    """The current user's home directory, or nil if unknown.

    (sys/home-dir) ; => "/home/ada"
    """
    home = os.path.expanduser("~")
    return None if home == "~" else home


@skip_doc_examples
@builtin("sys/temp-dir", needs="env-read")
def sys_temp_dir() -> str:
    """The directory for temporary files.

    (sys/temp-dir) ; => "/tmp"
    """
    import tempfile

    return tempfile.gettempdir()


@skip_doc_examples
@builtin("sys/which", needs="env-read")
def sys_which(name: str) -> str | None:
    """The full path of the program NAME found on PATH, or nil.

    (sys/which "sh") ; => "/bin/sh"
    """
    import shutil

    if name.__class__ is not str:
        raise TypeError(name)
    return shutil.which(name)


@skip_doc_examples
@builtin("sys/elapsed")
def sys_elapsed() -> float:
    """Milliseconds (a float) since sema started.

    (sys/elapsed) ; => 12.5
    """
    return (time.perf_counter() - _START) * 1000.0


@skip_doc_examples
@builtin("sys/interactive?")
def interactive_p() -> bool:
    """True if standard input is a terminal.

    (sys/interactive?) ; => #f
    """
    stream = sys.stdin
    try:
        return bool(stream is not None and stream.isatty())
    except (OSError, ValueError, AttributeError):
        return False


# ---------------------------------------------------------------- time


@skip_doc_examples
@builtin("time-ms")
def time_ms() -> int:
    """Milliseconds since the Unix epoch, as an integer.

    (time-ms) ; => 1767225600000
    """
    return time.time_ns() // 1_000_000


@skip_doc_examples
@builtin("time/now")
def time_now() -> float:
    """Seconds since the Unix epoch, as a float.

    (time/now) ; => 1767225600.123
    """
    return time.time()


@skip_doc_examples
@builtin("sleep")
def sleep(ms: Real) -> None:
    """Pause for MS milliseconds; returns nil.

    (sleep 100) ; => nil
    """
    if ms.__class__ is bool:
        raise TypeError(ms)
    if ms < 0:
        raise LispValueError(f"sleep: argument 1 must not be negative, got {write_str(ms)}")
    from ..runtime.worker import interruptible_sleep
    interruptible_sleep(float(ms) / 1000)  # stays interruptible by Ctrl-C and timeouts


# ---------------------------------------------------------------- assertions


@builtin("assert")
def assert_(value: typing.Any, message: typing.Any = None) -> bool:
    """Return #t if VALUE is true; otherwise raise a user error "assertion failed: MESSAGE".

    (assert (= 1 1) "math works") ; => #t
    """
    if value is False or value is None:
        if message is None:
            raise UserError("assertion failed")
        text = message if message.__class__ is str else write_str(message)
        raise UserError(f"assertion failed: {text}")
    return True


@builtin("assert=")
def assert_eq(expected: typing.Any, actual: typing.Any, message: typing.Any = None) -> bool:
    """Return #t if EXPECTED equals ACTUAL (as = compares); otherwise raise a user error showing both.

    (assert= 3 (+ 1 2)) ; => #t
    """
    if equal(expected, actual):
        return True
    text = f"assertion failed: expected {write_str(expected)}, got {write_str(actual)}"
    if message is not None:
        text += ": " + (message if message.__class__ is str else write_str(message))
    raise UserError(text)
