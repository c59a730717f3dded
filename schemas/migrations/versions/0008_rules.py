"""Merchandising rules and their versioned history.

Revision ID: 0008_rules
Revises: 0007_ranking
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008_rules"
down_revision = "0007_ranking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A rule is one JSON document (condition, schedule, consequences) validated by
    # `catalog.rules.RuleSpec`: its shape grows without migrations, and history stores the same.
    op.create_table(
        "merch_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("spec", JSONB(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Text(), nullable=False),
    )
    op.create_table(
        "merch_rule_changes",
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("rules", JSONB(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("merch_rule_changes")
    op.drop_table("merch_rules")
