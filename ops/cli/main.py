"""The `catalog` command: one module per command group, each a thin shell over the same functions
the API and the workers call.

Top-level commands (`migrate`, `load`, `reindex`, `serve`, ...) come from modules added without a
name; every group (`catalog synonyms ...`) is its module's Typer added under the group's name.
"""

from __future__ import annotations

import typer

from ops.cli import (
    analytics,
    bench,
    data,
    db,
    index,
    indexing,
    keys,
    outbox,
    ranking,
    rules,
    run,
    servers,
    synonyms,
)

app = typer.Typer(
    help="Catalog Search: operate the service.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold credentials
)
for commands in (data.app, indexing.app, run.app):
    app.add_typer(commands)
app.add_typer(servers.app, name="services")
app.add_typer(outbox.app, name="outbox")
app.add_typer(index.app, name="index")
app.add_typer(synonyms.app, name="synonyms")
app.add_typer(ranking.app, name="ranking")
app.add_typer(rules.app, name="rules")
app.add_typer(analytics.app, name="analytics")
app.add_typer(keys.app, name="keys")
app.add_typer(db.app, name="db")
app.add_typer(bench.app, name="bench")
