"""One search and what followed it: the products it showed, their clicks, add-to-carts and
purchases, read from PostgreSQL (the record), so a search is there as soon as the API wrote it,
before any shipment, for as long as the retention window keeps it raw.

The per-search view of the conversion report: `GET /admin/analytics/searches/{search_id}`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, text

SEARCH = text(
    "SELECT search_id, at, kind, query, filters, result_count, shown, shown_products, session_id "
    "FROM search_events WHERE search_id = :id"
)
CLICKS = text(
    "SELECT product_id, position, at FROM click_events WHERE search_id = :id ORDER BY at, id"
)
CONVERSIONS = text(
    "SELECT product_id, kind, quantity, value, currency, at FROM conversion_events "
    "WHERE search_id = :id ORDER BY at, id"
)


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def search_outcome(engine: Engine, search_id: uuid.UUID) -> dict[str, Any] | None:
    """The search with its clicks and conversions and their sums; None if it is not recorded
    (unknown, still in an API process's buffer, or rolled up)."""
    with engine.connect() as conn:
        search = conn.execute(SEARCH, {"id": search_id}).mappings().one_or_none()
        if search is None:
            return None
        clicks = conn.execute(CLICKS, {"id": search_id}).mappings().all()
        conversions = conn.execute(CONVERSIONS, {"id": search_id}).mappings().all()
    purchases = [c for c in conversions if c["kind"] == "purchase"]
    return {
        "search_id": str(search["search_id"]),
        "at": search["at"].isoformat(),
        "kind": search["kind"],
        "query": search["query"],
        "filters": search["filters"],
        "result_count": search["result_count"],
        "shown": search["shown"],
        "shown_products": list(search["shown_products"]),
        "session_id": search["session_id"],
        "clicks": [
            {"product_id": c["product_id"], "position": c["position"], "at": c["at"].isoformat()}
            for c in clicks
        ],
        "conversions": [
            {
                "product_id": c["product_id"],
                "kind": c["kind"],
                "quantity": c["quantity"],
                "value": _money(c["value"]),
                "currency": c["currency"],
                "at": c["at"].isoformat(),
            }
            for c in conversions
        ],
        "carted": any(c["kind"] == "add_to_cart" for c in conversions),
        "converted": bool(purchases),
        "units": sum(c["quantity"] for c in purchases),
        "revenue": float(sum((c["value"] for c in purchases), Decimal(0))),
        "currencies": sorted({c["currency"] for c in purchases if c["currency"]}),
    }
