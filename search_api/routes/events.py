"""`POST /events/click` and `POST /events/conversion`: what a shopper did with a search's results.

Searches and autocomplete requests record their own events (`search_api.recording`). The only link
between events is the anonymous session id a client may send (`X-Session-Id` on searches,
`session_id` in a click or a conversion); nothing else about the shopper is kept.

Both name their search by the signed `search_id` the search answered with
(`catalog.analytics.signing`), and are checked alike: an id this API did not sign is a 404 naming
`search_id`, a product the search did not show a 422 naming `product_id`, a repeat a 409. A search
issued in the last moments is accepted at once (it may still sit in another API process's buffer,
so its products are not checked yet); an older one must be in PostgreSQL. A click also names its
`position`, which must be within the results shown.

A conversion is an `add_to_cart` or a `purchase` of one product, with its `quantity` and its
`value` (the line's total, required for a purchase) in an optional `currency`. What counts as a
repeat: a second conversion of the same kind for the same (search, product). A purchase after an
add-to-cart of the same product is the expected path and is accepted; so is a purchase without one
(a "buy now" button). A shopper buying more of the product sends the total at purchase, once.
"""

from __future__ import annotations

import logging
import time
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from catalog import redis_keys
from catalog.analytics.events import ClickRecord, ConversionRecord, issued_at
from catalog.analytics.signing import SIGNED_ID_PATTERN
from catalog.settings import Settings
from schemas.analytics import (
    CURRENCY_PATTERN,
    MONEY_DIGITS,
    MONEY_PLACES,
    PRODUCT_ID_MAX,
    SESSION_ID_PATTERN,
)
from search_api.auth import PublicDep
from search_api.deps import EngineDep, RedisDep, SettingsDep
from search_api.recording import buffer_of, signer_of

log = logging.getLogger(__name__)

#: A click on a search issued this recently (or within 3 flush intervals, if longer) is accepted
#: without looking the search up: it may not be written yet.
RECENT_SECONDS = 30.0
#: Clock skew tolerated between API processes (a search id from the near future is still ours).
SKEW_SECONDS = 5.0
#: How long a click or a conversion is remembered in Redis to refuse its repeat (PostgreSQL's
#: unique key is the guarantee; Redis answers the repeat with a 409 before it reaches the buffer).
CLICK_MEMORY_SECONDS = 86_400
#: The most units one conversion may carry (more is a client bug, not a shopper).
QUANTITY_MAX = 100_000
_PRODUCT_ID = Field(min_length=1, max_length=PRODUCT_ID_MAX, pattern=r"^[^\x00-\x1f]+$")
_SEARCH_ID = Field(
    pattern=SIGNED_ID_PATTERN, description="The `search_id` the search or autocomplete gave."
)

router = APIRouter(tags=["analytics"], dependencies=[PublicDep])


class Click(BaseModel):
    """A click on the result at `position` (1 = first) of the search `search_id` answered."""

    model_config = ConfigDict(extra="forbid")

    search_id: str = _SEARCH_ID
    product_id: str = _PRODUCT_ID
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


class ConversionKind(StrEnum):
    add_to_cart = "add_to_cart"
    purchase = "purchase"


class Conversion(BaseModel):
    """An add-to-cart or a purchase of a product the search `search_id` showed."""

    model_config = ConfigDict(extra="forbid")

    search_id: str = _SEARCH_ID
    product_id: str = _PRODUCT_ID
    kind: ConversionKind
    value: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        allow_inf_nan=False,
        description="The line's total, quantity included (required for a purchase).",
    )
    quantity: int = Field(default=1, ge=1, le=QUANTITY_MAX, strict=True)
    currency: str | None = Field(
        default=None, pattern=CURRENCY_PATTERN, description="ISO 4217 code, e.g. `EUR`."
    )
    session_id: str | None = Field(default=None, pattern=SESSION_ID_PATTERN)


def _first(redis: Redis, key: str) -> bool:
    try:
        return bool(redis.set(key, 1, nx=True, ex=CLICK_MEMORY_SECONDS))
    except RedisError:
        return True  # PostgreSQL's unique key still keeps one per (search, product[, kind])


def _checked_search(
    request: Request, engine: Engine, settings: Settings, search_id: str, product_id: str
) -> tuple[uuid.UUID, int]:
    """The search's id and how many results it showed, once it is known to have shown the
    product; 404 or 422 (naming the field) otherwise."""
    verified = signer_of(request).verify(search_id)
    unknown = f"unknown search_id {search_id}: no search answered with it"
    if verified is None:
        raise _refused(404, "search_id", unknown)
    recent = max(RECENT_SECONDS, 3 * settings.analytics_flush_seconds)
    products = _shown_products(engine, verified[0], recent)
    if products is None:
        raise _refused(404, "search_id", unknown)
    if products and product_id not in products:
        raise _refused(422, "product_id", f"product {product_id!r} was not among the results shown")
    return verified


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
    if verified is not None and body.position > verified[1]:
        raise _refused(
            422, "position", f"position {body.position} is beyond the {verified[1]} results shown"
        )
    search_id, _ = _checked_search(request, engine, settings, body.search_id, body.product_id)
    key = redis_keys.click_seen(settings.index_prefix, str(search_id), body.product_id)
    if not _first(redis, key):
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


@router.post(
    "/events/conversion",
    status_code=202,
    summary="Record an add-to-cart or a purchase of a search result",
    responses={
        404: {"description": "No search of this API has this search_id."},
        409: {"description": "This product of this search had a conversion of this kind already."},
    },
)
def conversion(
    request: Request, engine: EngineDep, redis: RedisDep, settings: SettingsDep, body: Conversion
) -> dict[str, Any]:
    if body.kind is ConversionKind.purchase and body.value is None:
        raise _refused(422, "value", "a purchase needs its value")
    search_id, _ = _checked_search(request, engine, settings, body.search_id, body.product_id)
    key = redis_keys.conversion_seen(
        settings.index_prefix, str(search_id), body.product_id, body.kind.value
    )
    if not _first(redis, key):
        raise _refused(
            409, "product_id", f"this product of this search had a {body.kind.value} already"
        )
    buffer_of(request).record_conversion(
        ConversionRecord(
            search_id=search_id,
            product_id=body.product_id,
            kind=body.kind.value,
            quantity=body.quantity,
            value=body.value,
            currency=body.currency,
            session_id=body.session_id,
        )
    )
    return {"recorded": True, "search_id": body.search_id, "kind": body.kind.value}
