"""The catalog tables the code writes through SQLAlchemy: products, brands and the category tree.

The whole schema (the outbox, index generations, keys, synonyms, analytics) is written by hand in the
Alembic migrations, the one authority on it; only tables that code builds statements on are mapped.

Change capture lives in the database itself (see `schemas/migrations/versions/0001_catalog.py` and
docs/architecture.md): triggers give each product a fresh `version` from one sequence whenever a column
the index uses changes, and record that version in `outbox`. Whoever writes (our API, a loader, plain
SQL from another service) is captured the same way, in the same transaction as the change.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Brand(Base):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Category(Base):
    """A node of the category tree; `path`, `path_ids` and `depth` are kept by a trigger."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="categories_parent_name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text, server_default="")
    path_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    depth: Mapped[int] = mapped_column(Integer, server_default="0")


class Product(Base):
    """A product row. `cost` and `updated_at` are not in the index: changing them enqueues nothing."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price IS NULL OR price >= 0", name="products_price_check"),
        CheckConstraint("stock >= 0", name="products_stock_check"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 0 AND 5", name="products_rating_check"),
        Index("products_brand_id_idx", "brand_id"),
        Index("products_category_id_idx", "category_id"),
    )

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    sku: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    sale_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), server_default="USD")
    stock: Mapped[int] = mapped_column(Integer, server_default="0")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    rating: Mapped[float | None] = mapped_column(REAL)
    review_count: Mapped[int] = mapped_column(Integer, server_default="0")
    popularity: Mapped[int] = mapped_column(BigInteger, server_default="0")
    image: Mapped[str | None] = mapped_column(Text)
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")
