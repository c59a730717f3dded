"""`catalog bench ...`: run a benchmark, print its table, append it to docs/benchmarks.md."""

from __future__ import annotations

import statistics
from pathlib import Path

import typer
from rich.table import Table

from catalog.bench.environment import append_report, bench_engine, bench_settings
from catalog.cli import app, console, fail
from catalog.clients import elasticsearch_client
from catalog.settings import get_settings
from indexer.metrics import percentile

bench_app = typer.Typer(
    help="Benchmarks (results appended to docs/benchmarks.md).", no_args_is_help=True
)
app.add_typer(bench_app, name="bench")


def _fmt(value: float | None, spec: str) -> str:
    """A measured figure, or '-' when there was nothing to measure."""
    return "-" if value is None else format(value, spec)


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
    from catalog.bench.indexing import bench_freshness, ensure_catalog
    from indexer.reindex import reindex

    settings = bench_settings(get_settings())
    engine = bench_engine(settings, fresh=False)
    ensure_catalog(engine, size)
    es = elasticsearch_client(settings, request_timeout=60)
    reindex(engine, es, settings.index_prefix, keep=0)
    figures = bench_freshness(engine, es, settings, rate=rate, seconds=seconds)
    rows = [
        ("changes applied", f"{figures.changes:,} at {figures.rate:,.0f}/s", f"{rate:,.0f}/s"),
        ("commit to searchable p50 (worker, s)", _fmt(percentile(figures.lags, 0.5), ".3f"), "~1"),
        (
            "commit to searchable p99 (worker, s)",
            _fmt(percentile(figures.lags, 0.99), ".3f"),
            "< 2",
        ),
        (
            "probe: commit to found by search p50 (s)",
            _fmt(percentile(figures.probe_lags, 0.5), ".3f"),
            "~1",
        ),
        (
            "probe: commit to found by search p99 (s)",
            _fmt(percentile(figures.probe_lags, 0.99), ".3f"),
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


@bench_app.command("relevance")
def bench_relevance_command(
    judged_set: Path | None = typer.Option(
        None, "--set", help="Folder: products.jsonl, queries.tsv, qrels.tsv."
    ),
    reuse: bool = typer.Option(False, help="Reuse the last run's indices (query-side changes)."),
) -> None:
    """nDCG@10 of the real search path beside BM25 standard and BM25 Snowball, per query class."""
    from catalog.bench.relevance import evaluate, load_indices, read_set
    from catalog.datasets.mappings import locate_shared_data

    folder = judged_set
    if folder is None:
        shared = locate_shared_data()
        if shared is None:
            console.print(
                "no ../shared/data folder beside the project: nothing to measure (use --set DIR)"
            )
            return
        folder = shared / "relevance-homedepot-dev"
    if not (folder / "queries.tsv").exists():
        raise fail(f"{folder} has no queries.tsv (expected products.jsonl, queries.tsv, qrels.tsv)")
    judged = read_set(folder)
    es = elasticsearch_client(get_settings(), request_timeout=60)
    _, baseline = load_indices(es, judged, reuse=reuse)
    result = evaluate(es, judged, baseline)
    classes = list(result.counts)
    table = Table("ranking", *[f"{c} ({result.counts[c]})" for c in classes])
    for name, scores in result.scores.items():
        table.add_row(name, *[f"{scores[c]:.4f}" for c in classes])
    console.print(table)
    losers = Table("query", "catalog search", "BM25 Snowball", "delta")
    for delta, query, mine, stemmed in result.losses:
        losers.add_row(query, f"{mine:.3f}", f"{stemmed:.3f}", f"{delta:+.3f}")
    console.print("queries that lose most against the stemmed baseline:")
    console.print(losers)
    ours = result.scores["catalog search"]
    stemmed_scores = result.scores["BM25 Snowball"]
    rows = [
        (
            f"nDCG@10 {c}, catalog search",
            f"{ours[c]:.4f}",
            ">= 0.40" if c == "all" else f">= {stemmed_scores[c]:.4f} (Snowball)",
        )
        for c in classes
    ]
    rows += [
        (f"nDCG@10 all, {name}", f"{scores['all']:.4f}", "(reference)")
        for name, scores in result.scores.items()
        if name != "catalog search"
    ]
    append_report(
        f"Relevance on {folder.name}",
        "catalog bench relevance" + (f" --set {judged_set}" if judged_set else ""),
        rows,
    )


@bench_app.command("analyzers")
def bench_analyzers_command(
    repetitions: int = typer.Option(2, min=1, help="Runs; the best is reported."),
) -> None:
    """Analysis throughput on one core: products/s and tokens/s, with and without the caches."""
    from analyzers import analyze
    from analyzers.throughput import measure
    from catalog.datasets.generator import generate_products
    from schemas.product_index import TITLE_PROFILES

    # The profiles the product index uses, on generated titles and descriptions.
    profiles = {"title": TITLE_PROFILES, "description": ("stemmed",)}
    products = [
        {"title": p["title"], "description": p.get("description") or ""}
        for p in generate_products(20_000)
    ]
    analyze("warm up nltk", "stemmed")
    rows: list[tuple[str, str, str]] = []
    for use_cache in (True, False):
        best = max(
            (measure(products, profiles, use_cache) for _ in range(repetitions)),
            key=lambda r: r["products_per_cpu_s"],
        )
        label = "with caches" if use_cache else "without caches"
        rows.append(
            (
                f"products/s, title + description, {label}",
                f"{best['products_per_cpu_s']:,.0f}",
                ">= 10,000" if use_cache else "",
            )
        )
        rows.append((f"tokens/s, {label}", f"{best['tokens_per_cpu_s']:,.0f}", ""))
    _show(rows)
    append_report(
        "Analyzer throughput, 20,000 generated products, one core",
        f"catalog bench analyzers --repetitions {repetitions}",
        rows,
    )


@bench_app.command("search")
def bench_search_command(
    size: int = typer.Option(100_000, help="Products (10000, 100000, 1000000)."),
    workers: int = typer.Option(2, min=1, help="uvicorn workers of the API under test."),
    seconds: float = typer.Option(15, help="Duration of each concurrency run."),
    port: int = typer.Option(8100, help="Loopback port for the API under test."),
) -> None:
    """API latency and throughput on a fixed request mix, beside the raw Elasticsearch query."""
    import httpx

    from catalog.bench.indexing import ensure_catalog
    from catalog.bench.search import (
        api_server,
        es_body,
        request_mix,
        rss_mb,
        throughput,
        timed,
    )
    from catalog.clients import redis_client
    from indexer.indices import alias_name, generations
    from indexer.reindex import reindex
    from schemas.product_index import schema_version

    settings = bench_settings(get_settings())
    engine = bench_engine(settings, fresh=False)
    ensure_catalog(engine, size)
    es = elasticsearch_client(settings, request_timeout=60)
    alias = alias_name(settings.index_prefix)
    with engine.connect() as conn:
        live = [g for g in generations(conn, settings.index_prefix) if g.state == "live"]
    if (
        not live
        or live[0].schema_version != schema_version()
        or int(es.count(index=alias)["count"]) != size
    ):
        reindex(engine, es, settings.index_prefix, keep=0)
    redis_client(settings).flushdb()
    mix = request_mix(es, settings.index_prefix)
    base = f"http://127.0.0.1:{port}"

    def raw(params: dict[str, object]) -> None:
        es.search(index=alias, body=es_body(params))

    timed(raw, mix.search[:20])
    raw_ms = timed(raw, mix.search)
    with (
        api_server(settings, port, cache=False, workers=workers) as server,
        httpx.Client(base_url=base, timeout=10) as http,
    ):
        timed(lambda p: http.get("/search", params=p), mix.search[:20])
        rss_start = rss_mb(server)
        api_ms = timed(lambda p: http.get("/search", params=p), mix.search)
        browse_ms = timed(lambda p: http.get("/search", params=p), mix.browse)
        auto_ms = timed(lambda p: http.get("/autocomplete", params=p), mix.autocomplete)
        rps8, p99_8, errors8 = throughput(base, mix, 8, seconds)
        rps32, p99_32, errors32 = throughput(base, mix, 32, seconds)
        rss_end = rss_mb(server)
    with (
        api_server(settings, port, cache=True, workers=workers) as server,
        httpx.Client(base_url=base, timeout=10) as http,
    ):
        timed(lambda p: http.get("/search", params=p), mix.search)
        timed(lambda p: http.get("/autocomplete", params=p), mix.autocomplete)
        cached_ms = timed(lambda p: http.get("/search", params=p), mix.search)
        cached_auto_ms = timed(lambda p: http.get("/autocomplete", params=p), mix.autocomplete)
        crps8, cp99_8, cerrors8 = throughput(base, mix, 8, seconds)
        crps32, cp99_32, cerrors32 = throughput(base, mix, 32, seconds)
    p50 = statistics.median
    rows = [
        ("products indexed", f"{size:,}", ""),
        (
            "raw Elasticsearch query p50 / p99 (ms)",
            f"{p50(raw_ms):.1f} / {_fmt(percentile(raw_ms, 0.99), '.1f')}",
            "(peer)",
        ),
        (
            "API /search uncached p50 / p99 (ms)",
            f"{p50(api_ms):.1f} / {_fmt(percentile(api_ms, 0.99), '.1f')}",
            "p50 within 3 ms of raw",
        ),
        ("API overhead at p50 (ms)", f"{p50(api_ms) - p50(raw_ms):+.1f}", "<= 3"),
        (
            "browse by category uncached p50 / p99 (ms)",
            f"{p50(browse_ms):.1f} / {_fmt(percentile(browse_ms, 0.99), '.1f')}",
            "",
        ),
        (
            "autocomplete uncached p50 / p99 (ms)",
            f"{p50(auto_ms):.1f} / {_fmt(percentile(auto_ms, 0.99), '.1f')}",
            "p99 < 15",
        ),
        (
            "API /search cached p50 / p99 (ms)",
            f"{p50(cached_ms):.1f} / {_fmt(percentile(cached_ms, 0.99), '.1f')}",
            "p50 < 2",
        ),
        (
            "autocomplete cached p50 / p99 (ms)",
            f"{p50(cached_auto_ms):.1f} / {_fmt(percentile(cached_auto_ms, 0.99), '.1f')}",
            "",
        ),
        (
            f"uncached, 8 clients: req/s, p99 ms, 5xx ({workers} workers)",
            f"{rps8:,.0f}, {p99_8:.0f}, {errors8}",
            "p99 < 50",
        ),
        (
            f"uncached, 32 clients: req/s, p99 ms, 5xx ({workers} workers)",
            f"{rps32:,.0f}, {p99_32:.0f}, {errors32}",
            "",
        ),
        (
            f"cached, 8 clients: req/s, p99 ms, 5xx ({workers} workers)",
            f"{crps8:,.0f}, {cp99_8:.0f}, {cerrors8}",
            "",
        ),
        (
            f"cached, 32 clients: req/s, p99 ms, 5xx ({workers} workers)",
            f"{crps32:,.0f}, {cp99_32:.0f}, {cerrors32}",
            "",
        ),
        ("API RSS before / after the load (MiB)", f"{rss_start:.0f} / {rss_end:.0f}", "stable"),
    ]
    _show(rows)
    append_report(
        f"Search API, {size:,} products",
        f"catalog bench search --size {size} --workers {workers} --seconds {seconds:g}",
        rows,
        "Mix: text + 2 brand filters + price filter + 5 facets; browse by category sorted by "
        "popularity; autocomplete on 2+ typed letters. Client, API and Elasticsearch share the "
        "same 2 cores.",
    )
