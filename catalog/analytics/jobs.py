"""The scheduled analytics jobs, run by RQ workers (`catalog scheduler` enqueues them).

All take their servers and numbers from the settings, like the indexer's jobs, and both are safe to
run at any time and any number of times: shipping writes documents by PostgreSQL id, the rollup
folds only what is past the retention window, and learning recomputes every boost from the events. The CLI calls the same functions.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from catalog.analytics.learning import LearningParameters, learn
from catalog.analytics.rollup import rollup
from catalog.analytics.shipping import ship
from catalog.connections import elasticsearch_client, redis_client, shared_engine
from catalog.settings import Settings, get_settings
from catalog.versions import LEARNED, announce

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


def learning_parameters(settings: Settings) -> LearningParameters:
    """The learning model's numbers from the settings; its window is the raw events' retention."""
    return LearningParameters(
        half_life_days=settings.learning_half_life_days,
        min_sessions=settings.learning_min_sessions,
        prior=settings.learning_prior,
        window_days=settings.analytics_retention_days,
    )


def learn_boosts() -> dict[str, Any]:
    """Relearn the per-query boosts from clicks and conversions, and announce the new version."""
    settings = get_settings()
    learned = learn(shared_engine(), learning_parameters(settings))
    announce(redis_client(settings), settings.index_prefix, LEARNED, learned.version)
    return dataclasses.asdict(learned)
