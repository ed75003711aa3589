"""``GET /metrics``: counters and latency histograms in the Prometheus text format (version 0.0.4).

::

    sema_requests_total{endpoint,status}           requests answered
    sema_cache_lookups_total{result,layer}         hit (exact | semantic), miss, off
    sema_errors_total{type}                        errors by type (rate-limit, server, connection,
                                                   timeout, auth, bad-request, forbidden, ...)
    sema_request_duration_seconds{endpoint,cache}  time to answer, by cache result (histogram)
    sema_upstream_latency_seconds{route}           provider / forwarded-upstream time (histogram)
    sema_cache_entries, sema_cache_bytes           the store's size (gauges, read at scrape time)

Counts are per server process.
"""

from __future__ import annotations

import threading

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

HELP = {
    "sema_requests_total": ("counter", "Requests answered, by endpoint and HTTP status."),
    "sema_cache_lookups_total": ("counter", "Cache lookups, by result (hit, miss, off) and layer."),
    "sema_errors_total": ("counter", "Errors, by type."),
    "sema_request_duration_seconds": ("histogram", "Time to answer a request, by endpoint and cache result."),
    "sema_upstream_latency_seconds": ("histogram", "Time spent in providers and forwarded upstreams."),
    "sema_cache_entries": ("gauge", "Entries in the cache store."),
    "sema_cache_bytes": ("gauge", "Bytes of the cache store's entries."),
}


def _labels(labels: tuple) -> str:
    if not labels:
        return ""
    parts = []
    for k, v in labels:
        v = str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
        parts.append(f'{k}="{v}"')
    return "{" + ",".join(parts) + "}"


class _Histogram:
    __slots__ = ("counts", "total", "n")

    def __init__(self):
        self.counts = [0] * len(BUCKETS)
        self.total = 0.0
        self.n = 0

    def observe(self, value: float) -> None:
        self.n += 1
        self.total += value
        for i, bound in enumerate(BUCKETS):
            if value <= bound:
                self.counts[i] += 1
                break


class Metrics:
    """Thread-safe counters and histograms (updated from the event loop and from worker threads)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counters: dict[tuple, float] = {}
        self._histograms: dict[tuple, _Histogram] = {}

    def inc(self, name: str, amount: float = 1, **labels) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counters[key] = self._counters.get(key, 0) + amount

    def observe(self, name: str, seconds: float, **labels) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            h = self._histograms.get(key)
            if h is None:
                h = self._histograms[key] = _Histogram()
            h.observe(seconds)

    def value(self, name: str, **labels) -> float:
        """A counter's value (0 when never incremented): for tests and /health."""
        with self._lock:
            return self._counters.get((name, tuple(sorted(labels.items()))), 0)

    def render(self, gauges: dict | None = None) -> str:
        """Every metric in the Prometheus text format; GAUGES are ``{name: value}`` read by the caller."""
        with self._lock:
            counters = sorted(self._counters.items())
            histograms = sorted((k, (list(h.counts), h.total, h.n)) for k, h in self._histograms.items())
        lines: list[str] = []
        seen: set[str] = set()

        def header(name):
            if name not in seen:
                seen.add(name)
                kind, text = HELP.get(name, ("untyped", name))
                lines.append(f"# HELP {name} {text}")
                lines.append(f"# TYPE {name} {kind}")
        for (name, labels), value in counters:
            header(name)
            lines.append(f"{name}{_labels(labels)} {value:g}")
        for (name, labels), (counts, total, n) in histograms:
            header(name)
            running = 0
            for bound, count in zip(BUCKETS, counts):
                running += count
                lines.append(f"{name}_bucket{_labels(labels + (('le', f'{bound:g}'),))} {running}")
            lines.append(f"{name}_bucket{_labels(labels + (('le', '+Inf'),))} {n}")
            lines.append(f"{name}_sum{_labels(labels)} {total:.6f}")
            lines.append(f"{name}_count{_labels(labels)} {n}")
        for name, value in sorted((gauges or {}).items()):
            header(name)
            lines.append(f"{name} {value:g}")
        return "\n".join(lines) + "\n"


__all__ = ["Metrics", "BUCKETS"]
