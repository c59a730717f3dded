"""`catalog bench reindex`: a full reindex end to end beside raw `parallel_bulk` of its documents.

The reindex runs in a child process, as `catalog reindex` would (PostgreSQL read through a
server-side cursor, analysis, bulk with external versions, verify, alias swap), so its memory is
its own and can be sampled. Its peer is `helpers.parallel_bulk` alone: the same documents, built
once beforehand and streamed from a file, into an index with the same mapping and load settings,
with the same threads and chunk size. The ratio says how much of the raw bulk speed the whole
pipeline keeps; the raw figure says what this machine's Elasticsearch can take at all.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psutil
from elasticsearch import Elasticsearch, helpers

from catalog.products import stream_live_rows
from catalog.settings import PROJECT_ROOT
from ops.bench.data import Prepared
from ops.bench.memory import RssSampler
from ops.bench.report import Section, step
from schemas.product_index import build_document, index_mapping, index_settings

#: What `indexer.reindex.reindex` uses by default: the peer must not get more threads.
THREADS = 2
CHUNK_SIZE = 1000
CHILD = (
    "import orjson, sys\n"
    "from catalog.connections import database_engine, elasticsearch_client\n"
    "from catalog.settings import get_settings\n"
    "from indexer.reindex import reindex\n"
    "s = get_settings()\n"
    "r = reindex(database_engine(s), elasticsearch_client(s, request_timeout=120),"
    " s.index_prefix, keep=0)\n"
    "sys.stdout.write(orjson.dumps({'documents': r.documents, 'seconds': r.seconds}).decode())\n"
)


@dataclass
class ReindexFigures:
    documents: int
    ours_docs_per_s: list[float] = field(default_factory=list)
    raw_docs_per_s: list[float] = field(default_factory=list)
    reindex_rss: list[RssSampler] = field(default_factory=list)

    @property
    def ours(self) -> float:
        return statistics.median(self.ours_docs_per_s)

    @property
    def raw(self) -> float:
        return statistics.median(self.raw_docs_per_s)

    @property
    def ratio(self) -> float:
        return self.ours / self.raw

    def section(self) -> Section:
        runs = "; ".join(
            ", ".join(f"{v:,.0f}" for v in values)
            for values in (self.ours_docs_per_s, self.raw_docs_per_s)
        )
        peak = max(s.peak_mb for s in self.reindex_rss)
        rows = [
            ("documents", f"{self.documents:,}", ""),
            ("catalog reindex, docs/s (median)", f"{self.ours:,.0f}", ">= 5,000"),
            ("raw parallel_bulk of prebuilt docs, docs/s (median)", f"{self.raw:,.0f}", "(peer)"),
            ("ratio reindex / raw", f"{self.ratio:.2f}", ">= 0.6"),
            ("runs, docs/s (reindex; raw)", runs, ""),
            ("reindex process RSS peak (MiB)", f"{peak:.0f}", ""),
        ]
        notes = (
            f"Both sides use {THREADS} bulk threads and chunks of {CHUNK_SIZE}, refresh off and "
            "no replicas while loading; runs alternate (reindex, raw, reindex, raw...)."
        )
        return Section(f"Reindex, {self.documents:,} products", rows, notes=notes)


def _documents_file(prepared: Prepared, folder: Path) -> tuple[Path, int]:
    """Every live product's document, built once, as JSON lines (flat memory at any size)."""
    path = folder / "documents.jsonl"
    count = 0
    with prepared.engine.connect() as conn, path.open("wb") as out:
        for rows in stream_live_rows(conn):
            for row in rows:
                out.write(orjson.dumps(build_document(row)) + b"\n")
                count += 1
    return path, count


def raw_parallel_bulk(es: Elasticsearch, documents: Path, index: str) -> float:
    """docs/s of `helpers.parallel_bulk` alone, prebuilt documents, the index's own settings."""
    settings = index_settings()
    settings["refresh_interval"] = "-1"
    settings["number_of_replicas"] = 0
    es.options(ignore_status=404).indices.delete(index=index)
    es.indices.create(index=index, settings=settings, mappings=index_mapping())

    def actions() -> Iterator[dict[str, Any]]:
        with documents.open("rb") as lines:
            for line in lines:
                doc = orjson.loads(line)
                yield {"_index": index, "_id": doc["product_id"], "_source": doc}

    try:
        started = time.perf_counter()
        count = 0
        for ok, item in helpers.parallel_bulk(
            es.options(request_timeout=120),
            actions(),
            thread_count=THREADS,
            chunk_size=CHUNK_SIZE,
        ):
            if not ok:
                raise RuntimeError(f"raw bulk failed: {item}")
            count += 1
        es.indices.refresh(index=index)
        return count / (time.perf_counter() - started)
    finally:
        es.options(ignore_status=404).indices.delete(index=index)


def reindex_in_child(prepared: Prepared) -> tuple[float, RssSampler]:
    """docs/s of a full reindex in its own process, and that process's sampled RSS."""
    env = {
        **os.environ,
        "DATABASE_URL": str(prepared.settings.database_url),
        "REDIS_URL": str(prepared.settings.redis_url),
        "INDEX_PREFIX": prepared.settings.index_prefix,
        "LOG_LEVEL": "WARNING",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with RssSampler(psutil.Process(child.pid), interval=0.25) as rss:
        out, errors = child.communicate()
    if child.returncode != 0:
        tail = "\n".join(errors.decode(errors="replace").strip().splitlines()[-10:])
        raise RuntimeError(f"reindex failed:\n{tail}")
    result = orjson.loads(out)
    return result["documents"] / result["seconds"], rss


def bench_reindex(prepared: Prepared, repetitions: int) -> ReindexFigures:
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as folder:
        step(f"reindex: building {prepared.size:,} documents for the raw peer")
        documents, count = _documents_file(prepared, Path(folder))
        figures = ReindexFigures(count)
        for attempt in range(repetitions):
            step(f"reindex: run {attempt + 1} of {repetitions}, catalog reindex")
            docs_per_s, rss = reindex_in_child(prepared)
            figures.ours_docs_per_s.append(docs_per_s)
            figures.reindex_rss.append(rss)
            step(f"reindex: run {attempt + 1} of {repetitions}, raw parallel_bulk")
            raw_index = f"{prepared.settings.index_prefix}-raw-bulk"
            figures.raw_docs_per_s.append(raw_parallel_bulk(prepared.es, documents, raw_index))
    return figures
