"""Test fixtures: the real servers from `catalog services up`, isolated for the test run.

Tests use their own database (`<name>_test`, created fresh per run and migrated), Redis database 15
and the index prefix `test`; every test starts from empty tables, no `test-*` index and a flushed
Redis database. Nothing here is a stand-in: the servers are the ones the service runs on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from redis import Redis
from rq.worker import SimpleWorker
from sqlalchemy import Engine, create_engine, make_url, text

from catalog import endpoints
from catalog.clients import elasticsearch_client, redis_client
from catalog.keys import create_key
from catalog.products import upsert_products
from catalog.services import ServiceError
from catalog.settings import Settings, get_settings
from indexer.indices import alias_name
from indexer.jobs import index_queue
from indexer.metrics import bump_generation
from indexer.outbox import Dispatcher
from indexer.reindex import reindex
from schemas.product import CanonicalProduct
from search_api.app import create_app

TEST_PREFIX = "test"


def _configure_environment() -> None:
    base = Settings()
    try:
        url = make_url(endpoints.database_url(base))
    except ServiceError:
        return  # no servers: only the pure-logic tests can run (make test starts them)
    os.environ["DATABASE_URL"] = url.set(database=f"{url.database}_test").render_as_string(
        hide_password=False
    )
    os.environ["REDIS_URL"] = endpoints.redis_url(base).rsplit("/", 1)[0] + "/15"
    os.environ["ELASTICSEARCH_URL"] = ",".join(endpoints.elasticsearch_urls(base))
    os.environ["INDEX_PREFIX"] = TEST_PREFIX
    get_settings.cache_clear()


_configure_environment()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    from catalog.database import migrate

    assert settings.database_url is not None
    url = make_url(settings.database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    migrate(settings.database_url)
    test_engine = create_engine(url)
    yield test_engine
    test_engine.dispose()


@pytest.fixture(scope="session")
def es(settings: Settings) -> Iterator[Elasticsearch]:
    client = elasticsearch_client(settings, request_timeout=60)
    yield client
    client.close()


@pytest.fixture(scope="session")
def redis(settings: Settings) -> Redis:
    return redis_client(settings)


def _drop_test_indices(es: Elasticsearch) -> None:
    names = list(es.indices.get(index=f"{TEST_PREFIX}-*", expand_wildcards="all").body)
    if names:
        es.indices.delete(index=",".join(names))


@pytest.fixture(autouse=True)
def clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty catalog, no test index, flushed Redis database: for every test that uses servers."""
    if not {"engine", "es", "redis", "catalog", "api"} & set(request.fixturenames):
        yield
        return
    engine: Engine = request.getfixturevalue("engine")
    es: Elasticsearch = request.getfixturevalue("es")
    redis: Redis = request.getfixturevalue("redis")
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE products, brands, categories, outbox, search_indices, api_keys, "
                "synonym_rules, synonym_changes, search_events, click_events, "
                "search_event_days, search_event_deletions, hidden_queries "
                "RESTART IDENTITY CASCADE"
            )
        )
    _drop_test_indices(es)
    redis.flushdb()
    yield


class Catalog:
    """Drives the real data path in tests: write to PostgreSQL, index through RQ, reindex."""

    def __init__(self, engine: Engine, es: Elasticsearch, redis: Redis, prefix: str) -> None:
        self.engine, self.es, self.redis, self.prefix = engine, es, redis, prefix

    def put(self, *products: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            result = upsert_products(conn, [CanonicalProduct.model_validate(p) for p in products])
        return result.last_version

    def sql(self, statement: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(statement), params)

    def outbox(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT product_id FROM outbox ORDER BY seq"))]

    def reindex(self) -> str:
        result = reindex(self.engine, self.es, self.prefix)
        bump_generation(self.redis, self.prefix)
        return result.index

    def sync(self) -> None:
        """Dispatch the outbox and run the queued jobs to completion, as a worker would."""
        queue = index_queue(self.redis)
        Dispatcher(self.engine, queue, redispatch_after=3600).drain()
        SimpleWorker([queue], connection=self.redis).work(burst=True, logging_level="WARNING")

    def search_ids(self, **body: Any) -> list[str]:
        self.es.indices.refresh(index=alias_name(self.prefix))
        hits = self.es.search(index=alias_name(self.prefix), **body)["hits"]["hits"]
        return [hit["_id"] for hit in hits]


@pytest.fixture
def catalog(engine: Engine, es: Elasticsearch, redis: Redis, settings: Settings) -> Catalog:
    return Catalog(engine, es, redis, settings.index_prefix)


@pytest.fixture
def api(catalog: Catalog, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def bearer(engine: Engine, role: str) -> dict[str, str]:
    """Headers carrying a fresh key of this role."""
    with engine.begin() as conn:
        _, key = create_key(conn, role=role, name=f"test {role}")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin(engine: Engine, catalog: Catalog) -> dict[str, str]:
    return bearer(engine, "admin")
