"""What every `catalog` command shares: the consoles, one-line failures, and the connections it opens.

A command that cannot reach a server ends with one line on stderr and a non-zero exit, never a
traceback: `fail` builds that exit, and the openers here turn connection errors into it.
"""

from __future__ import annotations

import typer
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import Elasticsearch
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from sqlalchemy import Engine

from catalog import connections
from catalog.connections import database_engine, elasticsearch_client
from catalog.local_state import ServiceError
from catalog.settings import get_settings

console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one clear line to stderr and return the exit to raise."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def open_engine() -> Engine:
    try:
        return database_engine()
    except ServiceError as exc:
        raise fail(str(exc)) from exc


def open_elasticsearch() -> Elasticsearch:
    try:
        es = elasticsearch_client(request_timeout=60)
        es.options(request_timeout=5).cluster.health()
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    except ESConnectionError as exc:
        urls = ", ".join(connections.elasticsearch_urls(get_settings()))
        raise fail(f"Elasticsearch unreachable at {urls}") from exc
    return es


class RateColumn(ProgressColumn):
    """Items per second (documents or products), which Rich does not show out of the box."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f}/s", style="cyan")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=err,
    )
