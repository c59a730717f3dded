"""Analytics events as the API records them, and the pure helpers that shape them.

Nothing here identifies a person: a query is normalized (and an e-mail address in it masked), the
filters are the catalog's facets, and the only link between events is the anonymous session id a
client may choose to send. Client addresses, user agents and keys are never recorded.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

#: Queries are stored at most this long (the search API accepts 256 characters).
QUERY_MAX = 256
_SPACES = re.compile(r"\s+")
#: What PostgreSQL refuses in text or JSON (NUL), and what has no business in a report: C0 and C1
#: controls and lone surrogates (unencodable in UTF-8).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` without NUL, control characters or lone surrogates (each becomes a space)."""
    return _UNPRINTABLE.sub(" ", text)


def clean(value: Any) -> Any:
    """Every string in `value` (nested lists and dicts too, keys included) through `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value


_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def normalize_query(text: str | None) -> str | None:
    """The query as analytics groups it: Unicode-normalized, case-folded, spaces collapsed.

    `Drill`, ` drill ` and `DRILL` are one query in every report; None for an empty query. An
    e-mail address typed into the box is masked: it is personal data, and never a product.
    """
    if text is None:
        return None
    folded = unicodedata.normalize("NFKC", clean_text(text)).casefold()
    folded = _SPACES.sub(" ", folded).strip()
    folded = _EMAIL.sub("<email>", folded)
    return folded[:QUERY_MAX] or None


def _number(value: float) -> str:
    return f"{value:g}"


def facet_strings(applied: Mapping[str, Any]) -> list[str]:
    """The applied filters as sorted `name:value` strings, one per value: what facet usage counts.

    `applied` is the filter echo of a search response (`brand`, `category`, `price_min`, ...).
    Attributes become `attributes.<name>:<value>`; a price range `price:<min>-<max>` (`*` open).
    """
    facets: set[str] = set()
    for brand in applied.get("brand") or ():
        facets.add(f"brand:{brand}")
    if applied.get("category"):
        facets.add(f"category:{applied['category']}")
    low, high = applied.get("price_min"), applied.get("price_max")
    if low is not None or high is not None:
        left = "*" if low is None else _number(low)
        right = "*" if high is None else _number(high)
        facets.add(f"price:{left}-{right}")
    if applied.get("in_stock") is not None:
        facets.add(f"in_stock:{str(applied['in_stock']).lower()}")
    if applied.get("min_rating") is not None:
        facets.add(f"min_rating:{_number(applied['min_rating'])}")
    for pair in applied.get("attr") or ():
        name, _, value = str(pair).partition(":")
        facets.add(f"attributes.{name}:{value}")
    return sorted(facets)


def compact_filters(applied: Mapping[str, Any]) -> dict[str, Any]:
    """The filters that were actually set (the echo lists every filter, most of them empty)."""
    return {key: value for key, value in applied.items() if value not in (None, [], "")}


def new_search_id(now: float | None = None) -> uuid.UUID:
    """A UUID version 7: 48 bits of Unix milliseconds, then random bits.

    The time in the id lets a click be accepted for a search that another API process still holds
    in its buffer (see `issued_at`), without a shared store on the search path.
    """
    millis = int((time.time() if now is None else now) * 1000) & ((1 << 48) - 1)
    value = (
        (millis << 80)
        | (0x7 << 76)
        | (secrets.randbits(12) << 64)
        | (0b10 << 62)
        | secrets.randbits(62)
    )
    return uuid.UUID(int=value)


def issued_at(search_id: uuid.UUID) -> float | None:
    """When a search id of `new_search_id` was made (Unix seconds); None for other UUIDs."""
    if search_id.version != 7:
        return None
    return (search_id.int >> 80) / 1000


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """One search or autocomplete request, as `search_events` stores it."""

    kind: str
    query: str | None
    result_count: int
    latency_ms: float
    cache_hit: bool
    filters: dict[str, Any] = field(default_factory=dict)
    facets: list[str] = field(default_factory=list)
    session_id: str | None = None
    shown_products: list[str] = field(default_factory=list)
    shown: int = 0
    search_id: uuid.UUID = field(default_factory=new_search_id)
    at: datetime = field(default_factory=utcnow)

    def row(self) -> dict[str, Any]:
        """The row to insert; its text cleaned, as anything a client sent may hold a NUL."""
        return {
            "search_id": self.search_id,
            "at": self.at,
            "kind": self.kind,
            "session_id": clean(self.session_id),
            "query": clean(self.query),
            "filters": clean(self.filters),
            "facets": clean(self.facets),
            "result_count": self.result_count,
            "latency_ms": self.latency_ms,
            "cache_hit": self.cache_hit,
            "shown": self.shown,
            "shown_products": clean(self.shown_products),
        }


@dataclass(frozen=True, slots=True)
class ClickRecord:
    """A click on the result at `position` (1-based) of search `search_id`."""

    search_id: uuid.UUID
    product_id: str
    position: int
    session_id: str | None = None
    at: datetime = field(default_factory=utcnow)

    def row(self) -> dict[str, Any]:
        return {
            "search_id": self.search_id,
            "at": self.at,
            "product_id": clean_text(self.product_id),
            "position": self.position,
            "session_id": clean(self.session_id),
        }


@dataclass(frozen=True, slots=True)
class ConversionRecord:
    """An add-to-cart or a purchase of `product_id`, found by search `search_id`.

    `value` is the line's total (quantity included), in `currency` when the client named one.
    """

    search_id: uuid.UUID
    product_id: str
    kind: str
    quantity: int = 1
    value: Decimal | None = None
    currency: str | None = None
    session_id: str | None = None
    at: datetime = field(default_factory=utcnow)

    def row(self) -> dict[str, Any]:
        return {
            "search_id": self.search_id,
            "at": self.at,
            "kind": self.kind,
            "product_id": clean_text(self.product_id),
            "value": self.value,
            "quantity": self.quantity,
            "currency": clean(self.currency),
            "session_id": clean(self.session_id),
        }
