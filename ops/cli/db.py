"""`catalog db backup FILE` and `catalog db restore FILE [--database NAME]`: the recovery drill.

Recovery is: restore the database, `catalog reindex`, `catalog worker --burst` (applies whatever the
dump's outbox still held), `catalog verify`. docs/operations.md has the schedule and the steps.
"""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from catalog import connections
from catalog.backup import RestoreRefused, backup, restore
from catalog.settings import get_settings
from ops.cli.shell import console, fail
from ops.servers import ServiceError

app = typer.Typer(
    help="Back up and restore the catalog database (the system of record).", no_args_is_help=True
)


def _database_url() -> str:
    try:
        return connections.database_url(get_settings())
    except ServiceError as exc:
        raise fail(str(exc)) from exc


@app.command("backup")
def db_backup(
    path: Path = typer.Argument(..., help="Where to write the dump (pg_dump custom format)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
) -> None:
    """Dump the database with pg_dump -Fc; the index needs no backup (`catalog reindex`)."""
    if path.is_dir():
        raise fail(f"{path} is a folder; give a file name", 2)
    if not path.parent.is_dir():
        raise fail(f"folder {path.parent} does not exist", 2)
    if path.exists() and not force:
        raise fail(f"{path} exists; pass --force to replace it")
    url = _database_url()
    try:
        size = backup(url, path)
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    console.print(f"database {make_url(url).database} backed up to {path} ({size:,} bytes)")


@app.command("restore")
def db_restore(
    path: Path = typer.Argument(..., help="A dump written by `catalog db backup`."),
    database: str | None = typer.Option(
        None, "--database", help="Database to restore into (default: the configured one)."
    ),
    jobs: int = typer.Option(2, min=1, max=16, help="Parallel pg_restore jobs."),
) -> None:
    """Restore a dump into a new or empty database on the configured server (never over data)."""
    if not path.is_file():
        raise fail(f"no such file: {path}", 2)
    url = _database_url()
    target = database or make_url(url).database or ""
    try:
        restored = restore(url, path, target, jobs=jobs)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    except (RestoreRefused, ServiceError) as exc:
        raise fail(str(exc)) from exc
    except OperationalError as exc:
        raise fail(f"PostgreSQL unreachable: {str(exc.orig).splitlines()[0]}") from exc
    console.print(
        f"restored {path} into {'new' if restored.created else 'empty'} database "
        f"{restored.database}: {restored.products} live products. Next, with DATABASE_URL on it: "
        "`catalog reindex`, `catalog worker --burst`, `catalog verify`"
    )
