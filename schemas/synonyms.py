"""Synonym rules in PostgreSQL, the record, and the history of every change to them.

`synonym_rules` holds the rules in force; `synonym_changes` one row per change, numbered (the
synonyms version API workers compare), with who, what, and the whole rule set after the change, so
a rollback re-applies a stored state. The logic lives in `catalog/synonyms.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from schemas.catalog import Base


class SynonymRule(Base):
    """An equivalent set (`terms`) or a one-way rule (`terms` => `outputs`), maybe category-scoped."""

    __tablename__ = "synonym_rules"
    __table_args__ = (
        CheckConstraint("kind IN ('equivalent', 'one_way')", name="synonym_rules_kind_check"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    terms: Mapped[list[str]] = mapped_column(ARRAY(Text))
    outputs: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    category: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(Text)


class SynonymChange(Base):
    """One change: its version, who made it, what it was, and the rule set it left."""

    __tablename__ = "synonym_changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
