"""The scheduled analytics jobs, run by RQ workers (`catalog scheduler` enqueues them).

Both take their servers and numbers from the settings, like the indexer's jobs, and both are safe to
run at any time and any number of times: shipping writes documents by PostgreSQL id, and the rollup
folds only what is past the retention window. The CLI calls the same functions.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from catalog.analytics.rollup import rollup
from catalog.analytics.shipping import ship
from catalog.connections import elasticsearch_client, redis_client, shared_engine
from catalog.settings import get_settings

#: Shipping runs at most this long before RQ gives up on it.
JOB_TIMEOUT = 900


def ship_analytics() -> dict[str, Any]:
    """Ship pending analytics to Elasticsearch and refresh the popular queries."""
    settings = get_settings()
    es = elasticsearch_client(settings, request_timeout=60)
    try:
        shipped = ship(
            shared_engine(),
            es,
            settings.index_prefix,
            redis=redis_client(settings),
            popular_days=settings.analytics_popular_days,
            popular_min_searches=settings.analytics_popular_min_searches,
            popular_min_sessions=settings.analytics_popular_min_clients,
        )
    finally:
        es.close()
    return dataclasses.asdict(shipped)


def rollup_analytics() -> dict[str, Any]:
    """Fold raw events past the retention window into daily sums, then ship the change."""
    settings = get_settings()
    rolled = rollup(shared_engine(), retention_days=settings.analytics_retention_days)
    outcome = dataclasses.asdict(rolled)
    outcome["cutoff"] = rolled.cutoff.isoformat()
    if rolled.events:
        outcome["shipped"] = ship_analytics()
    return outcome
