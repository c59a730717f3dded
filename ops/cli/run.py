"""`catalog worker | scheduler | serve`: the long-running processes of the service."""

from __future__ import annotations

import typer

from catalog.local_state import ServiceError
from catalog.settings import get_settings
from ops.cli.shell import fail

app = typer.Typer()


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
def scheduler() -> None:
    """Enqueue the scheduled jobs at their intervals; run several, exactly one is active."""
    from indexer.scheduler import run_scheduler

    try:
        run_scheduler()
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
        proxy_headers=False,  # the app decides whom to trust: TRUSTED_PROXIES
    )
