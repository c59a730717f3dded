"""Index generations: names, the read alias, which indices receive writes, promotion and rollback.

PostgreSQL's `search_indices` table records each generation's state:
- `building`: a reindex is loading it; workers write to it too, so no change made during the build
  is lost.
- `live`: the read alias points here.
- `standby`: the previous live index, still kept current by the workers, so a rollback is instant.
- `retired`: no longer written; kept for inspection until pruned.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

from elasticsearch import Elasticsearch, NotFoundError
from sqlalchemy import Connection, text

from schemas.product_index import index_mapping, index_settings, schema_version

WRITE_STATES = ("building", "live", "standby")


def alias_name(prefix: str) -> str:
    return f"{prefix}-products"


def new_index_name(prefix: str) -> str:
    return f"{prefix}-products-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


@dataclass(frozen=True)
class IndexGeneration:
    name: str
    state: str
    schema_version: str
    document_count: int | None
    created_at: datetime
    promoted_at: datetime | None


def write_targets(conn: Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        text("SELECT name FROM search_indices WHERE alias = :alias AND state = ANY(:states)"),
        {"alias": alias_name(prefix), "states": list(WRITE_STATES)},
    )
    return [row[0] for row in rows]


def generations(conn: Connection, prefix: str) -> list[IndexGeneration]:
    rows = conn.execute(
        text(
            "SELECT name, state, analyzer_version, document_count, created_at, promoted_at "
            "FROM search_indices WHERE alias = :alias ORDER BY created_at DESC"
        ),
        {"alias": alias_name(prefix)},
    )
    return [IndexGeneration(*row) for row in rows]


def create_index(es: Elasticsearch, conn: Connection, prefix: str, *, loading: bool) -> str:
    """Create a new index generation in state `building` and record it (committed by the caller).

    While loading, refresh is off and replicas are 0: the reindex recipe, restored on promotion.
    """
    name = new_index_name(prefix)
    settings = index_settings()
    if loading:
        settings["refresh_interval"] = "-1"
    es.indices.create(index=name, settings=settings, mappings=index_mapping())
    conn.execute(
        text(
            "INSERT INTO search_indices (name, alias, state, analyzer_version) "
            "VALUES (:name, :alias, 'building', :version)"
        ),
        {"name": name, "alias": alias_name(prefix), "version": schema_version()},
    )
    return name


def drop_index(es: Elasticsearch, conn: Connection, name: str) -> None:
    with contextlib.suppress(NotFoundError):
        es.indices.delete(index=name)
    conn.execute(text("DELETE FROM search_indices WHERE name = :name"), {"name": name})


def aliased_indices(es: Elasticsearch, prefix: str) -> list[str]:
    try:
        return sorted(es.indices.get_alias(name=alias_name(prefix)).body)
    except NotFoundError:
        return []


def point_alias(es: Elasticsearch, conn: Connection, prefix: str, name: str) -> None:
    """Swap the read alias to `name` in one atomic call; the old live index becomes standby."""
    alias = alias_name(prefix)
    actions: list[dict[str, dict[str, str]]] = [
        {"remove": {"index": old, "alias": alias}}
        for old in aliased_indices(es, prefix)
        if old != name
    ]
    actions.append({"add": {"index": name, "alias": alias, "is_write_index": "true"}})
    es.indices.update_aliases(actions=actions)
    conn.execute(
        text(
            "UPDATE search_indices SET state = 'retired' WHERE alias = :alias AND state = 'standby'"
        ),
        {"alias": alias},
    )
    conn.execute(
        text(
            "UPDATE search_indices SET state = 'standby' "
            "WHERE alias = :alias AND state = 'live' AND name <> :name"
        ),
        {"alias": alias, "name": name},
    )
    conn.execute(
        text("UPDATE search_indices SET state = 'live', promoted_at = now() WHERE name = :name"),
        {"name": name},
    )


def prune(es: Elasticsearch, conn: Connection, prefix: str, keep: int) -> list[str]:
    """Delete retired generations beyond the newest `keep` of them."""
    retired = [g.name for g in generations(conn, prefix) if g.state == "retired"]
    dropped = retired[keep:]
    for name in dropped:
        drop_index(es, conn, name)
    return dropped
