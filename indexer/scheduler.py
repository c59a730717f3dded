"""`catalog scheduler`: enqueue the scheduled jobs at their intervals, exactly one scheduler at a time.

It runs in the main thread of its own process (signal handlers may only be installed there, which is
what killed RQ's cron thread inside the worker). Any number may run: each tick, one holds a Redis lock
with a TTL and renews it; the others stand by and take it over once it expires, so the schedule
survives the loss of a machine within one lock lifetime.

The scheduler only enqueues: the jobs run on the workers, which already hold the connections, retry
and keep failures, and a reconciliation of a large catalog can take minutes, far longer than the lock
may go unrenewed.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from types import FrameType

import orjson
from redis import Redis
from redis.exceptions import LockError, RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from catalog import redis_keys
from catalog.connections import redis_client
from catalog.settings import Settings, get_settings
from indexer.jobs import index_queue
from indexer.schedule import (
    JOBS,
    ScheduledJob,
    job_id,
    run_scheduled,
)

log = logging.getLogger(__name__)

#: A job still in one of these states is not enqueued again.
PENDING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}
#: A failed run is kept this long for `catalog outbox retry`.
FAILURE_TTL = 24 * 3600


class Scheduler:
    def __init__(self, redis: Redis, queue: Queue, settings: Settings) -> None:
        self.redis, self.queue, self.settings = redis, queue, settings
        self.prefix = settings.index_prefix
        self.lock = redis.lock(
            redis_keys.scheduler_lock(self.prefix),
            timeout=settings.scheduler_lock_seconds,
            thread_local=False,
        )
        self.active = False

    @property
    def tick_seconds(self) -> float:
        """Often enough to renew the lock three times per lifetime and to keep short intervals."""
        return min(1.0, self.settings.scheduler_lock_seconds / 3)

    def run(self, stop: threading.Event) -> None:
        """Tick until `stop` is set, then hand the lock over at once."""
        try:
            while not stop.is_set():
                self.tick()
                stop.wait(self.tick_seconds)
        finally:
            if self.active:
                try:
                    self.lock.release()
                except (LockError, RedisError) as exc:
                    log.warning("could not release the scheduler lock: %s", exc)

    def tick(self) -> None:
        """Hold or take the lock; if held, write the heartbeat and enqueue whatever is due."""
        try:
            active = self._hold_lock()
            if active != self.active:
                log.warning("scheduler %s", "active" if active else "standing by")
            self.active = active
            if active:
                self._heartbeat()
                for job in JOBS:
                    self._enqueue_if_due(job)
        except RedisError as exc:
            log.warning("Redis unavailable (%s); the scheduler retries", exc)

    def _hold_lock(self) -> bool:
        if self.active:
            try:
                self.lock.reacquire()
                return True
            except LockError:  # expired and possibly taken: stand by, try to take it below
                log.warning("the scheduler lock expired under this scheduler")
        return bool(self.lock.acquire(blocking=False))

    def _heartbeat(self) -> None:
        beat = {"at": time.time(), "pid": os.getpid(), "host": socket.gethostname()}
        self.redis.set(
            redis_keys.scheduler_heartbeat(self.prefix),
            orjson.dumps(beat),
            ex=int(self.settings.scheduler_lock_seconds * 10),
        )

    def _enqueue_if_due(self, job: ScheduledJob) -> None:
        now = time.time()
        last = self.redis.get(redis_keys.job_enqueued(self.prefix, job.name))
        if last is not None and now - float(last) < job.every(self.settings):
            return
        jid = job_id(self.prefix, job.name)
        try:
            if Job.fetch(jid, connection=self.redis).get_status() in PENDING:
                return  # the last run has not finished: never pile runs up behind a slow worker
        except NoSuchJobError:
            pass
        self.queue.enqueue(
            run_scheduled,
            job.name,
            job_id=jid,
            job_timeout=job.timeout,
            result_ttl=0,
            failure_ttl=FAILURE_TTL,
        )
        self.redis.set(redis_keys.job_enqueued(self.prefix, job.name), now)


def run_scheduler() -> None:
    """The process: tick until SIGTERM or SIGINT (Ctrl-C)."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(message)s")
    redis = redis_client(settings)
    Scheduler(redis, index_queue(redis), settings).run(stop)
