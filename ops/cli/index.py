"""`catalog index list | rollback | prune`: the index generations behind the read alias."""

from __future__ import annotations

import typer
from rich.table import Table

from catalog.connections import redis_client
from catalog.generation import bump_generation
from catalog.settings import get_settings
from indexer import indices
from ops.cli.shell import console, fail, open_elasticsearch, open_engine

app = typer.Typer(help="Index generations behind the read alias.", no_args_is_help=True)


@app.command("list")
def index_list() -> None:
    """Index generations, their state and size."""
    engine = open_engine()
    with engine.connect() as conn:
        rows = indices.generations(conn, get_settings().index_prefix)
    table = Table("index", "state", "schema", "documents", "created", "promoted")
    for g in rows:
        table.add_row(
            g.name,
            g.state,
            g.schema_version,
            str(g.document_count or "-"),
            f"{g.created_at:%Y-%m-%d %H:%M:%S}",
            f"{g.promoted_at:%Y-%m-%d %H:%M:%S}" if g.promoted_at else "-",
        )
    console.print(table)


@app.command("rollback")
def index_rollback() -> None:
    """Point the alias back at the standby (previous live) index, which workers kept current."""
    engine, es = open_engine(), open_elasticsearch()
    prefix = get_settings().index_prefix
    with engine.begin() as conn:
        standby = [g.name for g in indices.generations(conn, prefix) if g.state == "standby"]
        if not standby:
            raise fail("no standby index to roll back to")
        indices.point_alias(es, conn, prefix, standby[0])
    bump_generation(redis_client(), prefix)
    console.print(f"alias now on {standby[0]}")


@app.command("prune")
def index_prune(keep: int = typer.Option(0, min=0, help="Retired generations to keep.")) -> None:
    """Delete retired index generations beyond --keep."""
    engine, es = open_engine(), open_elasticsearch()
    with engine.begin() as conn:
        dropped = indices.prune(es, conn, get_settings().index_prefix, keep)
    console.print(f"dropped {len(dropped)}: {', '.join(dropped) or '-'}")
