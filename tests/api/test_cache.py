"""The response cache against real Redis: one round trip for a cached request, and its lock.

Round trips are counted with a redis-py connection that counts what it sends: a pipeline is one
send, a plain command one send, a health-check PING one send.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from redis import Connection, Redis

from catalog.settings import Settings
from indexer.indices import alias_name
from search_api.app import create_app
from search_api.cache import request_key
from tests.support.catalog import Catalog

PRODUCTS: list[dict[str, Any]] = [
    {"id": "tv-1", "title": "Samsung 55in Television", "brand": "Samsung", "price": 499,
     "category": "Electronics > TVs"},
    {"id": "tv-2", "title": "Sony OLED Television", "brand": "Sony", "price": 1499,
     "category": "Electronics > TVs"},
]  # fmt: skip


class CountingConnection(Connection):
    """A real connection that counts its sends to Redis: each is one round trip."""

    sent = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        CountingConnection.sent += 1
        super().send_packed_command(command, check_health)  # type: ignore[no-untyped-call]


@pytest.fixture
def shop(catalog: Catalog) -> Catalog:
    catalog.put(*PRODUCTS)
    catalog.reindex()
    return catalog


def _client(settings: Settings, **update: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=update)))


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/search", {"q": "television", "brand": "Sony"}),
        ("/search", {}),
        ("/autocomplete", {"q": "tele"}),
        ("/facets/brand", {"q": "s", "query": "television"}),
    ],
)
def test_a_cached_request_costs_one_redis_round_trip(
    shop: Catalog, api: TestClient, path: str, params: dict[str, str]
) -> None:
    pool = api.app.state.redis.connection_pool  # type: ignore[attr-defined]
    pool.connection_class = CountingConnection
    pool.reset()  # new connections count (connecting costs its own round trips: done here)
    assert api.get(path, params=params).headers["X-Cache"] == "miss"
    assert api.get(path, params=params).headers["X-Cache"] == "hit"
    CountingConnection.sent = 0
    response = api.get(path, params=params)
    assert response.status_code == 200
    assert response.headers["X-Cache"] == "hit"
    # The rate-limit INCR and EXPIRE, and one MGET of generation, versions and entry: one pipeline.
    assert CountingConnection.sent == 1


def test_the_rate_limit_still_counts_in_that_round_trip(shop: Catalog, settings: Settings) -> None:
    with _client(settings, rate_limit_per_minute=3) as client:
        codes = [client.get("/search", params={"q": "tv"}).status_code for _ in range(5)]
        bad = client.get("/search", params={"page": "0"})  # counted before parameters are checked
    assert codes == [200, 200, 200, 429, 429]
    assert bad.status_code == 429


def test_a_failing_computation_releases_its_lock_at_once(
    shop: Catalog, api: TestClient, redis: Redis
) -> None:
    index = next(iter(shop.es.indices.get_alias(name=alias_name(shop.prefix)).body))
    shop.es.indices.close(index=index)
    try:
        failed = api.get("/search", params={"q": "television"})
        assert failed.status_code >= 500
        assert list(redis.scan_iter(match="*:lock")) == []
    finally:
        shop.es.indices.open(index=index, wait_for_active_shards="all")
    started = time.monotonic()
    response = api.get("/search", params={"q": "television"})
    assert response.status_code == 200
    assert response.headers["X-Cache"] == "miss"
    assert time.monotonic() - started < 1.0  # not the 2 s wait for a lock nobody holds


def test_a_waiter_that_times_out_answers_and_leaves_the_holders_lock(
    shop: Catalog, settings: Settings, redis: Redis
) -> None:
    key = request_key(settings.index_prefix, "/search", [("q", "television")])
    holder = redis.lock(f"{key}:lock", timeout=30)
    assert holder.acquire(blocking=False)
    with _client(settings, cache_wait_seconds=0.3) as client:
        started = time.monotonic()
        response = client.get("/search", params={"q": "television"})
        waited = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["hits"]
    assert response.headers["X-Cache"] == "miss"
    assert waited >= 0.3  # it did wait for the holder first
    assert holder.owned()  # the holder's token is still the lock's value
    holder.release()


def test_concurrent_requests_for_one_key_compute_once(shop: Catalog, settings: Settings) -> None:
    gate = threading.Barrier(8)
    answers: list[str] = []
    # Waiters give up after `cache_wait_seconds` and compute too (by design); a bound no cold
    # search on a loaded machine reaches keeps this about who computes, not how fast.
    patient = settings.model_copy(update={"cache_wait_seconds": 60.0})

    with TestClient(create_app(patient)) as api:

        def ask() -> None:
            gate.wait()
            answers.append(api.get("/search", params={"q": "samsung"}).headers["X-Cache"])

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(answers) == ["hit"] * 7 + ["miss"]
