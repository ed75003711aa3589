"""The semantic layer's vector search: cosine similarity over the stored embeddings, with numpy.

Why numpy and not ``sqlite-vec``: Python's ``sqlite3`` is often built without
extension loading (macOS's system Python, some distributions), sqlite-vec is
young and its API still changes, and a cache needs nothing more than a
brute-force scan: one matrix-vector product over the unit vectors of one
scope, which numpy runs at memory speed (about a millisecond for 100,000
384-dimensional vectors).  numpy is an optional extra (``sema[cache]``), since
only the semantic layer needs it; the exact layer runs without it.

The SQLite file stays the one source of truth.  Each process keeps the
vectors of the entries in memory, grouped by scope, and before each search
reads the store's change log from where it last stopped: entries added or
removed by other threads, workers and processes since then.  If it fell
behind the log's start it reloads everything.  A candidate is always read
back from the store before it is served, so an entry evicted a moment ago is
never returned.  Memory: 4 bytes per dimension per entry with a vector.
"""

from __future__ import annotations

import threading


def numpy():
    """The numpy module, or an error naming the extra that provides it."""
    try:
        import numpy as np
    except ImportError:
        from ..errors import LispValueError
        raise LispValueError("the semantic cache needs the optional package numpy: "
                             "pip install 'sema[cache]'") from None
    return np


def pack(vector) -> bytes:
    """VECTOR (a sequence of numbers) as the bytes of a unit float32 vector (the stored form)."""
    np = numpy()
    v = np.asarray(vector, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(v))
    if not norm or not np.isfinite(norm):
        raise ValueError("an embedding must be a non-zero vector of finite numbers")
    return (v / norm).astype(np.float32).tobytes()


class _Scope:
    """The unit vectors of one scope: a growing matrix; removed rows are zeroed and reused on compaction."""

    __slots__ = ("ids", "matrix", "n", "dead", "dim")

    def __init__(self, np, dim: int):
        self.dim = dim
        self.ids = np.full(16, -1, dtype=np.int64)
        self.matrix = np.zeros((16, dim), dtype=np.float32)
        self.n = 0
        self.dead = 0


class VectorIndex:
    """The in-memory vectors of one store, kept up to date from its change log."""

    def __init__(self):
        self._np = numpy()
        self._lock = threading.Lock()
        self._scopes: dict[str, _Scope] = {}
        self._where: dict[int, tuple[str, int]] = {}   # entry id -> (scope, row)
        self._seq = 0
        self._loaded = False

    def __len__(self) -> int:
        return len(self._where)

    # -- keeping up with the store

    def sync(self, store) -> None:
        """Apply the changes STORE logged since the last sync (everything, the first time)."""
        with self._lock:
            if not self._loaded:
                self._reload(store)
                return
            rows, complete = store.changes_since(self._seq)
            if not complete:
                self._reload(store)
                return
            for seq, op, entry_id, scope, vector in rows:
                if op == 1:
                    if vector is not None:
                        self._add(entry_id, scope, vector)
                else:
                    self._remove(entry_id)
                self._seq = seq

    def _reload(self, store) -> None:
        seq, rows = store.vectors()
        self._scopes.clear()
        self._where.clear()
        for entry_id, scope, vector in rows:
            self._add(entry_id, scope, vector)
        self._seq = seq
        self._loaded = True

    def _add(self, entry_id: int, scope: str, vector: bytes) -> None:
        np = self._np
        v = np.frombuffer(vector, dtype=np.float32)
        if entry_id in self._where:
            self._remove(entry_id)
        s = self._scopes.get(scope)
        if s is None:
            s = self._scopes[scope] = _Scope(np, v.shape[0])
        if v.shape[0] != s.dim:
            return  # another embedding model in the same scope cannot happen (the model is in the scope)
        if s.n == s.ids.shape[0]:
            if s.dead > s.n // 4:
                self._compact(scope, s)
            if s.n == s.ids.shape[0]:
                grow = s.ids.shape[0] * 2
                s.ids = np.concatenate([s.ids, np.full(grow - s.n, -1, dtype=np.int64)])
                s.matrix = np.concatenate([s.matrix, np.zeros((grow - s.n, s.dim), dtype=np.float32)])
        s.ids[s.n] = entry_id
        s.matrix[s.n] = v
        self._where[entry_id] = (scope, s.n)
        s.n += 1

    def _remove(self, entry_id: int) -> None:
        where = self._where.pop(entry_id, None)
        if where is None:
            return
        scope, row = where
        s = self._scopes[scope]
        s.ids[row] = -1
        s.matrix[row] = 0.0
        s.dead += 1
        if s.dead == s.n:
            del self._scopes[scope]

    def _compact(self, scope: str, s: _Scope) -> None:
        live = s.ids[:s.n] >= 0
        ids = s.ids[:s.n][live]
        s.matrix[:len(ids)] = s.matrix[:s.n][live]
        s.matrix[len(ids):s.n] = 0.0
        s.ids[:len(ids)] = ids
        s.ids[len(ids):s.n] = -1
        s.n, s.dead = len(ids), 0
        for row, entry_id in enumerate(ids.tolist()):
            self._where[entry_id] = (scope, row)

    # -- searching

    def search(self, scope: str, vector: bytes, threshold: float, k: int = 4) -> list[tuple[int, float]]:
        """The entries of SCOPE whose similarity to VECTOR (packed) is at least THRESHOLD, best first."""
        np = self._np
        with self._lock:
            s = self._scopes.get(scope)
            if s is None:
                return []
            q = np.frombuffer(vector, dtype=np.float32)
            if q.shape[0] != s.dim:
                return []
            sims = s.matrix[:s.n] @ q
            if s.n > k:
                top = np.argpartition(sims, -k)[-k:]
            else:
                top = np.arange(s.n)
            top = top[np.argsort(-sims[top])]
            return [(int(s.ids[i]), float(sims[i])) for i in top if sims[i] >= threshold and s.ids[i] >= 0]

    def forget(self, entry_id: int) -> None:
        """Drop ENTRY_ID (found gone from the store)."""
        with self._lock:
            self._remove(entry_id)


__all__ = ["VectorIndex", "pack", "numpy"]
