"""`catalog worker`: an RQ worker for the index queue, with the outbox dispatcher beside it.

Jobs run in the worker's own process (RQ's SimpleWorker): they are short bulk writes, and a fork per
job would cost more than the job. Several workers may run at once; each also runs a dispatcher
thread, which is safe because claiming outbox entries skips rows another dispatcher holds.
"""

from __future__ import annotations

import logging
import threading
import time
from types import FrameType

from prometheus_client import start_http_server
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue
from rq.worker import SimpleWorker

from catalog.connections import redis_client, shared_engine
from indexer.jobs import index_queue
from indexer.outbox import Dispatcher

log = logging.getLogger(__name__)


def run_worker(
    *,
    dispatcher: bool = True,
    burst: bool = False,
    metrics_port: int | None = None,
) -> None:
    """Index until stopped (or, with `burst`, until the outbox and the queue are empty).

    Also runs the scheduled jobs that `catalog scheduler` enqueues on the same queue.
    """
    redis = redis_client()
    queue = index_queue(redis)
    stop = threading.Event()
    thread: threading.Thread | None = None
    if metrics_port:
        start_http_server(metrics_port, addr="127.0.0.1")
    if dispatcher:
        outbox = Dispatcher(shared_engine(), queue)
        if burst:
            outbox.drain()
        else:
            thread = threading.Thread(
                target=outbox.run, args=(stop,), name="dispatcher", daemon=True
            )
            thread.start()
    try:
        _work_until_stopped(queue, redis, burst=burst)
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=5)


class IndexWorker(SimpleWorker):
    """RQ's in-process worker that remembers a stop request (RQ raises it away when idle)."""

    stopping = threading.Event()

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]


def _work_until_stopped(queue: Queue, redis: Redis, *, burst: bool) -> None:
    """Run RQ's worker loop, and start a new one whenever Redis drops it.

    RQ's loop survives a Redis outage only while it waits for a job; one that hits Redis while
    finishing a job quits. Work is never lost either way (the outbox redispatches), but a worker that
    exits stops indexing, so it waits for Redis and carries on instead.
    """
    while True:
        try:
            redis.ping()
            worker = IndexWorker([queue], connection=redis)
            worker.work(burst=burst, with_scheduler=not burst, logging_level="WARNING")
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("Redis unavailable (%s); retrying in 1s", exc)
            time.sleep(1)
            continue
        if burst or IndexWorker.stopping.is_set():
            return
        log.warning("RQ worker loop ended without a stop request; starting a new one")
