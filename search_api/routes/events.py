"""Analytics events from the API: each search and autocomplete records one, `POST /events/click`
records a click on a result.

Recording is an append to the process's buffer (`catalog.analytics.buffer`): it never waits for a
server and never fails the request it describes. The only link between events is the anonymous
session id a client may send (`X-Session-Id` on searches, `session_id` in a click); nothing else
about the shopper is kept.

A click names its search by the `search_id` the search answered with. An id this API issued in the
last moments is accepted at once (its search may still sit in another API process's buffer);
an older one must be in PostgreSQL, and an unknown one is a 404 naming `search_id`.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from prometheus_client import Counter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from catalog.analytics.buffer import EventBuffer
from catalog.analytics.events import (
    ClickRecord,
    SearchRecord,
    compact_filters,
    facet_strings,
    issued_at,
    normalize_query,
)
from schemas.analytics import PRODUCT_ID_MAX, SESSION_ID_PATTERN
from search_api.auth import PublicDep
from search_api.deps import EngineDep, SettingsDep

log = logging.getLogger(__name__)

RECORDING_ERRORS = Counter(
    "catalog_analytics_recording_errors_total", "Requests whose analytics event was not recorded."
)
#: A click on a search issued this recently (or within 3 flush intervals, if longer) is accepted
#: without looking the search up: it may not be written yet.
RECENT_SECONDS = 30.0
#: Clock skew tolerated between API processes (a search id from the near future is still ours).
SKEW_SECONDS = 5.0

SessionId = Annotated[
    str | None,
    Header(
        alias="X-Session-Id",
        pattern=SESSION_ID_PATTERN,
        description="Anonymous session id (optional): links a shopper's searches and clicks.",
    ),
]

router = APIRouter(tags=["analytics"], dependencies=[PublicDep])


def _buffer(request: Request) -> EventBuffer:
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
) -> str | None:
    """Record one search or autocomplete request; return its search id (None if not recorded)."""
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
        )
        _buffer(request).record_search(record)
    except Exception:  # analytics must never cost a shopper an answer
        RECORDING_ERRORS.inc()
        log.exception("could not record a %s event", kind)
        return None
    return str(record.search_id)


class Click(BaseModel):
    """A click on the result at `position` (1 = first) of the search `search_id` answered."""

    model_config = ConfigDict(extra="forbid")

    search_id: uuid.UUID = Field(description="The `search_id` of the search or autocomplete.")
    product_id: str = Field(min_length=1, max_length=PRODUCT_ID_MAX, pattern=r"^[^\x00-\x1f]+$")
    position: int = Field(ge=1, le=10_000, description="1-based position in the results.")
    session_id: str | None = Field(default=None, pattern=SESSION_ID_PATTERN)


def _known(engine: Engine, search_id: uuid.UUID, recent: float) -> bool:
    issued = issued_at(search_id)
    now = time.time()
    if issued is not None and now - recent <= issued <= now + SKEW_SECONDS:
        return True
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT EXISTS (SELECT 1 FROM search_events WHERE search_id = :id)"),
                    {"id": search_id},
                ).scalar()
            )
    except SQLAlchemyError as exc:
        # PostgreSQL down: keep the click (it joins its search when shipped, if there is one).
        log.warning("could not check a click's search: %s", str(exc).splitlines()[0])
        return True


@router.post(
    "/events/click",
    status_code=202,
    summary="Record a click on a search result",
    responses={404: {"description": "No search has this search_id."}},
)
def click(
    request: Request, engine: EngineDep, settings: SettingsDep, body: Click
) -> dict[str, Any]:
    recent = max(RECENT_SECONDS, 3 * settings.analytics_flush_seconds)
    if not _known(engine, body.search_id, recent):
        raise HTTPException(
            404,
            detail=[
                {
                    "loc": ["body", "search_id"],
                    "msg": f"unknown search_id {body.search_id}: no search answered with it",
                }
            ],
        )
    _buffer(request).record_click(
        ClickRecord(
            search_id=body.search_id,
            product_id=body.product_id,
            position=body.position,
            session_id=body.session_id,
        )
    )
    return {"recorded": True, "search_id": str(body.search_id)}
