"""Applying captured changes to the index: build from PostgreSQL, bulk with external versions, ack.

External versioning is the guard against every reordering: each document is written with the
version PostgreSQL gave the row, so a retried, duplicated or late job can only ever lose to newer
data (Elasticsearch answers 409 and keeps what it has), never overwrite it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
from elasticsearch import Elasticsearch, helpers
from sqlalchemy import Connection, Engine, RowMapping, text

from catalog.products import rows_by_id
from indexer.indices import write_targets
from schemas.product_index import build_document

log = logging.getLogger(__name__)

#: Bulk item statuses that mean "the index holds this version or a newer one".
SETTLED = {200, 201, 404, 409}


class BulkFailed(RuntimeError):
    """Some bulk items failed for a reason a retry may cure (the job is retried)."""


@dataclass
class Applied:
    indexed: int = 0
    deleted: int = 0
    stale: int = 0
    lags: list[float] = field(default_factory=list)


def actions_for(
    targets: Iterable[str], rows: Mapping[str, RowMapping], pending: Mapping[str, int]
) -> Iterator[dict[str, Any]]:
    """One index or delete action per product and target index."""
    for product_id, seq in pending.items():
        row = rows.get(product_id)
        if row is not None and row["deleted_at"] is None:
            document = build_document(row)
            for target in targets:
                yield {
                    "_op_type": "index",
                    "_index": target,
                    "_id": product_id,
                    "_version": row["version"],
                    "_version_type": "external",
                    "_source": document,
                }
        else:
            version = row["version"] if row is not None else seq
            for target in targets:
                yield {
                    "_op_type": "delete",
                    "_index": target,
                    "_id": product_id,
                    "_version": version,
                    "_version_type": "external",
                }


def bulk_apply(es: Elasticsearch, actions: Iterable[dict[str, Any]]) -> tuple[Applied, set[str]]:
    """Send the actions; return counts and the ids whose writes did not settle."""
    applied = Applied()
    failed: set[str] = set()
    for ok, item in helpers.streaming_bulk(
        es,
        actions,
        chunk_size=1000,
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=3,
        initial_backoff=1,
    ):
        op, result = next(iter(item.items()))
        status = result.get("status", 500)
        if status not in SETTLED:
            failed.add(result["_id"])
            log.warning("bulk %s of %s failed: %s", op, result["_id"], result.get("error"))
        elif status == 409:
            applied.stale += 1
        elif op == "delete":
            applied.deleted += 1
        elif ok:
            applied.indexed += 1
    return applied, failed


def acknowledge(conn: Connection, versions: Mapping[str, int]) -> list[float]:
    """Remove the outbox entries now reflected in every index; return their commit-to-ack lags."""
    if not versions:
        return []
    result = conn.execute(
        text(
            "DELETE FROM outbox o USING unnest(CAST(:ids AS text[]), CAST(:versions AS bigint[])) "
            "AS a(id, version) WHERE o.product_id = a.id AND o.seq <= a.version "
            "RETURNING extract(epoch FROM clock_timestamp() - o.created_at)"
        ),
        {"ids": list(versions), "versions": list(versions.values())},
    )
    return [float(row[0]) for row in result]


def apply_pending(
    engine: Engine, es: Elasticsearch, prefix: str, pending: Mapping[str, int]
) -> Applied:
    """Bring these products' documents up to date in every write target, then ack the outbox.

    `pending` maps product id to the newest outbox seq the job was given for it. With no target
    index at all the entries are simply acknowledged: the next reindex reads PostgreSQL whole.
    """
    with engine.connect() as conn:
        targets = write_targets(conn, prefix)
        rows = rows_by_id(conn, list(pending))
        conn.rollback()
    applied = Applied()
    failed: set[str] = set()
    if targets:
        applied, failed = bulk_apply(es, actions_for(targets, rows, pending))
        es.indices.refresh(index=",".join(targets))
    versions = {
        pid: (rows[pid]["version"] if pid in rows else seq)
        for pid, seq in pending.items()
        if pid not in failed
    }
    with engine.begin() as conn:
        applied.lags = acknowledge(conn, versions)
    if failed:
        raise BulkFailed(f"{len(failed)} of {len(pending)} products failed to index")
    return applied


def is_applied(engine: Engine, seq: int) -> bool:
    """Whether every change up to `seq` is searchable (no outbox entry at or below it)."""
    with engine.connect() as conn:
        pending = conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM outbox WHERE seq <= :seq)"), {"seq": seq}
        ).scalar()
    return not pending


async def wait_applied(engine: Engine, seq: int, timeout: float, poll: float = 0.05) -> bool:
    """Wait up to `timeout` seconds for change `seq` to be searchable; False if it is not yet.

    Asynchronous so that a waiting request holds no thread: each check borrows a pool thread for
    one indexed query (milliseconds), and the waits between checks are sleeps on the event loop.
    """
    deadline = time.monotonic() + timeout
    while not await anyio.to_thread.run_sync(is_applied, engine, seq):
        if time.monotonic() + poll > deadline:
            return False
        await anyio.sleep(poll)
    return True
