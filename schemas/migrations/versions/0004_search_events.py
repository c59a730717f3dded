"""Search analytics: raw search and click events, daily rollups, documents to delete from the index.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KIND_CHECK = "kind IN ('search', 'autocomplete')"
UNSHIPPED = sa.text("revision > shipped_revision")


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "search_events",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("search_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("filters", JSONB(), server_default="{}", nullable=False),
        sa.Column("facets", ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.REAL(), nullable=False),
        sa.Column("cache_hit", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column("shipped_revision", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(KIND_CHECK, name="search_events_kind_check"),
    )
    op.create_index("search_events_at_idx", "search_events", ["at"])
    op.create_index(
        "search_events_unshipped_idx", "search_events", ["id"], postgresql_where=UNSHIPPED
    )
    op.create_table(
        "click_events",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("search_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("product_id", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint("position >= 1", name="click_events_position_check"),
    )
    op.create_index("click_events_search_id_idx", "click_events", ["search_id"])
    op.create_index("click_events_at_idx", "click_events", ["at"])
    op.create_table(
        "search_event_days",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("facets", ARRAY(sa.Text()), nullable=False),
        sa.Column("searches", sa.BigInteger(), nullable=False),
        sa.Column("zero_results", sa.BigInteger(), nullable=False),
        sa.Column("clicked_searches", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("click_position_sum", sa.BigInteger(), nullable=False),
        sa.Column("latency_ms_sum", sa.Double(), nullable=False),
        sa.Column("cache_hits", sa.BigInteger(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column("shipped_revision", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(KIND_CHECK, name="search_event_days_kind_check"),
        sa.UniqueConstraint("day", "kind", "query", "facets", name="search_event_days_key"),
    )
    op.create_index(
        "search_event_days_unshipped_idx", "search_event_days", ["id"], postgresql_where=UNSHIPPED
    )
    op.create_table(
        "search_event_deletions",
        sa.Column("doc_id", sa.Text(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("search_event_deletions")
    op.drop_table("search_event_days")
    op.drop_table("click_events")
    op.drop_table("search_events")
