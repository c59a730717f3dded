"""Recording a search or autocomplete request as an analytics event, for the routes that answer them.

Recording is an append to the process's buffer (`catalog.analytics.buffer`): it never waits for a
server and never fails the request it describes. The answer carries the event's signed search id,
which is what a later click must name (`catalog.analytics.signing`).
"""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any

from fastapi import Header, Request
from prometheus_client import Counter

from catalog.analytics.buffer import EventBuffer
from catalog.analytics.events import SearchRecord, compact_filters, facet_strings, normalize_query
from catalog.analytics.signing import SearchIdSigner
from schemas.analytics import SESSION_ID_PATTERN

log = logging.getLogger(__name__)

RECORDING_ERRORS = Counter(
    "catalog_analytics_recording_errors_total", "Requests whose analytics event was not recorded."
)
SessionId = Annotated[
    str | None,
    Header(
        alias="X-Session-Id",
        pattern=SESSION_ID_PATTERN,
        description="Anonymous session id (optional): links a shopper's searches and clicks.",
    ),
]


def signer_of(request: Request) -> SearchIdSigner:
    signer: SearchIdSigner = request.app.state.search_ids
    return signer


def buffer_of(request: Request) -> EventBuffer:
    buffer: EventBuffer = request.app.state.analytics
    return buffer


def record_search(
    request: Request,
    *,
    kind: str,
    text: str | None,
    applied: dict[str, Any],
    result_count: int,
    cache_hit: bool,
    started: float,
    session_id: str | None,
    shown_products: list[str],
    shown: int,
) -> str | None:
    """Record one search or autocomplete request; return its signed search id (None if not
    recorded). `shown` results were in the answer, among them the products `shown_products`."""
    try:
        record = SearchRecord(
            kind=kind,
            query=normalize_query(text),
            result_count=result_count,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            cache_hit=cache_hit,
            filters=compact_filters(applied),
            facets=facet_strings(applied),
            session_id=session_id,
            shown_products=shown_products,
            shown=shown,
        )
        signed = signer_of(request).sign(record.search_id, shown)
        buffer_of(request).record_search(record)
    except Exception:  # analytics must never cost a shopper an answer
        RECORDING_ERRORS.inc()
        log.exception("could not record a %s event", kind)
        return None
    return signed
