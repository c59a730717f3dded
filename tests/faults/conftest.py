"""Fixtures of the fault suite: servers of its own that it may stop, worker processes it always kills.

The suite stops and restarts PostgreSQL, Redis and Elasticsearch, so it never uses the servers under
LOCAL_DIR (those `make demo` serves from): it starts its own under `<LOCAL_DIR>/test-servers` (or
FAULTS_LOCAL_DIR), on ports 30 above the main ones, and stops them after the session if it started
them. `settings`, `engine`, `es` and `redis` are overridden here, so every fixture built on them
(`catalog`, the per-test cleaning) talks to those servers; subprocesses get their URLs explicitly.
After each of its modules, the main servers must still run under the pids they had: the suite
never touched them. (The check is per module: `tests/services` later kills the main node on purpose.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis
from sqlalchemy import Engine, create_engine

from catalog.connections import elasticsearch_client, redis_client
from catalog.settings import Settings
from ops.servers import LocalServices
from tests.support.api_server import ApiServer
from tests.support.database import fresh_database
from tests.support.harness import (
    WorkerPool,
    environment_for,
    local_services,
    own_servers,
    server_pids,
)

#: The suite's servers listen this far above the main ones (5432 -> 5462, 9200 -> 9230, ...).
PORT_OFFSET = 30


@pytest.fixture(scope="session")
def services() -> Iterator[LocalServices]:
    """The suite's own servers, up; stopped after the session if it started them."""
    main = local_services()
    home = Path(os.environ.get("FAULTS_LOCAL_DIR") or main.local_dir / "test-servers")
    own = own_servers(main.settings, home, port_offset=PORT_OFFSET)
    assert own.local_dir.resolve() != main.local_dir.resolve()
    was_running = all(server.running() for server in own.managed())
    own.up(nodes=1)
    try:
        yield own
    finally:
        if not was_running:
            own.down()


@pytest.fixture(scope="module", autouse=True)
def main_servers_untouched() -> Iterator[None]:
    """The main servers run under the same pids after each fault module as before it."""
    main = local_services()
    before = server_pids(main)
    yield
    assert server_pids(main) == before, "the fault suite stopped or restarted the main servers"


@pytest.fixture(scope="session")
def fault_environment(services: LocalServices) -> dict[str, str]:
    """The environment of this suite's `catalog` subprocesses: its own servers."""
    return {**os.environ, **environment_for(services)}


@pytest.fixture(scope="session")
def settings(fault_environment: dict[str, str]) -> Settings:
    return Settings(
        database_url=fault_environment["DATABASE_URL"],
        redis_url=fault_environment["REDIS_URL"],
        elasticsearch_url=fault_environment["ELASTICSEARCH_URL"],
        index_prefix=fault_environment["INDEX_PREFIX"],
        local_dir=Path(fault_environment["LOCAL_DIR"]),
    )


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


@pytest.fixture
def servers(services: LocalServices, engine: Engine) -> Iterator[LocalServices]:
    """The suite's servers, all brought back up after the test however it ended."""
    try:
        yield services
    finally:
        if not all(server.running() for server in services.managed()):
            services.up(nodes=len(services.elasticsearch.nodes()))
        engine.dispose()  # the session engine's pooled connections may predate a restart


@pytest.fixture
def fault_engine(settings: Settings) -> Iterator[Engine]:
    """An engine that checks connections before use: the tests outlive server restarts."""
    assert settings.database_url is not None
    engine = create_engine(
        settings.database_url, pool_pre_ping=True, connect_args={"connect_timeout": 5}
    )
    yield engine
    engine.dispose()


@pytest.fixture
def workers(tmp_path: Path, fault_environment: dict[str, str]) -> Iterator[WorkerPool]:
    """`catalog worker` processes on the suite's servers; all killed at teardown."""
    pool = WorkerPool(tmp_path, fault_environment)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def api_server(tmp_path: Path, fault_environment: dict[str, str]) -> Iterator[ApiServer]:
    """`catalog serve` on the suite's servers, started by the tests that need it; killed."""
    server = ApiServer(tmp_path, fault_environment)
    try:
        yield server
    finally:
        server.close()
