"""Batch reindex with zero downtime: build a new generation from PostgreSQL, verify, swap the alias.

Why no write is lost: the new index is registered as a write target *before* the snapshot is read,
so every change committed after the snapshot reaches it through the workers, and every change before
is in the snapshot. External versions settle any overlap. Searches keep reading the old index until
the single atomic alias swap. An interrupted build (Ctrl-C, an error) drops the new index and
leaves the alias as it was. One reindex at a time, under a PostgreSQL advisory lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch, helpers
from sqlalchemy import Engine, text

from catalog.outbox import backlog
from catalog.products import count_live, stream_live_rows
from indexer.indices import create_index, drop_index, point_alias, prune
from schemas.product_index import build_document, index_settings

LOCK_KEY = 0x5EA4C4  # advisory lock id of "one reindex at a time"


class ReindexError(RuntimeError):
    """The new index could not be built or did not verify; the alias was left untouched."""


@dataclass
class ReindexResult:
    index: str
    documents: int
    seconds: float
    swapped: bool

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


Progress = Callable[[int], None]


def _actions(engine: Engine, index: str, total: list[int]) -> Iterator[dict[str, Any]]:
    with engine.connect() as conn:
        for rows in stream_live_rows(conn):
            for row in rows:
                yield {
                    "_op_type": "index",
                    "_index": index,
                    "_id": row["id"],
                    "_version": row["version"],
                    "_version_type": "external",
                    "_source": build_document(row),
                }
            total[0] += len(rows)


def reindex(
    engine: Engine,
    es: Elasticsearch,
    prefix: str,
    *,
    keep: int = 2,
    progress: Progress | None = None,
    threads: int = 2,
    chunk_size: int = 1000,
) -> ReindexResult:
    started = time.perf_counter()
    with engine.connect() as lock_conn:
        if not lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar():
            raise ReindexError("another reindex is running")
        try:
            with engine.begin() as conn:
                expected = count_live(conn)
                name = create_index(es, conn, prefix, loading=True)
            try:
                written = _load(engine, es, name, progress, threads, chunk_size)
                es.indices.put_settings(
                    index=name,
                    settings={
                        k: v
                        for k, v in index_settings().items()
                        if k in {"refresh_interval", "number_of_replicas"}
                    },
                )
                es.indices.refresh(index=name)
                _check_count(engine, es, name, expected)
                with engine.begin() as conn:
                    point_alias(es, conn, prefix, name)
                    conn.execute(
                        text("UPDATE search_indices SET document_count = :n WHERE name = :name"),
                        {"n": written, "name": name},
                    )
                    prune(es, conn, prefix, keep)
            except BaseException:
                with engine.begin() as conn:
                    drop_index(es, conn, name)
                raise
        finally:
            lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
            lock_conn.commit()
    return ReindexResult(name, written, time.perf_counter() - started, swapped=True)


def _load(
    engine: Engine,
    es: Elasticsearch,
    index: str,
    progress: Progress | None,
    threads: int,
    chunk_size: int,
) -> int:
    total = [0]
    written = 0
    for ok, item in helpers.parallel_bulk(
        es.options(request_timeout=120),
        _actions(engine, index, total),
        thread_count=threads,
        chunk_size=chunk_size,
        raise_on_error=False,
    ):
        result = next(iter(item.values()))
        if not ok and result.get("status") != 409:
            raise ReindexError(f"bulk failed for {result.get('_id')}: {result.get('error')}")
        written += 1
        if progress is not None and written % chunk_size == 0:
            progress(chunk_size)
    if progress is not None:
        progress(written % chunk_size)
    return written


def _check_count(engine: Engine, es: Elasticsearch, index: str, expected: int) -> None:
    """The new index must hold PostgreSQL's live products, give or take changes still in flight."""
    with engine.connect() as conn:
        now_live = count_live(conn)
        in_flight = backlog(conn).depth
    indexed = int(es.count(index=index)["count"])
    slack = in_flight + abs(now_live - expected)
    if abs(indexed - now_live) > slack:
        raise ReindexError(
            f"new index holds {indexed} documents, PostgreSQL {now_live} (in flight: {in_flight})"
        )
