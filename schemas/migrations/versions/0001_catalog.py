"""The catalog tables, and change capture by triggers into the outbox.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# Columns of `products` that the search document is built from. A change to any of them gives the
# product a new version and an outbox entry; a change to any other column (cost, updated_at) does not.
INDEXED_COLUMNS = (
    "sku",
    "title",
    "description",
    "brand_id",
    "category_id",
    "price",
    "sale_price",
    "currency",
    "stock",
    "attributes",
    "rating",
    "review_count",
    "popularity",
    "image",
    "created_at",
    "deleted_at",
)

CAPTURE_SQL = f"""
CREATE SEQUENCE catalog_change_seq;

CREATE FUNCTION products_assign_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.version := nextval('catalog_change_seq');
        RETURN NEW;
    END IF;
    NEW.updated_at := now();
    -- Any write to `version` (e.g. SET version = -1, which renames do) asks for a fresh one.
    IF NEW.version IS DISTINCT FROM OLD.version
       OR NEW.id IS DISTINCT FROM OLD.id
       OR ({", ".join("NEW." + c for c in INDEXED_COLUMNS)})
          IS DISTINCT FROM ({", ".join("OLD." + c for c in INDEXED_COLUMNS)}) THEN
        NEW.version := nextval('catalog_change_seq');
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER products_assign_version BEFORE INSERT OR UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION products_assign_version();

CREATE FUNCTION products_capture_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO outbox (seq, product_id) VALUES (nextval('catalog_change_seq'), OLD.id);
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
        INSERT INTO outbox (seq, product_id) VALUES (nextval('catalog_change_seq'), OLD.id);
    END IF;
    INSERT INTO outbox (seq, product_id) VALUES (NEW.version, NEW.id);
    RETURN NEW;
END $$;

CREATE TRIGGER products_capture_insert AFTER INSERT ON products
    FOR EACH ROW EXECUTE FUNCTION products_capture_change();
CREATE TRIGGER products_capture_update AFTER UPDATE ON products
    FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
    EXECUTE FUNCTION products_capture_change();
CREATE TRIGGER products_capture_delete AFTER DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION products_capture_change();

-- One wake-up per statement: the dispatcher reads the outbox, the payload carries nothing.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('catalog_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- A brand rename changes the document of exactly that brand's products.
CREATE FUNCTION brands_capture_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products SET version = -1 WHERE brand_id = NEW.id AND deleted_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER brands_capture_rename AFTER UPDATE OF name ON brands
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION brands_capture_rename();

-- The category tree keeps each node's full path; renaming or moving a node rewrites its subtree's
-- paths (each child's own trigger runs) and re-indexes the products filed directly under each node.
CREATE FUNCTION categories_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent categories%ROWTYPE;
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.path := NEW.name;
        NEW.path_ids := ARRAY[NEW.id];
        NEW.depth := 0;
    ELSE
        SELECT * INTO STRICT parent FROM categories WHERE id = NEW.parent_id;
        IF NEW.id = ANY(parent.path_ids) THEN
            RAISE EXCEPTION 'category % cannot be moved under its own descendant %',
                NEW.id, NEW.parent_id;
        END IF;
        NEW.path := parent.path || ' > ' || NEW.name;
        NEW.path_ids := parent.path_ids || NEW.id;
        NEW.depth := parent.depth + 1;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER categories_set_path BEFORE INSERT OR UPDATE ON categories
    FOR EACH ROW EXECUTE FUNCTION categories_set_path();

CREATE FUNCTION categories_capture_path_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE categories SET path = path WHERE parent_id = NEW.id;
    UPDATE products SET version = -1 WHERE category_id = NEW.id AND deleted_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER categories_capture_path_change AFTER UPDATE ON categories
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION categories_capture_path_change();
"""

DROP_CAPTURE_SQL = """
DROP TRIGGER IF EXISTS categories_capture_path_change ON categories;
DROP FUNCTION IF EXISTS categories_capture_path_change();
DROP TRIGGER IF EXISTS categories_set_path ON categories;
DROP FUNCTION IF EXISTS categories_set_path();
DROP TRIGGER IF EXISTS brands_capture_rename ON brands;
DROP FUNCTION IF EXISTS brands_capture_rename();
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP FUNCTION IF EXISTS outbox_notify();
DROP TRIGGER IF EXISTS products_capture_delete ON products;
DROP TRIGGER IF EXISTS products_capture_update ON products;
DROP TRIGGER IF EXISTS products_capture_insert ON products;
DROP FUNCTION IF EXISTS products_capture_change();
DROP TRIGGER IF EXISTS products_assign_version ON products;
DROP FUNCTION IF EXISTS products_assign_version();
DROP SEQUENCE IF EXISTS catalog_change_seq;
"""


def upgrade() -> None:
    op.create_table(
        "brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), server_default="", nullable=False),
        sa.Column("path_ids", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
        sa.Column("depth", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["categories.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("parent_id", "name", name="categories_parent_name_key"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("product_id", sa.String(length=128), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("outbox_pending_idx", "outbox", ["dispatched_at", "seq"], unique=False)
    op.create_index("outbox_product_id_idx", "outbox", ["product_id"], unique=False)
    op.create_table(
        "search_indices",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("analyzer_version", sa.Text(), nullable=False),
        sa.Column("document_count", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("brand_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("sale_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("stock", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "attributes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("rating", sa.REAL(), nullable=True),
        sa.Column("review_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("popularity", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("image", sa.Text(), nullable=True),
        sa.Column("cost", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint("price IS NULL OR price >= 0", name="products_price_check"),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 0 AND 5", name="products_rating_check"
        ),
        sa.CheckConstraint("stock >= 0", name="products_stock_check"),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("products_brand_id_idx", "products", ["brand_id"], unique=False)
    op.create_index("products_category_id_idx", "products", ["category_id"], unique=False)
    op.create_check_constraint(
        "categories_name_check", "categories", "name <> '' AND position(' > ' in name) = 0"
    )
    op.execute(CAPTURE_SQL)


def downgrade() -> None:
    op.execute(DROP_CAPTURE_SQL)
    op.drop_index("products_category_id_idx", table_name="products")
    op.drop_index("products_brand_id_idx", table_name="products")
    op.drop_table("products")
    op.drop_table("search_indices")
    op.drop_index("outbox_product_id_idx", table_name="outbox")
    op.drop_index("outbox_pending_idx", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("categories")
    op.drop_table("brands")
