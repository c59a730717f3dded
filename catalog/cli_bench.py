"""`catalog bench ...`: run a benchmark, print its table, append it to docs/benchmarks.md."""

from __future__ import annotations

import statistics

import typer
from rich.table import Table

from catalog.bench.environment import append_report, bench_engine, bench_settings
from catalog.cli import app, console
from catalog.clients import elasticsearch_client
from catalog.settings import get_settings

bench_app = typer.Typer(
    help="Benchmarks (results appended to docs/benchmarks.md).", no_args_is_help=True
)
app.add_typer(bench_app, name="bench")


def _show(rows: list[tuple[str, str, str]]) -> None:
    table = Table("measure", "value", "target")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@bench_app.command("reindex")
def bench_reindex_command(
    size: int = typer.Option(100_000, help="Products (10000, 100000, 1000000)."),
    repetitions: int = typer.Option(2, min=1, help="Runs of each side."),
) -> None:
    """Full reindex end to end (PostgreSQL read, analysis, bulk) beside raw parallel_bulk."""
    from catalog.bench.indexing import bench_reindex, ensure_catalog

    settings = bench_settings(get_settings())
    engine = bench_engine(settings, fresh=False)
    ensure_catalog(engine, size)
    es = elasticsearch_client(settings, request_timeout=120)
    figures = bench_reindex(engine, es, settings.index_prefix, repetitions)
    ours = statistics.median(figures.ours_docs_per_s)
    raw = statistics.median(figures.raw_docs_per_s)
    rows = [
        ("documents", f"{figures.documents:,}", ""),
        ("catalog reindex, docs/s (median)", f"{ours:,.0f}", ">= 5,000"),
        ("raw parallel_bulk of prebuilt docs, docs/s", f"{raw:,.0f}", "(peer)"),
        ("ratio reindex / raw", f"{figures.ratio:.2f}", ">= 0.6"),
        (
            "runs (ours; raw)",
            "; ".join(
                [
                    ", ".join(f"{v:,.0f}" for v in figures.ours_docs_per_s),
                    ", ".join(f"{v:,.0f}" for v in figures.raw_docs_per_s),
                ]
            ),
            "",
        ),
    ]
    _show(rows)
    append_report(
        f"Reindex, {size:,} products",
        f"catalog bench reindex --size {size} --repetitions {repetitions}",
        rows,
    )


@bench_app.command("freshness")
def bench_freshness_command(
    size: int = typer.Option(10_000, help="Products in the catalog."),
    rate: float = typer.Option(200, help="Changes per second."),
    seconds: float = typer.Option(30, help="How long the stream runs."),
) -> None:
    """Commit-to-searchable lag under a steady stream of updates, with a real worker."""
    from catalog.bench.indexing import _quantile, bench_freshness, ensure_catalog
    from indexer.reindex import reindex

    settings = bench_settings(get_settings())
    engine = bench_engine(settings, fresh=False)
    ensure_catalog(engine, size)
    es = elasticsearch_client(settings, request_timeout=60)
    reindex(engine, es, settings.index_prefix, keep=0)
    figures = bench_freshness(engine, es, settings, rate=rate, seconds=seconds)
    rows = [
        ("changes applied", f"{figures.changes:,} at {figures.rate:,.0f}/s", f"{rate:,.0f}/s"),
        ("commit to searchable p50 (worker, s)", f"{_quantile(figures.lags, 0.5):.3f}", "~1"),
        ("commit to searchable p99 (worker, s)", f"{_quantile(figures.lags, 0.99):.3f}", "< 2"),
        (
            "probe: commit to found by search p50 (s)",
            f"{_quantile(figures.probe_lags, 0.5):.3f}",
            "~1",
        ),
        (
            "probe: commit to found by search p99 (s)",
            f"{_quantile(figures.probe_lags, 0.99):.3f}",
            "< 2",
        ),
        ("probe samples", str(len(figures.probe_lags)), ""),
        ("worker RSS at end (MiB)", f"{figures.worker_rss_mb:.0f}", ""),
    ]
    _show(rows)
    append_report(
        f"Freshness, {rate:.0f} changes/s for {seconds:.0f} s",
        f"catalog bench freshness --size {size} --rate {rate:g} --seconds {seconds:g}",
        rows,
    )
