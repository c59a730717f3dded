"""The `catalog` command line: a thin shell over the functions the API and the workers use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from catalog import endpoints
from catalog.clients import database_engine
from catalog.products import load_stream
from catalog.services import LocalServices, ServiceError
from catalog.settings import get_settings
from schemas.product import CanonicalProduct

app = typer.Typer(
    help="Catalog Search: operate the service.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold credentials
)
services_app = typer.Typer(help="Local PostgreSQL, Redis and Elasticsearch.", no_args_is_help=True)
app.add_typer(services_app, name="services")
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one clear line to stderr and return the exit to raise."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@services_app.command("up")
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


@services_app.command("down")
def services_down() -> None:
    """Stop the local servers."""
    local = LocalServices(get_settings())
    try:
        local.down()
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    _print_status(local)


@services_app.command("status")
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


def _engine() -> Engine:
    try:
        return database_engine()
    except ServiceError as exc:
        raise fail(str(exc)) from exc


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic, to head)."""
    from catalog.database import migrate as run_migrations

    try:
        run_migrations(endpoints.database_url(get_settings()))
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    except OperationalError as exc:
        raise fail(f"PostgreSQL unreachable: {str(exc.orig).splitlines()[0]}") from exc
    console.print("database at head")


def _store(products: Iterable[CanonicalProduct], total: int | None, label: str) -> int:
    engine = _engine()
    written = 0
    with progress_bar() as progress:
        task = progress.add_task(label, total=total)
        for result in load_stream(engine, products):
            written += result.written
            progress.update(task, advance=result.written)
    return written


class RateColumn(ProgressColumn):
    """Items per second (documents or products), which Rich does not show out of the box."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f}/s", style="cyan")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=err,
    )


@app.command()
def seed(
    products: int = typer.Option(3000, "--products", min=1, max=10_000_000, help="How many."),
    seed_value: int = typer.Option(42, "--seed", help="Generator seed (same seed, same catalog)."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing if products exist."),
) -> None:
    """Generate a deterministic, realistic catalog into PostgreSQL (upsert by id)."""
    from catalog.datasets.generator import generate_products
    from indexer.documents import count_live

    if if_empty:
        with _engine().connect() as conn:
            existing = count_live(conn)
        if existing:
            console.print(f"{existing} products already there; nothing seeded")
            return

    stream = (CanonicalProduct.model_validate(p) for p in generate_products(products, seed_value))
    written = _store(stream, products, "seeding")
    console.print(f"{written} products written")


@app.command()
def load(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON lines or a dataset."),
    mapping: str | None = typer.Option(None, help="Named reader for a real data file."),
) -> None:
    """Load products from canonical JSON lines (upsert by id), or a real data set with --mapping."""
    from catalog.datasets.mappings import MAPPINGS, read_canonical_jsonl

    bad: list[str] = []
    if mapping is not None:
        if mapping not in MAPPINGS:
            raise fail(f"unknown mapping {mapping!r}; known: {', '.join(sorted(MAPPINGS))}")
        stream: Iterable[CanonicalProduct] = (
            CanonicalProduct.model_validate(p) for p in MAPPINGS[mapping](path)
        )
    else:

        def valid() -> Iterator[CanonicalProduct]:
            for line_number, parsed in read_canonical_jsonl(path):
                if isinstance(parsed, ValidationError):
                    first = parsed.errors()[0]
                    field = ".".join(map(str, first["loc"])) or "line"
                    bad.append(f"line {line_number}: {field}: {first['msg']}")
                else:
                    yield CanonicalProduct.model_validate(parsed)

        stream = valid()
    written = _store(stream, None, f"loading {path.name}")
    for line in bad[:20]:
        err.print(line, highlight=False)
    console.print(f"{written} products written, {len(bad)} lines rejected")
    if bad:
        raise typer.Exit(1)


@app.command()
def export(
    path: Path = typer.Argument(..., dir_okay=False, help="Where to write the JSON lines."),
) -> None:
    """Write every live product in canonical JSON lines (what `catalog load` reads back)."""
    from catalog.products import export_products
    from schemas.product import to_json_line

    written = 0
    with _engine().connect() as conn, path.open("wb") as out:
        for product in export_products(conn):
            out.write(to_json_line(product))
            written += 1
    console.print(f"{written} products exported to {path}")


# The indexing commands register themselves on `app`; imported last because they import from here.
from catalog import (  # noqa: E402, F401
    cli_analytics,
    cli_bench,
    cli_indexing,
    cli_keys,
    cli_recovery,
    cli_scheduler,
    cli_synonyms,
)
