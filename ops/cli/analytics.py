"""`catalog analytics ship | rollup | top`: the scheduled analytics jobs by hand, and a quick look."""

from __future__ import annotations

from datetime import timedelta

import typer
from rich.table import Table

from catalog.analytics import reports
from catalog.analytics.events import utcnow
from catalog.analytics.rollup import rollup
from catalog.analytics.shipping import ship
from catalog.connections import redis_client
from catalog.settings import get_settings
from ops.cli.shell import console, fail, open_elasticsearch, open_engine

app = typer.Typer(help="Search analytics: shipping, retention, reports.", no_args_is_help=True)


@app.command("ship")
def ship_command() -> None:
    """Ship pending events to the analytics index; refresh the popular queries (the worker's job)."""
    settings = get_settings()
    shipped = ship(
        open_engine(),
        open_elasticsearch(),
        settings.index_prefix,
        redis=redis_client(settings),
        popular_days=settings.analytics_popular_days,
        popular_min_searches=settings.analytics_popular_min_searches,
    )
    if shipped.skipped:
        console.print("another shipment is running; nothing done")
        return
    console.print(
        f"{shipped.events} events and {shipped.days} days shipped, {shipped.deleted} documents "
        f"deleted, {shipped.popular_queries} popular queries"
    )
    if shipped.failed:
        raise fail(f"{shipped.failed} documents failed; the next shipment retries them")


@app.command("rollup")
def rollup_command() -> None:
    """Fold raw events older than ANALYTICS_RETENTION_DAYS into daily sums, then ship the change."""
    settings = get_settings()
    engine = open_engine()
    rolled = rollup(engine, retention_days=settings.analytics_retention_days)
    if rolled.skipped:
        console.print("a shipment or rollup is running; nothing done")
        return
    console.print(
        f"{rolled.events} events and {rolled.clicks} clicks of {rolled.days} days before "
        f"{rolled.cutoff} folded into {rolled.rows} daily rows"
    )
    ship_command()


@app.command("top")
def top_command(
    days: int = typer.Option(7, min=1, help="Over the last this many days."),
    limit: int = typer.Option(20, min=1, max=1000, help="How many queries."),
) -> None:
    """The most searched queries, with their zero-result count and click-through."""
    end = utcnow()
    scope = reports.Scope(start=end - timedelta(days=days), end=end)
    rows = reports.top_queries(open_elasticsearch(), get_settings().index_prefix, scope, limit)
    table = Table("query", "searches", "zero results", "CTR", "mean click position")
    for row in rows:
        position = row["mean_click_position"]
        table.add_row(
            row["query"],
            str(row["searches"]),
            str(row["zero_results"]),
            f"{row['ctr']:.1%}",
            "-" if position is None else f"{position:.2f}",
        )
    console.print(table)
