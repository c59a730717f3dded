"""The issue's scenario: scripted searches and clicks through the API, shipped by the real job,
and every merchandiser report asserted exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.support.analytics import Analytics
from tests.support.catalog import Catalog

#: The conversion figures of a report row without conversions.
NO_CONVERSIONS = {
    "carted_searches": 0,
    "converted_searches": 0,
    "add_to_carts": 0,
    "purchases": 0,
    "units": 0,
    "add_to_cart_rate": 0.0,
    "conversion_rate": 0.0,
    "revenue": 0.0,
    "revenue_per_search": 0.0,
    "currencies": [],
}


def _script(analytics: Analytics) -> None:
    """5 searches of drill (one spelled `  Drill `, one filtered), 3 of hammer, 2 of xyzzy; clicks:
    drill at positions 1, 2 and 1+2 (two in one search), hammer at 1."""
    drill = [analytics.search("drill") for _ in range(3)]
    drill.append(analytics.search("  Drill ", brand="Bolt"))
    drill.append(analytics.search("DRILL"))
    hammer = [
        analytics.search("hammer"),
        analytics.search("hammer", category="Tools > Hammers", brand="Acme"),
        analytics.search("hammer"),
    ]
    zero = [analytics.search("xyzzy") for _ in range(2)]
    assert len(set(drill + hammer + zero)) == 10  # every request has its own search id
    analytics.click(drill[0], "d-1", 1)
    analytics.click(drill[1], "d-2", 2)
    analytics.click(drill[2], "d-1", 1)
    analytics.click(drill[2], "d-2", 2)
    analytics.click(hammer[1], "h-1", 1)


def test_scripted_searches_and_clicks_give_exact_reports(
    tools: Catalog, analytics: Analytics
) -> None:
    _script(analytics)
    shipped = analytics.ship()
    assert (shipped.events, shipped.failed) == (10, 0)

    top = analytics.report("top-queries")
    assert [(q["query"], q["searches"]) for q in top["queries"]] == [
        ("drill", 5),
        ("hammer", 3),
        ("xyzzy", 2),
    ]
    zero = analytics.report("zero-result-queries")
    assert [(q["query"], q["zero_results"]) for q in zero["queries"]] == [("xyzzy", 2)]

    ctr = analytics.report("ctr")
    assert ctr["overall"] == {
        "searches": 10,
        "zero_results": 2,
        "clicked_searches": 4,
        "clicks": 5,
        "ctr": 0.4,
        "mean_click_position": 1.4,
        **NO_CONVERSIONS,
    }
    per_query = {q["query"]: q for q in ctr["queries"]}
    assert per_query["drill"] == {
        "query": "drill",
        "searches": 5,
        "zero_results": 0,
        "clicked_searches": 3,
        "clicks": 4,
        "ctr": 0.6,
        "mean_click_position": 1.5,
        **NO_CONVERSIONS,
    }
    assert (per_query["hammer"]["ctr"], per_query["hammer"]["mean_click_position"]) == (0.3333, 1.0)
    assert (per_query["xyzzy"]["ctr"], per_query["xyzzy"]["mean_click_position"]) == (0.0, None)

    # Queries that never found anything are the zero-result report's, not this one's.
    low = analytics.report("low-ctr-queries", min_searches=3)
    assert [(q["query"], q["ctr"]) for q in low["queries"]] == [("hammer", 0.3333), ("drill", 0.6)]
    assert analytics.report("low-ctr-queries", min_searches=4)["queries"][0]["query"] == "drill"

    facets = analytics.report("facet-usage")
    assert facets["searches"] == 10
    assert facets["facets"] == [
        {
            "facet": "brand",
            "searches": 2,
            "share": 0.2,
            "values": [{"value": "Acme", "searches": 1}, {"value": "Bolt", "searches": 1}],
        },
        {
            "facet": "category",
            "searches": 1,
            "share": 0.1,
            "values": [{"value": "Tools > Hammers", "searches": 1}],
        },
    ]

    today = datetime.now(UTC).date()
    volume = analytics.report(
        "volume", interval="day", **{"from": str(today - timedelta(days=2)), "to": str(today)}
    )
    assert [(b["searches"], b["zero_results"], b["clicks"]) for b in volume["buckets"]] == [
        (0, 0, 0),
        (0, 0, 0),
        (10, 2, 5),
    ]
    assert volume["buckets"][-1]["at"].startswith(today.isoformat())


def test_what_an_event_records_and_what_it_does_not(tools: Catalog, analytics: Analytics) -> None:
    first = analytics.api.get(
        "/search",
        params={"q": "  Cordless DRILL  ", "brand": "Bolt", "price_max": 120},
        headers={"X-Session-Id": "s-42"},
    )
    again = analytics.api.get(
        "/search", params={"q": "cordless drill", "brand": "Bolt", "price_max": 120}
    )
    assert first.status_code == again.status_code == 200
    analytics.api.get("/search", params={"q": "mail me at jane.doe@example.com"})
    analytics.ship()
    with tools.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT search_id, kind, session_id, query, filters, facets, result_count, "
                "cache_hit, latency_ms FROM search_events ORDER BY id"
            )
        ).all()
    assert [str(rows[0].search_id), str(rows[1].search_id)] == [
        first.json()["search_id"].split(".")[0],  # the id, without its count and signature
        again.json()["search_id"].split(".")[0],
    ]
    assert [(r.kind, r.session_id, r.query, r.cache_hit) for r in rows[:2]] == [
        ("search", "s-42", "cordless drill", False),
        ("search", None, "cordless drill", True),
    ]
    assert rows[0].filters == {"brand": ["Bolt"], "price_max": 120.0}
    assert rows[0].facets == ["brand:Bolt", "price:*-120"]
    assert rows[0].result_count == 1
    assert rows[0].latency_ms > 0
    assert rows[2].query == "mail me at <email>"
    # Nothing about the client: the table has no column for an address, agent or key.
    with tools.engine.connect() as conn:
        columns = set(
            conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name IN ('search_events', 'click_events')"
                )
            ).scalars()
        )
    assert not {"ip", "client", "user_agent", "user_id", "api_key"} & columns


def test_autocomplete_offers_popular_queries_deduplicated_and_marked(
    tools: Catalog, analytics: Analytics
) -> None:
    for query, times in (("drill bits", 4), ("drill", 3), ("bolt", 3), ("drywall", 2)):
        for session in range(times):  # each time another shopper
            analytics.search(query, session=f"s-{session}")
    for _ in range(5):  # found nothing: never suggested
        response = analytics.api.get("/search", params={"q": "drizzlyx"})
        assert response.json()["total"]["value"] == 0
    typed = analytics.api.get("/autocomplete", params={"q": "dri"})
    assert typed.status_code == 200
    assert typed.json()["search_id"]
    shipped = analytics.ship()
    # drywall was searched twice only (ANALYTICS_POPULAR_MIN_SEARCHES is 3).
    assert shipped.popular_queries == 3

    body = analytics.api.get("/autocomplete", params={"q": "dri"}).json()
    assert body["queries"] == [
        {"text": "drill bits", "highlighted": "<mark>dri</mark>ll bits"},
        {"text": "drill", "highlighted": "<mark>dri</mark>ll"},
    ]
    # `bolt` is already offered as the brand Bolt: not repeated as a past query.
    bolt = analytics.api.get("/autocomplete", params={"q": "bol"}).json()
    assert "Bolt" in [s["text"] for s in bolt["suggestions"]]
    assert bolt["queries"] == []
    # Scoped to a category, autocomplete offers what is in it, not catalog-wide queries.
    scoped = analytics.api.get("/autocomplete", params={"q": "dri", "category": "Tools"}).json()
    assert scoped["queries"] == []
    assert scoped["suggestions"]

    # Autocomplete requests are events of their own kind, kept apart from searches.
    analytics.ship()
    typing = analytics.report("top-queries", kind="autocomplete")
    assert [(q["query"], q["searches"]) for q in typing["queries"]] == [("dri", 3), ("bol", 1)]
    assert "dri" not in [q["query"] for q in analytics.report("top-queries")["queries"]]


def test_popular_queries_need_distinct_sessions_and_merchandisers_can_hide_one(
    tools: Catalog, analytics: Analytics
) -> None:
    for _ in range(5):  # one client, five times: vouches once
        analytics.search("drill bits", session="the-same-one")
    for session in ("a", "b", "c"):
        analytics.search("hammer drill", session=session)
    analytics.ship()
    offered = analytics.api.get("/autocomplete", params={"q": "dri"}).json()["queries"]
    assert [q["text"] for q in offered] == []  # `drill bits`: searched 5 times, by one session
    offered = analytics.api.get("/autocomplete", params={"q": "hamm"}).json()["queries"]
    assert [q["text"] for q in offered] == ["hammer drill"]

    hide = analytics.api.post(
        "/admin/analytics/hidden-queries",
        json={"query": " Hammer  DRILL"},
        headers=analytics.headers,
    )
    assert hide.status_code == 201, hide.text
    assert hide.json() == {"hidden": "hammer drill"}
    # Honoured at once (the cached answer is retired), and by later shipments.
    assert analytics.api.get("/autocomplete", params={"q": "hamm"}).json()["queries"] == []
    analytics.ship()
    assert analytics.api.get("/autocomplete", params={"q": "hamm"}).json()["queries"] == []
    listed = analytics.api.get("/admin/analytics/hidden-queries", headers=analytics.headers)
    assert [q["query"] for q in listed.json()["queries"]] == ["hammer drill"]
    bad = analytics.api.post(
        "/admin/analytics/hidden-queries", json={"query": "x\x00"}, headers=analytics.headers
    )
    assert bad.status_code == 422
    assert "query" in str(bad.json()["detail"])

    shown = analytics.api.delete(
        "/admin/analytics/hidden-queries",
        params={"query": "hammer drill"},
        headers=analytics.headers,
    )
    assert shown.status_code == 200
    analytics.ship()
    offered = analytics.api.get("/autocomplete", params={"q": "hamm"}).json()["queries"]
    assert [q["text"] for q in offered] == ["hammer drill"]
