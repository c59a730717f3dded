"""`catalog synonyms list | add | remove | import | export | history | rollback`.

The same functions as `/admin/synonyms`: every change is validated, versioned with who made it
(`cli:<user>`) and announced to the API workers, which apply it on their next request.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.table import Table

from catalog.connections import redis_client
from catalog.settings import get_settings
from catalog.synonyms import (
    SynonymError,
    add_rule,
    history,
    import_rules,
    list_rules,
    parse_file,
    parse_line,
    remove_rule,
    rollback,
    solr_file,
)
from catalog.versions import SYNONYMS, announce
from ops.cli.shell import console, fail, open_engine

app = typer.Typer(help="Query synonyms (applied at once, no reindex).", no_args_is_help=True)

CATEGORY = typer.Option(None, help="Limit the rules to searches within this category path.")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _announce(version: int) -> None:
    settings = get_settings()
    announce(redis_client(settings), settings.index_prefix, SYNONYMS, version)


@app.command("list")
def synonyms_list() -> None:
    """The rules in force, with their ids (for `remove`)."""
    with open_engine().connect() as conn:
        rules = list_rules(conn)
    table = Table("id", "rule", "category")
    for rule in rules:
        table.add_row(str(rule.id), rule.line, rule.category or "-")
    console.print(table)


@app.command("add")
def synonyms_add(
    rule: str = typer.Argument(..., help="'tv, television' or 'laptop => notebook computer'."),
    category: str | None = CATEGORY,
) -> None:
    """Add one rule in Solr syntax."""
    try:
        parsed = parse_line(rule, category)
        if parsed is None:
            raise SynonymError("rule", "the rule is empty")
        with open_engine().begin() as conn:
            stored, version = add_rule(conn, parsed, actor=_actor())
    except SynonymError as exc:
        raise fail(f"{exc.field}: {exc.message}") from exc
    _announce(version)
    console.print(f"rule {stored.id} added ({stored.line}); synonyms version {version}")


@app.command("remove")
def synonyms_remove(
    rule_id: int = typer.Argument(..., help="The rule's id (`synonyms list`)."),
) -> None:
    """Remove a rule."""
    with open_engine().begin() as conn:
        version = remove_rule(conn, rule_id, actor=_actor())
    if version is None:
        raise fail(f"no synonym rule with id {rule_id}")
    _announce(version)
    console.print(f"rule {rule_id} removed; synonyms version {version}")


@app.command("import")
def synonyms_import(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A Solr synonym file."),
    replace: bool = typer.Option(False, help="Replace every rule instead of adding."),
    category: str | None = CATEGORY,
) -> None:
    """Add (or replace with) the rules of a Solr synonym file, all in one version."""
    try:
        rules = parse_file(path.read_text(encoding="utf-8"), category)
        with open_engine().begin() as conn:
            version = import_rules(conn, rules, actor=_actor(), replace_all=replace)
    except UnicodeDecodeError as exc:
        raise fail(f"{path} is not UTF-8 text") from exc
    except SynonymError as exc:
        raise fail(f"{path}: {exc.message}") from exc
    _announce(version)
    console.print(f"{len(rules)} rules imported; synonyms version {version}")


@app.command("export")
def synonyms_export(
    path: Path | None = typer.Argument(None, help="Where to write; standard output if omitted."),
) -> None:
    """Write the rules as a Solr synonym file (`# category:` lines open scoped rules)."""
    with open_engine().connect() as conn:
        content = solr_file(list_rules(conn))
    if path is None:
        print(content, end="")
    else:
        path.write_text(content, encoding="utf-8")
        console.print(f"{content.count(chr(10))} lines written to {path}")


@app.command("history")
def synonyms_history(limit: int = typer.Option(20, min=1, max=500)) -> None:
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
def synonyms_rollback(
    version: int = typer.Argument(..., min=1, help="The version to restore."),
) -> None:
    """Make the rules what they were at VERSION (recorded as a new version)."""
    with open_engine().begin() as conn:
        new = rollback(conn, version, actor=_actor())
    if new is None:
        raise fail(f"no synonyms version {version}")
    _announce(new)
    console.print(f"rules of version {version} restored as version {new}")
