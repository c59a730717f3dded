"""`catalog bench freshness`: commit-to-searchable lag under a steady stream of updates.

Updates go through PostgreSQL at a fixed rate while a real `catalog worker` (dispatcher and RQ
worker) indexes them. Two views of the same lag: the worker's own (outbox commit time to
acknowledgement after an index refresh, recorded in Redis) and an outside probe that commits a
unique word and polls `_search` until it is found. The rows the stream touched are written back
afterwards, and the worker indexes those too, so the bench catalog and its index are again the
generated ones for the benches that follow.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from elasticsearch import ApiError, TransportError
from sqlalchemy import Engine, text

from catalog.connections import redis_client
from indexer.indices import write_targets
from indexer.metrics import percentile, recent_lags
from ops.bench.data import Prepared
from ops.bench.memory import RssSampler
from ops.bench.processes import indexer_worker
from ops.bench.report import Section, fmt, step

#: Products the stream updates (the first of the catalog); the probe cycles through the same.
UPDATED_PRODUCTS = 5_000
PROBE_EVERY_SECONDS = 0.5
DRAIN_SECONDS = 120


@dataclass
class FreshnessFigures:
    size: int
    target_rate: float
    seconds: float
    changes: int
    rate: float
    lags: list[float]
    probe_lags: list[float]
    worker_rss: RssSampler
    targets: int

    def p(self, values: list[float], fraction: float) -> float | None:
        return percentile(values, fraction)

    def section(self) -> Section:
        rows = [
            ("products in the catalog", f"{self.size:,}", ""),
            (
                "changes applied",
                f"{self.changes:,} at {self.rate:,.0f}/s",
                f"{self.target_rate:,.0f}/s",
            ),
            ("commit to searchable p50 (worker, s)", fmt(self.p(self.lags, 0.5), ".3f"), ""),
            ("commit to searchable p99 (worker, s)", fmt(self.p(self.lags, 0.99), ".3f"), "< 1"),
            (
                "probe: commit to found by search p50 (s)",
                fmt(self.p(self.probe_lags, 0.5), ".3f"),
                "",
            ),
            (
                "probe: commit to found by search p99 (s)",
                fmt(self.p(self.probe_lags, 0.99), ".3f"),
                "< 1",
            ),
            ("samples (worker; probe)", f"{len(self.lags):,}; {len(self.probe_lags)}", ""),
            ("indices each change is written to (live, standby)", str(self.targets), ""),
            ("indexer worker RSS (MiB)", self.worker_rss.summary(), ""),
        ]
        notes = (
            "Worker lag: outbox commit to acknowledgement after an index refresh (its last "
            "samples, recorded in Redis). Probe: commits a unique word and polls `_search` until "
            "found, every 0.5 s; its p99 over few samples is close to its maximum."
        )
        return Section(
            f"Freshness, {self.target_rate:,.0f} changes/s for {self.seconds:g} s",
            rows,
            notes=notes,
        )


def _snapshot(engine: Engine, ids: list[str]) -> list[tuple[str, Decimal | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, price, description FROM products WHERE id = ANY(:ids)"), {"ids": ids}
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def _restore(engine: Engine, rows: list[tuple[str, Decimal | None, str | None]]) -> None:
    """Write back what the stream changed (only rows that differ get a new version)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE products p SET price = s.price, description = s.description "
                "FROM unnest(CAST(:ids AS text[]), CAST(:prices AS numeric[]), "
                "CAST(:descriptions AS text[])) AS s(id, price, description) "
                "WHERE p.id = s.id AND (p.price IS DISTINCT FROM s.price "
                "OR p.description IS DISTINCT FROM s.description)"
            ),
            {
                "ids": [r[0] for r in rows],
                "prices": [r[1] for r in rows],
                "descriptions": [r[2] for r in rows],
            },
        )


def _drained(engine: Engine, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT EXISTS (SELECT 1 FROM outbox)")).scalar():
                return True
        time.sleep(0.2)
    return False


def bench_freshness(prepared: Prepared, *, rate: float, seconds: float) -> FreshnessFigures:
    engine, es, settings = prepared.engine, prepared.es, prepared.settings
    redis = redis_client(settings)
    redis.flushdb()  # the bench's own database: no jobs or samples left from an earlier run
    with engine.connect() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM products ORDER BY id LIMIT :n"), {"n": UPDATED_PRODUCTS}
            )
        ]
    original = _snapshot(engine, ids)
    with engine.connect() as conn:
        targets = len(write_targets(conn, settings.index_prefix))
    probe_lags: list[float] = []
    stop = threading.Event()
    rng = random.Random(7)

    def probe() -> None:
        n = 0
        while not stop.is_set():
            word = f"probe{n}x{rng.randrange(10**9)}"
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE products SET description = :w WHERE id = :id"),
                    {"w": f"fresh {word}", "id": ids[n % len(ids)]},
                )
            committed = time.perf_counter()
            while not stop.is_set():
                try:
                    found = es.search(
                        index=prepared.alias, size=0, query={"match": {"description": word}}
                    )["hits"]["total"]["value"]
                except (ApiError, TransportError):
                    found = 0  # Elasticsearch unavailable: the lag goes on growing
                if found:
                    probe_lags.append(time.perf_counter() - committed)
                    break
                time.sleep(0.01)
            n += 1
            stop.wait(PROBE_EVERY_SECONDS)

    with indexer_worker(settings) as worker, RssSampler(worker) as worker_rss:
        step(f"freshness: {rate:g} changes/s for {seconds:g} s with a worker")
        prober = threading.Thread(target=probe, name="probe", daemon=True)
        prober.start()
        try:
            changes, actual_rate = _stream(engine, ids, rng, rate, seconds)
            stop.set()
            drained = _drained(engine, DRAIN_SECONDS)
            lags = recent_lags(redis, settings.index_prefix)
        finally:
            stop.set()
            prober.join(timeout=10)
            # Even after a failure: the catalog must again be the generated one (the outbox then
            # holds what the index lacks, and the next bench reindexes before it measures).
            step("freshness: writing back the products the stream changed")
            _restore(engine, original)
        if not drained or not _drained(engine, DRAIN_SECONDS):
            raise RuntimeError(f"the worker did not catch up within {DRAIN_SECONDS} s")
    return FreshnessFigures(
        prepared.size, rate, seconds, changes, actual_rate, lags, probe_lags, worker_rss, targets
    )


def _stream(
    engine: Engine, ids: list[str], rng: random.Random, rate: float, seconds: float
) -> tuple[int, float]:
    """One committed price update after another at `rate` per second; (changes, actual rate)."""
    changes = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        while changes < int(elapsed * rate):
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE products SET price = price + 0.01 WHERE id = :id"),
                    {"id": ids[rng.randrange(len(ids))]},
                )
            changes += 1
        time.sleep(0.002)
    return changes, changes / (time.perf_counter() - started)
