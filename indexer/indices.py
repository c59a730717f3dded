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
#: Replicas per shard as the node count allows: 0 on one node, 1 on two or more.
AUTO_EXPAND_REPLICAS = "0-1"


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

    While loading, refresh is off: the reindex recipe, restored on promotion. Replicas follow the
    cluster (`auto_expand_replicas` 0-1): none on a single node, where a replica could never be
    assigned and the index would stay yellow, one as soon as there are two nodes or more, so that
    losing a node loses no shard. Elasticsearch lets auto-expansion override the recipe's
    "replicas 0 while loading": on a cluster the replica is built during the load, and the index is
    already redundant when the alias swaps to it.
    """
    name = new_index_name(prefix)
    settings = index_settings()
    settings["auto_expand_replicas"] = AUTO_EXPAND_REPLICAS
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
    """Swap the read alias to `name` in one atomic call; the old live index becomes standby.

    An old generation whose index Elasticsearch no longer has (its data folder was lost) is retired
    instead: as a standby, workers would write to it and Elasticsearch would re-create it with a
    dynamic mapping.
    """
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
    lost = [
        g.name
        for g in generations(conn, prefix)
        if g.state == "standby" and not es.indices.exists(index=g.name)
    ]
    if lost:
        conn.execute(
            text("UPDATE search_indices SET state = 'retired' WHERE name = ANY(:names)"),
            {"names": lost},
        )


def prune(es: Elasticsearch, conn: Connection, prefix: str, keep: int) -> list[str]:
    """Delete retired generations beyond the newest `keep` of them."""
    retired = [g.name for g in generations(conn, prefix) if g.state == "retired"]
    dropped = retired[keep:]
    for name in dropped:
        drop_index(es, conn, name)
    return dropped
