"""RQ jobs of the indexer, and how they are enqueued (retries with backoff, failures kept).

A job carries product ids and outbox seqs only; the worker reads the rows from PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from elasticsearch import Elasticsearch
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

from catalog.connections import elasticsearch_client, redis_client, shared_engine
from catalog.generation import bump_generation
from catalog.settings import get_settings
from indexer import metrics
from indexer.apply import apply_pending

log = logging.getLogger(__name__)

QUEUE = "catalog-index"
RETRY = Retry(max=5, interval=[1, 2, 5, 10, 30])
JOB_TIMEOUT = 300
FAILURE_TTL = 7 * 24 * 3600


def index_queue(connection: Redis | None = None) -> Queue:
    return Queue(QUEUE, connection=connection or redis_client())


def enqueue_index_jobs(queue: Queue, batches: list[dict[str, int]]) -> None:
    """Enqueue one job per batch in a single Redis round trip."""
    datas = [
        Queue.prepare_data(
            index_products,
            args=(batch,),
            retry=RETRY,
            timeout=JOB_TIMEOUT,
            failure_ttl=FAILURE_TTL,
            result_ttl=0,
        )
        for batch in batches
    ]
    with queue.connection.pipeline() as pipe:
        queue.enqueue_many(datas, pipeline=pipe)
        pipe.execute()


@lru_cache(maxsize=1)
def _es() -> Elasticsearch:
    return elasticsearch_client(request_timeout=30)


def index_products(pending: dict[str, int]) -> dict[str, int]:
    """The job: apply these products' current state to every write target."""
    prefix = get_settings().index_prefix
    redis = redis_client()
    try:
        applied = apply_pending(shared_engine(), _es(), prefix, pending)
    finally:
        # Even a partly failed batch may have changed documents: cached pages must not outlive it.
        try:
            bump_generation(redis, prefix)
        except RedisError as exc:  # must not mask the job's own error or fail a done job
            log.warning("could not move the index generation: %s", exc)
    metrics.record_applied(applied, redis, prefix)
    return {"indexed": applied.indexed, "deleted": applied.deleted, "stale": applied.stale}


def reconcile() -> dict[str, int]:
    """The scheduled job: compare PostgreSQL with the index and re-queue every difference.

    `catalog scheduler` enqueues it (see `indexer.schedule`, which records each run's outcome).
    """
    from indexer.verify import repair, verify

    prefix = get_settings().index_prefix
    report = verify(shared_engine(), _es(), prefix)
    repaired = repair(shared_engine(), report) if report.differences else 0
    outcome = {
        "at": int(time.time()),
        "postgres": report.postgres,
        "index": report.index,
        "differences": report.differences,
        "repaired": repaired,
        "in_flight": report.in_flight,
    }
    if report.differences:
        log.warning("reconciliation repaired %d differences", repaired)
    return outcome


REINDEX_TIMEOUT = 4 * 3600
REINDEX_RESULT_TTL = 7 * 24 * 3600


def enqueue_reindex(queue: Queue) -> str:
    """Queue the reindex behind `POST /admin/reindex` (a second one at once fails on its lock)."""
    job = queue.enqueue(
        reindex_job,
        job_id=f"{get_settings().index_prefix}-reindex-{int(time.time())}",
        job_timeout=REINDEX_TIMEOUT,
        result_ttl=REINDEX_RESULT_TTL,
        failure_ttl=REINDEX_RESULT_TTL,
    )
    return str(job.id)


def reindex_job() -> dict[str, object]:
    """The job: the same zero-downtime reindex as `catalog reindex`, run by a worker."""
    from indexer.reindex import reindex

    prefix = get_settings().index_prefix
    result = reindex(shared_engine(), elasticsearch_client(request_timeout=120), prefix)
    bump_generation(redis_client(), prefix)
    return {
        "index": result.index,
        "documents": result.documents,
        "seconds": round(result.seconds, 1),
        "swapped": result.swapped,
    }
