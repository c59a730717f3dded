"""Also viewed and also bought through the API: products of the same sessions, each session counted
once, most shared first, a product one session alone links left out, and similar products filling
the list, each product saying where it came from."""

from __future__ import annotations

from typing import Any

from tests.support.analytics import Analytics
from tests.support.catalog import Catalog


def _visit(analytics: Analytics, session: str, query: str, product_id: str) -> str:
    """A search in `session` and a click on `product_id` among its results (no session in the
    click: it takes its search's)."""
    search_id = analytics.search(query, session=session)
    shown = analytics.api.get("/search", params={"q": query}).json()["hits"]
    position = [hit["id"] for hit in shown].index(product_id) + 1
    analytics.click(search_id, product_id, position)
    return search_id


def _list(analytics: Analytics, product_id: str, which: str, **params: Any) -> list[Any]:
    response = analytics.api.get(f"/products/{product_id}/{which}", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == product_id
    return [(p["id"], p["source"], p["sessions"]) for p in body["products"]]


def test_also_viewed_counts_sessions_not_clicks_and_is_topped_up_with_similar(
    tools: Catalog, analytics: Analytics
) -> None:
    for session in ("s1", "s2", "s3"):
        _visit(analytics, session, "drill", "d-1")
        _visit(analytics, session, "hammer", "h-1")
    for _ in range(3):  # one session clicking h-2 again and again still counts once
        _visit(analytics, "s1", "hammer", "h-2")
    _visit(analytics, "s2", "hammer", "h-2")
    # d-2 shares a single session with d-1: not enough to recommend it.
    drill = analytics.search("drill")
    response = analytics.api.post(
        "/events/click",
        json={"search_id": drill, "product_id": "d-2", "position": 2, "session_id": "s4"},
    )
    assert response.status_code == 202
    _visit(analytics, "s4", "drill", "d-1")
    analytics.ship()

    listed = _list(analytics, "d-1", "also-viewed")
    assert listed[:2] == [("h-1", "also_viewed", 3), ("h-2", "also_viewed", 2)]
    rest = listed[2:]
    assert rest
    assert all(source == "similar" for _, source, _ in rest)
    ids = [product for product, _, _ in listed]
    assert len(ids) == len(set(ids))
    assert "d-1" not in ids
    assert "d-2" in ids  # as a similar product only
    assert _list(analytics, "d-1", "also-viewed", size=1) == [("h-1", "also_viewed", 3)]
    # Symmetric: the sessions that viewed h-1 viewed d-1 too.
    assert _list(analytics, "h-1", "also-viewed")[0] == ("d-1", "also_viewed", 3)


def test_without_events_the_list_is_the_similar_products(
    tools: Catalog, analytics: Analytics
) -> None:
    similar = analytics.api.get("/products/h-2/similar").json()["similar"]
    assert similar
    for which in ("also-viewed", "also-bought"):
        assert _list(analytics, "h-2", which) == [(p["id"], "similar", 0) for p in similar]


def test_also_bought_counts_purchases_only(tools: Catalog, analytics: Analytics) -> None:
    for session in ("s1", "s2"):
        drill = analytics.search("drill", session=session)
        hammer = analytics.search("hammer", session=session)
        analytics.convert(drill, "d-1", "purchase", value=99)
        analytics.convert(hammer, "h-1", "purchase", value=25)
        analytics.convert(hammer, "h-2", "add_to_cart")  # carted, never bought
    analytics.ship()
    listed = _list(analytics, "d-1", "also-bought")
    assert listed[0] == ("h-1", "also_bought", 2)
    assert all(source == "similar" for _, source, _ in listed[1:])
    assert _list(analytics, "d-1", "also-viewed")[0][1] == "similar"  # no clicks at all


def test_an_unknown_product_is_a_404_and_a_bad_size_a_422(
    tools: Catalog, analytics: Analytics
) -> None:
    for which in ("also-viewed", "also-bought"):
        assert analytics.api.get(f"/products/nope/{which}").status_code == 404
        bad = analytics.api.get(f"/products/d-1/{which}", params={"size": 0})
        assert bad.status_code == 422
        assert "size" in str(bad.json()["detail"])
