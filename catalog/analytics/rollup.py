"""Retention: raw events older than `ANALYTICS_RETENTION_DAYS` become daily aggregates.

Each UTC day before the cutoff is folded in one statement (one snapshot, one transaction): its
search events, their clicks and their conversions are deleted and summed into `search_event_days` (one row per day,
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
        RETURNING id, search_id, kind, coalesce(query, '') AS query, facets, result_count,
                  latency_ms, cache_hit
    ), gone_clicks AS (
        DELETE FROM click_events c USING gone g WHERE c.search_id = g.search_id
        RETURNING c.search_id, c.position
    ), gone_conversions AS (
        DELETE FROM conversion_events v USING gone g WHERE v.search_id = g.search_id
        RETURNING v.search_id, v.kind, v.quantity, v.value, v.currency
    ), per_search AS (
        SELECT search_id, count(*) AS clicks, sum(position) AS position_sum
        FROM gone_clicks GROUP BY search_id
    ), per_search_conversions AS (
        SELECT search_id,
               count(*) FILTER (WHERE kind = 'add_to_cart') AS add_to_carts,
               count(*) FILTER (WHERE kind = 'purchase') AS purchases,
               coalesce(sum(quantity) FILTER (WHERE kind = 'purchase'), 0) AS units,
               coalesce(sum(value) FILTER (WHERE kind = 'purchase'), 0) AS revenue
        FROM gone_conversions GROUP BY search_id
    ), tombstones AS (
        INSERT INTO search_event_deletions (doc_id) SELECT 'e' || id FROM gone
        ON CONFLICT DO NOTHING
    ), grouped AS (
        SELECT g.kind, g.query, g.facets, count(*) AS searches,
               count(*) FILTER (WHERE g.result_count = 0) AS zero_results,
               count(p.search_id) AS clicked_searches, coalesce(sum(p.clicks), 0) AS clicks,
               coalesce(sum(p.position_sum), 0) AS click_position_sum,
               sum(g.latency_ms) AS latency_ms_sum,
               count(*) FILTER (WHERE g.cache_hit) AS cache_hits,
               count(*) FILTER (WHERE v.add_to_carts > 0) AS carted_searches,
               count(*) FILTER (WHERE v.purchases > 0) AS converted_searches,
               coalesce(sum(v.add_to_carts), 0) AS add_to_carts,
               coalesce(sum(v.purchases), 0) AS purchases,
               coalesce(sum(v.units), 0) AS units, coalesce(sum(v.revenue), 0) AS revenue
        FROM gone g LEFT JOIN per_search p ON p.search_id = g.search_id
        LEFT JOIN per_search_conversions v ON v.search_id = g.search_id
        GROUP BY g.kind, g.query, g.facets
    ), grouped_currencies AS (
        SELECT g.kind, g.query, g.facets, array_agg(DISTINCT c.currency) AS currencies
        FROM gone g JOIN gone_conversions c ON c.search_id = g.search_id
        WHERE c.kind = 'purchase' AND c.currency IS NOT NULL
        GROUP BY g.kind, g.query, g.facets
    ), folded AS (
        INSERT INTO search_event_days AS d (
            day, kind, query, facets, searches, zero_results, clicked_searches, clicks,
            click_position_sum, latency_ms_sum, cache_hits, carted_searches, converted_searches,
            add_to_carts, purchases, units, revenue, currencies
        )
        SELECT CAST(:day AS date), r.kind, r.query, r.facets, r.searches, r.zero_results,
               r.clicked_searches, r.clicks, r.click_position_sum, r.latency_ms_sum, r.cache_hits,
               r.carted_searches, r.converted_searches, r.add_to_carts, r.purchases, r.units,
               r.revenue, coalesce(c.currencies, '{}')
        FROM grouped r LEFT JOIN grouped_currencies c
            ON c.kind = r.kind AND c.query = r.query AND c.facets = r.facets
        ON CONFLICT (day, kind, query, facets) DO UPDATE SET
            searches = d.searches + EXCLUDED.searches,
            zero_results = d.zero_results + EXCLUDED.zero_results,
            clicked_searches = d.clicked_searches + EXCLUDED.clicked_searches,
            clicks = d.clicks + EXCLUDED.clicks,
            click_position_sum = d.click_position_sum + EXCLUDED.click_position_sum,
            latency_ms_sum = d.latency_ms_sum + EXCLUDED.latency_ms_sum,
            cache_hits = d.cache_hits + EXCLUDED.cache_hits,
            carted_searches = d.carted_searches + EXCLUDED.carted_searches,
            converted_searches = d.converted_searches + EXCLUDED.converted_searches,
            add_to_carts = d.add_to_carts + EXCLUDED.add_to_carts,
            purchases = d.purchases + EXCLUDED.purchases,
            units = d.units + EXCLUDED.units,
            revenue = d.revenue + EXCLUDED.revenue,
            currencies = ARRAY(
                SELECT DISTINCT unnest(d.currencies || EXCLUDED.currencies) ORDER BY 1
            ),
            revision = d.revision + 1
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM gone_clicks),
           (SELECT count(*) FROM folded), (SELECT count(*) FROM gone_conversions)
    """
)


@dataclass
class RolledUp:
    cutoff: date
    days: int = 0
    events: int = 0
    clicks: int = 0
    conversions: int = 0
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
                events, clicks, rows, conversions = conn.execute(
                    FOLD_DAY,
                    {"start": _start(day), "end": _start(day + timedelta(days=1)), "day": day},
                ).one()
            result.days += 1
            result.events += events
            result.clicks += clicks
            result.conversions += conversions
            result.rows += rows
        with engine.begin() as conn:
            # Only clicks and conversions whose search was never recorded are left before the
            # cutoff.
            orphans = conn.execute(
                text("DELETE FROM click_events WHERE at < :cutoff"), {"cutoff": _start(cutoff)}
            )
            result.orphan_clicks = orphans.rowcount
            conn.execute(
                text("DELETE FROM conversion_events WHERE at < :cutoff"),
                {"cutoff": _start(cutoff)},
            )
    return result
