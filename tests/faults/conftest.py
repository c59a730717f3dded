"""Fixtures of the fault suite: the local servers it may stop, worker processes it always kills."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from catalog.settings import Settings
from ops.servers import LocalServices
from tests.faults.api import ApiServer
from tests.faults.harness import SUMMARY, WorkerPool, local_services, same_servers


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Changes applied and faults survived per test, shown even when every test passes."""
    if SUMMARY:
        terminalreporter.section("fault suite")
        for line in SUMMARY:
            terminalreporter.line(line)


@pytest.fixture(scope="session")
def services(settings: Settings) -> LocalServices:
    """The servers under LOCAL_DIR; the suite stops and restarts them, so they must be the tests'."""
    found = local_services()
    mismatch = same_servers(found, settings)
    if mismatch is not None:
        pytest.skip(f"fault tests restart the project's local servers, but {mismatch}")
    return found


@pytest.fixture
def servers(services: LocalServices, engine: Engine) -> Iterator[LocalServices]:
    """The local servers, all brought back up after the test however it ended."""
    try:
        yield services
    finally:
        if not all(server.running() for server in services.managed()):
            services.up(nodes=len(services.elasticsearch.nodes()))
        engine.dispose()  # the session engine's pooled connections may predate a restart


@pytest.fixture
def fault_engine(settings: Settings, services: LocalServices) -> Iterator[Engine]:
    """An engine that checks connections before use: the tests outlive server restarts."""
    assert settings.database_url is not None
    engine = create_engine(
        settings.database_url, pool_pre_ping=True, connect_args={"connect_timeout": 5}
    )
    yield engine
    engine.dispose()


@pytest.fixture
def workers(tmp_path: Path, services: LocalServices) -> Iterator[WorkerPool]:
    """`catalog worker` processes with the tests' environment; all killed at teardown."""
    pool = WorkerPool(tmp_path, dict(os.environ))
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def api_server(tmp_path: Path, services: LocalServices) -> Iterator[ApiServer]:
    """`catalog serve` with the tests' environment, started by the tests that need it; killed."""
    server = ApiServer(tmp_path, dict(os.environ))
    try:
        yield server
    finally:
        server.close()
