"""Retention: raw events older than `ANALYTICS_RETENTION_DAYS` become daily aggregates.

Each UTC day before the cutoff is folded in one statement (one snapshot, one transaction): its
search events and their clicks are deleted and summed into `search_event_days` (one row per day,
kind, query and facet set, added to the row already there if the job ran for that day before), and
the deleted events' documents are listed in `search_event_deletions`. The next shipment indexes the
new day documents and deletes the raw ones, so a report over the long range gives the same figures
before and after, while `search_events` keeps only the retention window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, text

from catalog.analytics.events import utcnow
from catalog.analytics.shipping import analytics_lock

FOLD_DAY = text(
    """
    WITH gone AS (
        DELETE FROM search_events WHERE at >= :start AND at < :end
        RETURNING id, search_id, kind, query, facets, result_count, latency_ms, cache_hit
    ), gone_clicks AS (
        DELETE FROM click_events c USING gone g WHERE c.search_id = g.search_id
        RETURNING c.search_id, c.position
    ), per_search AS (
        SELECT search_id, count(*) AS clicks, sum(position) AS position_sum
        FROM gone_clicks GROUP BY search_id
    ), tombstones AS (
        INSERT INTO search_event_deletions (doc_id) SELECT 'e' || id FROM gone
        ON CONFLICT DO NOTHING
    ), folded AS (
        INSERT INTO search_event_days AS d (
            day, kind, query, facets, searches, zero_results, clicked_searches, clicks,
            click_position_sum, latency_ms_sum, cache_hits
        )
        SELECT CAST(:day AS date), g.kind, coalesce(g.query, ''), g.facets, count(*),
               count(*) FILTER (WHERE g.result_count = 0), count(p.search_id),
               coalesce(sum(p.clicks), 0), coalesce(sum(p.position_sum), 0),
               sum(g.latency_ms), count(*) FILTER (WHERE g.cache_hit)
        FROM gone g LEFT JOIN per_search p ON p.search_id = g.search_id
        GROUP BY g.kind, coalesce(g.query, ''), g.facets
        ON CONFLICT (day, kind, query, facets) DO UPDATE SET
            searches = d.searches + EXCLUDED.searches,
            zero_results = d.zero_results + EXCLUDED.zero_results,
            clicked_searches = d.clicked_searches + EXCLUDED.clicked_searches,
            clicks = d.clicks + EXCLUDED.clicks,
            click_position_sum = d.click_position_sum + EXCLUDED.click_position_sum,
            latency_ms_sum = d.latency_ms_sum + EXCLUDED.latency_ms_sum,
            cache_hits = d.cache_hits + EXCLUDED.cache_hits,
            revision = d.revision + 1
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM gone_clicks),
           (SELECT count(*) FROM folded)
    """
)


@dataclass
class RolledUp:
    cutoff: date
    days: int = 0
    events: int = 0
    clicks: int = 0
    rows: int = 0
    orphan_clicks: int = 0
    skipped: bool = False


def retention_cutoff(now: datetime, retention_days: int) -> date:
    """The first UTC day kept raw: `retention_days` whole days before today's."""
    return now.astimezone(UTC).date() - timedelta(days=retention_days)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def rollup(engine: Engine, *, retention_days: int, now: datetime | None = None) -> RolledUp:
    """Fold every day before the cutoff, oldest first; then drop clicks whose search never came.

    Runs under the analytics lock, so no shipment reads rows while they are folded.
    """
    cutoff = retention_cutoff(now or utcnow(), retention_days)
    result = RolledUp(cutoff=cutoff)
    with analytics_lock(engine) as held:
        if not held:
            result.skipped = True
            return result
        while True:
            with engine.begin() as conn:
                oldest = conn.execute(
                    text("SELECT min(at) FROM search_events WHERE at < :cutoff"),
                    {"cutoff": _start(cutoff)},
                ).scalar()
                if oldest is None:
                    break
                day = oldest.astimezone(UTC).date()
                events, clicks, rows = conn.execute(
                    FOLD_DAY,
                    {"start": _start(day), "end": _start(day + timedelta(days=1)), "day": day},
                ).one()
            result.days += 1
            result.events += events
            result.clicks += clicks
            result.rows += rows
        with engine.begin() as conn:
            # Only clicks whose search was never recorded are left before the cutoff.
            orphans = conn.execute(
                text("DELETE FROM click_events WHERE at < :cutoff"), {"cutoff": _start(cutoff)}
            )
            result.orphan_clicks = orphans.rowcount
    return result
