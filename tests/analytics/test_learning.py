"""Learning from shoppers against real PostgreSQL: position correction, one count per session,
decay, the minimum of sessions, forgetting; then through the API, boosts inside the text tiers."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from catalog.analytics.buffer import write_events
from catalog.analytics.events import ClickRecord, SearchRecord, new_search_id, utcnow
from catalog.analytics.jobs import learn_boosts
from catalog.analytics.learning import (
    EVERY_QUERY,
    LearningParameters,
    boosts_for,
    forget,
    learn,
    query_key,
)
from tests.support.analytics import Analytics
from tests.support.catalog import Catalog
from tests.support.cli import CATALOG

PARAMS = LearningParameters(half_life_days=14, min_sessions=3, prior=3, window_days=90)
SHOWN = [f"p-{n}" for n in range(1, 11)]


def _visit(
    session: str,
    clicked: list[str],
    *,
    query: str = "cordless drill",
    at: datetime | None = None,
    shown: list[str] = SHOWN,
) -> tuple[SearchRecord, list[ClickRecord]]:
    """One search by `session` showing `shown`, and its clicks."""
    when = at or utcnow()
    search = SearchRecord(
        kind="search",
        query=query,
        result_count=len(shown),
        latency_ms=3,
        cache_hit=False,
        session_id=session,
        shown_products=shown,
        shown=len(shown),
        search_id=new_search_id(when.timestamp()),
        at=when,
    )
    clicks = [
        ClickRecord(search.search_id, product, shown.index(product) + 1, session, when)
        for product in clicked
    ]
    return search, clicks


def _write(engine: Engine, visits: list[tuple[SearchRecord, list[ClickRecord]]]) -> None:
    write_events(engine, [s for s, _ in visits], [c for _, cs in visits for c in cs])


def _factors(engine: Engine, query: str = "cordless drill") -> dict[str, float]:
    key = query_key(query)
    assert key is not None
    with engine.connect() as conn:
        return {row["product_id"]: row["factor"] for row in boosts_for(conn, key)}


def test_a_click_at_rank_8_weighs_more_than_one_at_rank_1(catalog: Catalog) -> None:
    visits = [_visit(f"top-{n}", ["p-1"]) for n in range(3)]
    visits += [_visit(f"low-{n}", ["p-8"]) for n in range(3)]
    visits += [_visit(f"none-{n}", []) for n in range(6)]
    _write(catalog.engine, visits)
    learned = learn(catalog.engine, PARAMS)
    assert learned.queries == 1
    factors = _factors(catalog.engine)
    assert factors["p-8"] > 1.3 * factors["p-1"]
    assert factors["p-8"] > 1
    # Shown first to twelve sessions and never clicked: buried.
    assert factors["p-2"] < 1


def test_one_session_clicking_fifty_times_counts_once(catalog: Catalog) -> None:
    steering = [_visit("steerer", ["p-5"]) for _ in range(50)]
    others = [_visit(f"shopper-{n}", ["p-5"] if n < 2 else []) for n in range(6)]
    _write(catalog.engine, steering + others)
    learn(catalog.engine, PARAMS)
    with catalog.engine.connect() as conn:
        rows = {r["product_id"]: r for r in boosts_for(conn, "cordless drill")}
    assert rows["p-5"]["sessions"] == 3
    assert rows["p-5"]["shown_sessions"] == 7
    steered = rows["p-5"]["factor"]
    # The same shoppers, the steerer searching and clicking once: the very same factor.
    catalog.sql("TRUNCATE search_events, click_events, learned_boosts")
    _write(catalog.engine, [_visit("steerer", ["p-5"]), *others])
    learn(catalog.engine, PARAMS)
    assert _factors(catalog.engine)["p-5"] == pytest.approx(steered)


def test_sessions_below_the_minimum_teach_nothing(catalog: Catalog) -> None:
    visits = [_visit(f"s-{n}", ["p-6"]) for n in range(2)] + [_visit("idle", [])]
    _write(catalog.engine, visits)
    assert learn(catalog.engine, PARAMS).boosts == 0
    assert _factors(catalog.engine) == {}
    _write(catalog.engine, [_visit("s-third", ["p-6"])])
    assert learn(catalog.engine, PARAMS).boosts > 0
    assert _factors(catalog.engine)["p-6"] > 1


def test_a_search_without_a_session_teaches_nothing(catalog: Catalog) -> None:
    visits = []
    for _ in range(5):
        search, _clicks = _visit("unused", [])
        anonymous = dataclasses.replace(search, session_id=None)
        visits.append((anonymous, [ClickRecord(search.search_id, "p-4", 4)]))
    _write(catalog.engine, visits)
    assert learn(catalog.engine, dataclasses.replace(PARAMS, min_sessions=1)).boosts == 0


def test_old_clicks_fade_towards_no_boost(catalog: Catalog) -> None:
    visits = [_visit(f"s-{n}", ["p-7"]) for n in range(4)] + [_visit("idle", [])]
    _write(catalog.engine, visits)
    learn(catalog.engine, PARAMS)
    fresh = _factors(catalog.engine)["p-7"]
    learn(catalog.engine, PARAMS, now=utcnow() + timedelta(days=28))
    faded = _factors(catalog.engine).get("p-7", 1.0)
    assert 1 <= faded < fresh


def test_recent_shoppers_outweigh_older_ones(catalog: Catalog) -> None:
    # Clicked as often, p-7 lower than p-3 (so more telling), but four weeks ago: two half-lives.
    month_ago = utcnow() - timedelta(days=28)
    visits = [_visit(f"old-{n}", ["p-7"], at=month_ago) for n in range(4)]
    visits += [_visit(f"new-{n}", ["p-3"]) for n in range(4)]
    _write(catalog.engine, visits)
    learn(catalog.engine, PARAMS)
    factors = _factors(catalog.engine)
    assert factors["p-3"] > factors["p-7"] > 1


def test_conversions_count_on_top_of_clicks(catalog: Catalog) -> None:
    visits = [_visit(f"s-{n}", ["p-3" if n < 3 else "p-4"]) for n in range(6)]
    _write(catalog.engine, visits)
    learn(catalog.engine, PARAMS)
    clicks_only = _factors(catalog.engine)
    assert clicks_only["p-4"] > clicks_only["p-3"]  # clicked as often, lower
    with catalog.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO conversion_events (search_id, kind, product_id) "
                "VALUES (:search_id, 'add_to_cart', 'p-3')"
            ),
            [{"search_id": search.search_id} for search, _ in visits[:3]],
        )
    learn(catalog.engine, PARAMS)
    with_carts = _factors(catalog.engine)
    assert with_carts["p-3"] > with_carts["p-4"]


def test_forgetting_a_query_ignores_its_past_events(catalog: Catalog) -> None:
    visits = [_visit(f"s-{n}", ["p-9"]) for n in range(4)]
    visits += [_visit(f"t-{n}", ["p-2"], query="hammer") for n in range(4)]
    _write(catalog.engine, visits)
    first = learn(catalog.engine, PARAMS)
    assert first.queries == 2
    version = forget(catalog.engine, "cordless drill", actor="test")
    assert version > first.version
    assert _factors(catalog.engine) == {}
    assert learn(catalog.engine, PARAMS).queries == 1  # hammer only
    assert _factors(catalog.engine, "hammer")
    forget(catalog.engine, EVERY_QUERY, actor="test")
    assert learn(catalog.engine, PARAMS).queries == 0


def test_queries_are_keyed_by_their_analyzed_words() -> None:
    assert query_key("  Cordless DRILLS ") == query_key("cordless drill") == "cordless drill"
    assert query_key("   ") is None


# Through the API: real searches, clicks and the scheduled job's function.

LINE = [
    {"id": "a", "title": "Cordless Drill", "brand": "Bolt", "category": "Tools > Drills"},
    {"id": "b", "title": "Cordless Drill Kit", "brand": "Bolt", "category": "Tools > Drills"},
    {"id": "c", "title": "Cordless Drill Set", "brand": "Acme", "category": "Tools > Drills"},
    # Both words, but `cordless` only in the description: a worse text tier.
    {
        "id": "d",
        "title": "Drill Press",
        "brand": "Stone",
        "category": "Tools > Drills",
        "description": "Runs cordless on a battery.",
    },
]


def _order(api: TestClient, q: str = "cordless drill") -> list[str]:
    response = api.get("/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["hits"]]


def _shop(analytics: Analytics, session: str, clicked: list[str]) -> None:
    response = analytics.api.get(
        "/search", params={"q": "Cordless drills"}, headers={"X-Session-Id": session}
    )
    body = response.json()
    shown = [hit["id"] for hit in body["hits"]]
    for product in clicked:
        click = analytics.api.post(
            "/events/click",
            json={
                "search_id": body["search_id"],
                "product_id": product,
                "position": shown.index(product) + 1,
                "session_id": session,
            },
        )
        assert click.status_code == 202, click.text


def test_learning_lifts_a_product_inside_its_tier_and_never_above_a_better_match(
    catalog: Catalog, analytics: Analytics
) -> None:
    catalog.put(*LINE)
    catalog.reindex()
    api = analytics.api
    before = _order(api)
    assert before[-1] == "d"
    last_of_tier = before[-2]
    for n in range(5):
        _shop(analytics, f"shopper-{n}", ["d", last_of_tier])
    analytics.api.app.state.analytics.flush()  # type: ignore[attr-defined]
    outcome = learn_boosts()
    assert outcome["boosts"] >= 2
    after = _order(api)
    assert after[0] == last_of_tier
    assert after[-1] == "d"  # clicked by everyone, still below every better text match
    assert _order(api, "drill press") == ["d"]  # another query learned nothing
    shown = api.get(
        "/admin/analytics/learned", params={"q": "cordless drill"}, headers=analytics.headers
    )
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["key"] == "cordless drill"
    lifted = {b["product_id"]: b for b in body["boosts"]}
    assert lifted[last_of_tier]["factor"] > 1
    assert lifted[last_of_tier]["sessions"] == 5
    forgotten = api.delete(
        "/admin/analytics/learned", params={"q": "Cordless Drill"}, headers=analytics.headers
    )
    assert forgotten.status_code == 200, forgotten.text
    assert _order(api) == before
    assert learn_boosts()["boosts"] == 0


def test_the_learned_routes_need_a_merchandiser_and_name_bad_fields(
    api: TestClient, analytics: Analytics
) -> None:
    assert api.get("/admin/analytics/learned", params={"q": "drill"}).status_code == 401
    for params in ({}, {"q": "the"}, {"q": "drill", "x": "1"}):
        response = api.get("/admin/analytics/learned", params=params, headers=analytics.headers)
        assert response.status_code == 422, params
    both = api.delete(
        "/admin/analytics/learned", params={"q": "drill", "all": "true"}, headers=analytics.headers
    )
    assert both.status_code == 422
    assert both.json()["detail"][0]["loc"] == ["query", "q"]
    every = api.delete(
        "/admin/analytics/learned", params={"all": "true"}, headers=analytics.headers
    )
    assert every.status_code == 200
    assert every.json()["key"] is None


def test_the_cli_learns_shows_and_forgets(catalog: Catalog) -> None:
    _write(catalog.engine, [_visit(f"s-{n}", ["p-8"]) for n in range(4)])
    env = dict(os.environ)

    def run(*args: str) -> str:
        done = subprocess.run(
            [CATALOG, "analytics", *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "1 queries" in run("learn")
    assert "p-8" in run("learned", "Cordless Drills")
    assert "forgotten" in run("forget", "cordless drill")
    assert "p-8" not in run("learned", "cordless drill")
