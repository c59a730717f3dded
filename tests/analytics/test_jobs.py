"""The scheduled jobs as an RQ worker runs them, and the CLI that runs the same functions."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta

from rq import Queue
from rq.worker import SimpleWorker
from sqlalchemy import text

from catalog.analytics.buffer import write_events
from catalog.analytics.events import SearchRecord, utcnow
from catalog.analytics.jobs import rollup_analytics, ship_analytics
from indexer.jobs import index_queue
from schemas.analytics_index import events_index
from tests.support.catalog import Catalog
from tests.support.cli import CATALOG


def _record(query: str, days_ago: int) -> SearchRecord:
    return SearchRecord(
        kind="search",
        query=query,
        result_count=3,
        latency_ms=2,
        cache_hit=False,
        at=utcnow() - timedelta(days=days_ago),
    )


def _run(queue: Queue, catalog: Catalog) -> None:
    SimpleWorker([queue], connection=catalog.redis).work(burst=True, logging_level="WARNING")


def test_the_jobs_ship_and_roll_up_on_a_worker(catalog: Catalog) -> None:
    write_events(catalog.engine, [_record("drill", 100), _record("drill", 1)], [])
    queue = index_queue(catalog.redis)
    shipping = queue.enqueue(ship_analytics)
    _run(queue, catalog)
    shipped = shipping.return_value()
    assert shipped is not None
    assert shipped["events"] == 2
    rolling = queue.enqueue(rollup_analytics)
    _run(queue, catalog)
    outcome = rolling.return_value()
    assert outcome is not None
    assert (outcome["events"], outcome["rows"]) == (1, 1)
    assert outcome["shipped"]["deleted"] == 1
    index = events_index(catalog.prefix)
    catalog.es.indices.refresh(index=index)
    types = [hit["_source"]["type"] for hit in catalog.es.search(index=index)["hits"]["hits"]]
    assert sorted(types) == ["day", "event"]


def test_the_cli_ships_and_shows_top_queries(catalog: Catalog) -> None:
    write_events(catalog.engine, [_record("cordless drill", 0), _record("cordless drill", 0)], [])
    env = dict(os.environ)
    ship = subprocess.run(
        [CATALOG, "analytics", "ship"], env=env, capture_output=True, text=True, timeout=120
    )
    assert ship.returncode == 0, ship.stderr
    assert "2 events and 0 days shipped" in ship.stdout
    top = subprocess.run(
        [CATALOG, "analytics", "top", "--days", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert top.returncode == 0, top.stderr
    assert "cordless drill" in top.stdout
    with catalog.engine.connect() as conn:
        pending = conn.execute(
            text("SELECT count(*) FROM search_events WHERE revision > shipped_revision")
        ).scalar()
    assert pending == 0
