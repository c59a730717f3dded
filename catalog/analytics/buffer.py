"""The API's analytics buffer: requests append in memory, a thread writes batches to PostgreSQL.

A search must not wait for its own event to be written, nor fail because it could not be: recording
is a list append under a lock, and the writes happen in one background thread, every
`ANALYTICS_FLUSH_SECONDS` or as soon as `ANALYTICS_BATCH_SIZE` events wait, one transaction and one
multi-row INSERT per batch. When PostgreSQL is down the events wait in memory, at most
`ANALYTICS_MAX_PENDING` of them; past that, new events are dropped and counted
(`catalog_analytics_events_total{outcome="dropped"}`), so an outage costs analytics, never searches
or memory. A batch PostgreSQL refuses (a row it cannot take) is written again row by row, so one bad
event costs itself only, never the other shoppers' events of its batch. Stopping the buffer (the
app's shutdown) writes what is left.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TypeVar

from prometheus_client import Counter, Gauge
from sqlalchemy import Engine, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from catalog.analytics.events import ClickRecord, ConversionRecord, SearchRecord
from schemas.analytics import ClickEvent, ConversionEvent, SearchEvent

log = logging.getLogger(__name__)
Record = TypeVar("Record", SearchRecord, ClickRecord, ConversionRecord)

EVENTS = Counter(
    "catalog_analytics_events_total",
    "Analytics events by type and outcome (written, dropped, failed).",
    ["type", "outcome"],
)
FLUSH_FAILURES = Counter(
    "catalog_analytics_flush_failures_total", "Analytics batches PostgreSQL did not take."
)
PENDING = Gauge("catalog_analytics_pending_events", "Analytics events waiting to be written.")


#: Clicks and conversions sent without a session id take their search's, whichever of the two
#: reached PostgreSQL first: the recommendations group events by session.
SESSION_FROM_SEARCH = (
    "UPDATE {table} t SET session_id = s.session_id FROM search_events s "
    "WHERE s.search_id = t.search_id AND t.session_id IS NULL AND s.session_id IS NOT NULL "
    "AND t.search_id = ANY(:ids)"
)


def write_events(
    engine: Engine,
    searches: Sequence[SearchRecord],
    clicks: Sequence[ClickRecord],
    conversions: Sequence[ConversionRecord] = (),
) -> None:
    """Write one batch in one transaction (a retried batch does not duplicate its searches).

    A click or a conversion bumps its search's `revision`, so shipping sends the search's document
    again with it counted. One whose search is not in PostgreSQL yet bumps nothing: that search is
    still unshipped, and it joins its clicks and conversions when it is shipped.
    """
    with engine.begin() as conn:
        if searches:
            conn.execute(
                pg_insert(SearchEvent).on_conflict_do_nothing(index_elements=["search_id"]),
                [record.row() for record in searches],
            )
        if clicks:
            # One click per (search, product): a repeat already recorded is ignored.
            conn.execute(
                pg_insert(ClickEvent).on_conflict_do_nothing(
                    index_elements=["search_id", "product_id"]
                ),
                [record.row() for record in clicks],
            )
        if conversions:
            # One conversion of each kind per (search, product), likewise.
            conn.execute(
                pg_insert(ConversionEvent).on_conflict_do_nothing(
                    index_elements=["search_id", "product_id", "kind"]
                ),
                [record.row() for record in conversions],
            )
        followed = sorted(
            {click.search_id for click in clicks} | {sale.search_id for sale in conversions}
        )
        if followed:
            conn.execute(
                text(
                    "UPDATE search_events SET revision = revision + 1 WHERE search_id = ANY(:ids)"
                ),
                {"ids": followed},
            )
        linked = sorted({*followed, *(search.search_id for search in searches)})
        if linked:
            for table in ("click_events", "conversion_events"):
                conn.execute(text(SESSION_FROM_SEARCH.format(table=table)), {"ids": linked})


class EventBuffer:
    """Thread-safe in-memory buffer with a flushing thread; `flush()` also works without it."""

    def __init__(
        self,
        engine: Engine,
        *,
        flush_seconds: float = 1.0,
        batch_size: int = 500,
        max_pending: int = 50_000,
    ) -> None:
        self.engine = engine
        self.flush_seconds = flush_seconds
        self.batch_size = batch_size
        self.max_pending = max_pending
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._searches: list[SearchRecord] = []
        self._clicks: list[ClickRecord] = []
        self._conversions: list[ConversionRecord] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="analytics-buffer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and write what is pending (a last attempt; failures are counted)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.flush()

    def record_search(self, record: SearchRecord) -> None:
        self._add(record, self._searches, "search")

    def record_click(self, record: ClickRecord) -> None:
        self._add(record, self._clicks, "click")

    def record_conversion(self, record: ConversionRecord) -> None:
        self._add(record, self._conversions, "conversion")

    def pending(self) -> int:
        with self._lock:
            return self._waiting()

    def _waiting(self) -> int:
        return len(self._searches) + len(self._clicks) + len(self._conversions)

    def _add(self, record: Record, into: list[Record], kind: str) -> None:
        with self._lock:
            waiting = self._waiting()
            if waiting >= self.max_pending:
                EVENTS.labels(kind, "dropped").inc()
                return
            into.append(record)
        if waiting + 1 >= self.batch_size:
            self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the thread must outlive any bug in one batch
                log.exception("analytics flush failed")

    def flush(self) -> int:
        """Write everything pending now; return how many events were written."""
        with self._flushing:
            with self._lock:
                searches, self._searches = self._searches, []
                clicks, self._clicks = self._clicks, []
                conversions, self._conversions = self._conversions, []
            total = len(searches) + len(clicks) + len(conversions)
            if not total:
                PENDING.set(0)
                return 0
            try:
                write_events(self.engine, searches, clicks, conversions)
            except SQLAlchemyError as exc:
                FLUSH_FAILURES.inc()
                refused = (
                    isinstance(exc, DBAPIError)
                    and not isinstance(exc, OperationalError)
                    and not exc.connection_invalidated
                )
                if not refused:  # PostgreSQL unreachable: keep the batch for the next flush
                    log.warning("analytics events kept for a retry: %s", str(exc).splitlines()[0])
                    self._put_back(searches, clicks, conversions)
                else:  # a row of the batch is bad: write them one by one, drop only the bad
                    log.error("analytics batch refused: %s", str(exc).splitlines()[0])
                    written = self._write_one_by_one(searches, clicks, conversions)
                    PENDING.set(self.pending())
                    return written
                PENDING.set(self.pending())
                return 0
            EVENTS.labels("search", "written").inc(len(searches))
            EVENTS.labels("click", "written").inc(len(clicks))
            EVENTS.labels("conversion", "written").inc(len(conversions))
            PENDING.set(self.pending())
            return total

    def _write_one_by_one(
        self,
        searches: list[SearchRecord],
        clicks: list[ClickRecord],
        conversions: list[ConversionRecord],
    ) -> int:
        """Each event in its own transaction; the ones PostgreSQL refuses are dropped, counted."""
        written = 0
        single: list[tuple[str, list[SearchRecord], list[ClickRecord], list[ConversionRecord]]] = [
            *(("search", [s], [], []) for s in searches),
            *(("click", [], [c], []) for c in clicks),
            *(("conversion", [], [], [v]) for v in conversions),
        ]
        for kind, search, click, conversion in single:
            try:
                write_events(self.engine, search, click, conversion)
            except SQLAlchemyError as exc:
                log.error("analytics %s event refused, dropped: %s", kind, str(exc).splitlines()[0])
                EVENTS.labels(kind, "failed").inc()
                continue
            EVENTS.labels(kind, "written").inc()
            written += 1
        return written

    def _put_back(
        self,
        searches: list[SearchRecord],
        clicks: list[ClickRecord],
        conversions: list[ConversionRecord],
    ) -> None:
        """Return a failed batch ahead of newer events, dropping the newest beyond the bound:
        conversions, then clicks, then searches (what follows a search is worth less without it)."""
        with self._lock:
            self._searches[:0] = searches
            self._clicks[:0] = clicks
            self._conversions[:0] = conversions
            excess = self._waiting() - self.max_pending
            for kind, waiting in (
                ("conversion", self._conversions),
                ("click", self._clicks),
                ("search", self._searches),
            ):
                dropped = min(max(excess, 0), len(waiting))
                del waiting[len(waiting) - dropped :]
                EVENTS.labels(kind, "dropped").inc(dropped)
                excess -= dropped
