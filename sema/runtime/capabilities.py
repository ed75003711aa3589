"""Capabilities: what an interpreter's Lisp code may do to the machine (the sandbox).

A builtin that touches the machine says so where it is registered::

    @builtin("file/read", needs=Need("fs-read", paths=0))     # argument 0 is a path it reads
    @builtin("shell", needs="shell")
    @builtin("file/copy", needs=(Need("fs-read", paths=0), Need("fs-write", paths=1)))

and that declaration is all the sandbox needs: :meth:`Policy.guard` puts a
checking wrapper around every declared builtin of a sandboxed interpreter
when its namespace is made (an interpreter allowed everything gets the
builtins themselves, so unsandboxed code pays nothing).  A builtin that can
only tell what it touches from inside (the URL of a redirect, the file of an
SQL ``ATTACH``) declares what it needs and calls :func:`require` at that
point; the wrapper makes the interpreter's policy current while the builtin
runs, and :func:`require` is a no-op when no policy is current.

A denied operation raises :class:`~sema.errors.PermissionDenied` (Lisp
``:permission-denied``, a ``PermissionError`` in Python) naming the
capability and the operation.  Adding a capability is one row of
:data:`CAPABILITIES`; adding a builtin is one ``needs=`` (docs/embedding.md,
"Adding a builtin that touches the machine").

This module imports nothing of sema but the error tree, so any layer may use it.
"""

from __future__ import annotations

import contextvars
import fnmatch
import functools
import os
from collections.abc import Iterable

from ..errors import PermissionDenied


class Capability:
    """One kind of access: what it covers, and what may limit it (``"paths"``, ``"hosts"`` or None)."""

    __slots__ = ("name", "covers", "limit")

    def __init__(self, name: str, covers: str, limit: str | None = None):
        self.name = name
        self.covers = covers
        self.limit = limit


#: every capability, by name (docs/embedding.md has the same table for users)
CAPABILITIES: dict[str, Capability] = {c.name: c for c in (
    Capability("fs-read", "reading files, listing folders, file metadata", "paths"),
    Capability("fs-write", "creating, writing, renaming and deleting files and folders (also kv/db files)", "paths"),
    Capability("net", "HTTP requests, serving HTTP, LLM providers at a URL the code chooses", "hosts"),
    Capability("shell", "running programs: shell, proc/*, git/*"),
    Capability("env-read", "environment variables and facts about the user and host (home, user, cwd ...)"),
    Capability("env-write", "setting environment variables"),
    Capability("stdin", "reading the process's standard input and terminal"),
    Capability("llm", "calling and configuring LLM providers (llm/*)"),
    Capability("python", "reaching Python objects: py/import, py/get, py/call ..."),
    Capability("exit", "ending the process: exit"),
    Capability("load", "load and import of Lisp files", "paths"),
)}

#: names that stand for other capabilities (fs, env: both halves; Sema's network and process)
GROUPS = {"fs": ("fs-read", "fs-write"), "env": ("env-read", "env-write"), "network": ("net",),
          "process": ("shell",)}

#: builtin Lisp name -> what it needs (filled by the ``needs=`` of the registration decorators)
NEEDS: dict[str, tuple["Need", ...]] = {}

_current: contextvars.ContextVar["Policy | None"] = contextvars.ContextVar("sema_policy", default=None)


class Need:
    """What one builtin needs: a capability, and where to find what it touches in its arguments.

    ``paths`` / ``urls``: the index of the argument that is a path (or URL),
    or a function ``(args, interp) -> iterable of strings``.  ``optional``:
    the capability is needed only for the paths or URLs the call has (a
    router without static folders reads no files).  ``capability`` None
    means "checks inside" (see :func:`require`): the builtin needs no
    capability to be called but must run with the policy current.
    """

    __slots__ = ("capability", "paths", "urls", "optional")

    def __init__(self, capability: str | None, *, paths=None, urls=None, optional: bool = False):
        if capability is not None and capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}")
        self.capability = capability
        self.paths = paths
        self.urls = urls
        self.optional = optional

    def targets(self, spec, args, interp) -> list:
        if spec is None:
            return []
        if isinstance(spec, int):
            value = args[spec] if spec < len(args) else None
            return [value] if isinstance(value, str) else []
        return [v for v in spec(args, interp) if isinstance(v, str)]


#: a builtin that needs no capability itself but checks with :func:`require` while it runs
CHECKS_INSIDE = Need(None)


def declare(name: str, needs) -> None:
    """Record what the builtin ``name`` needs (a capability name, a Need, or a tuple of them)."""
    if needs is None:
        return
    items = needs if isinstance(needs, tuple) else (needs,)
    NEEDS[name] = tuple(Need(n) if isinstance(n, str) else n for n in items)


# ---------------------------------------------------------------- policies


