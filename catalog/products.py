"""The catalog's products: the write path (upsert, delete), the canonical reads and the row reads.

Loading, seeding and the admin API all go through here, so a product always enters PostgreSQL the
same way: brands created by name, categories by path (each level once), the row upserted by id. Change
capture needs nothing from this module; the triggers record every write, whoever makes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, RowMapping, text
from sqlalchemy.dialects.postgresql import insert

from schemas.catalog import Product
from schemas.product import CanonicalProduct, category_levels, category_segments

#: The columns a product row writes (besides its id, brand and category), in the order read back.
PRODUCT_COLUMNS = (
    "sku",
    "title",
    "description",
    "price",
    "sale_price",
    "currency",
    "stock",
    "attributes",
    "rating",
    "review_count",
    "popularity",
    "image",
)

#: A product with its brand name and category path, the one query that documents, verify and the
#: canonical reads use. Rows are always read current, never taken from an event's payload: a job that
#: runs late or twice still writes what PostgreSQL holds now, with the version PostgreSQL gave it.
PRODUCT_ROWS = f"""
SELECT p.id, {", ".join(f"p.{column}" for column in PRODUCT_COLUMNS)}, b.name AS brand,
       c.path AS category, p.created_at, p.updated_at, p.version, p.deleted_at
FROM products p
LEFT JOIN brands b ON b.id = p.brand_id
LEFT JOIN categories c ON c.id = p.category_id
"""
LIVE_PRODUCT_ROWS = PRODUCT_ROWS + " WHERE p.deleted_at IS NULL"


@dataclass
class LoadResult:
    written: int = 0
    last_version: int = 0


class CatalogCache:
    """Brand and category ids by name/path, so a bulk load asks PostgreSQL once per new one."""

    def __init__(self) -> None:
        self.brands: dict[str, int] = {}
        self.categories: dict[str, int] = {}

    def brand_id(self, conn: Connection, name: str | None) -> int | None:
        if not name:
            return None
        if name not in self.brands:
            self.brands[name] = int(
                conn.execute(
                    text(
                        "INSERT INTO brands (name) VALUES (:name) ON CONFLICT (name) "
                        "DO UPDATE SET name = EXCLUDED.name RETURNING id"
                    ),
                    {"name": name},
                ).scalar_one()
            )
        return self.brands[name]

    def category_id(self, conn: Connection, path: str | None) -> int | None:
        if not path:
            return None
        if path in self.categories:
            return self.categories[path]
        parent: int | None = None
        for prefix, name in zip(category_levels(path), category_segments(path), strict=True):
            if prefix not in self.categories:
                self.categories[prefix] = _category(conn, parent, name)
            parent = self.categories[prefix]
        return parent


def _category(conn: Connection, parent: int | None, name: str) -> int:
    existing = conn.execute(
        text("SELECT id FROM categories WHERE parent_id IS NOT DISTINCT FROM :p AND name = :n"),
        {"p": parent, "n": name},
    ).scalar()
    if existing is not None:
        return int(existing)
    return int(
        conn.execute(
            text(
                "INSERT INTO categories (parent_id, name) VALUES (:p, :n) "
                "ON CONFLICT (parent_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id"
            ),
            {"p": parent, "n": name},
        ).scalar_one()
    )


def _row(product: CanonicalProduct, conn: Connection, cache: CatalogCache) -> dict[str, Any]:
    data = product.model_dump(include=set(PRODUCT_COLUMNS))
    row = {column: data.get(column) for column in PRODUCT_COLUMNS}
    row["id"] = product.id
    row["currency"] = product.currency
    row["stock"] = product.stock or 0
    row["attributes"] = product.attributes
    row["review_count"] = product.review_count or 0
    row["popularity"] = product.popularity or 0
    row["brand_id"] = cache.brand_id(conn, product.brand)
    row["category_id"] = cache.category_id(conn, product.category)
    row["deleted_at"] = None
    return row


def upsert_products(
    conn: Connection, products: Iterable[CanonicalProduct], cache: CatalogCache | None = None
) -> LoadResult:
    """Insert or replace these products (PUT semantics: absent fields become empty)."""
    cache = cache or CatalogCache()
    # The last occurrence of an id wins, as it would row by row; one statement may not touch a row twice.
    rows = list({row["id"]: row for row in (_row(p, conn, cache) for p in products)}.values())
    result = LoadResult()
    if not rows:
        return result
    values = insert(Product).values(rows)
    statement = values.on_conflict_do_update(
        index_elements=[Product.id],
        set_={name: values.excluded[name] for name in rows[0] if name != "id"},
    ).returning(Product.version)
    versions = [int(v) for v in conn.execute(statement).scalars()]
    result.written = len(versions)
    result.last_version = max(versions)
    return result


def valid_products(
    records: Iterable[tuple[int, dict[str, Any] | ValidationError]], rejected: list[str]
) -> Iterator[CanonicalProduct]:
    """The products among numbered records; each bad one becomes one line in `rejected`.

    A record is a line of a file (or an entry of a data set), already parsed or its parse error;
    a bad one (malformed JSON, an invalid field, NUL in a text) is reported by number and skipped,
    so the good records around it still load.
    """
    for number, record in records:
        product = _validated(record)
        if isinstance(product, ValidationError):
            first = product.errors()[0]
            field = ".".join(map(str, first["loc"])) or "line"
            rejected.append(f"line {number}: {field}: {first['msg']}")
        else:
            yield product


def _validated(record: dict[str, Any] | ValidationError) -> CanonicalProduct | ValidationError:
    if isinstance(record, ValidationError):
        return record
    try:
        return CanonicalProduct.model_validate(record)
    except ValidationError as error:
        return error


def load_stream(
    engine: Engine, products: Iterable[CanonicalProduct], batch_size: int = 1000
) -> Iterator[LoadResult]:
    """Upsert a stream in committed batches, yielding after each (for progress bars)."""
    cache = CatalogCache()
    batch: list[CanonicalProduct] = []
    for product in products:
        batch.append(product)
        if len(batch) >= batch_size:
            with engine.begin() as conn:
                yield upsert_products(conn, batch, cache)
            batch = []
    if batch:
        with engine.begin() as conn:
            yield upsert_products(conn, batch, cache)


def soft_delete(conn: Connection, product_id: str) -> int | None:
    """Mark a product deleted; return the change's version, or None if there was no such product."""
    version = conn.execute(
        text(
            "UPDATE products SET deleted_at = now() WHERE id = :id AND deleted_at IS NULL "
            "RETURNING version"
        ),
        {"id": product_id},
    ).scalar()
    return None if version is None else int(version)


def _canonical(row: Any) -> tuple[CanonicalProduct, int]:
    data = {
        k: v for k, v in dict(row).items() if v is not None and k not in {"version", "deleted_at"}
    }
    data["attributes"] = data.get("attributes") or {}
    return CanonicalProduct.model_validate(data), int(row["version"])


def get_product(conn: Connection, product_id: str) -> tuple[CanonicalProduct, int] | None:
    """The canonical form of a live product and its version."""
    row = conn.execute(text(LIVE_PRODUCT_ROWS + " AND p.id = :id"), {"id": product_id}).mappings()
    found = row.first()
    return None if found is None else _canonical(found)


def export_products(conn: Connection) -> Iterator[CanonicalProduct]:
    for rows in stream_live_rows(conn):
        for row in rows:
            yield _canonical(row)[0]


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
