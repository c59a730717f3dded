"""Autocomplete and search inside facet values, against the real index."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.catalog import Catalog

PRODUCTS: list[dict[str, Any]] = [
    {
        "id": "tv-1",
        "title": 'Samsung 55" Crystal UHD Television',
        "brand": "Samsung",
        "category": "Electronics > TVs > LED TVs",
        "price": 499,
        "popularity": 900,
    },
    {
        "id": "tv-2",
        "title": "Sony Bravia 65 in. OLED TV",
        "brand": "Sony",
        "category": "Electronics > TVs > OLED TVs",
        "price": 1499,
        "popularity": 500,
    },
    {
        "id": "sb-1",
        "title": "Samsonite Carry-On Spinner",
        "brand": "Samsonite",
        "category": "Travel > Luggage",
        "price": 199,
        "popularity": 50,
    },
    {
        "id": "sh-1",
        "title": "Stride Trail Running Shoe",
        "brand": "Stride",
        "category": "Clothing > Shoes > Running Shoes",
        "price": 89,
        "popularity": 300,
    },
    {
        "id": "sh-2",
        "title": "Summit Road Running Shoe",
        "brand": "Summit",
        "category": "Clothing > Shoes > Running Shoes",
        "price": 99,
        "popularity": 100,
    },
]


@pytest.fixture
def shop(catalog: Catalog) -> Catalog:
    catalog.put(*PRODUCTS)
    catalog.reindex()
    return catalog


def _suggest(api: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = api.get("/autocomplete", params=params)
    assert response.status_code == 200, response.text
    suggestions: list[dict[str, Any]] = response.json()["suggestions"]
    return suggestions


def test_autocomplete_from_the_first_letters(shop: Catalog, api: TestClient) -> None:
    suggestions = _suggest(api, q="sams")
    texts = [s["text"] for s in suggestions]
    assert {"Samsung", "Samsonite"} <= set(texts)
    assert len(texts) == len({t.lower() for t in texts})  # de-duplicated
    brand = next(s for s in suggestions if s["text"] == "Samsung")
    assert brand["type"] == "brand"
    assert brand["highlighted"] == "<mark>Sams</mark>ung"


def test_autocomplete_matches_any_word_and_categories(shop: Catalog, api: TestClient) -> None:
    products = [s for s in _suggest(api, q="run sh") if s["type"] == "product"]
    assert {s["id"] for s in products} == {"sh-1", "sh-2"}
    categories = [s["text"] for s in _suggest(api, q="oled") if s["type"] == "category"]
    assert categories == ["Electronics > TVs > OLED TVs"]


def test_autocomplete_tolerates_a_typo_and_scopes_by_category(
    shop: Catalog, api: TestClient
) -> None:
    assert "Samsung" in [s["text"] for s in _suggest(api, q="samsng")]
    scoped = _suggest(api, q="sams", category="Travel")
    assert {s["text"] for s in scoped} <= {
        "Samsonite",
        "Samsonite Carry-On Spinner",
        "Travel > Luggage",
    }
    assert "Samsung" not in {s["text"] for s in scoped}


def test_facet_value_search_counts_under_the_query_and_other_filters(
    shop: Catalog, api: TestClient
) -> None:
    response = api.get("/facets/brand", params={"q": "s"})
    assert response.status_code == 200
    counts = {v["value"]: v["count"] for v in response.json()["values"]}
    assert counts == {"Samsung": 1, "Sony": 1, "Samsonite": 1, "Stride": 1, "Summit": 1}
    narrowed = api.get("/facets/brand", params={"q": "s", "query": "running shoe"}).json()
    assert {v["value"] for v in narrowed["values"]} == {"Stride", "Summit"}
    # The brand's own filter does not narrow its values (disjunctive); others do.
    filtered = api.get("/facets/brand", params={"q": "s", "brand": "Sony", "price_max": 600}).json()
    assert {v["value"] for v in filtered["values"]} == {"Samsung", "Samsonite", "Stride", "Summit"}
    categories = api.get("/facets/category", params={"q": "run"}).json()["values"]
    assert categories == [{"value": "Clothing > Shoes > Running Shoes", "count": 2}]


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/autocomplete", {}, "q"),
        ("/autocomplete", {"q": "a", "size": 99}, "size"),
        ("/autocomplete", {"q": "a", "colour": "red"}, "colour"),
        ("/facets/price", {"q": "1"}, "name"),
        ("/facets/brand", {"page": 2}, "page"),
    ],
)
def test_bad_input_names_the_parameter(
    shop: Catalog, api: TestClient, path: str, params: dict[str, Any], parameter: str
) -> None:
    response = api.get(path, params=params)
    assert response.status_code == 422
    assert parameter in str(response.json()["detail"])
