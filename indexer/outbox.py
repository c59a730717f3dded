"""The dispatcher: moves outbox entries into RQ jobs, woken by LISTEN/NOTIFY, polling as a fallback.

Entries are claimed with `FOR UPDATE SKIP LOCKED` (several dispatchers may run), grouped into jobs of
distinct products, enqueued, and only then marked dispatched in the same transaction. An entry stays in
the outbox until a worker has applied it; one dispatched long ago and still there (its job was lost
with a Redis restart, or failed for good) is dispatched again. So the outbox, not Redis, is the record
of what remains to be done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from rq import Queue
from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

CHANNEL = "catalog_outbox"

CLAIM = text(
    """
    UPDATE outbox SET dispatched_at = clock_timestamp(), attempts = attempts + 1
    WHERE seq IN (
        SELECT seq FROM outbox
        WHERE dispatched_at IS NULL
           OR dispatched_at < clock_timestamp() - make_interval(secs => :redispatch_after)
        ORDER BY seq LIMIT :limit
        FOR UPDATE SKIP LOCKED)
    RETURNING seq, product_id
    """
)


def batches(claimed: list[tuple[int, str]], size: int) -> Iterator[dict[str, int]]:
    """Distinct products per job (the newest seq of each), at most `size` per job."""
    newest: dict[str, int] = {}
    for seq, product_id in claimed:
        newest[product_id] = max(seq, newest.get(product_id, 0))
    items = sorted(newest.items(), key=lambda item: item[1])
    for start in range(0, len(items), size):
        yield dict(items[start : start + size])


@dataclass
class Dispatcher:
    engine: Engine
    queue: Queue
    batch_size: int = 500
    claim_limit: int = 5000
    redispatch_after: float = 30.0
    poll_interval: float = 1.0
    #: Back-pressure: while this many jobs wait in the queue, entries stay in the outbox, so the
    #: next claim takes them as one larger batch instead of many tiny jobs that each pay a refresh.
    max_queued: int = 2
    busy_poll: float = 0.02

    def dispatch_once(self) -> int:
        """Claim and enqueue one round of entries; return how many entries were claimed."""
        from indexer.jobs import enqueue_index_jobs

        with self.engine.begin() as conn:
            claimed = [
                (int(row[0]), str(row[1]))
                for row in conn.execute(
                    CLAIM, {"limit": self.claim_limit, "redispatch_after": self.redispatch_after}
                )
            ]
            if claimed:
                enqueue_index_jobs(self.queue, list(batches(claimed, self.batch_size)))
        return len(claimed)

    def drain(self) -> int:
        total = 0
        while (claimed := self.dispatch_once()) > 0:
            total += claimed
            if claimed < self.claim_limit:
                break
        return total

    def run(self, stop: threading.Event) -> None:
        """Dispatch until `stop` is set; survives PostgreSQL and Redis outages by retrying."""
        while not stop.is_set():
            try:
                self._listen_and_dispatch(stop)
            except Exception:  # any outage: log, back off, reconnect
                log.exception("dispatcher error; retrying in 1s")
                stop.wait(1.0)

    def _listen_and_dispatch(self, stop: threading.Event) -> None:
        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as listener:
            listener.execute(f"LISTEN {CHANNEL}")
            while not stop.is_set():
                if self.queue.count >= self.max_queued:
                    stop.wait(self.busy_poll)
                    continue
                self.drain()
                # Wake on the first notification or after the poll interval, whichever comes first.
                for _ in listener.notifies(timeout=self.poll_interval, stop_after=1):
                    pass
