"""Bookkeeping for the compiled-code cache: what a unit of source depends on, and its recording.

A *unit* is one source text run by ``Interpreter.eval_source`` (a file, an
``-e`` expression, the prelude).  Its compiled code can be reused from the
cache (``runtime.cache``) only while everything the compilation depended on
is unchanged.  That is, besides the text itself:

* the compile-time state before the unit: the macros visible (each by a
  *fingerprint*: its source and the history of units before it that its
  expansion may have called into), the builtins redefined and the special
  forms shadowed;
* what the unit's own execution brought in that later forms were compiled
  against: files it ``load``ed or ``import``ed, declared as dependencies by
  the code that loads them (:meth:`UnitTracker.loading_file`) and checked
  by content when the cache is used, together with the files *they* loaded
  (a nested load's dependencies are its loader's too);
* for a unit that expands a macro of the user's (not the standard
  library's), the history of units run before it: an expansion may read any
  global an earlier unit defined (``(defmacro m () k)`` with ``k`` from an
  earlier file), so the unit is reused only after the same earlier units.

A change of compile-time state made by executing the unit in any other way
(``eval`` of a ``defmacro``, say) makes the unit uncacheable: its later forms
were compiled against a state the key cannot describe.
"""

from __future__ import annotations



def _sha256():
    try:  # the bare C implementation: hashlib's OpenSSL set-up costs ~2 ms of every start
        from _sha256 import sha256
    except ImportError:  # Python 3.12+ names it _sha2; hashlib is the portable fallback
        try:
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256
    return sha256()


def digest(*parts: str) -> str:
    h = _sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class Entry:
    """One step of a recorded unit, replayed in order.

    ``kind`` is ``"form"`` (run ``code``), ``"macro"`` (run ``code`` to get the
    macro ``name``; ``fingerprint`` is the digest of its source), ``"redefine"`` (the builtin ``name``
    is redefined from here on) or ``"shadow"`` (the form ``name`` is shadowed).
    """

    __slots__ = ("kind", "name", "code", "py_name", "consts", "fingerprint")

    def __init__(self, kind: str, name: str | None = None, code=None, py_name: str | None = None,
                 consts: dict | None = None, fingerprint: str | None = None):
        self.kind = kind
        self.name = name
        self.code = code
        self.py_name = py_name
        self.consts = consts
        self.fingerprint = fingerprint


class Recording:
    """What compiling and running one unit did, to be stored in the cache."""

    __slots__ = ("key", "entries", "deps", "cacheable", "compiling", "loading", "consts", "specs", "functions",
                 "records", "history", "needs_history")

    def __init__(self, key: str, history: str = ""):
        self.key = key
        self.entries: list[Entry] = []
        self.deps: list[tuple[str, str]] = []   # (absolute path, digest of its text)
        self.history = history       # the tracker's history when the unit started
        self.needs_history = False   # a user macro was expanded: the unit depends on that history
        self.cacheable = True
        self.compiling = 0   # > 0 while a form of the unit is being compiled
        self.loading = 0     # > 0 while a load/import the unit declared runs
        self.consts: dict = {}  # constants of the form being compiled
        self.specs: dict = {}   # Symbol -> compiler.specialize.Spec of the unit's int-specialised functions
        self.functions: dict = {}  # Symbol -> (params, body) of the unit's global functions (compiler.groups)
        self.records: dict = {}  # Symbol -> the unit's record types' fields and functions (compiler.records)


class UnitTracker:
    """Per interpreter: the state fingerprint, the history of units run, and the recording under way."""

    __slots__ = ("history", "macro_fingerprints", "redefined", "shadowed", "recording", "library_macros")

    def __init__(self):
        self.history = ""                     # digest of the units run so far, in order
        self.macro_fingerprints: dict = {}    # Symbol -> fingerprint
        self.redefined: set[str] = set()      # builtins redefined (no longer inlined)
        self.shadowed: set[str] = set()       # special or derived forms redefined by the user
        self.recording: Recording | None = None
        self.library_macros: frozenset = frozenset()  # fingerprints of the standard library's macros

    def library_loaded(self) -> None:
        """The standard library is in: its macros depend on nothing a user can change."""
        self.library_macros = frozenset(self.macro_fingerprints.values())

    def expanding(self, name) -> None:
        """The macro ``name`` is being expanded: a user's macro ties the unit to the units before it."""
        rec = self.recording
        if rec is not None and self.macro_fingerprints.get(name) not in self.library_macros:
            rec.needs_history = True

    def deps_to_store(self, rec: Recording) -> list:
        """The dependencies to store with ``rec``: its files, and the history if it needs it."""
        return rec.deps + [(HISTORY, rec.history)] if rec.needs_history else list(rec.deps)

    def state(self) -> str:
        """The compile-time state a unit's compilation depends on, as text for its key."""
        macros = sorted((sym.name, fp) for sym, fp in self.macro_fingerprints.items())
        return f"{sorted(self.redefined)}|{sorted(self.shadowed)}|{macros}"

    def macro_fingerprint(self, source_digest: str, unit_key: str | None) -> str:
        """A fingerprint for a macro defined now: its source, its unit, and every unit run before it.

        A replayed unit recomputes it from the same parts (the history is then the
        same only if every unit before it is the same), so it is never stored.
        """
        return digest(source_digest, unit_key or "no-unit", self.history)[:24]

    def unit_done(self, key: str) -> None:
        self.history = digest(self.history, key)

    def untracked_run(self) -> None:
        """Code ran outside any unit (the REPL, ``_eval_form``): later fingerprints must not match old ones."""
        import os
        self.history = digest(self.history, "untracked", os.urandom(8).hex())

    def state_changed(self) -> None:
        """The compile-time state changed: fine while compiling or loading, else the unit cannot be cached."""
        rec = self.recording
        if rec is not None and rec.compiling == 0 and rec.loading == 0:
            rec.cacheable = False

    def compiling(self) -> "_Counting":
        """``with units.compiling():`` around compiling one of the unit's own forms."""
        return _Counting(self.recording, "compiling")

    def loading_file(self, path: str, text: str) -> "_Counting":
        """``with units.loading_file(path, text):`` around a load or import of ``path``: a declared dependency."""
        rec = self.recording
        if rec is not None:
            rec.deps.append((path, digest(text)))
        return _Counting(rec, "loading")

    def record(self, entry: Entry) -> None:
        rec = self.recording
        if rec is not None:
            rec.entries.append(entry)

    def record_constant(self, py: str, value) -> None:
        rec = self.recording
        if rec is not None:
            rec.consts[py] = value


class _Counting:
    """Counts a recording's ``compiling`` or ``loading`` up for the duration of a ``with``.

    (A small class rather than contextlib.contextmanager: contextlib is not otherwise imported at start-up.)
    """

    __slots__ = ("rec", "field")

    def __init__(self, rec, field: str):
        self.rec = rec
        self.field = field

    def __enter__(self):
        if self.rec is not None:
            setattr(self.rec, self.field, getattr(self.rec, self.field) + 1)
        return self.rec

    def __exit__(self, *exc):
        if self.rec is not None:
            setattr(self.rec, self.field, getattr(self.rec, self.field) - 1)
        return False


#: the "path" of the dependency on the history of units run before a unit
HISTORY = ""


def deps_unchanged(deps, history: str) -> bool:
    """True if every file a cached unit loaded still has the text it had then (and the history is the same)."""
    for path, expected in deps:
        if path == HISTORY:
            if expected != history:
                return False
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError):
            return False
        if digest(text) != expected:
            return False
    return True
