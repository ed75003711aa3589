"""The semantic layer's vector search: cosine similarity over the stored embeddings, with numpy.

Why numpy and not ``sqlite-vec``: Python's ``sqlite3`` is often built without
extension loading (macOS's system Python, some distributions), sqlite-vec is
young and its API still changes, and a cache needs nothing more than a
brute-force scan: one matrix-vector product over the unit vectors of one
scope, which numpy runs at memory speed (about a millisecond for 100,000
384-dimensional vectors).  numpy is an optional extra (``sema[cache]``), since
only the semantic layer needs it; the exact layer runs without it.

Large scopes are clustered (:mod:`sema.cache.clusters`) so that a search
reads a few percent of their vectors.  numpy's BLAS runs single-threaded here
(``OPENBLAS_NUM_THREADS=1`` unless numpy was already imported or the
variable is set): a server runs many searches at once, and a BLAS that
spreads each small product over every core spends more time waiting for its
threads than computing, worse still on a busy machine.

The SQLite file stays the one source of truth.  Each process keeps the
vectors of the entries in memory, grouped by scope, and before each search
reads the store's change log from where it last stopped: entries added or
removed by other threads, workers and processes since then.  If it fell
behind the log's start it reloads everything.  A candidate is always read
back from the store before it is served, so an entry evicted a moment ago is
never returned.  Memory: 4 bytes per dimension per entry with a vector.
"""

from __future__ import annotations

import os
import sys
import threading

from . import clusters


def numpy():
    """The numpy module, or an error naming the extra that provides it."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
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

    __slots__ = ("ids", "matrix", "n", "dead", "dim", "clusters", "generation")

    def __init__(self, np, dim: int, capacity: int = 16):
        self.dim = dim
        self.ids = np.full(capacity, -1, dtype=np.int64)
        self.matrix = np.zeros((capacity, dim), dtype=np.float32)
        self.n = 0
        self.dead = 0
        self.clusters: clusters.Clusters | None = None   # once the scope is large and trained
        self.generation = 0                               # bumped when rows move (compaction)


class VectorIndex:
    """The in-memory vectors of one store, kept up to date from its change log."""

    def __init__(self, *, cluster_rows: int = clusters.MIN_ROWS, background: bool = True):
        self._np = numpy()
        self.cluster_rows = cluster_rows
        self._trainer = clusters.Trainer(background)
        self._lock = threading.RLock()
        self._scopes: dict[str, _Scope] = {}
        self._where: dict[int, tuple[str, int]] = {}   # entry id -> (scope, row)
        self._seq = 0
        self._loaded = False
        self._sizes: dict[str, int] = {}               # while reloading: the room each scope needs

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
        self._scopes.clear()
        self._where.clear()

        def sizes(counts):  # room for every row at once, and a quarter more: no copies while loading
            self._sizes = {scope: n + n // 4 + 16 for scope, n in counts.items()}
        self._seq = store.vectors(sizes, lambda entry_id, scope, vector: self._add(entry_id, scope, vector,
                                                                                   train=False))
        self._sizes = {}
        self._loaded = True
        for scope, s in self._scopes.items():  # once, with every row (not at each size on the way)
            if s.n >= self.cluster_rows:
                self._train(scope, s)

    def _add(self, entry_id: int, scope: str, vector: bytes, train: bool = True) -> None:
        np = self._np
        v = np.frombuffer(vector, dtype=np.float32)
        if entry_id in self._where:
            self._remove(entry_id)
        s = self._scopes.get(scope)
        if s is None:
            s = self._scopes[scope] = _Scope(np, v.shape[0], self._sizes.get(scope, 16))
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
        if s.clusters is not None:
            s.clusters.add(s.n, v)
        s.n += 1
        if train and s.n >= self.cluster_rows and (s.clusters is None or s.n >= 2 * s.clusters.trained_rows):
            self._train(scope, s)

    def _train(self, scope: str, s: _Scope) -> None:
        def install(trained):
            with self._lock:
                if self._scopes.get(scope) is not s or s.generation != trained.generation:
                    return  # the rows moved meanwhile: a later add trains again
                trained.add_rows(s.matrix, trained.trained_rows, s.n)  # the rows added meanwhile
                s.clusters = trained
        self._trainer.start(scope, self._np, s.matrix, s.n, s.generation, install)

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
        s.generation += 1
        s.clusters = None
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
            if s.clusters is not None:
                rows = s.clusters.rows(q)
                ids, sims = s.ids[rows], s.matrix[rows] @ q
            else:
                ids, sims = s.ids[:s.n], s.matrix[:s.n] @ q
            if len(sims) > k:
                top = np.argpartition(sims, -k)[-k:]
            else:
                top = np.arange(len(sims))
            top = top[np.argsort(-sims[top])]
            return [(int(ids[i]), float(sims[i])) for i in top if sims[i] >= threshold and ids[i] >= 0]

    def clustered(self, scope: str) -> bool:
        """Whether SCOPE is searched through its clusters (for tests and stats)."""
        with self._lock:
            s = self._scopes.get(scope)
            return s is not None and s.clusters is not None

    def forget(self, entry_id: int) -> None:
        """Drop ENTRY_ID (found gone from the store)."""
        with self._lock:
            self._remove(entry_id)


__all__ = ["VectorIndex", "pack", "numpy"]
