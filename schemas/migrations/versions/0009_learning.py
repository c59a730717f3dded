"""Learning from shoppers: per-query boosts learned from clicks (and conversions), the runs that
computed them (their version), and the resets that make the job forget a query's past events.

Revision ID: 0009_learning
Revises: 0008_rules
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_learning"
down_revision = "0008_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learned_boosts",
        sa.Column("query_key", sa.Text(), primary_key=True),
        sa.Column("product_id", sa.String(128), primary_key=True),
        sa.Column("factor", sa.Double(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("shown_sessions", sa.Integer(), nullable=False),
        sa.Column("credit", sa.Double(), nullable=False),
        sa.Column("expected", sa.Double(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("factor > 0", name="learned_boosts_factor_check"),
    )
    op.create_table(
        "learning_runs",
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("queries", sa.Integer(), nullable=False),
        sa.Column("boosts", sa.Integer(), nullable=False),
    )
    op.create_table(
        "learning_resets",
        # '' resets every query.
        sa.Column("query_key", sa.Text(), primary_key=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("learning_resets")
    op.drop_table("learning_runs")
    op.drop_table("learned_boosts")
