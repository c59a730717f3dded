"""Merchandising rules over `/admin/rules`, through `/search` against the real servers: pins, hides,
boosts, buries, filters, rewrites, redirects and banners, across pages, filters and cursors.

Two apps stand for two API workers where it matters: only PostgreSQL and Redis connect them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.settings import Settings
from search_api.app import create_app
from tests.support.catalog import Catalog, bearer

CABLES = [
    {
        "id": f"cable-{n:02d}",
        "title": f"{'Acme' if n % 2 else 'Bolt'} USB Cable model {n}",
        "brand": "Acme" if n % 2 else "Bolt",
        "category": "Electronics > Cables",
        "price": 5 + n,
        "stock": 10,
        "attributes": {"color": "Black" if n % 3 else "White"},
    }
    for n in range(1, 13)
]
OTHERS: list[dict[str, Any]] = [
    {
        "id": "sofa-1",
        "title": "Harbor Three Seat Sofa in Grey Linen",
        "brand": "Harbor",
        "category": "Furniture > Living Room > Sofas",
        "price": 899,
        "stock": 3,
    },
    {
        "id": "sofa-2",
        "title": "Harbor Two Seat Sofa in Blue Linen",
        "brand": "Harbor",
        "category": "Furniture > Living Room > Sofas",
        "price": 699,
        "stock": 3,
    },
    {
        "id": "tv-1",
        "title": "Acme 55 inch Television",
        "brand": "Acme",
        "category": "Electronics > TVs",
        "price": 499,
        "stock": 4,
    },
    {
        "id": "lamp-1",
        "title": "Brass Desk Lamp",
        "brand": "Lumo",
        "category": "Home > Lighting",
        "price": 49,
        "stock": 0,
    },
]


@pytest.fixture
def shop(catalog: Catalog) -> Catalog:
    catalog.put(*CABLES, *OTHERS)
    catalog.reindex()
    return catalog


@pytest.fixture
def merchandiser(catalog: Catalog) -> dict[str, str]:
    return bearer(catalog.engine, "merchandiser")


@pytest.fixture
def second_worker(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def _search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ids(client: TestClient, **params: Any) -> list[str]:
    return [hit["id"] for hit in _search(client, **params)["hits"]]


def _add(client: TestClient, headers: dict[str, str], rule: dict[str, Any]) -> int:
    response = client.post("/admin/rules", json=rule, headers=headers)
    assert response.status_code == 201, response.text
    rule_id: int = response.json()["rule"]["id"]
    return rule_id


def _pages(client: TestClient, per_page: int, **params: Any) -> tuple[list[str], int]:
    """Every result page by page (`page=`), and the total the first page announced."""
    first = _search(client, per_page=per_page, **params)
    seen = [h["id"] for h in first["hits"]]
    page = 2
    while (page - 1) * per_page < first["total"]["value"]:
        seen += _ids(client, per_page=per_page, page=page, **params)
        page += 1
    return seen, first["total"]["value"]


def _cursor_pages(client: TestClient, per_page: int, **params: Any) -> list[str]:
    body = _search(client, per_page=per_page, **params)
    seen = [h["id"] for h in body["hits"]]
    while body["next_cursor"]:
        body = _search(client, per_page=per_page, cursor=body["next_cursor"], **params)
        seen += [h["id"] for h in body["hits"]]
    return seen


@pytest.mark.usefixtures("shop")
def test_pin_and_hide_apply_on_the_next_request_of_every_worker_and_removal_undoes_them(
    api: TestClient, second_worker: TestClient, merchandiser: dict[str, str]
) -> None:
    before = _search(api, q="cable")
    assert _search(api, q="cable")["total"]["value"] == 12
    assert api.get("/search", params={"q": "cable"}).headers["X-Cache"] == "hit"
    rule_id = _add(
        api,
        merchandiser,
        {
            "condition": {"query": "cables", "match": "is"},
            "pin": [{"product_id": "cable-12", "position": 1}],
            "hide": ["cable-01"],
        },
    )
    # The second worker never saw the request; plural and singular meet after analysis.
    for client, cache in ((second_worker, "miss"), (api, "hit")):
        response = client.get("/search", params={"q": "cable"})
        assert response.headers["X-Cache"] == cache
        body = response.json()
        assert body["hits"][0]["id"] == "cable-12"
        assert body["hits"][0]["pinned"] is True
        assert "cable-01" not in [h["id"] for h in body["hits"]]
        assert body["total"]["value"] == 11
        assert body["rules"] == [rule_id]
        # Hidden products are not counted in facets either (cable-01 is an Acme).
        assert {"value": "Acme", "count": 5} in body["facets"]["brand"]
    values = api.get("/facets/brand", params={"query": "cables"}).json()["values"]
    assert {"value": "Acme", "count": 5} in values
    # Another query is untouched.
    assert _ids(api, q="usb cable model") != []
    assert "cable-01" in _ids(api, q="usb cable model", per_page=20)
    removed = api.delete(f"/admin/rules/{rule_id}", headers=merchandiser)
    assert removed.status_code == 200, removed.text
    for client in (second_worker, api):
        after = _search(client, q="cable")
        assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]]
        assert after["total"]["value"] == 12
        assert after["rules"] == []


@pytest.mark.usefixtures("shop")
def test_pins_across_pages_and_cursors_without_duplicates_or_gaps(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    organic, _ = _pages(api, 5, q="cable")
    pins = {"cable-07": 1, "cable-02": 5, "cable-11": 7, "tv-1": 9}
    _add(
        api,
        merchandiser,
        {
            "condition": {"query": "cable"},
            "pin": [{"product_id": p, "position": n} for p, n in pins.items()],
        },
    )
    for per_page in (3, 4, 5, 20):
        seen, total = _pages(api, per_page, q="cable")
        assert total == 13  # twelve cables and the pinned tv, each once
        assert len(seen) == len(set(seen)) == 13
        for product, position in pins.items():
            assert seen[position - 1] == product
        rest = [p for p in seen if p not in pins]
        assert rest == [p for p in organic if p not in pins]  # organic order kept
        assert _cursor_pages(api, per_page, q="cable") == seen
    # A filter that excludes a pinned product: it is not shown, the others keep their places.
    acme = _ids(api, q="cable", brand="Acme", per_page=20)
    assert "cable-02" not in acme
    # Four organic Acme cables: the pins after them close up behind (positions 6 and 7).
    assert acme[0] == "cable-07"
    assert acme[5:] == ["cable-11", "tv-1"]
    assert set(acme) == {f"cable-{n:02d}" for n in range(1, 13, 2)} | {"tv-1"}
    assert _cursor_pages(api, 2, q="cable", brand="Acme") == acme


@pytest.mark.usefixtures("shop")
def test_a_pin_past_the_last_result_closes_up_behind_it(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    assert _ids(api, q="sofa") == ["sofa-1", "sofa-2"] or _ids(api, q="sofa") == [
        "sofa-2",
        "sofa-1",
    ]
    _add(
        api,
        merchandiser,
        {"condition": {"query": "sofa"}, "pin": [{"product_id": "tv-1", "position": 10}]},
    )
    body = _search(api, q="sofa")
    assert [h["id"] for h in body["hits"]][2] == "tv-1"
    assert body["total"]["value"] == 3
    assert _cursor_pages(api, 1, q="sofa")[2] == "tv-1"
    assert len(_cursor_pages(api, 1, q="sofa")) == 3


@pytest.mark.usefixtures("shop")
def test_boost_and_bury_on_a_category_page(api: TestClient, merchandiser: dict[str, str]) -> None:
    page = {"category": "Electronics > Cables", "per_page": 20}
    boost = _add(
        api,
        merchandiser,
        {
            "condition": {"category_page": "Electronics > Cables"},
            "boost": [{"filter": {"brand": "Bolt"}, "weight": 10}],
        },
    )
    boosted = _ids(api, **page)
    assert {int(p[-2:]) % 2 for p in boosted[:6]} == {0}  # the six Bolt cables first
    # A category page is a category filter and no query: a text search in it is untouched.
    assert _search(api, q="cable", category="Electronics > Cables")["rules"] == []
    api.delete(f"/admin/rules/{boost}", headers=merchandiser)
    _add(
        api,
        merchandiser,
        {
            "condition": {"category_page": "Electronics > Cables"},
            "boost": [{"filter": {"attr": "color:White"}, "weight": 0.01}],
        },
    )
    buried = _ids(api, **page)
    assert set(buried[-4:]) == {"cable-03", "cable-06", "cable-09", "cable-12"}


@pytest.mark.usefixtures("shop")
def test_apply_a_filter_and_rewrite_the_query(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    _add(
        api,
        merchandiser,
        {
            "condition": {"query": "cheap", "match": "contains"},
            "rewrite": {"remove": ["cheap"]},
            "filter": {"price_max": 10},
        },
    )
    body = _search(api, q="Cheap cables")
    assert body["rewritten_query"] == "cables"
    assert sorted(h["id"] for h in body["hits"]) == [f"cable-{n:02d}" for n in range(1, 6)]
    # The shopper's own choice of the same filter wins.
    assert _search(api, q="cheap cable", price_max=12)["total"]["value"] == 7


@pytest.mark.usefixtures("shop")
def test_redirect_and_banner_in_the_response(api: TestClient, merchandiser: dict[str, str]) -> None:
    _add(api, merchandiser, {"condition": {"query": "returns"}, "redirect": "/help/returns"})
    banner = {"text": "<b>Black Friday</b> & more", "link": "https://shop.example/bf"}
    _add(
        api,
        merchandiser,
        {"condition": {"query": "black friday", "match": "starts_with"}, "banner": banner},
    )
    assert _search(api, q="Returns")["redirect"] == "/help/returns"
    found = _search(api, q="black friday tv")
    assert found["banners"] == [banner]  # plain text, exactly as written
    assert found["redirect"] is None
    assert _search(api, q="friday black")["banners"] == []


@pytest.mark.usefixtures("shop")
def test_a_scheduled_rule_is_off_outside_its_window_and_cache_does_not_outlive_it(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    later = {
        "from": (now + timedelta(days=1)).isoformat(),
        "until": (now + timedelta(days=2)).isoformat(),
    }
    _add(api, merchandiser, {"condition": {"query": "sofa"}, "hide": ["sofa-1"], "schedule": later})
    assert "sofa-1" in _ids(api, q="sofa")
    ending = {"until": (now + timedelta(seconds=3)).isoformat()}
    _add(
        api, merchandiser, {"condition": {"query": "sofa"}, "hide": ["sofa-2"], "schedule": ending}
    )
    assert _ids(api, q="sofa") == ["sofa-1"]
    assert api.get("/search", params={"q": "sofa"}).headers["X-Cache"] == "hit"
    time.sleep(max(0.0, (now + timedelta(seconds=3.2) - datetime.now(UTC)).total_seconds()))
    response = api.get("/search", params={"q": "sofa"})
    assert response.headers["X-Cache"] == "miss"
    assert sorted(h["id"] for h in response.json()["hits"]) == ["sofa-1", "sofa-2"]


@pytest.mark.usefixtures("shop")
def test_hidden_products_vanish_from_autocomplete_and_recommendations(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    def suggested(q: str) -> set[str]:
        response = api.get("/autocomplete", params={"q": q})
        assert response.status_code == 200, response.text
        return {s["id"] for s in response.json()["suggestions"] if "id" in s}

    def similar(product: str) -> set[str]:
        response = api.get(f"/products/{product}/similar")
        assert response.status_code == 200, response.text
        return {h["id"] for h in response.json()["similar"]}

    assert "sofa-1" in suggested("harbor")
    assert "sofa-1" in similar("sofa-2")
    _add(api, merchandiser, {"hide": ["sofa-1"]})  # no condition: everywhere
    assert "sofa-1" not in suggested("harbor")
    assert "sofa-2" in suggested("harbor")
    assert "sofa-1" not in similar("sofa-2")
    assert "sofa-1" not in _ids(api, q="sofa")
    assert "sofa-1" not in _ids(api, category="Furniture > Living Room > Sofas")
    # A hide on a query's words applies to autocomplete of those words.
    _add(api, merchandiser, {"condition": {"query": "tv"}, "hide": ["tv-1"]})
    assert "tv-1" not in suggested("tv")


@pytest.mark.usefixtures("shop")
def test_history_rollback_export_and_import_round_trip(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    first = _add(api, merchandiser, {"condition": {"query": "sofa"}, "hide": ["sofa-1"]})
    _add(api, merchandiser, {"condition": {"query": "tv"}, "redirect": "https://shop.example/tv"})
    api.delete(f"/admin/rules/{first}", headers=merchandiser)
    assert "sofa-1" in _ids(api, q="sofa")
    history = api.get("/admin/rules/history", headers=merchandiser).json()["changes"]
    assert [c["action"] for c in history] == ["remove", "add", "add"]
    assert all(c["by"].startswith("key:") or c["by"] for c in history)
    rolled = api.post("/admin/rules/rollback", json={"version": 2}, headers=merchandiser)
    assert rolled.status_code == 200, rolled.text
    assert "sofa-1" not in _ids(api, q="sofa")  # the rule is back, under its id
    assert [r["id"] for r in api.get("/admin/rules", headers=merchandiser).json()["rules"]] == [
        1,
        2,
    ]
    exported = api.get("/admin/rules/export", headers=merchandiser).json()
    replaced = api.post(
        "/admin/rules/import", params={"replace": True}, json={"rules": []}, headers=merchandiser
    )
    assert replaced.json()["imported"] == 0
    assert "sofa-1" in _ids(api, q="sofa")
    again = api.post("/admin/rules/import", json=exported, headers=merchandiser)
    assert again.status_code == 200, again.text
    assert "sofa-1" not in _ids(api, q="sofa")
    reexported = api.get("/admin/rules/export", headers=merchandiser).json()
    strip = [{k: v for k, v in r.items() if k != "id"} for r in reexported["rules"]]
    assert strip == [{k: v for k, v in r.items() if k != "id"} for r in exported["rules"]]
    assert (
        api.post("/admin/rules/rollback", json={"version": 99}, headers=merchandiser).status_code
        == 404
    )


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("rule", "loc"),
    [
        ({"pin": [{"product_id": "nope", "position": 1}]}, ["body", "pin", 0, "product_id"]),
        ({"pin": [{"product_id": "tv-1", "position": 0}]}, ["body", "pin", 0, "position"]),
        ({"redirect": "javascript:alert(1)"}, ["body", "redirect"]),
        ({"redirect": "//evil.example/x"}, ["body", "redirect"]),
        ({"banner": {"text": "a\x00b"}}, ["body", "banner", "text"]),
        ({"banner": {"text": "x", "image": "data:text/html,hi"}}, ["body", "banner", "image"]),
        ({"boost": [{"filter": {"brand": "Acme"}, "weight": 1}]}, ["body", "boost", 0, "weight"]),
        ({"boost": [{"filter": {}, "weight": 2}]}, ["body", "boost", 0, "filter"]),
        ({"hide": ["x"] * 1001}, ["body", "hide"]),
        ({"condition": {"query": "the"}, "hide": ["x"]}, ["body", "condition"]),
        ({"condition": {"query": "tv"}}, ["body"]),
        ({"hide": ["x"], "colour": "red"}, ["body", "colour"]),
        (
            {
                "hide": ["x"],
                "schedule": {"from": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            },
            ["body", "schedule"],
        ),
        (
            {"hide": ["x"], "schedule": {"from": "2026-01-02T00:00:00"}},
            ["body", "schedule", "from"],
        ),
    ],
)
def test_bad_rules_are_422_naming_the_field(
    api: TestClient, merchandiser: dict[str, str], rule: dict[str, Any], loc: list[Any]
) -> None:
    response = api.post("/admin/rules", json=rule, headers=merchandiser)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


@pytest.mark.usefixtures("shop")
def test_bad_cursors_and_ids_are_4xx(api: TestClient, merchandiser: dict[str, str]) -> None:
    for cursor in ("p", "px.", "p9999999.", "p3.notbase64!"):
        response = api.get("/search", params={"q": "cable", "cursor": cursor})
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]
    assert api.delete("/admin/rules/42", headers=merchandiser).status_code == 404
    assert api.get("/admin/rules/0", headers=merchandiser).status_code == 422
    assert api.get("/admin/rules").status_code == 401


@pytest.mark.usefixtures("shop")
def test_preview_shows_before_and_after_without_storing(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    draft = {"condition": {"query": "sofa"}, "pin": [{"product_id": "tv-1", "position": 1}]}
    response = api.post("/admin/rules/preview", json={"rule": draft}, headers=merchandiser)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["q"] == "sofa"
    assert "tv-1" not in [h["id"] for h in body["before"]["hits"]]
    assert body["after"]["hits"][0] == {
        "id": "tv-1",
        "title": "Acme 55 inch Television",
        "pinned": True,
    }
    assert body["entered"] == ["tv-1"]
    assert isinstance(body["touched"], list)
    assert api.get("/admin/rules", headers=merchandiser).json()["rules"] == []
    assert "tv-1" not in _ids(api, q="sofa")
    _add(api, merchandiser, draft)
    stored = api.get("/admin/rules/preview", params={"q": "sofa"}, headers=merchandiser).json()
    assert stored["after"]["hits"][0]["id"] == "tv-1"
    assert stored["before"]["hits"][0]["id"] != "tv-1"
    bad = api.post(
        "/admin/rules/preview",
        json={"rule": {"pin": [{"product_id": "nope", "position": 1}]}},
        headers=merchandiser,
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "rule", "pin", 0, "product_id"]


@pytest.mark.usefixtures("shop")
def test_a_pinned_product_out_of_stock_follows_the_out_of_stock_policy(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    _add(
        api,
        merchandiser,
        {"condition": {"query": "cable"}, "pin": [{"product_id": "lamp-1", "position": 1}]},
    )
    assert _ids(api, q="cable")[0] == "lamp-1"
    hidden = api.patch("/admin/ranking", json={"out_of_stock": "hide"}, headers=merchandiser)
    assert hidden.status_code == 200, hidden.text
    body = _search(api, q="cable")
    assert "lamp-1" not in [h["id"] for h in body["hits"]]
    assert body["total"]["value"] == 12
