"""Change capture against real PostgreSQL: which writes reach the outbox, and which do not."""

from __future__ import annotations

from tests.support.catalog import Catalog


def _tv(product_id: str, **extra: object) -> dict[str, object]:
    return {
        "id": product_id,
        "title": f"Television {product_id}",
        "brand": "Acme",
        "category": "Electronics > TVs > OLED",
        "price": 499,
        **extra,
    }


def test_insert_and_indexed_column_change_are_captured(catalog: Catalog) -> None:
    catalog.put(_tv("p1"))
    assert catalog.outbox() == ["p1"]
    catalog.sql("UPDATE products SET price = 450 WHERE id = 'p1'")
    assert catalog.outbox() == ["p1", "p1"]


def test_unindexed_column_change_enqueues_nothing(catalog: Catalog) -> None:
    catalog.put(_tv("p1"))
    catalog.sql("DELETE FROM outbox")
    catalog.sql("UPDATE products SET cost = 120 WHERE id = 'p1'")
    catalog.sql("UPDATE products SET price = price WHERE id = 'p1'")
    assert catalog.outbox() == []


def test_brand_rename_captures_exactly_that_brands_products(catalog: Catalog) -> None:
    catalog.put(_tv("p1"), _tv("p2"), _tv("p3", brand="Other"))
    catalog.sql("DELETE FROM outbox")
    catalog.sql("UPDATE brands SET name = 'Acme Corp' WHERE name = 'Acme'")
    assert sorted(catalog.outbox()) == ["p1", "p2"]


def test_category_rename_rewrites_the_subtree_and_captures_its_products(catalog: Catalog) -> None:
    catalog.put(_tv("p1"), _tv("p2", category="Electronics > TVs"), _tv("p3", category="Garden"))
    catalog.sql("DELETE FROM outbox")
    catalog.sql("UPDATE categories SET name = 'Televisions' WHERE name = 'TVs'")
    assert sorted(catalog.outbox()) == ["p1", "p2"]
    with catalog.engine.connect() as conn:
        from sqlalchemy import text

        paths = sorted(r[0] for r in conn.execute(text("SELECT path FROM categories")))
    assert paths == [
        "Electronics",
        "Electronics > Televisions",
        "Electronics > Televisions > OLED",
        "Garden",
    ]


def test_deletes_are_captured_soft_and_hard(catalog: Catalog) -> None:
    catalog.put(_tv("p1"), _tv("p2"))
    catalog.sql("DELETE FROM outbox")
    catalog.sql("UPDATE products SET deleted_at = now() WHERE id = 'p1'")
    catalog.sql("DELETE FROM products WHERE id = 'p2'")
    assert catalog.outbox() == ["p1", "p2"]


def test_versions_only_grow(catalog: Catalog) -> None:
    first = catalog.put(_tv("p1"))
    catalog.sql("UPDATE products SET version = 1 WHERE id = 'p1'")
    with catalog.engine.connect() as conn:
        from sqlalchemy import text

        version = conn.execute(text("SELECT version FROM products WHERE id = 'p1'")).scalar_one()
    assert version > first
