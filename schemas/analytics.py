"""Search analytics in PostgreSQL, the record: raw search and click events, and their daily rollups.

Raw events live `ANALYTICS_RETENTION_DAYS`; the retention job (`catalog.analytics.rollup`) then folds
them into `search_event_days`, one row per day, kind, query and set of facet filters, whose counts are
everything the reports need, and deletes them. Elasticsearch's analytics index is a projection of both
tables (`schemas/analytics_index.py`); `revision > shipped_revision` marks a row whose document is
not current there yet, and `search_event_deletions` lists documents to remove from it.

Clicks and conversions carry no foreign key to their search: one may reach PostgreSQL before its
search does (several API processes each buffer their own events), and it joins its search when
shipped. Their `session_id` is the one the event named, else its search's (filled in when both are
written): the co-click and co-conversion recommendations group by it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from schemas.catalog import Base

#: The anonymous session id a client may send; long enough for a UUID, short enough to bound rows.
SESSION_ID_MAX = 64
#: Printable ASCII without spaces (UUIDs, base64, ...).
SESSION_ID_PATTERN = r"^[!-~]{1,64}$"
PRODUCT_ID_MAX = 128
_KIND_CHECK = "kind IN ('search', 'autocomplete')"
#: The kinds of conversion, as `POST /events/conversion` names them.
CONVERSION_KINDS = ("add_to_cart", "purchase")
#: Money: at most 12 digits, 2 after the point (ten billion in any currency is a typo).
MONEY_DIGITS, MONEY_PLACES = 12, 2
#: ISO 4217 alphabetic code.
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class SearchEvent(Base):
    """One search or autocomplete request: what was asked and how it went, never who asked."""

    __tablename__ = "search_events"
    __table_args__ = (
        CheckConstraint(_KIND_CHECK, name="search_events_kind_check"),
        Index("search_events_at_idx", "at"),
        Index(
            "search_events_unshipped_idx",
            "id",
            postgresql_where=text("revision > shipped_revision"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    search_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[str | None] = mapped_column(String(SESSION_ID_MAX))
    query: Mapped[str | None] = mapped_column(Text)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    #: The filters as sorted `name:value` strings (`brand:Acme`, `price:10-50`): facet usage.
    facets: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    result_count: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(REAL)
    cache_hit: Mapped[bool] = mapped_column(Boolean)
    #: How many results the answer showed, and which products: a click must land among them.
    shown: Mapped[int] = mapped_column(Integer, server_default="0")
    shown_products: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    #: Moves when a click arrives, so the search's document (which carries its clicks) is re-shipped.
    revision: Mapped[int] = mapped_column(Integer, server_default="1")
    shipped_revision: Mapped[int] = mapped_column(Integer, server_default="0")


class ClickEvent(Base):
    """A shopper opened a result of a search, at a 1-based position in its results."""

    __tablename__ = "click_events"
    __table_args__ = (
        CheckConstraint("position >= 1", name="click_events_position_check"),
        UniqueConstraint("search_id", "product_id", name="click_events_search_product_key"),
        Index("click_events_search_id_idx", "search_id"),
        Index("click_events_at_idx", "at"),
        # also-viewed: the sessions that clicked a product (with `at`, to take the latest without
        # reading the table), then the products of those sessions.
        Index(
            "click_events_product_session_idx",
            "product_id",
            "session_id",
            postgresql_include=["at"],
        ),
        Index("click_events_session_product_idx", "session_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    search_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    product_id: Mapped[str] = mapped_column(String(PRODUCT_ID_MAX))
    position: Mapped[int] = mapped_column(Integer)
    session_id: Mapped[str | None] = mapped_column(String(SESSION_ID_MAX))


class ConversionEvent(Base):
    """An add-to-cart or a purchase of a product a search showed.

    One of each kind per (search, product): a purchase may follow an add-to-cart of the same
    product, but a second add-to-cart or a second purchase is a repeat (`value` and `quantity` are
    the line's totals, so a changed quantity is the client's to send once, at purchase).
    """

    __tablename__ = "conversion_events"
    __table_args__ = (
        CheckConstraint("kind IN ('add_to_cart', 'purchase')", name="conversion_events_kind_check"),
        CheckConstraint("quantity >= 1", name="conversion_events_quantity_check"),
        CheckConstraint("value >= 0", name="conversion_events_value_check"),
        CheckConstraint(
            "kind <> 'purchase' OR value IS NOT NULL", name="conversion_events_purchase_value_check"
        ),
        UniqueConstraint(
            "search_id", "product_id", "kind", name="conversion_events_search_product_kind_key"
        ),
        Index("conversion_events_at_idx", "at"),
        # also-bought: as for clicks, both ways between products and sessions.
        Index(
            "conversion_events_product_session_idx",
            "product_id",
            "session_id",
            postgresql_include=["at"],
        ),
        Index("conversion_events_session_product_idx", "session_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    search_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[str] = mapped_column(String(16))
    product_id: Mapped[str] = mapped_column(String(PRODUCT_ID_MAX))
    #: The line's total (quantity included); required for a purchase.
    value: Mapped[Decimal | None] = mapped_column(Numeric(MONEY_DIGITS, MONEY_PLACES))
    quantity: Mapped[int] = mapped_column(Integer, server_default="1")
    currency: Mapped[str | None] = mapped_column(String(3))
    session_id: Mapped[str | None] = mapped_column(String(SESSION_ID_MAX))


class SearchEventDay(Base):
    """Rolled-up events: the sums every report needs, for one day, kind, query and facet set."""

    __tablename__ = "search_event_days"
    __table_args__ = (
        CheckConstraint(_KIND_CHECK, name="search_event_days_kind_check"),
        UniqueConstraint("day", "kind", "query", "facets", name="search_event_days_key"),
        Index(
            "search_event_days_unshipped_idx",
            "id",
            postgresql_where=text("revision > shipped_revision"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    #: '' for requests without a query (a key column cannot be NULL).
    query: Mapped[str] = mapped_column(Text)
    facets: Mapped[list[str]] = mapped_column(ARRAY(Text))
    searches: Mapped[int] = mapped_column(BigInteger)
    zero_results: Mapped[int] = mapped_column(BigInteger)
    clicked_searches: Mapped[int] = mapped_column(BigInteger)
    clicks: Mapped[int] = mapped_column(BigInteger)
    click_position_sum: Mapped[int] = mapped_column(BigInteger)
    latency_ms_sum: Mapped[float] = mapped_column(Double)
    cache_hits: Mapped[int] = mapped_column(BigInteger)
    #: Searches with an add-to-cart, searches with a purchase; all add-to-carts and purchases.
    carted_searches: Mapped[int] = mapped_column(BigInteger, server_default="0")
    converted_searches: Mapped[int] = mapped_column(BigInteger, server_default="0")
    add_to_carts: Mapped[int] = mapped_column(BigInteger, server_default="0")
    purchases: Mapped[int] = mapped_column(BigInteger, server_default="0")
    #: Units purchased, and the purchases' values summed (in the currencies they were sent in).
    units: Mapped[int] = mapped_column(BigInteger, server_default="0")
    revenue: Mapped[Decimal] = mapped_column(Numeric(18, MONEY_PLACES), server_default="0")
    currencies: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    revision: Mapped[int] = mapped_column(Integer, server_default="1")
    shipped_revision: Mapped[int] = mapped_column(Integer, server_default="0")


class SearchEventDeletion(Base):
    """An analytics document to delete from Elasticsearch (its raw event was rolled up)."""

    __tablename__ = "search_event_deletions"

    doc_id: Mapped[str] = mapped_column(Text, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HiddenQuery(Base):
    """A past query merchandisers keep out of autocomplete's popular queries (normalized)."""

    __tablename__ = "hidden_queries"

    query: Mapped[str] = mapped_column(Text, primary_key=True)
    hidden_by: Mapped[str] = mapped_column(Text)
    hidden_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ServiceSecret(Base):
    """A secret generated at migration time (`search_ids`: the key that signs search ids)."""

    __tablename__ = "service_secrets"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
