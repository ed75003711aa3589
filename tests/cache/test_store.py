"""Issue #9: the cache's SQLite store and vector index: TTL, LRU, namespaces, stats, threads and processes."""

from __future__ import annotations

import json
import multiprocessing
import threading

import pytest

from sema.cache.keys import ANONYMOUS, tenant_of
from sema.cache.store import CacheStore
from sema.cache.vectors import VectorIndex, pack

from .bow import embed_text


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "cache.sqlite3")


def answer(text: str) -> str:
    return json.dumps({"response": {"content": text}})


class TestEntries:
    def test_put_and_get(self, path):
        """An entry comes back under its key; an unknown key finds nothing."""
        store = CacheStore(path)
        store.put("k1", "local", "default", answer("one"))
        assert json.loads(store.get("k1").response)["response"]["content"] == "one"
        assert store.get("k2") is None

    def test_same_key_replaces(self, path):
        """Storing a key again replaces its entry: one entry, the new answer, bytes counted once."""
        store = CacheStore(path)
        store.put("k", "local", "default", answer("old"))
        store.put("k", "local", "default", answer("new answer"))
        assert json.loads(store.get("k").response)["response"]["content"] == "new answer"
        stats = store.stats()
        assert stats["entries"] == 1
        assert stats["bytes"] == store.stats("local", "default")["bytes"]

    def test_ttl_expires(self, path):
        """An entry past its TTL is not returned and is removed."""
        store = CacheStore(path)
        store.put("k", "local", "default", answer("x"), ttl=10, now=1000.0)
        assert store.get("k", now=1009.0) is not None
        assert store.get("k", now=1010.5) is None
        assert store.stats()["entries"] == 0

    def test_no_ttl_lives_on(self, path):
        """Without a TTL an entry does not expire."""
        store = CacheStore(path)
        store.put("k", "local", "default", answer("x"), ttl=None, now=1000.0)
        assert store.get("k", now=10**9) is not None

    def test_sweep_removes_expired(self, path):
        """A sweep removes every expired entry at once."""
        store = CacheStore(path)
        for n in range(5):
            store.put(f"k{n}", "local", "default", answer("x"), ttl=5 + n, now=100.0)
        assert store.sweep(now=107.5) == 3
        assert store.stats()["entries"] == 2

    def test_lru_eviction(self, path):
        """Past max-entries the least recently used entries go; a recently read one stays."""
        store = CacheStore(path, max_entries=10)
        for n in range(10):
            store.put(f"k{n}", "local", "default", answer(str(n)), now=1000.0 + n)
        store.note_hit(store.get("k0", now=2000.0), now=2000.0)  # k0 is now the most recently used
        store.put("k10", "local", "default", answer("10"), now=2001.0)
        stats = store.stats()
        assert stats["entries"] <= 10
        assert store.get("k0", now=2002.0) is not None
        assert store.get("k1", now=2002.0) is None
        assert store.get("k10", now=2002.0) is not None

    def test_stats_count_hits_and_misses(self, path):
        """Hits, semantic hits and misses are counted per namespace; the hit rate follows."""
        store = CacheStore(path)
        store.put("k", "local", "a", answer("x"))
        entry = store.get("k")
        store.note_hit(entry)
        store.note_hit(entry, semantic=True)
        store.note_miss("local", "a")
        store.note_miss("local", "b")
        a = store.stats("local", "a")
        assert (a["hits"], a["semantic-hits"], a["misses"], a["hit-rate"]) == (2, 1, 1, 0.6667)
        assert store.stats()["misses"] == 2
        assert store.stats("local", "b")["entries"] == 0

    def test_clear_by_namespace_and_tenant(self, path):
        """clear removes one namespace, one tenant, or everything, and says how many went."""
        store = CacheStore(path)
        store.put("a1", "local", "a", answer("x"))
        store.put("a2", "local", "a", answer("x"))
        store.put("b1", "local", "b", answer("x"))
        store.put("t1", "key-1", "a", answer("x"))
        assert store.clear("local", "a") == 2
        assert store.get("b1") is not None and store.get("t1") is not None
        assert store.clear("key-1") == 1
        assert store.clear() == 1
        assert store.stats()["entries"] == 0

    def test_file_is_private(self, path):
        """The cache file is readable by its owner only (answers may be private)."""
        import os
        CacheStore(path)
        assert os.stat(path).st_mode & 0o077 == 0


