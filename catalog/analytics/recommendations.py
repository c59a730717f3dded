"""Recommendations from what shoppers did: products clicked (also viewed) or bought (also bought)
in the same sessions as a given product, most shared sessions first.

Computed on request from PostgreSQL, not precomputed: the record is current to the last flush
(a second), there is no second copy to keep in step, and the cost is bounded. Two indexes per
event table, `(product_id, session_id) INCLUDE (at)` and `(session_id, product_id)` (migration
0006_conversions), make each step an index-only scan: the sessions that touched the product (only
the `SESSIONS_READ` most recent of them, so the join stays small for a best-seller), then the other
products of those sessions, counted once per session however often a session touched them.
Measured on 1,000,000 clicks in 200,000 sessions over 20,000 products (docs/analytics.md): about
2-6 ms for most products, 40-70 ms for the most clicked one (34,000 sessions). A
product shared by fewer than `MIN_SESSIONS` sessions is not offered: one shopper (or one client
inventing a session) cannot put a product in everyone's recommendations. Events without a session
(neither the event nor its search named one) link nothing. Raw events are kept for
`ANALYTICS_RETENTION_DAYS`, so recommendations reflect that window.

The API tops the list up with `/similar` (`search_api.recommend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, text

#: The most recent sessions of the product that are read (bounds the cost for a best-seller).
SESSIONS_READ = 1000
#: Distinct sessions two products must share before one recommends the other.
MIN_SESSIONS = 2


class Signal(StrEnum):
    """Which events link products: clicks (also viewed) or purchases (also bought)."""

    viewed = "also_viewed"
    bought = "also_bought"


_EVENTS = {
    Signal.viewed: ("click_events", "true"),
    Signal.bought: ("conversion_events", "kind = 'purchase'"),
}
CO_EVENTS = """
WITH sessions AS (
    SELECT session_id FROM {table}
    WHERE product_id = :product AND session_id IS NOT NULL AND {which}
    GROUP BY session_id ORDER BY max(at) DESC LIMIT :sessions_read
)
SELECT e.product_id, count(DISTINCT e.session_id) AS sessions
FROM {table} e JOIN sessions s ON s.session_id = e.session_id
WHERE e.product_id <> :product AND {which_e}
GROUP BY e.product_id HAVING count(DISTINCT e.session_id) >= :min_sessions
ORDER BY sessions DESC, e.product_id LIMIT :n
"""


@dataclass(frozen=True)
class CoProduct:
    product_id: str
    sessions: int


def co_products(
    engine: Engine,
    product_id: str,
    signal: Signal,
    *,
    limit: int,
    min_sessions: int = MIN_SESSIONS,
) -> list[CoProduct]:
    """Other products of the sessions that clicked (or bought) `product_id`, most sessions first
    (ties by product id); at most `limit`."""
    table, which = _EVENTS[signal]
    which_e = which if which == "true" else f"e.{which}"
    statement = text(CO_EVENTS.format(table=table, which=which, which_e=which_e))
    with engine.connect() as conn:
        rows = conn.execute(
            statement,
            {
                "product": product_id,
                "sessions_read": SESSIONS_READ,
                "min_sessions": min_sessions,
                "n": limit,
            },
        ).all()
    return [CoProduct(row.product_id, row.sessions) for row in rows]
