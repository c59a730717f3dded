"""Test fixtures: the real servers from `catalog services up`, isolated for the test run.

Tests use their own database (`<name>_test`, created fresh per run and migrated), Redis database 15
and the index prefix `test`; every test starts from empty tables, no `test-*` index and a flushed
Redis database. Nothing here is a stand-in: the servers are the ones the service runs on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import Engine, make_url, text

from catalog import connections
from catalog.connections import elasticsearch_client, redis_client
from catalog.settings import Settings, get_settings
from ops.servers import ServiceError
from search_api.app import create_app
from tests.support.catalog import Catalog, bearer
from tests.support.database import fresh_database
from tests.support.summary import SECTIONS

TEST_PREFIX = "test"


def _configure_environment() -> None:
    base = Settings()
    try:
        url = make_url(connections.database_url(base))
    except ServiceError:
        return  # no servers: only the pure-logic tests can run (make test starts them)
    os.environ["DATABASE_URL"] = url.set(database=f"{url.database}_test").render_as_string(
        hide_password=False
    )
    os.environ["REDIS_URL"] = connections.redis_url(base).rsplit("/", 1)[0] + "/15"
    os.environ["ELASTICSEARCH_URL"] = ",".join(connections.elasticsearch_urls(base))
    os.environ["INDEX_PREFIX"] = TEST_PREFIX
    get_settings.cache_clear()


_configure_environment()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    assert settings.database_url is not None
    test_engine = fresh_database(settings.database_url)
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
                "synonym_rules, synonym_changes, search_events, click_events, conversion_events, "
                "search_event_days, search_event_deletions, hidden_queries, ranking_changes, "
                "learned_boosts, learning_runs, learning_resets, merch_rules, merch_rule_changes "
                "RESTART IDENTITY CASCADE"
            )
        )
    _drop_test_indices(es)
    redis.flushdb()
    yield


@pytest.fixture
def catalog(engine: Engine, es: Elasticsearch, redis: Redis, settings: Settings) -> Catalog:
    return Catalog(engine, es, redis, settings.index_prefix)


@pytest.fixture
def api(catalog: Catalog, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def admin(engine: Engine, catalog: Catalog) -> dict[str, str]:
    return bearer(engine, "admin")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What the fault, cluster and recovery suites measured, shown even when they pass."""
    for section, lines in SECTIONS.items():
        terminalreporter.section(section)
        for line in lines:
            terminalreporter.line(line)
