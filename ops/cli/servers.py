"""`catalog services up | down | status`: the project's own PostgreSQL, Redis and Elasticsearch."""

from __future__ import annotations

import typer
from rich.table import Table

from catalog.settings import get_settings
from ops.cli.shell import console, fail
from ops.servers import LocalServices, ServiceError

app = typer.Typer(help="Local PostgreSQL, Redis and Elasticsearch.", no_args_is_help=True)


@app.command("up")
def services_up(
    nodes: int | None = typer.Option(
        None, min=1, max=5, help="Elasticsearch nodes to run (default: as recorded, 1 at first)."
    ),
) -> None:
    """Start the local servers that no URL setting replaces (idempotent)."""
    local = LocalServices(get_settings())
    try:
        local.up(nodes=nodes)
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    _print_status(local)


@app.command("down")
def services_down() -> None:
    """Stop the local servers."""
    local = LocalServices(get_settings())
    try:
        local.down()
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    _print_status(local)


@app.command("status")
def services_status() -> None:
    """List the servers, where they listen and whether they run; exit 1 if one is down."""
    local = LocalServices(get_settings())
    if not _print_status(local):
        raise typer.Exit(1)


def _print_status(local: LocalServices) -> bool:
    table = Table("service", "managed here", "running", "listening on")
    rows = local.status()
    for row in rows:
        table.add_row(
            row.name,
            "yes" if row.managed else "no (URL set)",
            "[green]yes[/green]" if row.running else "[red]no[/red]",
            row.where,
        )
    console.print(table)
    return all(row.running for row in rows)
