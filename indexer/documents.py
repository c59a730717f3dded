"""Reading products from PostgreSQL in the shape the document builder takes.

Documents are always built from the current rows, never from an event's payload: a job that runs
late or twice still writes what PostgreSQL holds now, with the version PostgreSQL gave it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, text

#: A product with its brand name and category path: what documents, verify and the canonical reads use.
PRODUCT_ROWS = """
SELECT p.id, p.sku, p.title, p.description, b.name AS brand, c.path AS category, p.price,
       p.sale_price, p.currency, p.stock, p.attributes, p.rating, p.review_count, p.popularity,
       p.image, p.created_at, p.updated_at, p.version, p.deleted_at
FROM products p
LEFT JOIN brands b ON b.id = p.brand_id
LEFT JOIN categories c ON c.id = p.category_id
"""
LIVE_PRODUCT_ROWS = PRODUCT_ROWS + " WHERE p.deleted_at IS NULL"


def rows_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, RowMapping]:
    """The current rows of these products (soft-deleted included; hard-deleted absent)."""
    result = conn.execute(text(PRODUCT_ROWS + " WHERE p.id = ANY(:ids)"), {"ids": list(ids)})
    return {row["id"]: row for row in result.mappings()}


def stream_live_rows(conn: Connection, batch_size: int = 2000) -> Iterator[Sequence[RowMapping]]:
    """Every live product, read through one server-side cursor (one consistent snapshot)."""
    result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
        text(LIVE_PRODUCT_ROWS + " ORDER BY p.id")
    )
    yield from result.mappings().partitions()


def count_live(conn: Connection) -> int:
    value: Any = conn.execute(
        text("SELECT count(*) FROM products WHERE deleted_at IS NULL")
    ).scalar()
    return int(value)
