"""`POST /events/click`: a click on a result of a search this API answered.

Searches and autocomplete requests record their own events (`search_api.recording`). The only link
between events is the anonymous session id a client may send (`X-Session-Id` on searches,
`session_id` in a click); nothing else about the shopper is kept.

A click names its search by the signed `search_id` the search answered with
(`catalog.analytics.signing`): an id this API did not sign is a 404 naming `search_id`, a position
beyond the results the search showed a 422 naming `position`, a product it did not show a 422 naming
`product_id`, and a second click on the same product of the same search a 409. A search issued in
the last moments is accepted at once (it may still sit in another API process's buffer, so its
products are not checked yet); an older one must be in PostgreSQL.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from catalog.analytics.events import (
    ClickRecord,
    issued_at,
)
from catalog.analytics.signing import SIGNED_ID_PATTERN
from schemas.analytics import PRODUCT_ID_MAX, SESSION_ID_PATTERN
from search_api.auth import PublicDep
from search_api.deps import EngineDep, RedisDep, SettingsDep
from search_api.recording import buffer_of, signer_of

log = logging.getLogger(__name__)

#: A click on a search issued this recently (or within 3 flush intervals, if longer) is accepted
#: without looking the search up: it may not be written yet.
RECENT_SECONDS = 30.0
#: Clock skew tolerated between API processes (a search id from the near future is still ours).
SKEW_SECONDS = 5.0
#: How long a click is remembered in Redis to refuse its repeat (PostgreSQL's unique key is the
#: guarantee; Redis answers the repeat with a 409 before it reaches the buffer).
CLICK_MEMORY_SECONDS = 86_400

router = APIRouter(tags=["analytics"], dependencies=[PublicDep])


class Click(BaseModel):
    """A click on the result at `position` (1 = first) of the search `search_id` answered."""

    model_config = ConfigDict(extra="forbid")

    search_id: str = Field(
        pattern=SIGNED_ID_PATTERN, description="The `search_id` the search or autocomplete gave."
    )
    product_id: str = Field(min_length=1, max_length=PRODUCT_ID_MAX, pattern=r"^[^\x00-\x1f]+$")
    position: int = Field(ge=1, le=10_000, description="1-based position in the results.")
    session_id: str | None = Field(default=None, pattern=SESSION_ID_PATTERN)


def _refused(status: int, field: str, message: str) -> HTTPException:
    return HTTPException(status, detail=[{"loc": ["body", field], "msg": message}])


def _shown_products(engine: Engine, search_id: uuid.UUID, recent: float) -> list[str] | None:
    """The products the search showed; [] when it is recent and not written yet; None: unknown."""
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT shown_products FROM search_events WHERE search_id = :id"),
                {"id": search_id},
            ).one_or_none()
    except SQLAlchemyError as exc:
        # PostgreSQL down: the signature still proves the search; its products go unchecked.
        log.warning("could not check a click's search: %s", str(exc).splitlines()[0])
        return []
    if row is not None:
        return list(row.shown_products)
    issued = issued_at(search_id)
    now = time.time()
    return [] if issued is not None and now - recent <= issued <= now + SKEW_SECONDS else None


def _first_click(redis: Redis, prefix: str, search_id: uuid.UUID, product_id: str) -> bool:
    key = f"{prefix}:click:{search_id}:{product_id}"
    try:
        return bool(redis.set(key, 1, nx=True, ex=CLICK_MEMORY_SECONDS))
    except RedisError:
        return True  # PostgreSQL's unique key still keeps one click per (search, product)


@router.post(
    "/events/click",
    status_code=202,
    summary="Record a click on a search result",
    responses={
        404: {"description": "No search of this API has this search_id."},
        409: {"description": "This product of this search was clicked already."},
    },
)
def click(
    request: Request, engine: EngineDep, redis: RedisDep, settings: SettingsDep, body: Click
) -> dict[str, Any]:
    verified = signer_of(request).verify(body.search_id)
    unknown = f"unknown search_id {body.search_id}: no search answered with it"
    if verified is None:
        raise _refused(404, "search_id", unknown)
    search_id, shown = verified
    if body.position > shown:
        raise _refused(
            422, "position", f"position {body.position} is beyond the {shown} results shown"
        )
    recent = max(RECENT_SECONDS, 3 * settings.analytics_flush_seconds)
    products = _shown_products(engine, search_id, recent)
    if products is None:
        raise _refused(404, "search_id", unknown)
    if products and body.product_id not in products:
        raise _refused(
            422, "product_id", f"product {body.product_id!r} was not among the results shown"
        )
    if not _first_click(redis, settings.index_prefix, search_id, body.product_id):
        raise _refused(409, "product_id", "this product of this search was clicked already")
    buffer_of(request).record_click(
        ClickRecord(
            search_id=search_id,
            product_id=body.product_id,
            position=body.position,
            session_id=body.session_id,
        )
    )
    return {"recorded": True, "search_id": body.search_id}
