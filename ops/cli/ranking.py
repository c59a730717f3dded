"""`catalog ranking`: the signal weights inside a text tier, versioned like synonyms.

A change is recorded with who made it (`cli:<user>`) and announced to the API workers, which rank
with it from their next request.
"""

from __future__ import annotations

import getpass

import typer
from pydantic import ValidationError
from rich.table import Table

from catalog import ranking
from catalog.connections import redis_client
from catalog.ranking import RankingDraft
from catalog.settings import get_settings
from catalog.versions import RANKING, announce
from ops.cli.shell import console, fail, open_engine

app = typer.Typer(help="Ranking settings: signal weights inside a text tier.", no_args_is_help=True)


def _announce(version: int) -> None:
    settings = get_settings()
    announce(redis_client(settings), settings.index_prefix, RANKING, version)


@app.command("show")
def ranking_show() -> None:
    """The settings in force and their version."""
    with open_engine().connect() as conn:
        version = ranking.current_version(conn)
        settings = ranking.current_settings(conn)
    table = Table("setting", "value")
    for name, value in settings.model_dump(mode="json").items():
        table.add_row(name, str(value))
    console.print(table)
    console.print(f"version {version}" if version else "defaults (never changed)")


@app.command("set")
def ranking_set(
    changes: list[str] = typer.Argument(
        ..., help="NAME=VALUE pairs, e.g. popularity_weight=0.1 out_of_stock=hide."
    ),
) -> None:
    """Change some settings (the others keep their values), as a new version."""
    values: dict[str, str] = {}
    for change in changes:
        name, sep, value = change.partition("=")
        if not sep or not name:
            raise fail(f"{change!r}: expected NAME=VALUE")
        values[name.strip()] = value.strip()
    try:
        draft = RankingDraft.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "settings"
        raise fail(f"{field}: {error['msg']}") from exc
    with open_engine().begin() as conn:
        _, version = ranking.change(conn, draft, actor=f"cli:{getpass.getuser()}")
    _announce(version)
    console.print(f"ranking version {version}")


@app.command("history")
def ranking_history(limit: int = typer.Option(20, min=1, max=500)) -> None:
    """Every version: when, who, what."""
    with open_engine().connect() as conn:
        changes = ranking.history(conn, limit)
    table = Table("version", "at", "by", "action", "settings")
    for c in changes:
        detail = ", ".join(f"{k}={v}" for k, v in c.settings.items())
        table.add_row(str(c.version), f"{c.at:%Y-%m-%d %H:%M:%S}", c.actor, c.action, detail)
    console.print(table)


@app.command("rollback")
def ranking_rollback(
    version: int = typer.Argument(..., min=1, help="The version to restore."),
) -> None:
    """Make the settings what they were at VERSION (recorded as a new version)."""
    with open_engine().begin() as conn:
        restored = ranking.rollback(conn, version, actor=f"cli:{getpass.getuser()}")
    if restored is None:
        raise fail(f"no ranking version {version}")
    _announce(restored[1])
    console.print(f"settings of version {version} restored as version {restored[1]}")
