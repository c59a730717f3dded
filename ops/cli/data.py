"""`catalog migrate | seed | load | export`: the catalog into and out of PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import typer
from sqlalchemy.exc import OperationalError

from catalog import connections
from catalog.local_state import ServiceError
from catalog.products import load_stream, valid_products
from catalog.settings import get_settings
from ops.cli.shell import console, err, fail, open_engine, progress_bar
from schemas.product import CanonicalProduct

app = typer.Typer()


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic, to head)."""
    from catalog.database import migrate as run_migrations

    try:
        run_migrations(connections.database_url(get_settings()))
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    except OperationalError as exc:
        raise fail(f"PostgreSQL unreachable: {str(exc.orig).splitlines()[0]}") from exc
    console.print("database at head")


def _store(products: Iterable[CanonicalProduct], total: int | None, label: str) -> int:
    engine = open_engine()
    written = 0
    with progress_bar() as progress:
        task = progress.add_task(label, total=total)
        for result in load_stream(engine, products):
            written += result.written
            progress.update(task, advance=result.written)
    return written


@app.command()
def seed(
    products: int = typer.Option(3000, "--products", min=1, max=10_000_000, help="How many."),
    seed_value: int = typer.Option(42, "--seed", help="Generator seed (same seed, same catalog)."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing if products exist."),
) -> None:
    """Generate a deterministic, realistic catalog into PostgreSQL (upsert by id)."""
    from catalog.products import count_live
    from ops.datasets.generator import generate_products

    if if_empty:
        with open_engine().connect() as conn:
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
    from ops.datasets.mappings import MAPPINGS, read_canonical_jsonl

    bad: list[str] = []
    if mapping is not None:
        if mapping not in MAPPINGS:
            raise fail(f"unknown mapping {mapping!r}; known: {', '.join(sorted(MAPPINGS))}")
        stream = valid_products(enumerate(MAPPINGS[mapping](path), start=1), bad)
    else:
        stream = valid_products(read_canonical_jsonl(path), bad)
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
    with open_engine().connect() as conn, path.open("wb") as out:
        for product in export_products(conn):
            out.write(to_json_line(product))
            written += 1
    console.print(f"{written} products exported to {path}")
