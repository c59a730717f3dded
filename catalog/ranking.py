"""Ranking settings: how business signals order products inside a text tier, changed at run time.

The text decides the tier (`search_api.query`: words matched, then words matched without a typo and
in the title, then availability); these settings only weigh the signals that order products inside
a tier, so no weight, however large, lifts a product over a better text match. They live in
PostgreSQL, one row per version with who changed them and when (`ranking_changes`): the current
settings are the last row, a rollback is a new row holding an earlier version's settings, and API
workers reload them when the version moves (`search_api.live`), as they do synonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, text


class OutOfStock(StrEnum):
    """What becomes of out-of-stock products that match."""

    demote = "demote"
    """After the in-stock products of the same text tier, before any worse text match."""
    ignore = "ignore"
    """Ranked as if in stock."""
    hide = "hide"
    """Not shown, not counted in facets."""


class RankingSettings(BaseModel):
    """The weights of the signals inside a tier: each adds to a factor of 1 that multiplies the text
    score, and the whole factor is capped at `MAX_SIGNAL_FACTOR`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    popularity_weight: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Added per tenfold of popularity (views or sales: log10(1 + popularity)).",
    )
    rating_weight: float = Field(
        default=0.03, ge=0, le=1, description="Added per star of rating (0 to 5)."
    )
    new_product_boost: float = Field(
        default=0.1, ge=0, le=1, description="Added for products created within `new_product_days`."
    )
    new_product_days: int = Field(
        default=30, ge=1, le=3650, description="How recent a product counts as new."
    )
    out_of_stock: OutOfStock = Field(
        default=OutOfStock.demote, description="`demote`, `ignore` or `hide`."
    )


class RankingDraft(BaseModel):
    """A change to some of the settings; the others keep their current values."""

    model_config = ConfigDict(extra="forbid")

    popularity_weight: float | None = Field(default=None, ge=0, le=1)
    rating_weight: float | None = Field(default=None, ge=0, le=1)
    new_product_boost: float | None = Field(default=None, ge=0, le=1)
    new_product_days: int | None = Field(default=None, ge=1, le=3650)
    out_of_stock: OutOfStock | None = None

    def applied_to(self, current: RankingSettings) -> RankingSettings:
        return current.model_copy(update=self.model_dump(exclude_none=True))


#: The largest factor all signals together may give (Elasticsearch's `max_boost`): with the
#: weights' bounds it is never reached, but it bounds the within-tier score whatever is stored.
MAX_SIGNAL_FACTOR = 4.0


@dataclass(frozen=True, slots=True)
class Change:
    version: int
    at: datetime
    actor: str
    action: str
    settings: dict[str, Any]


def _lock(conn: Connection) -> None:
    """One change at a time, so versions follow each other without a lost update."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('catalog.ranking'))"))


def current_version(conn: Connection) -> int:
    return int(
        conn.execute(text("SELECT coalesce(max(version), 0) FROM ranking_changes")).scalar_one()
    )


def current_settings(conn: Connection) -> RankingSettings:
    """The settings in force: the last version's, or the defaults before any change."""
    row = conn.execute(
        text("SELECT settings FROM ranking_changes ORDER BY version DESC LIMIT 1")
    ).scalar()
    return RankingSettings() if row is None else RankingSettings.model_validate(row)


def _record(conn: Connection, settings: RankingSettings, *, actor: str, action: str) -> int:
    version = conn.execute(
        text(
            "INSERT INTO ranking_changes (actor, action, settings) "
            "VALUES (:actor, :action, CAST(:settings AS jsonb)) RETURNING version"
        ),
        {
            "actor": actor,
            "action": action,
            "settings": orjson.dumps(settings.model_dump(mode="json")).decode(),
        },
    ).scalar_one()
    return int(version)


def change(conn: Connection, draft: RankingDraft, *, actor: str) -> tuple[RankingSettings, int]:
    """Apply a draft to the current settings as a new version."""
    _lock(conn)
    settings = draft.applied_to(current_settings(conn))
    return settings, _record(conn, settings, actor=actor, action="change")


def rollback(conn: Connection, version: int, *, actor: str) -> tuple[RankingSettings, int] | None:
    """Make the settings what they were at `version`, as a new version; None if there is none."""
    _lock(conn)
    row = conn.execute(
        text("SELECT settings FROM ranking_changes WHERE version = :v"), {"v": version}
    ).scalar()
    if row is None:
        return None
    settings = RankingSettings.model_validate(row)
    return settings, _record(conn, settings, actor=actor, action=f"rollback to {version}")


def history(conn: Connection, limit: int = 50) -> list[Change]:
    rows = conn.execute(
        text(
            "SELECT version, at, actor, action, settings FROM ranking_changes "
            "ORDER BY version DESC LIMIT :limit"
        ),
        {"limit": limit},
    )
    return [Change(*row) for row in rows]
