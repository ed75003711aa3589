"""The cache's SQLite store: entries, TTL, LRU eviction, namespaces, counters, a change log.

One file (stdlib ``sqlite3``, WAL mode) holds every entry; several threads,
server workers and processes may use it at once: SQLite serialises the
writers and WAL lets readers go on meanwhile.  Each thread has its own
connection.  Writes take ``BEGIN IMMEDIATE`` so that two writers never
deadlock upgrading a read lock, and wait up to ``busy_timeout`` for each other.

::

    entries  id, key (unique), tenant, namespace, scope, vector, response, created, expires,
             last_used, hits, bytes
    totals   entries, bytes                 -- kept by triggers: O(1) counts for eviction
    counters tenant, namespace, hits, semantic_hits, misses
    changes  seq, entry, op                 -- entries with a vector added (1) or removed (0)

Reads must stay cheap, so a hit writes nothing at once: the entry's
``last_used`` (the LRU order) and the hit and miss counters are kept in
memory and written at most once a second, and before every eviction, stats
and close.  The order of eviction is therefore exact to about a second.
When an insert takes the store past ``max_entries``, the least recently
used entries go, a hundredth of the maximum at a time.  Expired entries are
dropped when met and swept every minute.

The ``changes`` log is how the in-memory vector index of every process
(:mod:`sema.cache.vectors`) follows entries that other processes add and
remove; it is pruned to the last :data:`CHANGE_LOG` rows.

What is stored: key and scope hashes, the tenant's hash (never a
credential), the namespace, the embedding of the prompt's last message, and
the response map.  The prompt text itself is not stored.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE,
    tenant     TEXT    NOT NULL,
    namespace  TEXT    NOT NULL,
    scope      TEXT,
    vector     BLOB,
    response   TEXT    NOT NULL,
    created    REAL    NOT NULL,
    expires    REAL,
    last_used  REAL    NOT NULL,
    hits       INTEGER NOT NULL DEFAULT 0,
    bytes      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_lru ON entries(last_used);
CREATE INDEX IF NOT EXISTS entries_expiry ON entries(expires) WHERE expires IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_namespace ON entries(tenant, namespace);
CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO totals VALUES ('entries', 0), ('bytes', 0);
CREATE TABLE IF NOT EXISTS counters (
    tenant TEXT NOT NULL, namespace TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0, semantic_hits INTEGER NOT NULL DEFAULT 0, misses INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, namespace)
);
CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry INTEGER NOT NULL, op INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS entries_added AFTER INSERT ON entries BEGIN
    UPDATE totals SET value = value + 1 WHERE name = 'entries';
    UPDATE totals SET value = value + new.bytes WHERE name = 'bytes';
    INSERT INTO changes (entry, op) SELECT new.id, 1 WHERE new.vector IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS entries_removed AFTER DELETE ON entries BEGIN
    UPDATE totals SET value = value - 1 WHERE name = 'entries';
    UPDATE totals SET value = value - old.bytes WHERE name = 'bytes';
    INSERT INTO changes (entry, op) SELECT old.id, 0 WHERE old.vector IS NOT NULL;
END;
"""

#: rows of the change log kept; a process that falls further behind reloads its index
CHANGE_LOG = 200_000
FLUSH_EVERY = 1.0      # seconds between writes of LRU times and counters
SWEEP_EVERY = 60.0     # seconds between sweeps of expired entries


class Entry:
    """A stored answer: its row id, the response JSON, and (for semantic candidates) its scope."""

    __slots__ = ("id", "response", "tenant", "namespace")

    def __init__(self, id: int, response: str, tenant: str, namespace: str):
        self.id = id
        self.response = response
        self.tenant = tenant
        self.namespace = namespace


