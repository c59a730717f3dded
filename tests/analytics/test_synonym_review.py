"""Synonym work from real searches: a draft tried on the frequent queries, mined candidates."""

from __future__ import annotations

import pytest

from tests.support.analytics import Analytics
from tests.support.catalog import Catalog

SOFAS = [
    {"id": "sofa-1", "title": "Harbor Three Seat Sofa Grey", "brand": "Harbor", "price": 899},
    {"id": "sofa-2", "title": "Harbor Corner Sofa Linen", "brand": "Harbor", "price": 1299},
    {"id": "lamp-1", "title": "Arc Floor Lamp Brass", "brand": "Lumen", "price": 149},
]


@pytest.fixture
def sofas(catalog: Catalog) -> Catalog:
    catalog.put(*SOFAS)
    catalog.reindex()
    return catalog


@pytest.mark.usefixtures("sofas")
def test_a_draft_rule_is_tried_on_the_most_frequent_real_queries(analytics: Analytics) -> None:
    for q, times in (("couch", 3), ("lamp", 2), ("sofa", 1)):
        for _ in range(times):
            analytics.search(q)
    analytics.ship()
    response = analytics.api.post(
        "/admin/synonyms/preview",
        json={"terms": ["sofa", "couch"]},
        headers=analytics.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["queries"] == 3
    assert [(c["q"], c["before"]["total"], c["after"]["total"]) for c in body["changed"]] == [
        ("couch", 0, 2)
    ]
    assert sorted(body["changed"][0]["entered"]) == ["sofa-1", "sofa-2"]
    # Only a preview: no rule was stored.
    assert analytics.api.get("/admin/synonyms", headers=analytics.headers).json()["rules"] == []


@pytest.mark.usefixtures("sofas")
def test_candidates_come_from_wordnet_and_co_clicks_and_are_never_applied(
    analytics: Analytics,
) -> None:
    for _ in range(3):
        analytics.search("couch")  # nothing: the catalog says sofa
    for q in ("harbor sofa", "grey linen seat"):
        search_id = analytics.search(q)
        analytics.click(search_id, "sofa-1", 1)
        analytics.click(search_id, "sofa-2", 2)
    analytics.ship()
    response = analytics.api.get("/admin/synonyms/candidates", headers=analytics.headers)
    assert response.status_code == 200, response.text
    found = {(c["source"], c["rule"]): c["evidence"] for c in response.json()["candidates"]}
    assert found[("wordnet", "couch, sofa")] == {
        "query": "couch",
        "searches": 3,
        "products_for_alternative": 2,
    }
    assert found[("co-clicks", "grey linen seat, harbor sofa")] == {
        "shared_products": 2,
        "overlap": 1.0,
    }
    assert analytics.api.get("/search", params={"q": "couch"}).json()["total"]["value"] == 0

    # Once a rule covers a candidate, it is no longer offered.
    added = analytics.api.post(
        "/admin/synonyms", json={"terms": ["couch", "sofa"]}, headers=analytics.headers
    )
    assert added.status_code == 201
    again = analytics.api.get("/admin/synonyms/candidates", headers=analytics.headers).json()
    assert ("wordnet", "couch, sofa") not in {(c["source"], c["rule"]) for c in again["candidates"]}
