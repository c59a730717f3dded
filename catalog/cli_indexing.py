"""`catalog reindex | verify | worker | serve`, `catalog outbox ...` and `catalog index ...`."""

from __future__ import annotations

import typer
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import Elasticsearch
from rich.table import Table
from rq.registry import FailedJobRegistry
from sqlalchemy import text

from catalog import endpoints
from catalog.cli import _engine, app, console, fail, progress_bar
from catalog.clients import elasticsearch_client, redis_client
from catalog.services import ServiceError
from catalog.settings import get_settings
from indexer import indices
from indexer.jobs import index_queue
from indexer.metrics import bump_generation, percentile, recent_lags
from indexer.schedule import describe_schedule
from schemas.product_index import schema_version

outbox_app = typer.Typer(help="The change outbox and the index queue.", no_args_is_help=True)
index_app = typer.Typer(help="Index generations behind the read alias.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
app.add_typer(index_app, name="index")


def _es() -> Elasticsearch:
    try:
        es = elasticsearch_client(request_timeout=60)
        es.options(request_timeout=5).cluster.health()
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    except ESConnectionError as exc:
        urls = ", ".join(endpoints.elasticsearch_urls(get_settings()))
        raise fail(f"Elasticsearch unreachable at {urls}") from exc
    return es


@app.command()
def reindex(
    keep: int = typer.Option(2, min=0, help="Retired generations to keep after the swap."),
    threads: int = typer.Option(2, min=1, max=8, help="Parallel bulk threads."),
    if_needed: bool = typer.Option(
        False, "--if-needed", help="Only if no index is live or it was built by other analysis."
    ),
) -> None:
    """Build a new index from PostgreSQL, verify it, and swap the read alias atomically."""
    from indexer.documents import count_live
    from indexer.reindex import ReindexError
    from indexer.reindex import reindex as run_reindex

    engine, es = _engine(), _es()
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

    engine, es = _engine(), _es()
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


@app.command()
def worker(
    burst: bool = typer.Option(False, help="Drain the outbox and the queue, then exit."),
    dispatcher: bool = typer.Option(True, help="Also run the outbox dispatcher."),
    metrics_port: int | None = typer.Option(None, help="Serve Prometheus metrics on this port."),
) -> None:
    """Run an indexer worker (RQ) with the outbox dispatcher; it also runs the scheduled jobs."""
    from indexer.worker import run_worker

    try:
        run_worker(dispatcher=dispatcher, burst=burst, metrics_port=metrics_port)
    except ServiceError as exc:
        raise fail(str(exc)) from exc


@app.command()
def serve(
    workers: int | None = typer.Option(None, min=1, help="uvicorn worker processes."),
) -> None:
    """Serve the API (127.0.0.1:8000 unless API_HOST/API_PORT say otherwise)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "search_api.main:app",
        host=settings.api_host,
        port=settings.api_port,
        workers=workers or settings.api_workers,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


@outbox_app.command("status")
def outbox_status() -> None:
    """Outbox depth, queued and failed jobs, recent lag, and how each scheduled job last ended."""
    engine = _engine()
    prefix = get_settings().index_prefix
    with engine.connect() as conn:
        depth, oldest = conn.execute(
            text("SELECT count(*), extract(epoch FROM now() - min(created_at)) FROM outbox")
        ).one()
    redis = redis_client()
    queue = index_queue(redis)
    lags = recent_lags(redis, prefix)
    table = Table("measure", "value")
    table.add_row("outbox entries not yet applied", str(depth))
    table.add_row("oldest entry age (s)", f"{oldest:.1f}" if oldest is not None else "-")
    table.add_row("queued jobs", str(queue.count))
    table.add_row("failed jobs", str(FailedJobRegistry(queue=queue).count))
    for label, fraction in (("lag p50 (s)", 0.5), ("lag p99 (s)", 0.99)):
        value = percentile(lags, fraction)
        table.add_row(f"{label}, last {len(lags)}", f"{value:.3f}" if value is not None else "-")
    for row in describe_schedule(redis, prefix):
        table.add_row(*row)
    console.print(table)


@outbox_app.command("retry")
def outbox_retry() -> None:
    """Re-enqueue every job in the failed registry."""
    queue = index_queue()
    registry = FailedJobRegistry(queue=queue)
    job_ids = registry.get_job_ids()
    for job_id in job_ids:
        registry.requeue(job_id)
    console.print(f"re-enqueued {len(job_ids)} failed jobs")


@index_app.command("list")
def index_list() -> None:
    """Index generations, their state and size."""
    engine = _engine()
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


@index_app.command("rollback")
def index_rollback() -> None:
    """Point the alias back at the standby (previous live) index, which workers kept current."""
    engine, es = _engine(), _es()
    prefix = get_settings().index_prefix
    with engine.begin() as conn:
        standby = [g.name for g in indices.generations(conn, prefix) if g.state == "standby"]
        if not standby:
            raise fail("no standby index to roll back to")
        indices.point_alias(es, conn, prefix, standby[0])
    bump_generation(redis_client(), prefix)
    console.print(f"alias now on {standby[0]}")


@index_app.command("prune")
def index_prune(keep: int = typer.Option(0, min=0, help="Retired generations to keep.")) -> None:
    """Delete retired index generations beyond --keep."""
    engine, es = _engine(), _es()
    with engine.begin() as conn:
        dropped = indices.prune(es, conn, get_settings().index_prefix, keep)
    console.print(f"dropped {len(dropped)}: {', '.join(dropped) or '-'}")