class TestTenants:
    def test_tenant_is_a_hash_of_the_credential(self):
        """The tenant of a key is a salted hash: stable, different per key, never the key itself."""
        key = "sk-test-0123456789abcdef0123"
        assert tenant_of(key) == tenant_of(key) != tenant_of(key + "x")
        assert key not in tenant_of(key) and tenant_of(key).startswith("key-")
        assert tenant_of(None) == tenant_of("") == ANONYMOUS


class TestThreads:
    def test_concurrent_writers_and_readers(self, path):
        """Eight threads writing and reading one store lose nothing and mix nothing up."""
        store = CacheStore(path, max_entries=100_000)
        errors = []

        def work(t):
            try:
                for n in range(150):
                    key = f"t{t}-{n}"
                    store.put(key, "local", f"ns{t}", answer(key))
                    got = json.loads(store.get(key).response)["response"]["content"]
                    if got != key:
                        errors.append((key, got))
                    store.note_hit(store.get(f"t{t}-0"))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        stats = store.stats()
        assert stats["entries"] == 8 * 150 and stats["hits"] == 8 * 150


def _writer(path, worker, count, barrier):
    store = CacheStore(path, max_entries=100_000)
    barrier.wait()
    for n in range(count):
        text = f"process {worker} question {n}"
        store.put(f"p{worker}-{n}", "local", "default", answer(text), scope="s", vector=pack(embed_text(text)))
    store.close()