class Policy:
    """What one interpreter may do: granted capability -> None (no limits) or allowed paths/hosts."""

    __slots__ = ("grants", "unrestricted", "space")

    def __init__(self, grants: dict[str, tuple | None]):
        self.grants = dict(grants)
        #: everything granted without limits: builtins run unwrapped
        self.unrestricted = all(self.grants.get(name, 0) is None for name in CAPABILITIES)
        #: the named handles (kv stores, databases) of interpreters with this policy, when files are limited:
        #: such an interpreter sees only its own handles (see :func:`handle_space`)
        self.space = None if all(self.grants.get(c, 0) is None for c in ("fs-read", "fs-write")) else object()

    def __repr__(self) -> str:
        return f"Policy({describe(self)})"

    def allows(self, capability: str) -> bool:
        return capability in self.grants

    def limits(self, capability: str) -> tuple | None:
        return self.grants.get(capability)

    def union(self, other: "Policy") -> "Policy":
        """Everything either policy grants (limits joined; no limit wins)."""
        grants = dict(self.grants)
        for name, limits in other.grants.items():
            _merge(grants, name, limits)
        return Policy(grants)

    # ------------------------------------------------------------ checks

    def check(self, capability: str, operation: str, *, path: str | None = None, url: str | None = None,
              host: str | None = None) -> None:
        """Raise PermissionDenied unless ``operation`` may use ``capability`` (on ``path`` / ``url``)."""
        if capability not in self.grants:
            raise denied(capability, operation, target=path or url or host)
        allowed = self.grants[capability]
        if allowed is None:
            return
        if path is not None and not path_allowed(path, allowed):
            raise denied(capability, operation, target=path, allowed=allowed)
        if url is not None or host is not None:
            name = host if host is not None else host_of(url)
            if name is None or not host_allowed(name, allowed):
                raise denied(capability, operation, target=url or host, allowed=allowed)

    def check_need(self, need: Need, operation: str, args, interp) -> None:
        if need.capability is None:
            return
        paths = need.targets(need.paths, args, interp)
        urls = need.targets(need.urls, args, interp)
        if not paths and not urls and not need.optional:
            self.check(need.capability, operation)
        for p in paths:
            self.check(need.capability, operation, path=p)
        for u in urls:
            self.check(need.capability, operation, url=u)

    # ------------------------------------------------------------ guarding builtins

    def guard(self, name: str, fn, interp=None):
        """``fn`` itself if this policy lets the builtin ``name`` do everything, else a checking wrapper."""
        needs = NEEDS.get(name)
        if not needs or self.unrestricted or not callable(fn):
            return fn
        lisp_name = getattr(fn, "__name__", name)
        missing = next((n for n in needs if n.capability is not None and not n.optional
                        and n.capability not in self.grants), None)
        if missing is not None:
            def refused(*args):
                raise denied(missing.capability, lisp_name)
            wrapper = refused
        else:
            policy = self

            def checked(*args):
                for need in needs:
                    policy.check_need(need, lisp_name, args, interp)
                token = _current.set(policy)
                try:
                    return fn(*args)
                finally:
                    _current.reset(token)
            wrapper = checked
        functools.update_wrapper(wrapper, fn)
        wrapper.__name__ = wrapper.__qualname__ = lisp_name
        wrapper.sema_guarded = fn
        return wrapper


def denied(capability: str, operation: str, *, target: str | None = None, allowed=None) -> PermissionDenied:
    """The PermissionDenied for ``operation`` (a builtin's name) lacking ``capability`` (for ``target``)."""
    if target is None:
        text = f"{operation}: permission denied: the {capability} capability is not granted"
    elif allowed is None:
        text = f"{operation}: permission denied: {target} needs the {capability} capability, which is not granted"
    else:
        where = ", ".join(allowed) if allowed else "nothing"
        text = f"{operation}: permission denied: {target} is outside what {capability} allows ({where})"
    err = PermissionDenied(text)
    err.capability, err.operation, err.target = capability, operation, target
    return err


def require(capability: str, operation: str, *, path: str | None = None, url: str | None = None,
            host: str | None = None) -> None:
    """Check against the policy of the sandboxed builtin now running (nothing to check outside one)."""
    policy = _current.get()
    if policy is not None:
        policy.check(capability, operation, path=path, url=url, host=host)


def enter_policy(policy: Policy):
    """Make ``policy`` current (None for an unrestricted one) for Lisp code about to run; a token for leave."""
    return _current.set(None if policy.unrestricted else policy)


def leave_policy(token) -> None:
    _current.reset(token)


def current() -> Policy | None:
    """The policy of the sandboxed builtin now running, or None."""
    return _current.get()


def handle_space():
    """Which set of process-wide named handles (``kv/open``, ``db/open`` names) the running code uses.

    None for code whose files are not limited (the process's shared names);
    for code whose files are, a token of its policy, so that it neither sees
    nor replaces the handles of the host or of other sandboxes.
    """
    policy = _current.get()
    return None if policy is None else policy.space


