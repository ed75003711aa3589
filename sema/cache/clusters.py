"""Clustered lists for large scopes: the semantic search reads a few percent of the vectors, not all.

A brute-force scan reads every vector of a scope: at 100,000 vectors of 384
dimensions that is 150 MB per lookup, about 6 ms of memory traffic on one
core, paid by every hit and every miss.  Past :data:`MIN_ROWS` vectors a
scope is clustered (spherical k-means, about sqrt(n) clusters, trained on a
sample) and a search reads only the :data:`PROBES` clusters whose centroids
are nearest to the query (an inverted-file index).

Why this is safe for a cache: a hit needs a cosine similarity of at least
the threshold (0.95 by default), so a match lies within about 18 degrees of
the query, and its cluster is almost always among the query's nearest few.
Every candidate is scored exactly, so the threshold is never loosened; the
rare match in a cluster that was not read is a miss (the provider answers),
never a wrong hit.

Training runs on a background thread; until it is done, and whenever rows
were compacted since, the scope is scanned in full.  A scope is trained again
when it has doubled.
"""

from __future__ import annotations

import threading

MIN_ROWS = 20_000     # smaller scopes are scanned in full (a millisecond or less)
PROBES = 8            # clusters read per search
SAMPLE_PER_CLUSTER = 40
ITERATIONS = 6
CHUNK = 8192          # rows assigned at a time (bounds the memory of a k x CHUNK product)


class Clusters:
    """Centroids and, per cluster, the rows of the scope's matrix that belong to it."""

    __slots__ = ("np", "centroids", "lists", "pending", "trained_rows", "generation")

    def __init__(self, np, centroids, lists, trained_rows: int, generation: int):
        self.np = np
        self.centroids = centroids            # (k, dim) unit vectors
        self.lists = lists                    # k int64 arrays of row numbers
        self.pending: dict[int, list] = {}    # cluster -> rows added since (merged at the next search)
        self.trained_rows = trained_rows
        self.generation = generation

    def nearest(self, vector) -> int:
        return int(self.np.argmax(self.centroids @ vector))

    def add(self, row: int, vector) -> None:
        self.pending.setdefault(self.nearest(vector), []).append(row)

    def add_rows(self, matrix, start: int, stop: int) -> None:
        """Rows START..STOP of MATRIX, assigned together."""
        np = self.np
        for lo in range(start, stop, CHUNK):
            hi = min(stop, lo + CHUNK)
            for row, c in zip(range(lo, hi), np.argmax(matrix[lo:hi] @ self.centroids.T, axis=1).tolist()):
                self.pending.setdefault(c, []).append(row)

    def rows(self, query, probes: int = PROBES):
        """The rows of the PROBES clusters nearest to QUERY."""
        np = self.np
        sims = self.centroids @ query
        k = len(self.lists)
        top = np.argpartition(sims, -probes)[-probes:] if k > probes else np.arange(k)
        parts = []
        for c in top.tolist():
            extra = self.pending.pop(c, None)
            if extra:
                self.lists[c] = np.concatenate([self.lists[c], np.asarray(extra, dtype=np.int64)])
            parts.append(self.lists[c])
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def train(np, matrix, rows: int, generation: int, seed: int = 0) -> Clusters:
    """Cluster the first ROWS rows of MATRIX (unit vectors; zero rows are removed entries)."""
    rng = np.random.default_rng(seed)
    k = max(PROBES, int(rows ** 0.5))
    take = min(rows, k * SAMPLE_PER_CLUSTER)
    sample = matrix[np.sort(rng.choice(rows, take, replace=False))]
    sample = sample[np.abs(sample).sum(axis=1) > 0]
    centroids = sample[rng.choice(len(sample), min(k, len(sample)), replace=False)].copy()
    for _ in range(ITERATIONS):
        assign = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)
        norms = np.linalg.norm(sums, axis=1)
        empty = norms == 0
        if empty.any():  # reseed empty clusters with random sample rows
            sums[empty] = sample[rng.choice(len(sample), int(empty.sum()))]
            norms[empty] = np.linalg.norm(sums[empty], axis=1)
        centroids = (sums / norms[:, None]).astype(np.float32)
    owner = np.empty(rows, dtype=np.int64)
    for start in range(0, rows, CHUNK):
        owner[start:start + CHUNK] = np.argmax(matrix[start:min(rows, start + CHUNK)] @ centroids.T, axis=1)
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(len(centroids) + 1))
    lists = [order[bounds[c]:bounds[c + 1]].astype(np.int64) for c in range(len(centroids))]
    return Clusters(np, centroids, lists, rows, generation)


class Trainer:
    """Runs :func:`train` for one scope at a time on a background thread (or inline, for tests)."""

    def __init__(self, background: bool = True):
        self.background = background
        self.busy: set[str] = set()
        self._lock = threading.Lock()

    def start(self, scope_key: str, np, matrix, rows: int, generation: int, install) -> None:
        """Train on MATRIX[:ROWS]; INSTALL(clusters) is called with the result (from the thread)."""
        with self._lock:
            if scope_key in self.busy:
                return
            self.busy.add(scope_key)

        def work():
            try:
                install(train(np, matrix, rows, generation))
            finally:
                with self._lock:
                    self.busy.discard(scope_key)
        if self.background:
            threading.Thread(target=work, daemon=True, name="sema-cache-clusters").start()
        else:
            work()


__all__ = ["Clusters", "Trainer", "train", "MIN_ROWS", "PROBES"]
