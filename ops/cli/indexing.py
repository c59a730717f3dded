"""`catalog reindex | verify`: build a new index generation, and compare the index with PostgreSQL."""

from __future__ import annotations

import typer

from catalog.connections import redis_client
from catalog.generation import bump_generation
from catalog.settings import get_settings
from indexer import indices
from ops.cli.shell import console, fail, open_elasticsearch, open_engine, progress_bar
from schemas.product_index import schema_version

app = typer.Typer()


@app.command()
def reindex(
    keep: int = typer.Option(2, min=0, help="Retired generations to keep after the swap."),
    threads: int = typer.Option(2, min=1, max=8, help="Parallel bulk threads."),
    if_needed: bool = typer.Option(
        False, "--if-needed", help="Only if no index is live or it was built by other analysis."
    ),
) -> None:
    """Build a new index from PostgreSQL, verify it, and swap the read alias atomically."""
    from catalog.products import count_live
    from indexer.reindex import ReindexError
    from indexer.reindex import reindex as run_reindex

    engine, es = open_engine(), open_elasticsearch()
    prefix = get_settings().index_prefix
    if if_needed:
        with engine.connect() as conn:
            live = [g for g in indices.generations(conn, prefix) if g.state == "live"]
        if live and live[0].schema_version == schema_version():
            console.print(f"{live[0].name} is live and current; nothing reindexed")
            return
    with engine.connect() as conn:
        total = count_live(conn)
    try:
        with progress_bar() as progress:
            task = progress.add_task("indexing", total=total)
            result = run_reindex(
                engine,
                es,
                get_settings().index_prefix,
                keep=keep,
                threads=threads,
                progress=lambda n: progress.update(task, advance=n),
            )
    except ReindexError as exc:
        raise fail(f"{exc}; the alias was left untouched") from exc
    except KeyboardInterrupt:
        raise fail(
            "interrupted; the new index was dropped and the alias left untouched", 130
        ) from None
    bump_generation(redis_client(), get_settings().index_prefix)
    console.print(
        f"{result.index}: {result.documents} documents in {result.seconds:.1f}s "
        f"({result.docs_per_second:,.0f} docs/s); alias {indices.alias_name(get_settings().index_prefix)} swapped"
    )


@app.command()
def verify(
    repair: bool = typer.Option(False, "--repair", help="Re-queue every difference found."),
) -> None:
    """Compare PostgreSQL with the index document by document; exit 1 on any difference."""
    from indexer.verify import repair as run_repair
    from indexer.verify import verify as run_verify

    engine, es = open_engine(), open_elasticsearch()
    report = run_verify(engine, es, get_settings().index_prefix)
    console.print(
        f"postgres {report.postgres} live products, index {report.index} documents, "
        f"{report.in_flight} in flight"
    )
    for kind in ("missing", "extra", "stale", "drifted"):
        ids: list[str] = getattr(report, kind)
        if ids:
            shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
            console.print(f"{kind}: {len(ids)} ({shown})")
    if report.differences and repair:
        console.print(f"re-queued {run_repair(engine, report)} products")
    if report.differences:
        raise typer.Exit(1)
    console.print("no differences")