class TestProcesses:
    def test_processes_share_one_file(self, path):
        """Three processes write one file at once; every entry is there, and a fourth process's
        vector index finds the others' entries."""
        store = CacheStore(path, max_entries=100_000)
        index = VectorIndex()
        index.sync(store)  # loaded while empty: what follows arrives through the change log
        ctx = multiprocessing.get_context("fork")
        barrier = ctx.Barrier(3)
        procs = [ctx.Process(target=_writer, args=(path, w, 60, barrier)) for w in range(3)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert [p.exitcode for p in procs] == [0, 0, 0]
        assert store.stats()["entries"] == 180
        index.sync(store)
        assert len(index) == 180
        found = index.search("s", pack(embed_text("process 2 question 17")), 0.99)
        assert json.loads(store.get_id(found[0][0]).response)["response"]["content"] == "process 2 question 17"

    def test_index_follows_removals(self, path):
        """Entries removed by another store (another process) leave the index at its next sync."""
        mine, other = CacheStore(path), CacheStore(path)
        index = VectorIndex()
        other.put("a", "local", "x", answer("a"), scope="s", vector=pack(embed_text("alpha beta")))
        other.put("b", "local", "y", answer("b"), scope="s", vector=pack(embed_text("gamma delta")))
        index.sync(mine)
        assert len(index) == 2
        other.clear("local", "x")
        index.sync(mine)
        assert len(index) == 1
        assert index.search("s", pack(embed_text("alpha beta")), 0.5) == []


class TestVectorIndex:
    def test_threshold_and_order(self, path):
        """Search returns entries at or above the threshold, most similar first, within one scope."""
        store = CacheStore(path)
        index = VectorIndex()
        for key, text, scope in (("fr", "capital of France", "s"), ("fr2", "capital France city", "s"),
                                 ("es", "capital of Spain", "s"), ("other", "capital of France", "t")):
            store.put(key, "local", "default", answer(text), scope=scope, vector=pack(embed_text(text)))
        index.sync(store)
        found = index.search("s", pack(embed_text("What is the capital of France?")), 0.7)
        keys = [json.loads(store.get_id(i).response)["response"]["content"] for i, _ in found]
        assert keys == ["capital of France", "capital France city"]
        assert found[0][1] == pytest.approx(1.0, abs=1e-5) and found[1][1] < found[0][1]

    def test_many_rows_grow_and_compact(self, path):
        """Rows added and removed in bulk keep the index consistent (growth and compaction)."""
        store = CacheStore(path, max_entries=10**6)
        index = VectorIndex()
        for n in range(300):
            store.put(f"k{n}", "local", "default", answer(str(n)), scope="s", vector=pack(embed_text(f"word{n}")))
        index.sync(store)
        store.evict(250)
        for n in range(300, 400):
            store.put(f"k{n}", "local", "default", answer(str(n)), scope="s", vector=pack(embed_text(f"word{n}")))
        index.sync(store)
        assert len(index) == 150
        hit = index.search("s", pack(embed_text("word377")), 0.99)
        assert json.loads(store.get_id(hit[0][0]).response)["response"]["content"] == "377"

    def test_zero_vector_is_refused(self):
        """An embedding of all zeros cannot be normalised: a clear error."""
        with pytest.raises(ValueError, match="non-zero"):
            pack([0.0, 0.0])


class TestClusters:
    """Large scopes are searched through clusters: near matches are still found, exactly scored."""

    @staticmethod
    def vectors(n, dim=64, seed=1):
        import numpy as np
        rng = np.random.default_rng(seed)
        common = rng.normal(size=dim)  # embeddings share a direction: background similarity ~0.5
        v = rng.normal(size=(n, dim)) + 1.2 * common
        return v / np.linalg.norm(v, axis=1, keepdims=True), rng

    def test_near_matches_are_found(self, path):
        """A query within the threshold of a stored vector finds it, in a clustered scope of 4,000."""
        import numpy as np
        store = CacheStore(path, max_entries=10**6)
        index = VectorIndex(cluster_rows=1000, background=False)
        base, rng = self.vectors(4000)
        for n, v in enumerate(base):
            store.put(f"k{n}", "local", "default", answer(str(n)), scope="s", vector=pack(v))
        index.sync(store)
        assert index.clustered("s")
        found = 0
        for n in rng.choice(4000, 200, replace=False):
            q = base[n] + rng.normal(size=64) * 0.03
            q /= np.linalg.norm(q)
            hits = index.search("s", pack(q), 0.95)
            assert all(sim >= 0.95 for _, sim in hits)
            if hits and json.loads(store.get_id(hits[0][0]).response)["response"]["content"] == str(n):
                found += 1
        assert found >= 196  # a match outside the clusters read is a miss, never a wrong hit

    def test_rows_added_after_training_are_searched(self, path):
        """Entries added once the scope is clustered are found too (through the change log)."""
        store = CacheStore(path, max_entries=10**6)
        index = VectorIndex(cluster_rows=1000, background=False)
        base, _ = self.vectors(1600, seed=2)
        for n, v in enumerate(base[:1200]):
            store.put(f"k{n}", "local", "default", answer(str(n)), scope="s", vector=pack(v))
        index.sync(store)
        for n, v in enumerate(base[1200:], 1200):
            store.put(f"k{n}", "local", "default", answer(str(n)), scope="s", vector=pack(v))
        index.sync(store)
        assert index.clustered("s")
        for n in (1200, 1400, 1599, 3):
            entry_id, sim = index.search("s", pack(base[n]), 0.99)[0]
            assert json.loads(store.get_id(entry_id).response)["response"]["content"] == str(n)

    def test_compaction_drops_the_clusters_until_retrained(self, path):
        """Removing most rows compacts the scope; searching stays exact throughout."""
        store = CacheStore(path, max_entries=10**6)
        index = VectorIndex(cluster_rows=1000, background=False)
        base, _ = self.vectors(3000, seed=3)
        for n, v in enumerate(base[:2048]):
            store.put(f"k{n}", "local", "default", answer(str(n)), scope="s", vector=pack(v))
        index.sync(store)
        store.evict(1500)
        index.sync(store)
        for n, v in enumerate(base[2048:], 2048):
            store.put(f"k{n}", "local", "default", answer(str(n)), scope="s", vector=pack(v))
        index.sync(store)
        assert len(index) == 548 + 952
        for n in (1600, 2500, 2999):
            entry_id, _ = index.search("s", pack(base[n]), 0.99)[0]
            assert json.loads(store.get_id(entry_id).response)["response"]["content"] == str(n)
        assert index.search("s", pack(base[10]), 0.99) == []  # evicted
