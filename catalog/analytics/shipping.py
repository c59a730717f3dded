"""Shipping analytics from PostgreSQL (the record) to Elasticsearch (the projection reports read).

A row whose `revision` is above its `shipped_revision` is pending: new events, events whose search
got a click or a conversion since (either bumps the revision), and rolled-up days. Shipping writes their
documents under ids derived from the PostgreSQL ids, so sending one twice changes nothing, then
records the revision it sent; a click that lands meanwhile moves the revision past it and the
search goes again next time. Documents listed in `search_event_deletions` are deleted in the same
bulk requests. One shipper runs at a time (a PostgreSQL advisory lock, shared with the rollup), so
an older document can never overwrite a newer one.

The popular-queries index is refreshed from the analytics index after each shipment; when it
changes, its version in Redis moves, and cached autocomplete answers keyed on the old one are
never served again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, helpers
from redis import Redis
from sqlalchemy import Engine, text

from catalog import redis_keys
from catalog.analytics.events import utcnow
from schemas.analytics_index import (
    day_document,
    event_document,
    events_index,
    events_mapping,
    index_settings,
    popular_query_document,
    popular_query_id,
    queries_index,
    queries_mapping,
)

log = logging.getLogger(__name__)

#: PostgreSQL advisory lock key held while shipping or rolling up ("analy" in ASCII).
LOCK_KEY = 0x616E616C79
BATCH_SIZE = 1000
#: How many popular queries autocomplete may offer from (the most searched ones).
MAX_POPULAR = 10_000
SETTLED = {200, 201, 404}

PENDING_EVENTS = text(
    "SELECT e.id, e.revision, e.at, e.kind, e.query, e.facets, e.result_count, e.latency_ms, "
    "e.cache_hit, c.clicks, c.position_sum, v.add_to_carts, v.purchases, v.units, v.revenue, "
    "v.currencies "
    "FROM search_events e "
    "CROSS JOIN LATERAL (SELECT count(*) AS clicks, coalesce(sum(position), 0) AS position_sum "
    "  FROM click_events WHERE search_id = e.search_id) c "
    "CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE kind = 'add_to_cart') AS add_to_carts, "
    "  count(*) FILTER (WHERE kind = 'purchase') AS purchases, "
    "  coalesce(sum(quantity) FILTER (WHERE kind = 'purchase'), 0) AS units, "
    "  coalesce(sum(value) FILTER (WHERE kind = 'purchase'), 0) AS revenue, "
    "  coalesce(array_agg(DISTINCT currency) FILTER (WHERE kind = 'purchase' "
    "    AND currency IS NOT NULL), '{}') AS currencies "
    "  FROM conversion_events WHERE search_id = e.search_id) v "
    "WHERE e.revision > e.shipped_revision ORDER BY e.id LIMIT :n"
)
PENDING_DAYS = text(
    "SELECT * FROM search_event_days WHERE revision > shipped_revision ORDER BY id LIMIT :n"
)
PENDING_DELETIONS = text("SELECT doc_id FROM search_event_deletions ORDER BY doc_id LIMIT :n")
MARK_SHIPPED = (
    "UPDATE {table} t SET shipped_revision = s.revision "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:revisions AS int[])) AS s(id, revision) "
    "WHERE t.id = s.id AND t.shipped_revision < s.revision"
)


@dataclass
class Shipped:
    events: int = 0
    days: int = 0
    deleted: int = 0
    failed: int = 0
    popular_queries: int = 0
    skipped: bool = False


@contextlib.contextmanager
def analytics_lock(engine: Engine) -> Iterator[bool]:
    """Hold the analytics advisory lock while the block runs; yield False if another holds it."""
    with engine.connect() as conn:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar())
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()


def ensure_index(es: Elasticsearch, name: str, mappings: dict[str, Any]) -> None:
    """Create the index, or add the fields a newer mapping has to the one in place (fields are
    only ever added, so an index made by an older release takes the newer documents)."""
    if es.indices.exists(index=name):
        es.indices.put_mapping(index=name, properties=mappings["properties"])
        return
    try:
        es.indices.create(index=name, settings=index_settings(), mappings=mappings)
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise


def _bulk(es: Elasticsearch, actions: list[dict[str, Any]]) -> set[str]:
    """Send the actions; return the ids that did not settle (a 404 delete has nothing to do)."""
    failed: set[str] = set()
    for _, item in helpers.streaming_bulk(
        es, actions, chunk_size=BATCH_SIZE, raise_on_error=False, max_retries=3
    ):
        op, result = next(iter(item.items()))
        if result.get("status", 500) not in SETTLED:
            failed.add(result["_id"])
            log.warning("analytics %s of %s failed: %s", op, result["_id"], result.get("error"))
    return failed


def _ship_batch(engine: Engine, es: Elasticsearch, index: str, shipped: Shipped) -> bool:
    """Ship one batch of each kind of pending work; False when nothing was left (or all failed)."""
    with engine.connect() as conn:
        events = conn.execute(PENDING_EVENTS, {"n": BATCH_SIZE}).mappings().all()
        days = conn.execute(PENDING_DAYS, {"n": BATCH_SIZE}).mappings().all()
        deletions = list(conn.execute(PENDING_DELETIONS, {"n": BATCH_SIZE}).scalars())
    if not events and not days and not deletions:
        return False
    actions: list[dict[str, Any]] = [
        {"_op_type": "index", "_index": index, "_id": f"e{r['id']}", "_source": event_document(r)}
        for r in events
    ]
    actions += [
        {"_op_type": "index", "_index": index, "_id": f"d{r['id']}", "_source": day_document(r)}
        for r in days
    ]
    actions += [{"_op_type": "delete", "_index": index, "_id": doc_id} for doc_id in deletions]
    failed = _bulk(es, actions)
    sent_events = [r for r in events if f"e{r['id']}" not in failed]
    sent_days = [r for r in days if f"d{r['id']}" not in failed]
    deleted = [doc_id for doc_id in deletions if doc_id not in failed]
    with engine.begin() as conn:
        for table, rows in (("search_events", sent_events), ("search_event_days", sent_days)):
            if rows:
                conn.execute(
                    text(MARK_SHIPPED.format(table=table)),
                    {"ids": [r["id"] for r in rows], "revisions": [r["revision"] for r in rows]},
                )
        if deleted:
            conn.execute(
                text("DELETE FROM search_event_deletions WHERE doc_id = ANY(:ids)"),
                {"ids": deleted},
            )
    shipped.events += len(sent_events)
    shipped.days += len(sent_days)
    shipped.deleted += len(deleted)
    shipped.failed += len(failed)
    # A batch that failed whole would come back unchanged: stop, and let the next run retry it.
    return len(failed) < len(actions)


def ship_pending(engine: Engine, es: Elasticsearch, prefix: str) -> Shipped:
    """Ship every pending row and deletion (the caller holds the analytics lock)."""
    index = events_index(prefix)
    ensure_index(es, index, events_mapping())
    shipped = Shipped()
    while _ship_batch(engine, es, index, shipped):
        pass
    es.indices.refresh(index=index)
    return shipped


def popular_queries(
    es: Elasticsearch, prefix: str, *, since: datetime, min_searches: int
) -> dict[str, int]:
    """Queries searched since `since` that found something at least `min_searches` times."""
    body = {
        "size": 0,
        "query": {
            "bool": {
                "filter": [
                    {"term": {"kind": "search"}},
                    {"range": {"at": {"gte": since.isoformat()}}},
                ]
            }
        },
        "aggs": {
            "queries": {
                "terms": {
                    "field": "query",
                    "size": MAX_POPULAR,
                    "order": [{"searches": "desc"}, {"_key": "asc"}],
                },
                "aggs": {
                    "searches": {"sum": {"field": "searches"}},
                    "zero_results": {"sum": {"field": "zero_results"}},
                },
            }
        },
    }
    response = es.search(index=events_index(prefix), body=body, ignore_unavailable=True).body
    buckets = response.get("aggregations", {}).get("queries", {}).get("buckets", [])
    found = {b["key"]: int(b["searches"]["value"] - b["zero_results"]["value"]) for b in buckets}
    return {query: count for query, count in found.items() if count >= min_searches}


VOUCHED = text(
    "SELECT query FROM search_events WHERE kind = 'search' AND at >= :since AND result_count > 0 "
    "AND query = ANY(:queries) AND query NOT IN (SELECT query FROM hidden_queries) "
    "GROUP BY query HAVING count(DISTINCT session_id) >= :sessions"
)


def vouched_queries(
    engine: Engine, queries: list[str], *, since: datetime, min_sessions: int
) -> set[str]:
    """Of `queries`, those searched (with results) in `min_sessions` distinct sessions and not
    hidden by a merchandiser: one client repeating a query cannot put it in every shopper's
    autocomplete. Searches without an `X-Session-Id` vouch for nothing."""
    with engine.connect() as conn:
        rows = conn.execute(
            VOUCHED, {"since": since, "queries": queries, "sessions": min_sessions}
        ).scalars()
        return set(rows)


def refresh_popular_queries(
    es: Elasticsearch,
    prefix: str,
    *,
    days: int,
    min_searches: int,
    redis: Redis | None = None,
    now: datetime | None = None,
    engine: Engine | None = None,
    min_sessions: int = 3,
) -> int:
    """Bring the popular-queries index in line with the analytics index; return its size.

    Only what changed is written: new queries and new counts indexed, queries gone deleted. With
    `engine`, only queries `vouched_queries` keeps (distinct sessions, not hidden).
    """
    since = (now or utcnow()) - timedelta(days=days)
    wanted = popular_queries(es, prefix, since=since, min_searches=min_searches)
    if engine is not None and wanted:
        vouched = vouched_queries(engine, list(wanted), since=since, min_sessions=min_sessions)
        wanted = {query: count for query, count in wanted.items() if query in vouched}
    index = queries_index(prefix)
    ensure_index(es, index, queries_mapping())
    held = es.search(
        index=index, size=MAX_POPULAR, source_includes=["searches"], query={"match_all": {}}
    ).body["hits"]["hits"]
    current = {hit["_id"]: hit["_source"].get("searches") for hit in held}
    actions: list[dict[str, Any]] = []
    kept: set[str] = set()
    for query, searches in wanted.items():
        doc_id = popular_query_id(query)
        document = popular_query_document(query, searches)
        if document is None:
            continue
        kept.add(doc_id)
        if current.get(doc_id) != searches:
            actions.append(
                {"_op_type": "index", "_index": index, "_id": doc_id, "_source": document}
            )
    actions += [
        {"_op_type": "delete", "_index": index, "_id": doc_id}
        for doc_id in current
        if doc_id not in kept
    ]
    if actions:
        failed = _bulk(es, actions)
        if failed:
            log.warning("%d popular queries not written; the next run retries", len(failed))
        es.indices.refresh(index=index)
        if redis is not None:
            redis.incr(redis_keys.popular_queries_version(prefix))
    return len(kept)


def ship(
    engine: Engine,
    es: Elasticsearch,
    prefix: str,
    *,
    redis: Redis | None = None,
    popular_days: int = 30,
    popular_min_searches: int = 3,
    popular_min_sessions: int = 3,
) -> Shipped:
    """The shipping job: pending events, rollups and deletions, then the popular queries."""
    with analytics_lock(engine) as held:
        if not held:
            log.info("analytics shipping already running elsewhere; skipped")
            return Shipped(skipped=True)
        shipped = ship_pending(engine, es, prefix)
        shipped.popular_queries = refresh_popular_queries(
            es,
            prefix,
            days=popular_days,
            min_searches=popular_min_searches,
            redis=redis,
            engine=engine,
            min_sessions=popular_min_sessions,
        )
        return shipped


def hide_popular_query(es: Elasticsearch, redis: Redis, prefix: str, query: str) -> None:
    """Take a hidden query out of the popular-queries index now, and retire cached autocomplete
    answers (their cache key holds the popular-queries version)."""
    index = queries_index(prefix)
    es.options(ignore_status=404).delete(index=index, id=popular_query_id(query), refresh=True)
    redis.incr(redis_keys.popular_queries_version(prefix))
