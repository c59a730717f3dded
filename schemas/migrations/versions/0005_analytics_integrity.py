"""Analytics integrity: the key that signs search ids, what each search showed, one click per
(search, product), and the popular queries merchandisers hide.

The signing key is generated here, once per database, with `secrets` (256 bits): every API process
of a deployment reads the same one, it never leaves PostgreSQL, and there is no default to forget.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    secrets_table = op.create_table(
        "service_secrets",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
    )
    op.bulk_insert(secrets_table, [{"name": "search_ids", "value": secrets.token_hex(32)}])
    op.add_column(
        "search_events", sa.Column("shown", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "search_events",
        sa.Column("shown_products", ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.execute(
        "DELETE FROM click_events a USING click_events b "
        "WHERE a.search_id = b.search_id AND a.product_id = b.product_id AND a.id > b.id"
    )
    op.create_unique_constraint(
        "click_events_search_product_key", "click_events", ["search_id", "product_id"]
    )
    op.create_table(
        "hidden_queries",
        sa.Column("query", sa.Text(), primary_key=True),
        sa.Column("hidden_by", sa.Text(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
    )


def downgrade() -> None:
    op.drop_table("hidden_queries")
    op.drop_constraint("click_events_search_product_key", "click_events")
    op.drop_column("search_events", "shown_products")
    op.drop_column("search_events", "shown")
    op.drop_table("service_secrets")
