"""The system tier: the shipped processes started as a user starts them, driven over HTTP only.

`catalog serve --workers 2`, `catalog worker` and `catalog scheduler` run as subprocesses with the
tests' servers, database, Redis database and index prefix (the environment `tests/conftest.py` set)
and short intervals, each in its own process group with its output in a log file. At teardown each
is stopped (SIGTERM, then SIGKILL), and no log may hold a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.system import System


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    """Start the three processes (after the test's data is in place: ask for `catalog` first)."""
    running = System(tmp_path)
    try:
        running.start("api", "serve", "--workers", "2")
        running.start("worker", "worker")
        running.start("scheduler", "scheduler")
        running.wait_serving()
        yield running
    finally:
        running.stop()
    assert running.tracebacks() == {}
