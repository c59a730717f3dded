"""Conversions through the API: what is refused (and the field named), what a repeat is, and the
report figures, per query and per search, checked against the events sent, before and after the
rollup."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from catalog.analytics.buffer import EventBuffer
from catalog.analytics.events import ConversionRecord, SearchRecord
from catalog.analytics.rollup import rollup
from tests.support.analytics import Analytics
from tests.support.catalog import Catalog
from tests.support.cli import run_catalog

SIGNED_LOOKING = f"{uuid.uuid4()}.3.{'A' * 22}"


def _convert(analytics: Analytics, **body: Any) -> Any:
    return analytics.api.post("/events/conversion", json=body)


def _body(**fields: Any) -> dict[str, Any]:
    return {"search_id": SIGNED_LOOKING, "product_id": "d-1", "kind": "add_to_cart", **fields}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product_id": "d-1", "kind": "add_to_cart"}, "search_id"),
        (_body(search_id="not-an-id"), "search_id"),
        (_body(kind="wishlist"), "kind"),
        (_body(kind=None), "kind"),
        (_body(product_id=""), "product_id"),
        (_body(product_id="d-\x001"), "product_id"),
        (_body(value=-1), "value"),
        (_body(value=10.001), "value"),
        (_body(value=1e13), "value"),
        (_body(value="ten"), "value"),
        (_body(quantity=0), "quantity"),
        (_body(quantity=1.5), "quantity"),
        (_body(quantity="2"), "quantity"),
        (_body(quantity=10**9), "quantity"),
        (_body(currency="eur"), "currency"),
        (_body(currency="EURO"), "currency"),
        (_body(session_id="a b"), "session_id"),
        (_body(ip="1.2.3.4"), "ip"),
        (_body(kind="purchase"), "value"),  # a purchase needs its value
    ],
)
def test_a_bad_conversion_is_a_422_naming_the_field(
    catalog: Catalog, analytics: Analytics, body: dict[str, Any], field: str
) -> None:
    response = _convert(analytics, **body)
    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"])


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_value_that_is_not_a_finite_amount_is_a_422(
    catalog: Catalog, analytics: Analytics, number: str
) -> None:
    raw = (
        f'{{"search_id": "{SIGNED_LOOKING}", "product_id": "d-1", "kind": "purchase", '
        f'"value": {number}}}'
    )
    response = analytics.api.post(
        "/events/conversion", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert "value" in str(response.json()["detail"])


def _conversions(catalog: Catalog) -> list[tuple[Any, ...]]:
    with catalog.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT product_id, kind, quantity, value, currency, session_id "
                "FROM conversion_events ORDER BY id"
            )
        ).all()
    return [tuple(row) for row in rows]


def test_conversions_are_checked_like_clicks_and_a_repeat_is_one_kind_twice(
    tools: Catalog, analytics: Analytics
) -> None:
    made_up = _convert(analytics, **_body())
    assert made_up.status_code == 404
    assert made_up.json()["detail"][0]["loc"] == ["body", "search_id"]

    search_id = analytics.search("drill", session="shopper-1")
    analytics.ship()  # the search is in PostgreSQL now, with the products it showed
    not_shown = _convert(analytics, **_body(search_id=search_id, product_id="h-2"))
    assert not_shown.status_code == 422
    assert not_shown.json()["detail"][0]["loc"] == ["body", "product_id"]

    cart = _body(search_id=search_id, quantity=2, value=198, currency="EUR")
    assert _convert(analytics, **cart).status_code == 202
    again = _convert(analytics, **cart)
    assert again.status_code == 409
    assert again.json()["detail"][0]["loc"] == ["body", "product_id"]
    # A purchase may follow the add-to-cart of the same product; a second purchase may not.
    bought = {**cart, "kind": "purchase", "value": "198.00"}
    assert _convert(analytics, **bought).status_code == 202
    assert _convert(analytics, **bought).status_code == 409
    # "Buy now": a purchase with no add-to-cart before it.
    now = _body(search_id=search_id, product_id="d-2", kind="purchase", value=99)
    assert _convert(analytics, **now).status_code == 202
    analytics.ship()
    assert _conversions(tools) == [
        # Sent without a session: each takes its search's.
        ("d-1", "add_to_cart", 2, 198, "EUR", "shopper-1"),
        ("d-1", "purchase", 2, 198, "EUR", "shopper-1"),
        ("d-2", "purchase", 1, 99, None, "shopper-1"),
    ]


def test_the_database_keeps_one_conversion_of_each_kind_per_search_and_product(
    tools: Catalog, analytics: Analytics
) -> None:
    search_id = analytics.search("drill")
    analytics.convert(search_id, "d-1", "add_to_cart")
    analytics.catalog.redis.flushdb()  # another API process, whose Redis check was lost
    analytics.convert(search_id, "d-1", "add_to_cart")
    analytics.ship()
    assert [row[:2] for row in _conversions(tools)] == [("d-1", "add_to_cart")]


def _script(analytics: Analytics) -> dict[str, str]:
    """4 searches of drill, 2 of hammer, 1 of xyzzy. Drill: two searches with a cart (one with two
    carts), one purchase of 2 units for 198.00 EUR and one of 1 for 99.50 EUR in another search;
    hammer: one cart, no purchase."""
    drill = [analytics.search("drill") for _ in range(4)]
    hammer = [analytics.search("hammer") for _ in range(2)]
    analytics.search("xyzzy")
    analytics.click(drill[0], "d-1", 1)
    analytics.convert(drill[0], "d-1", "add_to_cart", quantity=2, value=198)
    analytics.convert(drill[0], "d-2", "add_to_cart")
    analytics.convert(drill[0], "d-1", "purchase", quantity=2, value=198, currency="EUR")
    analytics.convert(drill[1], "d-2", "add_to_cart")
    analytics.convert(drill[2], "d-2", "purchase", value=99.5, currency="EUR")
    analytics.convert(hammer[0], "h-1", "add_to_cart", value=25)
    return {"drill": drill[0], "hammer": hammer[1]}


DRILL = {
    "query": "drill",
    "searches": 4,
    "carted_searches": 2,
    "converted_searches": 2,
    "add_to_carts": 3,
    "purchases": 2,
    "units": 3,
    "add_to_cart_rate": 0.5,
    "conversion_rate": 0.5,
    "revenue": 297.5,
    "revenue_per_search": 74.375,
    "currencies": ["EUR"],
}
OVERALL = {
    "searches": 7,
    "carted_searches": 3,
    "converted_searches": 2,
    "add_to_carts": 4,
    "purchases": 2,
    "units": 3,
    "add_to_cart_rate": 0.4286,
    "conversion_rate": 0.2857,
    "revenue": 297.5,
    "revenue_per_search": 42.5,
    "currencies": ["EUR"],
}


def _figures(row: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in like}


def test_reports_give_conversion_rate_and_revenue_per_query_and_per_search(
    tools: Catalog, analytics: Analytics
) -> None:
    searches = _script(analytics)
    analytics.ship()

    report = analytics.report("conversions")
    assert report["order"] == "revenue"
    assert _figures(report["overall"], OVERALL) == OVERALL
    rows = report["queries"]
    assert [row["query"] for row in rows] == ["drill", "hammer", "xyzzy"]  # by revenue
    assert _figures(rows[0], DRILL) == DRILL
    assert _figures(rows[1], {"conversion_rate": 0, "add_to_cart_rate": 0, "revenue": 0}) == {
        "conversion_rate": 0.0,
        "add_to_cart_rate": 0.5,
        "revenue": 0.0,  # an add-to-cart's value is not revenue
    }
    # The CTR report carries the same figures beside the clicks.
    ctr = {row["query"]: row for row in analytics.report("ctr")["queries"]}
    assert _figures(ctr["drill"], DRILL) == DRILL
    assert ctr["drill"]["clicks"] == 1
    by_searches = analytics.report("conversions", order="searches", limit=1)
    assert [row["query"] for row in by_searches["queries"]] == ["drill"]
    bad = analytics.api.get(
        "/admin/analytics/conversions", params={"order": "ctr"}, headers=analytics.headers
    )
    assert bad.status_code == 422
    assert "order" in str(bad.json()["detail"])

    one = analytics.report(f"searches/{searches['drill']}")
    assert (one["query"], one["converted"], one["units"], one["revenue"]) == ("drill", True, 2, 198)
    assert [(c["product_id"], c["kind"], c["quantity"]) for c in one["conversions"]] == [
        ("d-1", "add_to_cart", 2),
        ("d-2", "add_to_cart", 1),
        ("d-1", "purchase", 2),
    ]
    assert [c["product_id"] for c in one["clicks"]] == ["d-1"]
    bare = analytics.report(f"searches/{searches['hammer'].split('.')[0]}")
    assert (bare["carted"], bare["converted"], bare["revenue"]) == (False, False, 0.0)
    unknown = analytics.api.get(
        f"/admin/analytics/searches/{uuid.uuid4()}", headers=analytics.headers
    )
    assert unknown.status_code == 404
    assert "search_id" in str(unknown.json()["detail"])


def test_the_cli_shows_conversion_rate_and_revenue(tools: Catalog, analytics: Analytics) -> None:
    searches = _script(analytics)
    analytics.ship()
    shown = run_catalog("analytics", "conversions")
    assert shown.returncode == 0, shown.stderr
    lines = {line.split()[1]: line for line in shown.stdout.splitlines() if "│" in line}
    # query, searches, add-to-cart, conversion, purchases, units, revenue, per search
    assert "drill" in lines, shown.stdout
    cells = [cell.strip() for cell in lines["drill"].split("│")[2:9]]
    assert cells == ["4", "50.0%", "50.0%", "2", "3", "297.50 EUR", "74.38"]
    assert "297.50 EUR" in lines["(all"]
    top = run_catalog("analytics", "top")
    assert "297.50 EUR" in top.stdout
    one = run_catalog("analytics", "search", searches["drill"])
    assert one.returncode == 0, one.stderr
    assert '"revenue": 198.0' in one.stdout
    assert run_catalog("analytics", "conversions", "--order", "ctr").returncode == 1


def test_rolled_up_conversions_give_the_same_figures(tools: Catalog, analytics: Analytics) -> None:
    _script(analytics)
    analytics.ship()
    long_ago = datetime.now(UTC) - timedelta(days=120)
    for table in ("search_events", "click_events", "conversion_events"):
        tools.sql(f"UPDATE {table} SET at = :at", at=long_ago)
    span = {"from": (long_ago - timedelta(days=1)).isoformat()}
    before = analytics.report("conversions", **span)
    rolled = rollup(tools.engine, retention_days=90)
    assert (rolled.events, rolled.conversions) == (7, 6)
    analytics.ship()
    after = analytics.report("conversions", **span)
    assert _figures(after["overall"], OVERALL) == OVERALL
    assert after["queries"] == before["queries"]
    with tools.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM conversion_events")).scalar() == 0


def test_a_conversion_postgresql_refuses_costs_only_itself(
    catalog: Catalog, analytics: Analytics
) -> None:
    buffer = EventBuffer(catalog.engine, flush_seconds=3600)
    search = SearchRecord(
        kind="search", query="drill", result_count=1, latency_ms=1, cache_hit=False, session_id="s"
    )
    buffer.record_search(search)
    buffer.record_conversion(ConversionRecord(search.search_id, "d-1", "purchase", value=None))
    buffer.record_conversion(ConversionRecord(search.search_id, "d-2", "add_to_cart"))
    assert buffer.flush() == 2  # the purchase without a value breaks a check constraint
    assert buffer.pending() == 0
    assert _conversions(catalog) == [("d-2", "add_to_cart", 1, None, None, "s")]
