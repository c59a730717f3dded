"""Indexing benchmarks: full reindex beside raw `parallel_bulk`, and commit-to-searchable freshness."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from elasticsearch import Elasticsearch, helpers
from sqlalchemy import Engine, text

from catalog.datasets.generator import generate_products
from catalog.products import load_stream
from catalog.settings import PROJECT_ROOT, Settings
from indexer.documents import count_live, stream_live_rows
from indexer.indices import alias_name
from indexer.reindex import reindex
from schemas.product import CanonicalProduct
from schemas.product_index import build_document, index_mapping, index_settings


def ensure_catalog(engine: Engine, size: int) -> None:
    """Exactly the first `size` generated products (seed 42) in the bench database."""
    with engine.connect() as conn:
        present = count_live(conn)
    if present != size:
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE products, outbox RESTART IDENTITY CASCADE"))
        stream = (CanonicalProduct.model_validate(p) for p in generate_products(size))
        for _ in load_stream(engine, stream, batch_size=2000):
            pass
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox"))  # the bench reindexes; no worker replays the load


@dataclass
class ReindexFigures:
    documents: int
    ours_docs_per_s: list[float]
    raw_docs_per_s: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ours_docs_per_s) / statistics.median(self.raw_docs_per_s)


def raw_parallel_bulk(es: Elasticsearch, documents: list[dict[str, object]], index: str) -> float:
    """docs/s of `helpers.parallel_bulk` alone, for the same prebuilt documents and index settings."""
    settings = index_settings()
    settings["refresh_interval"] = "-1"
    es.indices.create(index=index, settings=settings, mappings=index_mapping())
    try:
        started = time.perf_counter()
        actions = ({"_index": index, "_id": d["product_id"], "_source": d} for d in documents)
        for ok, item in helpers.parallel_bulk(
            es.options(request_timeout=120), actions, thread_count=2, chunk_size=1000
        ):
            if not ok:
                raise RuntimeError(f"raw bulk failed: {item}")
        es.indices.refresh(index=index)
        return len(documents) / (time.perf_counter() - started)
    finally:
        es.indices.delete(index=index)


def bench_reindex(
    engine: Engine, es: Elasticsearch, prefix: str, repetitions: int
) -> ReindexFigures:
    with engine.connect() as conn:
        documents = [build_document(row) for rows in stream_live_rows(conn) for row in rows]
    figures = ReindexFigures(len(documents), [], [])
    for attempt in range(repetitions):
        result = reindex(engine, es, prefix, keep=0)
        figures.ours_docs_per_s.append(result.docs_per_second)
        figures.raw_docs_per_s.append(raw_parallel_bulk(es, documents, f"{prefix}-raw-{attempt}"))
    return figures


@dataclass
class FreshnessFigures:
    changes: int
    rate: float
    lags: list[float]
    probe_lags: list[float]
    worker_rss_mb: float


def bench_freshness(
    engine: Engine, es: Elasticsearch, settings: Settings, *, rate: float, seconds: float
) -> FreshnessFigures:
    """Steady updates at `rate`/s through PostgreSQL while a real worker indexes them.

    Two views of the same lag: the worker's own (commit to acknowledged after refresh, read from the
    outbox timestamps) and an outside probe that commits a unique word and polls search for it.
    """
    import psutil

    from catalog.clients import redis_client
    from indexer.metrics import recent_lags

    redis = redis_client(settings)
    redis.flushdb()  # the bench's own database: no jobs or samples left from an earlier run
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "INDEX_PREFIX": settings.index_prefix,
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", "from catalog.cli import app; app()", "worker"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lags: list[float] = []
    probe_lags: list[float] = []
    stop = threading.Event()
    try:
        time.sleep(3)
        with engine.connect() as conn:
            ids = [r[0] for r in conn.execute(text("SELECT id FROM products LIMIT 5000"))]
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
                    hits = es.search(
                        index=alias_name(settings.index_prefix),
                        size=0,
                        query={"match": {"description": word}},
                    )["hits"]["total"]["value"]
                    if hits:
                        probe_lags.append(time.perf_counter() - committed)
                        break
                    time.sleep(0.01)
                n += 1
                stop.wait(0.5)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        changes = 0
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(elapsed * rate)
            while changes < due:
                with engine.begin() as conn:
                    conn.execute(
                        text("UPDATE products SET price = price + 0.01 WHERE id = :id"),
                        {"id": ids[rng.randrange(len(ids))]},
                    )
                changes += 1
            time.sleep(0.002)
        actual_rate = changes / (time.perf_counter() - started)
        stop.set()
        prober.join(timeout=10)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if not conn.execute(text("SELECT EXISTS (SELECT 1 FROM outbox)")).scalar():
                    break
            time.sleep(0.2)
        rss = psutil.Process(worker.pid).memory_info().rss / 2**20
    finally:
        stop.set()
        worker.terminate()
        worker.wait(timeout=30)
    lags = recent_lags(redis, settings.index_prefix)
    return FreshnessFigures(changes, actual_rate, lags, probe_lags, rss)
