"""`catalog outbox status | retry`: the change outbox, the index queue and its failures."""

from __future__ import annotations

import typer
from rich.table import Table
from rq.registry import FailedJobRegistry

from catalog.connections import redis_client
from catalog.outbox import backlog
from catalog.settings import get_settings
from indexer.jobs import index_queue
from indexer.metrics import percentile, recent_lags
from indexer.schedule import describe_schedule
from ops.cli.shell import console, open_engine

app = typer.Typer(help="The change outbox and the index queue.", no_args_is_help=True)


@app.command("status")
def outbox_status() -> None:
    """Outbox depth, queued and failed jobs, recent lag, and how each scheduled job last ended."""
    engine = open_engine()
    prefix = get_settings().index_prefix
    with engine.connect() as conn:
        pending = backlog(conn)
    redis = redis_client()
    queue = index_queue(redis)
    lags = recent_lags(redis, prefix)
    table = Table("measure", "value")
    table.add_row("outbox entries not yet applied", str(pending.depth))
    table.add_row(
        "oldest entry age (s)",
        f"{pending.oldest_seconds:.1f}" if pending.oldest_seconds is not None else "-",
    )
    table.add_row("queued jobs", str(queue.count))
    table.add_row("failed jobs", str(FailedJobRegistry(queue=queue).count))
    for label, fraction in (("lag p50 (s)", 0.5), ("lag p99 (s)", 0.99)):
        value = percentile(lags, fraction)
        table.add_row(f"{label}, last {len(lags)}", f"{value:.3f}" if value is not None else "-")
    for row in describe_schedule(redis, prefix):
        table.add_row(*row)
    console.print(table)


@app.command("retry")
def outbox_retry() -> None:
    """Re-enqueue every job in the failed registry."""
    queue = index_queue()
    registry = FailedJobRegistry(queue=queue)
    job_ids = registry.get_job_ids()
    for job_id in job_ids:
        registry.requeue(job_id)
    console.print(f"re-enqueued {len(job_ids)} failed jobs")