class CacheStore:
    """The entries of one SQLite file; safe to share between threads (and, through the file, processes)."""

    def __init__(self, path: str, *, max_entries: int = 20_000, busy_timeout: float = 10.0):
        self.path = path
        self.max_entries = max_entries
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()          # guards the pending state below
        self._connections: list[sqlite3.Connection] = []
        self._touched: dict[int, list] = {}    # entry id -> [last used, hits]
        self._counts: dict[tuple, list] = {}   # (tenant, namespace) -> [hits, semantic hits, misses]
        self._flushed = time.monotonic()
        self._swept = 0.0
        self._closed = False
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not os.path.exists(path):  # answers may be private: only the owner reads the file
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db().executescript("BEGIN IMMEDIATE;" + SCHEMA + "COMMIT;")

    def __repr__(self) -> str:
        return f"CacheStore({self.path!r}, max_entries={self.max_entries})"

    # -- connections

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            if self._closed:
                raise RuntimeError("the cache store is closed")
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA recursive_triggers=ON")  # INSERT OR REPLACE fires the delete trigger
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    class _Tx:
        __slots__ = ("db",)

        def __init__(self, db):
            self.db = db

        def __enter__(self):
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, kind, exc, tb):
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
            return False

    def _write(self) -> "_Tx":
        return self._Tx(self._db())

    # -- reading

    def get(self, key: str, now: float | None = None) -> Entry | None:
        """The live entry stored under KEY, or None (an expired one is removed)."""
        now = time.time() if now is None else now
        row = self._db().execute("SELECT id, response, expires, tenant, namespace FROM entries WHERE key = ?",
                                 (key,)).fetchone()
        return self._live(row, now)

    def get_id(self, entry_id: int, now: float | None = None) -> Entry | None:
        """The live entry with row id ENTRY_ID, or None."""
        now = time.time() if now is None else now
        row = self._db().execute("SELECT id, response, expires, tenant, namespace FROM entries WHERE id = ?",
                                 (entry_id,)).fetchone()
        return self._live(row, now)

    def _live(self, row, now: float) -> Entry | None:
        if row is None:
            return None
        entry_id, response, expires, tenant, namespace = row
        if expires is not None and expires <= now:
            with self._write() as db:
                db.execute("DELETE FROM entries WHERE id = ? AND expires <= ?", (entry_id, now))
            return None
        return Entry(entry_id, response, tenant, namespace)

    # -- bookkeeping of hits and misses (written in batches)

    def note_hit(self, entry: Entry, semantic: bool = False, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            touched = self._touched.get(entry.id)
            if touched is None:
                self._touched[entry.id] = [now, 1]
            else:
                touched[0] = now
                touched[1] += 1
            c = self._counts.setdefault((entry.tenant, entry.namespace), [0, 0, 0])
            c[0] += 1
            c[1] += semantic
        self._maybe_flush()

    def note_miss(self, tenant: str, namespace: str) -> None:
        with self._lock:
            self._counts.setdefault((tenant, namespace), [0, 0, 0])[2] += 1
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._flushed >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the pending LRU times and counters."""
        with self._lock:
            touched, self._touched = self._touched, {}
            counts, self._counts = self._counts, {}
            self._flushed = time.monotonic()
        if not touched and not counts:
            return
        try:
            with self._write() as db:
                if touched:
                    db.executemany("UPDATE entries SET last_used = max(last_used, ?), hits = hits + ? WHERE id = ?",
                                   [(t, n, i) for i, (t, n) in touched.items()])
                if counts:
                    db.executemany(
                        "INSERT INTO counters (tenant, namespace, hits, semantic_hits, misses) VALUES (?, ?, ?, ?, ?) "
                        "ON CONFLICT (tenant, namespace) DO UPDATE SET hits = hits + excluded.hits, "
                        "semantic_hits = semantic_hits + excluded.semantic_hits, misses = misses + excluded.misses",
                        [(t, ns, h, s, m) for (t, ns), (h, s, m) in counts.items()])
        except sqlite3.Error:
            with self._lock:  # keep them for the next flush
                for i, (t, n) in touched.items():
                    cur = self._touched.setdefault(i, [t, 0])
                    cur[0], cur[1] = max(cur[0], t), cur[1] + n
                for k, (h, s, m) in counts.items():
                    cur = self._counts.setdefault(k, [0, 0, 0])
                    cur[0] += h
                    cur[1] += s
                    cur[2] += m
            raise

    # -- writing

    def put(self, key: str, tenant: str, namespace: str, response: str, *, ttl: float | None = None,
            scope: str | None = None, vector: bytes | None = None, now: float | None = None) -> int:
        """Store RESPONSE (JSON text) under KEY, replacing an entry of that key; returns its row id."""
        now = time.time() if now is None else now
        expires = now + ttl if ttl else None
        size = len(key) + len(response.encode("utf-8")) + (len(vector) if vector else 0) + len(scope or "")
        with self._write() as db:
            cur = db.execute(
                "INSERT OR REPLACE INTO entries (key, tenant, namespace, scope, vector, response, created, expires, "
                "last_used, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, tenant, namespace, scope, vector, response, now, expires, now, size))
            entry_id = cur.lastrowid
            count = db.execute("SELECT value FROM totals WHERE name = 'entries'").fetchone()[0]
        if count > self.max_entries:
            self.evict(count - self.max_entries + max(1, self.max_entries // 100))
        if time.monotonic() - self._swept >= SWEEP_EVERY:
            self.sweep(now)
        return entry_id

    def evict(self, n: int) -> int:
        """Remove the N least recently used entries; returns how many went."""
        self.flush()
        with self._write() as db:
            cur = db.execute("DELETE FROM entries WHERE id IN (SELECT id FROM entries ORDER BY last_used LIMIT ?)",
                             (n,))
            return cur.rowcount

    def sweep(self, now: float | None = None) -> int:
        """Remove expired entries and old rows of the change log; returns the entries removed."""
        now = time.time() if now is None else now
        self._swept = time.monotonic()
        with self._write() as db:
            cur = db.execute("DELETE FROM entries WHERE expires IS NOT NULL AND expires <= ?", (now,))
            removed = cur.rowcount
            db.execute("DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?", (CHANGE_LOG,))
        return removed

    def clear(self, tenant: str | None = None, namespace: str | None = None) -> int:
        """Remove every entry (of TENANT, of NAMESPACE when given) and its counters; returns how many went."""
        self.flush()
        where, args = _where(tenant, namespace)
        with self._write() as db:
            cur = db.execute("DELETE FROM entries" + where, args)
            db.execute("DELETE FROM counters" + where, args)
            return cur.rowcount

    # -- stats

    def stats(self, tenant: str | None = None, namespace: str | None = None) -> dict:
        """``entries``, ``bytes``, ``hits``, ``semantic-hits``, ``misses`` and ``hit-rate`` (of TENANT/NAMESPACE)."""
        self.flush()
        db = self._db()
        where, args = _where(tenant, namespace)
        if where:
            entries, size = db.execute("SELECT count(*), coalesce(sum(bytes), 0) FROM entries" + where,
                                       args).fetchone()
        else:
            totals = dict(db.execute("SELECT name, value FROM totals").fetchall())
            entries, size = totals["entries"], totals["bytes"]
        hits, semantic, misses = db.execute(
            "SELECT coalesce(sum(hits), 0), coalesce(sum(semantic_hits), 0), coalesce(sum(misses), 0) "
            "FROM counters" + where, args).fetchone()
        looked = hits + misses
        return {"entries": entries, "bytes": size, "hits": hits, "semantic-hits": semantic, "misses": misses,
                "hit-rate": round(hits / looked, 4) if looked else 0.0, "max-entries": self.max_entries}

    # -- the change log (for the vector index)

    def changes_since(self, seq: int) -> tuple[list, bool]:
        """``(rows, complete)``: changes after SEQ as ``(seq, op, id, scope, vector)``; COMPLETE is False
        when the log no longer reaches back to SEQ (the caller must reload)."""
        db = self._db()
        rows = db.execute("SELECT c.seq, c.op, c.entry, e.scope, e.vector FROM changes c "
                          "LEFT JOIN entries e ON e.id = c.entry AND c.op = 1 WHERE c.seq > ? ORDER BY c.seq",
                          (seq,)).fetchall()
        if seq and rows and rows[0][0] != seq + 1:
            first = db.execute("SELECT min(seq) FROM changes").fetchone()[0]
            if first is None or first > seq + 1:
                return rows, False
        return rows, True

    def vectors(self, sizes, each) -> int:
        """``sizes({scope: count})``, then ``each(id, scope, vector)`` for every entry with a vector; returns
        the change log's position.  Rows are read one by one (100,000 embeddings are 150 MB)."""
        db = self._db()
        db.execute("BEGIN")
        try:
            seq = db.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]
            sizes(dict(db.execute("SELECT scope, count(*) FROM entries WHERE vector IS NOT NULL GROUP BY scope")))
            for entry_id, scope, vector in db.execute("SELECT id, scope, vector FROM entries WHERE vector IS NOT NULL"):
                each(entry_id, scope, vector)
        finally:
            db.execute("COMMIT")
        return seq

    def close(self) -> None:
        """Write what is pending and close every connection."""
        if self._closed:
            return
        try:
            self.flush()
        except sqlite3.Error:
            pass
        self._closed = True
        with self._lock:
            connections, self._connections = self._connections, []
        for db in connections:
            db.close()
        self._local = threading.local()


def _where(tenant: str | None, namespace: str | None) -> tuple[str, tuple]:
    parts, args = [], []
    if tenant is not None:
        parts.append("tenant = ?")
        args.append(tenant)
    if namespace is not None:
        parts.append("namespace = ?")
        args.append(namespace)
    return (" WHERE " + " AND ".join(parts) if parts else ""), tuple(args)


__all__ = ["CacheStore", "Entry", "SCHEMA", "CHANGE_LOG"]