def allowed_paths(capability: str, paths: Iterable[str]) -> list[str]:
    """Those of ``paths`` the current policy lets ``capability`` touch (all of them outside a sandbox)."""
    policy = _current.get()
    if policy is None:
        return list(paths)
    if capability not in policy.grants:
        return []
    allowed = policy.grants[capability]
    return [p for p in paths if allowed is None or path_allowed(p, allowed)]


# ---------------------------------------------------------------- paths and hosts


def resolve(path: str) -> str:
    """``path`` with ``~``, ``..`` and every symbolic link resolved (what the operating system will open)."""
    return os.path.realpath(os.path.expanduser(path))


def path_allowed(path: str, allowed: tuple) -> bool:
    try:
        real = os.path.realpath(path)
    except (ValueError, OSError):
        return False
    return any(real == a or real.startswith(a.rstrip(os.sep) + os.sep) for a in allowed)


def host_of(url: str) -> str | None:
    """The host name of an http(s) URL, lower-case; None for anything else (another scheme, no host)."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.lower().rstrip(".")


def host_allowed(host: str, allowed: tuple) -> bool:
    host = host.lower().rstrip(".")
    return any(host == a or (a.startswith("*.") and fnmatch.fnmatchcase(host, a)) for a in allowed)


# ---------------------------------------------------------------- making policies

#: everything: the ``sema`` command without --sandbox
ALL = Policy({name: None for name in CAPABILITIES})
#: an embedder's interpreter by default: everything but Python interop
EMBEDDED = Policy({name: None for name in CAPABILITIES if name != "python"})
#: nothing at all
NOTHING = Policy({})


def expand(name: str) -> tuple[str, ...]:
    name = name.strip().lower()
    if name in GROUPS:
        return GROUPS[name]
    if name not in CAPABILITIES:
        known = ", ".join(list(CAPABILITIES) + list(GROUPS))
        raise ValueError(f"unknown capability {name!r} (known: {known})")
    return (name,)


def _limit_values(capability: str, values) -> tuple:
    kind = CAPABILITIES[capability].limit
    if kind is None:
        raise ValueError(f"the {capability} capability takes no paths or hosts")
    items = [values] if isinstance(values, (str, os.PathLike)) else list(values)
    if kind == "paths":
        return tuple(dict.fromkeys(resolve(os.fspath(v)) for v in items))
    return tuple(dict.fromkeys(str(v).strip().lower().rstrip(".") for v in items))


def _merge(grants: dict, capability: str, limits: tuple | None) -> None:
    if capability in grants and (grants[capability] is None or limits is None):
        grants[capability] = None
    elif capability in grants:
        grants[capability] = tuple(dict.fromkeys(grants[capability] + limits))
    else:
        grants[capability] = limits


def make_policy(allow=None, deny=None, *, default: Policy = EMBEDDED) -> Policy:
    """The policy for ``Interpreter(allow=..., deny=...)``.

    ``allow``: None (``default``), a Policy, ``"all"``, ``"strict"`` (nothing),
    an iterable of names (``"fs-read"``, ``"fs-read=/data"``, groups ``fs`` and
    ``env``), or a dict name -> True / a path or host / a list of them.
    Only what ``allow`` lists is granted.  ``deny``: names taken away after that.
    """
    if isinstance(allow, Policy):
        if not deny:
            return allow  # the same policy (an imported module shares its importer's handles)
        grants = dict(allow.grants)
    elif allow is None:
        grants = dict(default.grants)
    elif allow == "all":
        grants = dict(ALL.grants)
    elif allow in ("strict", "none"):
        grants = {}
    else:
        grants = {}
        items = allow.items() if isinstance(allow, dict) else ((a, True) for a in _split(allow))
        for key, value in items:
            key = str(key)
            if "=" in key and value is True:
                key, value = key.split("=", 1)
            for capability in expand(key):
                if value is False:
                    grants.pop(capability, None)
                elif value is True or value is None:
                    _merge(grants, capability, None)
                else:
                    _merge(grants, capability, _limit_values(capability, value))
    for name in _split(deny or ()):
        for capability in expand(name):
            grants.pop(capability, None)
    return Policy(grants)


def _split(names) -> list[str]:
    if isinstance(names, str):
        return [n for n in names.split(",") if n.strip()]
    return [str(n) for n in names]


def describe(policy: Policy) -> str:
    """``fs-read=/data,net=api.example.com,llm``: the policy in the CLI's spelling."""
    parts = []
    for name in CAPABILITIES:
        if name in policy.grants:
            limits = policy.grants[name]
            parts.extend([name] if limits is None else [f"{name}={v}" for v in limits] or [f"{name}=(nothing)"])
    return ",".join(parts) or "nothing"


def needs_of(name: str) -> tuple[Need, ...]:
    return NEEDS.get(name, ())


__all__ = ["CAPABILITIES", "GROUPS", "NEEDS", "CHECKS_INSIDE", "Need", "Policy", "declare", "require", "current",
           "allowed_paths", "make_policy", "describe", "ALL", "EMBEDDED", "NOTHING"]
