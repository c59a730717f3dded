"""Tiers before signals: the shopper's words decide the order, business signals only order a tier.

The catalog mixes products rich in signals (popularity, rating, stock) that match fewer of the words,
or match by a typo, with products that match every word and carry no signal at all: the issue's
`Vornak` case. Every assertion is about order through the real `/search`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.ranking import RankingSettings
from catalog.settings import Settings
from search_api.app import create_app
from tests.support.catalog import Catalog, bearer
from tests.support.cli import run_catalog

#: Signals that would decide the order if they multiplied the text score.
RICH = {"popularity": 1_000_000, "rating": 5.0, "review_count": 5000, "stock": 500}
PRODUCTS: list[dict[str, Any]] = [
    # The one product with all four words, and no signal at all.
    {"id": "vornak-cable", "title": "Vornak USB-C Cable 2m", "brand": "Vornak", "price": 9},
    # Three of the four words, every signal.
    {"id": "acme-cable", "title": "Acme USB-C Cable 1m", "brand": "Acme", "price": 8, **RICH},
    {"id": "zeta-cable", "title": "Zeta USB-C Cable 3m", "brand": "Zeta", "price": 7, **RICH},
    # A typo of the brand (`vorar` is one edit from `vornak`? no: two), with the word `cable`.
    {
        "id": "vornik-hub",
        "title": "Vornik USB-C Hub with Cable",
        "brand": "Vornik",
        "price": 30,
        **RICH,
    },
    # `cable` in the description only, the brand in the title.
    {
        "id": "vornak-charger",
        "title": "Vornak Wall Charger",
        "brand": "Vornak",
        "description": "Charger with a braided cable included.",
        "price": 15,
        **RICH,
    },
]


@pytest.fixture
def shop(catalog: Catalog) -> Catalog:
    catalog.put(*PRODUCTS)
    catalog.reindex()
    return catalog


def _ids(api: TestClient, q: str, **params: Any) -> list[str]:
    response = api.get("/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["hits"]]


def test_the_product_matching_every_word_comes_first_whatever_the_signals(
    shop: Catalog, api: TestClient
) -> None:
    ids = _ids(api, "vornak usb c cable")
    assert ids[0] == "vornak-cable"
    # The rich cables match fewer words: after it, ordered among themselves.
    assert set(ids[1:3]) <= {"acme-cable", "zeta-cable", "vornik-hub", "vornak-charger"}


def test_an_exact_word_outranks_a_typo_of_it(shop: Catalog, api: TestClient) -> None:
    ids = _ids(api, "vornak cable")
    assert ids.index("vornak-cable") < ids.index("vornik-hub")


def test_a_word_in_the_title_outranks_the_same_word_in_the_description(
    shop: Catalog, api: TestClient
) -> None:
    ids = _ids(api, "vornak cable")
    assert ids[0] == "vornak-cable"  # both words in the title
    assert ids.index("vornak-cable") < ids.index("vornak-charger")  # `cable` in its description


def test_signals_order_products_inside_a_tier(shop: Catalog, api: TestClient) -> None:
    """Same words matched the same way: popularity and rating decide."""
    shop.put(
        {
            **PRODUCTS[1],
            "id": "plain-cable",
            "title": "Plain USB-C Cable 1m",
            "brand": "Plain",
            "popularity": 0,
            "rating": None,
            "review_count": 0,
            "stock": 500,
        }
    )
    shop.sync()
    ids = _ids(api, "usb c cable")
    assert ids.index("acme-cable") < ids.index("plain-cable")
    assert ids.index("zeta-cable") < ids.index("plain-cable")


LAMPS: list[dict[str, Any]] = [
    {"id": "oos-lamp", "title": "Linen Lamp Shade", "price": 20, "stock": 0},
    {"id": "in-lamp", "title": "Cotton Lamp Shade", "price": 20, "stock": 5},
    {
        "id": "in-lamp-desc",
        "title": "Cotton Table Lamp",
        "description": "Sold with a shade.",
        "price": 30,
        "stock": 5,
    },
]


@pytest.fixture
def lamps(catalog: Catalog) -> Catalog:
    catalog.put(*LAMPS)
    catalog.reindex()
    return catalog


@pytest.fixture
def merchandiser(catalog: Catalog) -> dict[str, str]:
    return bearer(catalog.engine, "merchandiser")


@pytest.fixture
def second_worker(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def _policy(api: TestClient, headers: dict[str, str], policy: str) -> dict[str, Any]:
    response = api.patch("/admin/ranking", json={"out_of_stock": policy}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.usefixtures("lamps")
def test_out_of_stock_products_follow_the_policy_on_the_next_request_of_every_worker(
    api: TestClient, second_worker: TestClient, merchandiser: dict[str, str]
) -> None:
    # demote (the default): after the in-stock products of its tier, before a worse text match.
    assert _ids(api, "lamp shade") == ["in-lamp", "oos-lamp", "in-lamp-desc"]
    assert _policy(api, merchandiser, "hide")["version"] == 1
    # The second worker never saw the change: the version in Redis and PostgreSQL tell it.
    assert _ids(second_worker, "lamp shade") == ["in-lamp", "in-lamp-desc"]
    facets = api.get("/search", params={"q": "lamp shade"}).json()["facets"]
    assert facets["in_stock"] == [{"value": True, "count": 2}]
    _policy(api, merchandiser, "ignore")
    ids = _ids(second_worker, "lamp shade")
    assert set(ids[:2]) == {"in-lamp", "oos-lamp"}
    assert ids[2] == "in-lamp-desc"


@pytest.mark.usefixtures("lamps")
def test_settings_are_versioned_with_who_and_when_and_roll_back(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    assert api.get("/admin/ranking", headers=merchandiser).json()["version"] == 0
    _policy(api, merchandiser, "hide")
    changed = api.patch("/admin/ranking", json={"rating_weight": 0.2}, headers=merchandiser)
    assert changed.json()["settings"]["out_of_stock"] == "hide"  # the other settings kept
    assert changed.json()["settings"]["rating_weight"] == 0.2
    changes = api.get("/admin/ranking/history", headers=merchandiser).json()["changes"]
    assert [c["version"] for c in changes] == [2, 1]
    assert {c["by"] for c in changes} == {"key 1 (test merchandiser)"}
    back = api.post("/admin/ranking/rollback", json={"version": 1}, headers=merchandiser)
    assert back.status_code == 200, back.text
    assert (back.json()["version"], back.json()["restored"]) == (3, 1)
    assert back.json()["settings"]["rating_weight"] == RankingSettings().rating_weight
    assert _ids(api, "lamp shade") == ["in-lamp", "in-lamp-desc"]  # version 1 hid it
    missing = api.post("/admin/ranking/rollback", json={"version": 99}, headers=merchandiser)
    assert missing.status_code == 404


@pytest.mark.usefixtures("lamps")
def test_a_draft_is_previewed_on_a_query_without_being_saved(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    preview = api.post(
        "/admin/ranking/preview",
        json={"q": "lamp shade", "draft": {"out_of_stock": "hide"}},
        headers=merchandiser,
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert [h["id"] for h in body["before"]["hits"]] == ["in-lamp", "oos-lamp", "in-lamp-desc"]
    assert [h["id"] for h in body["after"]["hits"]] == ["in-lamp", "in-lamp-desc"]
    assert (body["left"], body["changed"]) == (["oos-lamp"], True)
    assert api.get("/admin/ranking", headers=merchandiser).json()["version"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"popularity_weight": 5}, "popularity_weight"),
        ({"popularity_weight": "NaN"}, "popularity_weight"),
        ({"out_of_stock": "sometimes"}, "out_of_stock"),
        ({"new_product_days": 0}, "new_product_days"),
        ({"margin_weight": 1}, "margin_weight"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    api: TestClient, merchandiser: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = api.patch("/admin/ranking", json=body, headers=merchandiser)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == field
    assert api.get("/admin/ranking", headers=merchandiser).json()["version"] == 0


def test_the_cli_changes_shows_and_rolls_back_the_settings(catalog: Catalog) -> None:
    changed = run_catalog("ranking", "set", "out_of_stock=hide", "popularity_weight=0.2")
    assert changed.returncode == 0, changed.stderr
    assert "ranking version 1" in changed.stdout
    shown = run_catalog("ranking", "show")
    assert "hide" in shown.stdout
    assert "version 1" in shown.stdout
    refused = run_catalog("ranking", "set", "rating_weight=-1")
    assert refused.returncode == 1
    assert refused.stderr.strip().count("\n") == 0
    assert "rating_weight" in refused.stderr
    assert run_catalog("ranking", "rollback", "7").returncode == 1
    history = run_catalog("ranking", "history")
    assert "cli:" in history.stdout
