"""`catalog services`: the local servers come back after a crash, and `up` is idempotent.

It kills the main Elasticsearch node (the one the rest of the suite uses) and brings it back, so
the tests that follow it find the node up again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from elasticsearch import Elasticsearch

from catalog.settings import Settings
from ops.servers import LocalServices
from ops.servers.process import pid_alive, read_pid
from tests.support.cli import CATALOG


def _local() -> LocalServices:
    return LocalServices(Settings(database_url=None, redis_url=None, elasticsearch_url=None))


def _up() -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}
    }
    return subprocess.run(
        [CATALOG, "services", "up"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_up_is_idempotent_and_quick_when_everything_runs() -> None:
    started = time.monotonic()
    result = _up()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    assert all(row.running for row in _local().status())


@pytest.mark.slow
def test_up_brings_back_a_killed_elasticsearch(es: Elasticsearch) -> None:
    local = _local()
    pid = read_pid(local.elasticsearch.node_dir(1) / "es.pid")
    assert pid is not None
    assert pid_alive(pid)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _local().elasticsearch.running()
    result = _up()
    assert result.returncode == 0, result.stderr
    assert _local().elasticsearch.running()
    assert es.cluster.health(wait_for_status="yellow", timeout="60s")["status"] in {
        "green",
        "yellow",
    }
