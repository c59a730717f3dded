"""Retention: events past the window become daily sums in PostgreSQL and Elasticsearch, the raw
rows and their documents go, and reports over the long range give the same figures as before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import text

from catalog.analytics.buffer import write_events
from catalog.analytics.events import ClickRecord, SearchRecord
from catalog.analytics.rollup import rollup
from schemas.analytics_index import events_index
from tests.support.analytics import Analytics

NOW = datetime.combine(datetime.now(UTC).date(), time(12), UTC)
DAY_A = NOW - timedelta(days=120)
DAY_B = NOW - timedelta(days=100)
RECENT = NOW - timedelta(days=1)


def _search(
    at: datetime, query: str, results: int = 5, facets: list[str] | None = None
) -> SearchRecord:
    return SearchRecord(
        kind="search",
        query=query,
        result_count=results,
        latency_ms=4.0,
        cache_hit=False,
        facets=facets or [],
        at=at,
    )


def _click(search: SearchRecord, position: int) -> ClickRecord:
    return ClickRecord(
        search_id=search.search_id,
        product_id="d-1",
        position=position,
        at=search.at + timedelta(seconds=5),
    )


def _reports(analytics: Analytics) -> dict[str, Any]:
    span = {
        "from": (NOW - timedelta(days=200)).isoformat(),
        "to": (NOW + timedelta(days=1)).isoformat(),
    }
    return {
        name: analytics.report(name, **span, **params)
        for name, params in (
            ("top-queries", {}),
            ("zero-result-queries", {}),
            ("ctr", {}),
            ("low-ctr-queries", {"min_searches": 1}),
            ("facet-usage", {}),
            ("volume", {"interval": "day"}),
        )
    }


def _count(analytics: Analytics, table: str) -> int:
    with analytics.catalog.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_rollup_keeps_long_range_reports_and_bounds_the_raw_table(analytics: Analytics) -> None:
    a = [
        _search(DAY_A, "drill"),
        _search(DAY_A, "drill"),
        _search(DAY_A, "drill", facets=["brand:Bolt"]),
    ]
    a.append(_search(DAY_A + timedelta(hours=3), "xyzzy", results=0))
    b = [_search(DAY_B, "drill"), _search(DAY_B, "drill"), _search(DAY_B, "hammer")]
    recent = [_search(RECENT, "drill"), _search(RECENT, "hammer")]
    clicks = [_click(a[0], 2), _click(b[0], 1), _click(b[1], 1), _click(recent[1], 3)]
    orphan = ClickRecord(uuid.uuid4(), "x-1", 1, at=NOW - timedelta(days=95))
    write_events(analytics.catalog.engine, a + b + recent, [*clicks, orphan])
    assert analytics.ship().events == 9
    before = _reports(analytics)
    assert [(q["query"], q["searches"]) for q in before["top-queries"]["queries"]] == [
        ("drill", 6),
        ("hammer", 2),
        ("xyzzy", 1),
    ]

    rolled = rollup(analytics.catalog.engine, retention_days=90, now=NOW)
    assert (rolled.days, rolled.events, rolled.clicks, rolled.orphan_clicks) == (2, 7, 3, 1)
    # Day A: drill, drill with brand:Bolt, xyzzy; day B: drill, hammer.
    assert rolled.rows == 5
    assert _count(analytics, "search_events") == 2
    assert _count(analytics, "click_events") == 1
    assert _count(analytics, "search_event_days") == 5
    shipped = analytics.ship()
    assert (shipped.days, shipped.deleted, shipped.failed) == (5, 7, 0)
    assert _count(analytics, "search_event_deletions") == 0

    assert _reports(analytics) == before
    es = analytics.catalog.es
    cutoff = datetime.combine(rolled.cutoff, time(), UTC).isoformat()
    old_raw = {"bool": {"filter": [{"term": {"type": "event"}}, {"range": {"at": {"lt": cutoff}}}]}}
    assert es.count(index=events_index("test"), query=old_raw)["count"] == 0
    assert es.count(index=events_index("test"), query={"term": {"type": "day"}})["count"] == 5

    # Again: nothing to fold. A late old event adds to its day's row, which is shipped again.
    assert rollup(analytics.catalog.engine, retention_days=90, now=NOW).events == 0
    write_events(analytics.catalog.engine, [_search(DAY_B, "drill")], [])
    assert rollup(analytics.catalog.engine, retention_days=90, now=NOW).rows == 1
    shipped = analytics.ship()
    assert (shipped.events, shipped.days, shipped.deleted) == (0, 1, 1)
    top = _reports(analytics)["top-queries"]["queries"]
    assert [(q["query"], q["searches"]) for q in top] == [("drill", 7), ("hammer", 2), ("xyzzy", 1)]
