"""Ranking settings, one row per version.

Revision ID: 0007_ranking
Revises: 0006_conversions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007_ranking"
down_revision = "0006_conversions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ranking_changes",
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("settings", JSONB(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ranking_changes")
