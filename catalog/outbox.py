"""The outbox as PostgreSQL records it: every committed change not yet searchable.

Triggers write it (migration 0001); the indexer drains it (`indexer.outbox`). Its depth and age are
the one measure of freshness that `/metrics`, `catalog outbox status`, the reindex check and the
tests read, through `backlog`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Backlog:
    """Changes committed but not yet searchable: how many, and how long the oldest has waited."""

    depth: int
    oldest_seconds: float | None


def backlog(conn: Connection) -> Backlog:
    """The outbox's depth and age: the one measure of freshness every reader uses (metrics, status)."""
    depth, oldest = conn.execute(
        text("SELECT count(*), extract(epoch FROM now() - min(created_at)) FROM outbox")
    ).one()
    return Backlog(int(depth), None if oldest is None else float(oldest))
