"""The service as `make demo` runs it: the schedule repairs and ships on its own, search keeps answering.

Setup writes the catalog and the keys directly (as `catalog seed` and `catalog keys create` would);
from then on everything goes over HTTP to the processes the `system` fixture started.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from indexer.indices import alias_name
from tests.support.catalog import Catalog, bearer
from tests.support.system import RECONCILE_SECONDS, SHIP_SECONDS, System

pytestmark = pytest.mark.system

#: Rules in the synonym file imported while searches run (about 150 kB).
RULES = 20_000

PRODUCTS = [
    {"id": "p1", "title": "Cordless Drill 18V", "brand": "Makita", "price": 99.0},
    {"id": "p2", "title": "Cordless Drill Kit", "brand": "Bosch", "price": 129.0},
    {"id": "p3", "title": "Orbital Sander", "brand": "Makita", "price": 79.0},
    {"id": "p4", "title": "Impact Driver", "brand": "DeWalt", "price": 149.0},
]


@pytest.fixture
def indexed(catalog: Catalog) -> Catalog:
    catalog.put(*PRODUCTS)
    catalog.reindex()
    catalog.sync()
    return catalog


def _wait(check: object, timeout: float, what: str) -> float:
    """Poll `check()` until it is true; return how long that took."""
    assert callable(check)
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"{what} not within {timeout}s"
        time.sleep(0.25)
    return time.monotonic() - started


def _search_ids(system: System, q: str, **headers: str) -> list[str]:
    response = httpx.get(f"{system.url}/search", params={"q": q}, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["hits"]]


def test_a_document_deleted_by_hand_is_repaired_by_the_schedule_alone(
    indexed: Catalog, system: System
) -> None:
    assert _search_ids(system, "sander") == ["p3"]
    health = httpx.get(f"{system.url}/health", timeout=10).json()
    assert health["status"] == "ok", health  # the scheduler's heartbeat is fresh
    indexed.es.delete(index=alias_name(indexed.prefix), id="p3", refresh=True)
    # Searched with another word: "sander" is cached (a deletion by hand moves no generation). The
    # repair moves it, so a miss cached meanwhile cannot hide the repaired document.
    took = _wait(
        lambda: _search_ids(system, "orbital") == ["p3"],
        timeout=RECONCILE_SECONDS * 4 + 20,
        what="p3 back in search results",
    )
    print(f"repaired by the schedule {took:.1f}s after the deletion")


def test_searches_appear_in_reports_and_autocomplete_within_a_shipping_interval(
    indexed: Catalog, system: System
) -> None:
    merchandiser = bearer(indexed.engine, "merchandiser")
    for shopper in range(3):  # distinct shoppers, as a popularity rule may require
        _search_ids(system, "cordless drill", **{"X-Session-Id": f"shopper-{shopper}"})
    searched = time.monotonic()

    def reported() -> bool:
        response = httpx.get(
            f"{system.url}/admin/analytics/top-queries", headers=merchandiser, timeout=10
        )
        assert response.status_code == 200, response.text
        return any(row["query"] == "cordless drill" for row in response.json()["queries"])

    def suggested() -> bool:
        response = httpx.get(f"{system.url}/autocomplete", params={"q": "cordl"}, timeout=10)
        assert response.status_code == 200, response.text
        return any(entry["text"] == "cordless drill" for entry in response.json()["queries"])

    # One interval, plus the API's flush and the job's own run on a loaded 2-core machine.
    limit = SHIP_SECONDS * 3 + 10
    _wait(reported, timeout=limit, what="the query in top-queries")
    _wait(suggested, timeout=limit, what="the popular query in autocomplete")
    print(f"reported and suggested {time.monotonic() - searched:.1f}s after the searches")


def test_a_large_synonym_import_leaves_search_answering(indexed: Catalog, system: System) -> None:
    merchandiser = bearer(indexed.engine, "merchandiser")
    rules = "\n".join(f"word{i}a, word{i}b, word{i}c" for i in range(RULES)).encode()
    answered: list[tuple[float, float]] = []  # (sent, answered) of each search
    failures: list[str] = []
    stop = threading.Event()

    def search_loop() -> None:
        with httpx.Client(base_url=system.url, timeout=10) as client:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    response = client.get("/search", params={"q": "drill"})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code}: {response.text[:200]}")
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
                answered.append((started, time.monotonic()))
                time.sleep(0.05)

    loop = threading.Thread(target=search_loop)
    loop.start()
    try:
        time.sleep(0.5)
        import_started = time.monotonic()
        response = httpx.post(
            f"{system.url}/admin/synonyms/import",
            content=rules,
            headers={**merchandiser, "Content-Type": "text/plain"},
            timeout=60,
        )
        import_ended = time.monotonic()
        time.sleep(0.5)
    finally:
        stop.set()
        loop.join()
    assert response.status_code == 200, response.text[:500]
    assert response.json()["imported"] == RULES
    assert failures == []
    # Searches sent and answered while the import ran: none would be, if it held the event loop.
    # (How fast they are is the benchmark's business: `catalog bench synonym-import`.)
    during = [
        (sent, done) for sent, done in answered if import_started < sent and done < import_ended
    ]
    slowest = max(done - sent for sent, done in answered)
    print(
        f"{len(during)} searches answered during the {import_ended - import_started:.1f}s import,"
        f" slowest {slowest:.2f}s"
    )
    assert len(during) >= 3
