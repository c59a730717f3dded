"""The scheduled jobs, and the Redis keys that record them.

One registry for everyone who speaks of the schedule: `catalog scheduler` enqueues these jobs at their
intervals (from the settings), a `catalog worker` runs them through `run_scheduled`, which writes how
each run ended, and `catalog outbox status` and `/health` read those keys back. Every key name the
schedule uses is defined here and nowhere else.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from redis import Redis
from redis.exceptions import RedisError

from catalog import redis_keys
from catalog.analytics.jobs import JOB_TIMEOUT as ANALYTICS_TIMEOUT
from catalog.analytics.jobs import learn_boosts, rollup_analytics, ship_analytics
from catalog.connections import redis_client
from catalog.settings import Settings, get_settings
from indexer.jobs import reconcile

log = logging.getLogger(__name__)

#: How long a run's outcome stays readable (a week of `catalog outbox status`).
LAST_RUN_TTL = 7 * 24 * 3600


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    run: Callable[[], dict[str, Any]]
    #: The job's interval, read from the settings so that every process agrees on it.
    every: Callable[[Settings], float]
    timeout: int


JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob("reconcile", reconcile, lambda s: s.reconcile_seconds, 1800),
    ScheduledJob(
        "analytics-ship", ship_analytics, lambda s: s.analytics_ship_seconds, ANALYTICS_TIMEOUT
    ),
    ScheduledJob(
        "analytics-rollup", rollup_analytics, lambda s: s.rollup_seconds, ANALYTICS_TIMEOUT
    ),
    ScheduledJob("learning", learn_boosts, lambda s: s.learning_seconds, ANALYTICS_TIMEOUT),
)
JOBS_BY_NAME = {job.name: job for job in JOBS}


def job_id(prefix: str, name: str) -> str:
    """The RQ job id of a scheduled job: one per name, so a slow run is never queued twice."""
    return f"{prefix}-schedule-{name}"


def run_scheduled(name: str) -> dict[str, Any]:
    """The RQ job the scheduler enqueues: run the named job and record how it ended."""
    job = JOBS_BY_NAME[name]
    prefix = get_settings().index_prefix
    started = time.time()
    record: dict[str, Any] = {"at": int(started)}
    try:
        outcome = job.run()
    except Exception as exc:
        record |= {"status": "failed", "error": "".join(traceback.format_exception_only(exc))}
        _write(prefix, name, record, started)
        raise
    record |= {"status": "ok", "outcome": outcome}
    _write(prefix, name, record, started)
    return outcome


def _write(prefix: str, name: str, record: dict[str, Any], started: float) -> None:
    record["seconds"] = round(time.time() - started, 3)
    try:
        redis_client().set(
            redis_keys.job_last_run(prefix, name), orjson.dumps(record), ex=LAST_RUN_TTL
        )
    except RedisError as exc:  # the run's own outcome matters more than its record
        log.warning("could not record the %s run: %s", name, exc)


def last_runs(redis: Redis, prefix: str) -> dict[str, dict[str, Any] | None]:
    """Each scheduled job's last recorded run (None: not run within `LAST_RUN_TTL`)."""
    raw = redis.mget([redis_keys.job_last_run(prefix, job.name) for job in JOBS])
    return {
        job.name: orjson.loads(value) if value else None
        for job, value in zip(JOBS, raw, strict=True)
    }


def heartbeat_age(redis: Redis, prefix: str) -> float | None:
    """Seconds since the active scheduler's last tick (None: no scheduler has been seen)."""
    raw = redis.get(redis_keys.scheduler_heartbeat(prefix))
    if raw is None:
        return None
    return max(0.0, time.time() - float(orjson.loads(raw)["at"]))


def describe_schedule(redis: Redis, prefix: str) -> list[tuple[str, str]]:
    """Rows for `catalog outbox status`: the scheduler's heartbeat, then each job's last run."""
    age = heartbeat_age(redis, prefix)
    rows = [("scheduler heartbeat", "never seen" if age is None else f"{age:.1f}s ago")]
    for name, run in last_runs(redis, prefix).items():
        if run is None:
            rows.append((f"last {name}", "not run"))
            continue
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(run["at"]))
        if run["status"] == "ok":
            summary = ", ".join(
                f"{key} {value}"
                for key, value in run["outcome"].items()
                if isinstance(value, int | float) and key != "at"
            )
            rows.append((f"last {name}", f"{when} UTC: ok in {run['seconds']}s ({summary})"))
        else:
            rows.append((f"last {name}", f"{when} UTC: FAILED: {run['error'].strip()[:200]}"))
    return rows
