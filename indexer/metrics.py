"""Freshness and throughput of the indexer, as Prometheus metrics and as numbers kept in Redis.

The worker runs jobs in its own process, so its Prometheus metrics are served by the worker
(`catalog worker --metrics-port`); the recent commit-to-searchable lags are also kept in Redis, where
`catalog outbox status` and the API read them.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from prometheus_client import Counter, Histogram
from redis import Redis

from catalog import redis_keys

if TYPE_CHECKING:
    from indexer.apply import Applied

FRESHNESS_SAMPLES = 2000

COMMIT_TO_SEARCHABLE = Histogram(
    "catalog_commit_to_searchable_seconds",
    "Time from a change's commit in PostgreSQL to its being searchable.",
    buckets=(0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60),
)
DOCUMENTS = Counter("catalog_indexer_documents_total", "Documents written by the indexer.", ["op"])


def record_applied(applied: Applied, redis: Redis | None = None, prefix: str = "") -> None:
    for lag in applied.lags:
        COMMIT_TO_SEARCHABLE.observe(lag)
    DOCUMENTS.labels("index").inc(applied.indexed)
    DOCUMENTS.labels("delete").inc(applied.deleted)
    DOCUMENTS.labels("stale").inc(applied.stale)
    if redis is not None and applied.lags:
        key = redis_keys.freshness(prefix)
        with redis.pipeline() as pipe:
            pipe.lpush(key, *[round(lag, 4) for lag in applied.lags])
            pipe.ltrim(key, 0, FRESHNESS_SAMPLES - 1)
            pipe.execute()


def recent_lags(redis: Redis, prefix: str) -> list[float]:
    return [float(value) for value in redis.lrange(redis_keys.freshness(prefix), 0, -1)]


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]
