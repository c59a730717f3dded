"""Conversions: add-to-carts and purchases tied to a search, their sums in the daily rollups, and
the indexes the also-viewed and also-bought recommendations read.

Revision ID: 0006_conversions
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0006_conversions"
down_revision = "0005"
branch_labels = None
depends_on = None

_DAY_COUNTS = ("carted_searches", "converted_searches", "add_to_carts", "purchases", "units")


def upgrade() -> None:
    op.create_table(
        "conversion_events",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("search_id", sa.Uuid(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("product_id", sa.String(128), nullable=False),
        sa.Column("value", sa.Numeric(12, 2)),
        sa.Column("quantity", sa.Integer(), server_default="1", nullable=False),
        sa.Column("currency", sa.String(3)),
        sa.Column("session_id", sa.String(64)),
        sa.CheckConstraint(
            "kind IN ('add_to_cart', 'purchase')", name="conversion_events_kind_check"
        ),
        sa.CheckConstraint("quantity >= 1", name="conversion_events_quantity_check"),
        sa.CheckConstraint("value >= 0", name="conversion_events_value_check"),
        sa.CheckConstraint(
            "kind <> 'purchase' OR value IS NOT NULL", name="conversion_events_purchase_value_check"
        ),
        sa.UniqueConstraint(
            "search_id", "product_id", "kind", name="conversion_events_search_product_kind_key"
        ),
    )
    op.create_index("conversion_events_at_idx", "conversion_events", ["at"])
    for table in ("click_events", "conversion_events"):
        # `at` included: the latest sessions of a product are read from the index alone.
        op.create_index(
            f"{table}_product_session_idx",
            table,
            ["product_id", "session_id"],
            postgresql_include=["at"],
        )
        op.create_index(f"{table}_session_product_idx", table, ["session_id", "product_id"])
    for name in _DAY_COUNTS:
        op.add_column(
            "search_event_days",
            sa.Column(name, sa.BigInteger(), server_default="0", nullable=False),
        )
    op.add_column(
        "search_event_days",
        sa.Column("revenue", sa.Numeric(18, 2), server_default="0", nullable=False),
    )
    op.add_column(
        "search_event_days",
        sa.Column("currencies", ARRAY(sa.Text()), server_default="{}", nullable=False),
    )


def downgrade() -> None:
    for name in (*_DAY_COUNTS, "revenue", "currencies"):
        op.drop_column("search_event_days", name)
    for table in ("click_events", "conversion_events"):
        op.drop_index(f"{table}_session_product_idx", table)
        op.drop_index(f"{table}_product_session_idx", table)
    op.drop_table("conversion_events")
