"""The scheduler against the real Redis: one active among several, takeover, runs recorded.

The `Scheduler` is ticked by hand here (no timing races); the system tier runs the real process.
"""

from __future__ import annotations

import os
import subprocess
import time

import orjson
import pytest
from rq.worker import SimpleWorker

from catalog import redis_keys
from catalog.settings import PROJECT_ROOT, Settings
from indexer.jobs import index_queue
from indexer.schedule import JOBS, job_id, last_runs, run_scheduled
from indexer.scheduler import Scheduler
from tests.support.catalog import Catalog

CATALOG = str(PROJECT_ROOT / ".venv" / "bin" / "catalog")


def _scheduler(catalog: Catalog, settings: Settings, lock_seconds: float = 30) -> Scheduler:
    fast = settings.model_copy(update={"scheduler_lock_seconds": lock_seconds})
    return Scheduler(catalog.redis, index_queue(catalog.redis), fast)


def _queued(catalog: Catalog) -> list[str]:
    return sorted(index_queue(catalog.redis).get_job_ids())


def test_one_of_two_schedulers_enqueues_each_job_once(catalog: Catalog, settings: Settings) -> None:
    first, second = _scheduler(catalog, settings), _scheduler(catalog, settings)
    first.tick()
    second.tick()
    assert (first.active, second.active) == (True, False)
    expected = sorted(job_id(catalog.prefix, job.name) for job in JOBS)
    assert _queued(catalog) == expected
    beat = orjson.loads(catalog.redis.get(redis_keys.scheduler_heartbeat(catalog.prefix)) or b"{}")
    assert time.time() - beat["at"] < 5
    # Due again at once, but the runs are still queued: nothing piles up behind a slow worker.
    catalog.redis.delete(*(redis_keys.job_enqueued(catalog.prefix, job.name) for job in JOBS))
    first.tick()
    assert _queued(catalog) == expected


def test_a_standby_takes_over_when_the_lock_expires(catalog: Catalog, settings: Settings) -> None:
    first, second = _scheduler(catalog, settings, 1), _scheduler(catalog, settings, 1)
    first.tick()
    second.tick()
    assert (first.active, second.active) == (True, False)
    time.sleep(1.3)  # the first one stopped ticking (a lost machine): its lock runs out
    second.tick()
    assert second.active
    first.tick()  # it comes back: the lock is someone else's now, it stands by
    assert not first.active


def test_the_worker_runs_the_scheduled_jobs_and_records_how_they_ended(
    catalog: Catalog, settings: Settings
) -> None:
    catalog.put({"id": "p1", "title": "Cordless Drill"})
    catalog.reindex()
    catalog.sync()
    _scheduler(catalog, settings).tick()
    SimpleWorker([index_queue(catalog.redis)], connection=catalog.redis).work(
        burst=True, logging_level="WARNING"
    )
    runs = last_runs(catalog.redis, catalog.prefix)
    assert {name: run and run["status"] for name, run in runs.items()} == {
        "reconcile": "ok",
        "analytics-ship": "ok",
        "analytics-rollup": "ok",
        "learning": "ok",
    }
    assert runs["reconcile"] is not None
    assert runs["reconcile"]["outcome"]["postgres"] == 1
    result = subprocess.run(
        [CATALOG, "outbox", "status"],
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "250", **_env()},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "last reconcile" in result.stdout
    assert "ok in" in result.stdout
    assert "differences 0" in result.stdout


def test_a_failed_run_is_recorded_as_failed(catalog: Catalog) -> None:
    # No index at all (the fixture dropped it): reconciliation cannot compare and fails.
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever Elasticsearch raises
        run_scheduled("reconcile")
    run = last_runs(catalog.redis, catalog.prefix)["reconcile"]
    assert run is not None
    assert run["status"] == "failed"
    assert run["error"]


def _env() -> dict[str, str]:
    names = ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "INDEX_PREFIX")
    return {name: os.environ[name] for name in names}
