"""`catalog rules list | add | remove | import | export | history | rollback`.

The same functions as `/admin/rules`: every change is validated, versioned with who made it
(`cli:<user>`) and announced to the API workers, which apply it on their next request. Rules are
JSON, in the shape `/admin/rules` takes (see docs/rules.md).
"""

from __future__ import annotations

import getpass
from pathlib import Path

import orjson
import typer
from pydantic import ValidationError
from rich.table import Table

from catalog.connections import redis_client
from catalog.rules import (
    RuleError,
    RuleSpec,
    add_rule,
    export_rules,
    history,
    import_rules,
    list_rules,
    parse_export,
    remove_rule,
    rollback,
    summary,
)
from catalog.settings import get_settings
from catalog.versions import RULES, announce
from ops.cli.shell import console, fail, open_engine

app = typer.Typer(
    help="Merchandising rules: pin, hide, boost, filter, redirect, banners.", no_args_is_help=True
)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _announce(version: int) -> None:
    settings = get_settings()
    announce(redis_client(settings), settings.index_prefix, RULES, version)


def _where(exc: RuleError) -> str:
    return ".".join(str(part) for part in exc.loc)


@app.command("list")
def rules_list() -> None:
    """The rules, with their ids (for `remove`)."""
    with open_engine().connect() as conn:
        rules = list_rules(conn)
    table = Table("id", "rule", "priority", "enabled")
    for rule in rules:
        table.add_row(
            str(rule.id), summary(rule.spec), str(rule.spec.priority), str(rule.spec.enabled)
        )
    console.print(table)


@app.command("add")
def rules_add(
    rule: str = typer.Argument(
        ..., help='The rule as JSON: \'{"condition": {"query": "tv"}, "hide": ["p-2"]}\'.'
    ),
) -> None:
    """Add one rule."""
    try:
        spec = RuleSpec.model_validate_json(rule)
        with open_engine().begin() as conn:
            stored, version = add_rule(conn, spec, actor=_actor())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "rule"
        raise fail(f"{where}: {first['msg']}") from exc
    except RuleError as exc:
        raise fail(f"{_where(exc)}: {exc.message}") from exc
    _announce(version)
    console.print(f"rule {stored.id} added ({summary(spec)}); rules version {version}")


@app.command("remove")
def rules_remove(rule_id: int = typer.Argument(..., help="The rule's id (`rules list`).")) -> None:
    """Remove a rule."""
    with open_engine().begin() as conn:
        version = remove_rule(conn, rule_id, actor=_actor())
    if version is None:
        raise fail(f"no rule with id {rule_id}")
    _announce(version)
    console.print(f"rule {rule_id} removed; rules version {version}")


@app.command("import")
def rules_import(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A rules export (JSON)."),
    replace: bool = typer.Option(False, help="Replace every rule instead of adding."),
) -> None:
    """Add (or replace with) the rules of an export, all in one version."""
    try:
        specs = parse_export(orjson.loads(path.read_bytes()))
        with open_engine().begin() as conn:
            version = import_rules(conn, specs, actor=_actor(), replace_all=replace)
    except orjson.JSONDecodeError as exc:
        raise fail(f"{path} is not JSON: {exc}") from exc
    except RuleError as exc:
        raise fail(f"{path}: {_where(exc)}: {exc.message}") from exc
    _announce(version)
    console.print(f"{len(specs)} rules imported; rules version {version}")


@app.command("export")
def rules_export(
    path: Path | None = typer.Argument(None, help="Where to write; standard output if omitted."),
) -> None:
    """Write every rule as JSON (what `import` reads)."""
    with open_engine().connect() as conn:
        content = orjson.dumps(export_rules(conn), option=orjson.OPT_INDENT_2).decode() + "\n"
    if path is None:
        print(content, end="")
    else:
        path.write_text(content, encoding="utf-8")
        console.print(f"rules written to {path}")


@app.command("history")
def rules_history(limit: int = typer.Option(20, min=1, max=500)) -> None:
    """Every change: version, when, who, what."""
    with open_engine().connect() as conn:
        changes = history(conn, limit)
    table = Table("version", "at", "by", "action", "detail", "rules")
    for c in changes:
        table.add_row(
            str(c.version), f"{c.at:%Y-%m-%d %H:%M:%S}", c.actor, c.action, c.detail, str(c.rules)
        )
    console.print(table)


@app.command("rollback")
def rules_rollback(
    version: int = typer.Argument(..., min=1, help="The version to restore."),
) -> None:
    """Make the rules what they were at VERSION (recorded as a new version)."""
    with open_engine().begin() as conn:
        new = rollback(conn, version, actor=_actor())
    if new is None:
        raise fail(f"no rules version {version}")
    _announce(new)
    console.print(f"rules of version {version} restored as version {new}")
