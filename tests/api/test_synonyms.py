"""Synonyms over `/admin/synonyms`: applied on the very next request of every worker, no reindex.

Two apps stand for two API workers: each holds its own rules in memory, and only PostgreSQL and
Redis connect them, as between uvicorn's worker processes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.settings import Settings
from catalog.synonyms import Rule, add_rule
from catalog.versions import SYNONYMS, announce
from search_api.app import create_app
from search_api.live import live_synonyms
from tests.support.catalog import Catalog, bearer

PRODUCTS: list[dict[str, Any]] = [
    {
        "id": "sofa-1",
        "title": "Harbor Three Seat Sofa in Grey Linen",
        "brand": "Harbor",
        "category": "Furniture > Living Room > Sofas",
        "price": 899,
        "stock": 3,
    },
    {
        "id": "nb-1",
        "title": "Bolt 14 inch Notebook Computer 16GB",
        "brand": "Bolt",
        "category": "Electronics > Computers",
        "price": 999,
        "stock": 5,
    },
    {
        "id": "sleeve-1",
        "title": "Laptop Sleeve 14 inch Neoprene",
        "brand": "Acme",
        "category": "Electronics > Accessories",
        "price": 19,
        "stock": 50,
    },
    {
        "id": "tv-1",
        "title": "Acme 55 inch Television",
        "brand": "Acme",
        "category": "Electronics > TVs",
        "price": 499,
        "stock": 4,
    },
]


@pytest.fixture
def shop(catalog: Catalog) -> Catalog:
    catalog.put(*PRODUCTS)
    catalog.reindex()
    return catalog


@pytest.fixture
def merchandiser(catalog: Catalog) -> dict[str, str]:
    return bearer(catalog.engine, "merchandiser")


@pytest.fixture
def second_worker(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def _ids(client: TestClient, q: str, **params: Any) -> list[str]:
    response = client.get("/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["hits"]]


@pytest.mark.usefixtures("shop")
def test_a_set_applies_on_the_next_request_of_every_worker_and_removal_undoes_it(
    api: TestClient, second_worker: TestClient, merchandiser: dict[str, str]
) -> None:
    assert _ids(api, "couch") == []
    assert _ids(second_worker, "couch") == []
    added = api.post("/admin/synonyms", json={"terms": ["sofa", "couch"]}, headers=merchandiser)
    assert added.status_code == 201, added.text
    rule_id, version = added.json()["rule"]["id"], added.json()["version"]
    assert added.json()["rule"]["rule"] == "sofa, couch"
    # The second worker never saw the request: the version key and PostgreSQL tell it.
    assert _ids(second_worker, "couch") == ["sofa-1"]
    assert _ids(api, "couches") == ["sofa-1"]
    assert _ids(api, "sofa") == ["sofa-1"]
    removed = api.delete(f"/admin/synonyms/{rule_id}", headers=merchandiser)
    assert removed.json() == {"version": version + 1, "removed": rule_id}
    assert _ids(second_worker, "couch") == []
    assert _ids(api, "couch") == []


@pytest.mark.usefixtures("shop")
def test_a_change_retires_cached_responses(api: TestClient, merchandiser: dict[str, str]) -> None:
    first = api.get("/search", params={"q": "couch"})
    again = api.get("/search", params={"q": "couch"})
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("miss", "hit")
    api.post("/admin/synonyms", json={"terms": ["sofa", "couch"]}, headers=merchandiser)
    after = api.get("/search", params={"q": "couch"})
    assert after.headers["X-Cache"] == "miss"
    assert [h["id"] for h in after.json()["hits"]] == ["sofa-1"]


@pytest.mark.usefixtures("shop")
def test_a_one_way_rule_replaces_the_words_it_matches(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    assert _ids(api, "laptop") == ["sleeve-1"]
    rule = {"input": ["laptop"], "output": ["notebook computer"]}
    assert api.post("/admin/synonyms", json=rule, headers=merchandiser).status_code == 201
    assert _ids(api, "laptop") == ["nb-1"]
    # One way only: the output's own words are not rewritten back.
    assert _ids(api, "notebook computer") == ["nb-1"]


@pytest.mark.usefixtures("shop")
def test_a_scoped_rule_applies_only_within_its_category(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    rule = {"terms": ["couch", "sofa"], "category": "Furniture"}
    assert api.post("/admin/synonyms", json=rule, headers=merchandiser).status_code == 201
    assert _ids(api, "couch") == []
    assert _ids(api, "couch", category="Furniture > Living Room") == ["sofa-1"]
    assert _ids(api, "couch", category="Electronics") == []


@pytest.mark.usefixtures("shop")
def test_history_records_who_and_what_and_rollback_restores_a_version(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    api.post("/admin/synonyms", json={"terms": ["sofa", "couch"]}, headers=merchandiser)
    api.post("/admin/synonyms", json={"terms": ["television", "telly"]}, headers=merchandiser)
    rules = api.get("/admin/synonyms", headers=merchandiser).json()
    assert [r["rule"] for r in rules["rules"]] == ["sofa, couch", "television, telly"]
    api.delete(f"/admin/synonyms/{rules['rules'][0]['id']}", headers=merchandiser)
    assert _ids(api, "couch") == []

    changes = api.get("/admin/synonyms/history", headers=merchandiser).json()["changes"]
    assert [(c["version"], c["action"], c["detail"], c["rules"]) for c in changes] == [
        (3, "remove", "sofa, couch", 1),
        (2, "add", "television, telly", 2),
        (1, "add", "sofa, couch", 1),
    ]
    assert all(c["by"].endswith("(test merchandiser)") for c in changes)

    rolled = api.post("/admin/synonyms/rollback", json={"version": 2}, headers=merchandiser)
    assert rolled.json() == {"version": 4, "restored": 2}
    assert _ids(api, "couch") == ["sofa-1"]
    assert _ids(api, "telly") == ["tv-1"]
    latest = api.get("/admin/synonyms/history", headers=merchandiser).json()["changes"][0]
    assert (latest["action"], latest["detail"], latest["rules"]) == ("rollback", "to version 2", 2)
    missing = api.post("/admin/synonyms/rollback", json={"version": 99}, headers=merchandiser)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("existing", "body", "field", "message"),
    [
        ([], {"terms": []}, "terms", "terms is empty"),
        ([], {"terms": ["sofa", " "]}, "terms", "terms[1] is empty"),
        ([], {"terms": ["sofa"]}, "terms", "at least two terms"),
        ([], {"terms": ["Sofa", "sofas"]}, "terms", "are the same term"),
        ([], {"terms": ["the", "sofa"]}, "terms", "has no searchable word"),
        ([], {"input": ["laptop"]}, "output", "needs output"),
        ([], {"terms": ["a"], "input": ["b"]}, "terms", "not both"),
        ([], {"input": ["laptop"], "output": ["a, b"]}, "output", "may not hold ','"),
        (["sofa, couch"], {"terms": ["couch", "sofa"]}, "terms", "the same rule exists"),
        (
            ["laptop => notebook"],
            {"input": ["laptops"], "output": ["ultrabook"]},
            "input",
            "already rewritten",
        ),
        (
            ["laptop => notebook"],
            {"input": ["notebook"], "output": ["pc"]},
            "input",
            "is the output of",
        ),
        (
            ["notebook => pc"],
            {"input": ["laptop"], "output": ["notebook"]},
            "output",
            "rewritten again",
        ),
        (["laptop, notebook"], {"input": ["laptop"], "output": ["pc"]}, "input", "equivalent set"),
        (["laptop => pc"], {"terms": ["laptop", "notebook"]}, "terms", "already rewritten"),
        (
            ["tv, a1, a2, a3, a4, a5, a6, a7", "tv, b1, b2, b3"],
            {"terms": ["tv", "c1"]},
            "terms",
            "would expand to 11 alternatives; at most 10",
        ),
    ],
)
def test_bad_rules_are_refused_naming_the_field(
    api: TestClient,
    merchandiser: dict[str, str],
    catalog: Catalog,
    existing: list[str],
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    from catalog.synonyms import parse_line

    for line in existing:
        rule = parse_line(line)
        assert rule is not None
        with catalog.engine.begin() as conn:
            add_rule(conn, rule, actor="test")
    response = api.post("/admin/synonyms", json=body, headers=merchandiser)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", field]
    assert message in detail["msg"]


def test_a_rule_in_another_category_does_not_conflict(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    first = {"input": ["mouse"], "output": ["computer mouse"], "category": "Electronics"}
    second = {"input": ["mouse"], "output": ["mouse trap"], "category": "Garden"}
    assert api.post("/admin/synonyms", json=first, headers=merchandiser).status_code == 201
    assert api.post("/admin/synonyms", json=second, headers=merchandiser).status_code == 201
    inside = {"input": ["mouse"], "output": ["pointer"], "category": "Electronics > Computers"}
    assert api.post("/admin/synonyms", json=inside, headers=merchandiser).status_code == 422


def test_import_and_export_round_trip_in_solr_format(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    content = (
        "# living room\n"
        "sofa, couch, settee\n"
        "laptop => notebook computer\n"
        "# category: Electronics > TVs\n"
        "tv, telly\n"
    )
    imported = api.post(
        "/admin/synonyms/import",
        content=content.encode(),
        headers={**merchandiser, "Content-Type": "text/plain"},
    )
    assert imported.json() == {"version": 1, "imported": 3}
    exported = api.get("/admin/synonyms/export", headers=merchandiser).text
    assert exported == (
        "sofa, couch, settee\nlaptop => notebook computer\n# category: Electronics > TVs\ntv, telly\n"
    )
    replaced = api.post(
        "/admin/synonyms/import?replace=true",
        content=exported.encode(),
        headers={**merchandiser, "Content-Type": "text/plain"},
    )
    assert replaced.json() == {"version": 2, "imported": 3}
    assert api.get("/admin/synonyms/export", headers=merchandiser).text == exported
    broken = api.post(
        "/admin/synonyms/import",
        content=b"sofa, couch\nlaptop =>\n",
        headers={**merchandiser, "Content-Type": "text/plain"},
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["msg"].startswith("line 2: output is empty")


@pytest.mark.usefixtures("shop")
def test_preview_shows_the_expansion_and_results_before_and_after(
    api: TestClient, merchandiser: dict[str, str]
) -> None:
    draft = api.get(
        "/admin/synonyms/preview",
        params={"q": "couch", "rule": "sofa, couch"},
        headers=merchandiser,
    )
    assert draft.status_code == 200, draft.text
    body = draft.json()
    assert body["expansions"] == [{"words": "couch", "alternative": "sofa", "replaces": False}]
    assert body["before"] == {"total": 0, "hits": []}
    assert body["after"]["hits"] == [{"id": "sofa-1", "title": PRODUCTS[0]["title"]}]
    assert (body["entered"], body["left"], body["changed"]) == (["sofa-1"], [], True)
    # A draft is only a draft: nothing was stored.
    assert api.get("/admin/synonyms", headers=merchandiser).json()["rules"] == []
    bad = api.get(
        "/admin/synonyms/preview", params={"q": "couch", "rule": "sofa"}, headers=merchandiser
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "rule"]


def test_every_worker_hears_of_a_change_within_a_second_without_a_request(
    catalog: Catalog, settings: Settings
) -> None:
    live = live_synonyms(catalog.engine, catalog.redis, settings.index_prefix)
    live.start()
    try:
        time.sleep(0.2)  # subscribed
        with catalog.engine.begin() as conn:
            _, version = add_rule(conn, Rule("equivalent", ("sofa", "couch")), actor="test")
        announced = time.monotonic()
        announce(catalog.redis, settings.index_prefix, SYNONYMS, version)
        while live.version != version and time.monotonic() - announced < 1.0:
            time.sleep(0.01)
        assert live.version == version
        assert len(live.value) == 2
    finally:
        live.stop()
