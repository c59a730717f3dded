"""`catalog scheduler`: the process that enqueues reconciliation and the analytics jobs."""

from __future__ import annotations

from catalog.cli import app, fail
from catalog.services import ServiceError


@app.command()
def scheduler() -> None:
    """Enqueue the scheduled jobs at their intervals; run several, exactly one is active."""
    from indexer.scheduler import run_scheduler

    try:
        run_scheduler()
    except ServiceError as exc:
        raise fail(str(exc)) from exc
