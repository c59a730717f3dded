"""`catalog analytics ship | rollup | top | conversions | search`: the scheduled analytics jobs by
hand, and a quick look at the reports."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import typer
from rich.table import Column, Table

from catalog.analytics import reports, searches
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
        f"{rolled.events} events, {rolled.clicks} clicks and {rolled.conversions} conversions of "
        f"{rolled.days} days before "
        f"{rolled.cutoff} folded into {rolled.rows} daily rows"
    )
    ship_command()


@app.command("top")
def top_command(
    days: int = typer.Option(7, min=1, help="Over the last this many days."),
    limit: int = typer.Option(20, min=1, max=1000, help="How many queries."),
) -> None:
    """The most searched queries: zero results, click-through, conversion rate and revenue."""
    rows = reports.top_queries(
        open_elasticsearch(), get_settings().index_prefix, _days(days), limit
    )
    table = _table(
        "searches", "zero results", "CTR", "mean click position", "conversion", "revenue"
    )
    for row in rows:
        position = row["mean_click_position"]
        table.add_row(
            row["query"],
            str(row["searches"]),
            str(row["zero_results"]),
            f"{row['ctr']:.1%}",
            "-" if position is None else f"{position:.2f}",
            f"{row['conversion_rate']:.1%}",
            _money(row),
        )
    console.print(table)


def _table(*figures: str) -> Table:
    """A report table whose queries stay one line each, however narrow the terminal."""
    return Table(Column("query", no_wrap=True), *figures)


def _days(days: int) -> reports.Scope:
    end = utcnow()
    return reports.Scope(start=end - timedelta(days=days), end=end)


def _money(row: dict[str, Any]) -> str:
    return f"{row['revenue']:,.2f} {'/'.join(row['currencies'])}".rstrip()


@app.command("conversions")
def conversions_command(
    days: int = typer.Option(7, min=1, help="Over the last this many days."),
    limit: int = typer.Option(20, min=1, max=1000, help="How many queries."),
    order: str = typer.Option(
        "revenue", help="Queries with the most: revenue, purchases, searches."
    ),
) -> None:
    """Add-to-cart and conversion rates, units and revenue, overall and per query."""
    if order not in {"revenue", "purchases", "searches"}:
        raise fail(f"--order must be revenue, purchases or searches, not {order!r}")
    overall, rows = reports.conversions(
        open_elasticsearch(), get_settings().index_prefix, _days(days), limit, order
    )
    table = _table(
        "searches", "add-to-cart", "conversion", "purchases", "units", "revenue", "per search"
    )
    for row in [*rows, {**overall, "query": "(all queries)"}]:
        table.add_row(
            row["query"],
            str(row["searches"]),
            f"{row['add_to_cart_rate']:.1%}",
            f"{row['conversion_rate']:.1%}",
            str(row["purchases"]),
            str(row["units"]),
            _money(row),
            f"{row['revenue_per_search']:,.2f}",
        )
    console.print(table)


@app.command("search")
def search_command(search_id: str = typer.Argument(help="A search id, signed or bare.")) -> None:
    """One search as recorded: what it showed, its clicks and its conversions (JSON)."""
    try:
        parsed = uuid.UUID(search_id.split(".")[0])
    except ValueError as exc:
        raise fail(f"{search_id!r} is not a search id") from exc
    found = searches.search_outcome(open_engine(), parsed)
    if found is None:
        raise fail(f"no recorded search {parsed}")
    console.print_json(json.dumps(found))
