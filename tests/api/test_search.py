"""The search API against the real index: the issue's example queries, facets, paging, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.catalog import Catalog

PRODUCTS: list[dict[str, Any]] = [
    {
        "id": "tv-1",
        "title": 'Acme 55" 4K UHD Smart LED TV',
        "brand": "Acme",
        "category": "Electronics > TVs",
        "price": 499,
        "stock": 4,
        "rating": 4.5,
    },
    {
        "id": "tv-2",
        "title": "Bolt 65 in. OLED Television",
        "brand": "Bolt",
        "category": "Electronics > TVs",
        "price": 1299,
        "stock": 0,
        "rating": 4.8,
    },
    {
        "id": "shoe-1",
        "title": "Stride Men's Trail Running Shoe",
        "brand": "Stride",
        "category": "Clothing > Shoes > Running Shoes",
        "price": 89.99,
        "stock": 12,
        "attributes": {"color": "Black"},
    },
    {
        "id": "cable-1",
        "title": "Acme USB-C Cable 6 ft.",
        "brand": "Acme",
        "category": "Electronics > Accessories",
        "price": 12.5,
        "stock": 100,
        "attributes": {"color": "White"},
    },
    {
        "id": "gpu-1",
        "title": "Bolt RTX-4070 12GB Graphics Card",
        "brand": "Bolt",
        "category": "Electronics > Components",
        "price": 599,
        "stock": 2,
    },
]


@pytest.fixture
def shop(catalog: Catalog) -> Catalog:
    catalog.put(*PRODUCTS)
    catalog.reindex()
    catalog.sync()
    return catalog


def _ids(api: TestClient, **params: Any) -> list[str]:
    response = api.get("/search", params=params)
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["hits"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("televisions", "tv-2"),
        ("running shoes", "shoe-1"),
        ("55in tv", "tv-1"),
        ("usb c cable", "cable-1"),
        ("rtx4070", "gpu-1"),
    ],
)
def test_product_text_queries_find_their_product(
    shop: Catalog, api: TestClient, query: str, expected: str
) -> None:
    assert _ids(api, q=query)[0] == expected


def test_facets_are_disjunctive_within_and_conjunctive_across(
    shop: Catalog, api: TestClient
) -> None:
    body = api.get("/search", params={"brand": "Acme", "category": "Electronics"}).json()
    assert sorted(hit["id"] for hit in body["hits"]) == ["cable-1", "tv-1"]
    # Brand counts ignore the brand filter but keep the category filter (Electronics: 4 products).
    brands = {b["value"]: b["count"] for b in body["facets"]["brand"]}
    assert brands == {"Acme": 2, "Bolt": 2}
    # Category counts ignore the category filter but keep the brand filter (Acme: 2 products).
    levels = {level["level"]: level["values"] for level in body["facets"]["category"]}
    assert levels[0] == [{"value": "Electronics", "count": 2}]
    assert sorted((v["value"], v["count"]) for v in levels[1]) == [
        ("Electronics > Accessories", 1),
        ("Electronics > TVs", 1),
    ]


def test_filters_sorts_and_cursor_paging(shop: Catalog, api: TestClient) -> None:
    assert _ids(api, price_min=100, price_max=700, sort="price_asc") == ["tv-1", "gpu-1"]
    assert _ids(api, in_stock="false") == ["tv-2"]
    assert _ids(api, attr="color:Black") == ["shoe-1"]
    assert _ids(api, min_rating=4.6) == ["tv-2"]
    first = api.get("/search", params={"sort": "price_desc", "per_page": 2}).json()
    assert [h["id"] for h in first["hits"]] == ["tv-2", "gpu-1"]
    second = _ids(api, sort="price_desc", per_page=2, cursor=first["next_cursor"])
    assert second == ["tv-1", "shoe-1"]


def test_highlight_and_zero_result_relaxation(shop: Catalog, api: TestClient) -> None:
    hit = api.get("/search", params={"q": "oled television"}).json()["hits"][0]
    assert "<em>" in hit["highlight"]["title"][0]
    relaxed = api.get("/search", params={"q": "oled television purple"}).json()
    assert relaxed["relaxed"]
    assert relaxed["hits"][0]["id"] == "tv-2"


def test_an_indexed_change_is_searchable_after_its_seq(
    shop: Catalog, api: TestClient, admin: dict[str, str]
) -> None:
    assert api.get("/search", params={"q": "hammer"}).json()["total"]["value"] == 0
    put = api.put("/admin/products/h-1", json={"title": "Claw Hammer", "price": 20}, headers=admin)
    assert put.status_code == 200
    shop.sync()
    body = api.get("/search", params={"q": "hammer", "after": put.json()["seq"]}).json()
    assert body["after"]["applied"] is True
    assert [h["id"] for h in body["hits"]] == ["h-1"]


def test_cache_hits_until_the_index_changes(shop: Catalog, api: TestClient) -> None:
    assert api.get("/search", params={"q": "tv"}).headers["X-Cache"] == "miss"
    assert api.get("/search", params={"q": "tv"}).headers["X-Cache"] == "hit"
    shop.sql("UPDATE products SET title = 'Acme 55in TV Pro' WHERE id = 'tv-1'")
    shop.sync()
    response = api.get("/search", params={"q": "tv"})
    assert response.headers["X-Cache"] == "miss"
    assert "Acme 55in TV Pro" in [h["title"] for h in response.json()["hits"]]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"colour": "red"}, "colour"),
        ({"price_min": "cheap"}, "price_min"),
        ({"q": "x" * 300}, "q"),
        ({"page": 600}, "page"),
        ({"cursor": "!!"}, "cursor"),
        ({"sort": "random"}, "sort"),
        ({"facets": "weight"}, "facets"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_parameter(
    shop: Catalog, api: TestClient, params: dict[str, Any], parameter: str
) -> None:
    response = api.get("/search", params=params)
    assert response.status_code == 422
    assert parameter in str(response.json()["detail"])


def test_admin_writes_validate_and_delete(
    shop: Catalog, api: TestClient, admin: dict[str, str]
) -> None:
    bad = api.put("/admin/products/x-1", json={"title": "Thing", "price": -1}, headers=admin)
    assert bad.status_code == 422
    assert "price" in str(bad.json()["detail"])
    patched = api.patch("/admin/products/tv-1", json={"price": 450}, headers=admin)
    assert patched.status_code == 200
    assert api.get("/products/tv-1").json()["price"] == 450
    assert api.delete("/admin/products/tv-1", headers=admin).status_code == 200
    assert api.get("/products/tv-1").status_code == 404
    shop.sync()
    assert "tv-1" not in _ids(api, q="tv")


def test_similar_products(shop: Catalog, api: TestClient) -> None:
    similar = api.get("/products/tv-1/similar").json()["similar"]
    assert similar[0]["id"] == "tv-2"


def test_every_sort(shop: Catalog, api: TestClient) -> None:
    shop.sql(
        "UPDATE products SET popularity = 10 * length(id), created_at = now() - (length(title) * interval '1 day')"
    )
    shop.sync()
    assert _ids(api, sort="rating")[:2] == ["tv-2", "tv-1"]
    by_popularity = _ids(api, sort="popularity")
    assert by_popularity[:2] == ["cable-1", "shoe-1"]  # longest ids: most popular here
    newest = _ids(api, sort="newest")
    assert newest[0] == "cable-1"  # shortest title: newest here


def test_cache_is_unreachable_after_a_reindex(shop: Catalog, api: TestClient) -> None:
    assert api.get("/search", params={"q": "drill"}).json()["total"]["value"] == 0
    assert api.get("/search", params={"q": "drill"}).headers["X-Cache"] == "hit"
    with shop.engine.begin() as conn:  # a write the workers never see: only a reindex brings it
        from sqlalchemy import text

        conn.execute(text("INSERT INTO products (id, title) VALUES ('d-1', 'Cordless Drill')"))
        conn.execute(text("DELETE FROM outbox"))
    shop.reindex()
    response = api.get("/search", params={"q": "drill"})
    assert response.headers["X-Cache"] == "miss"
    assert [h["id"] for h in response.json()["hits"]] == ["d-1"]


def test_did_you_mean_on_a_misspelling_with_no_results(shop: Catalog, api: TestClient) -> None:
    body = api.get(
        "/search", params={"q": "cabbs"}
    ).json()  # two edits: beyond fuzzy, within the suggester
    assert body["total"]["value"] == 0
    assert body["did_you_mean"] == "cable"


def test_search_answers_uncached_when_redis_is_down(shop: Catalog, settings: Any) -> None:
    from search_api.app import create_app

    dead = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(dead)) as client:
        response = client.get("/search", params={"q": "tv"})
        assert response.status_code == 200
        assert response.headers["X-Cache"] == "miss"
        assert response.json()["hits"]
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["down"] == ["redis"]


@pytest.mark.parametrize(
    ("query", "showcase"),
    [
        ("televisions", "television"),
        ("running shoes", "running_shoe"),
        ("55in tv", "tv_55"),
        ("usb c cable", "usb_c_cable"),
        ("rtx4070", "rtx_4070"),
    ],
)
def test_the_demo_catalog_answers_the_example_queries(
    catalog: Catalog, api: TestClient, query: str, showcase: str
) -> None:
    """The generated demo catalog (first 1,000 products, seed 42) finds each showcased product."""
    from ops.datasets.generator import SHOWCASE, generate_products

    catalog.put(*generate_products(1000))
    catalog.reindex()
    response = api.get("/search", params={"q": query, "per_page": 10})
    hits = response.json()["hits"]
    assert SHOWCASE[showcase] in [hit["id"] for hit in hits], [h["title"] for h in hits]
