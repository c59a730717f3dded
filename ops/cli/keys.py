"""`catalog keys create | list | revoke`: API keys for merchandisers and admins."""

from __future__ import annotations

import typer
from rich.table import Table

from catalog.keys import ROLES, create_key, list_keys, revoke
from ops.cli.shell import console, fail, open_engine

app = typer.Typer(help="API keys (stored hashed; shown once).", no_args_is_help=True)


@app.command("create")
def keys_create(
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option(..., help="Who or what the key is for."),
) -> None:
    """Create a key and print it once: it is not stored, only its digest is."""
    if role not in ROLES:
        raise fail(f"--role must be one of {', '.join(ROLES)}, not {role!r}")
    with open_engine().begin() as conn:
        key_id, key = create_key(conn, role=role, name=name)
    console.print(f"key {key_id} ({role}, {name}); store it now, it will not be shown again:")
    print(key)


@app.command("list")
def keys_list() -> None:
    """Keys with their role, prefix, last use and revocation (never the key)."""
    with open_engine().connect() as conn:
        keys = list_keys(conn)
    table = Table("id", "name", "role", "prefix", "created", "last used", "revoked")
    for k in keys:
        table.add_row(
            str(k.id),
            k.name,
            k.role,
            k.key_prefix + "...",
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "-",
            f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "-",
        )
    console.print(table)


@app.command("revoke")
def keys_revoke(
    key_id: int = typer.Argument(..., help="The key's id (see `catalog keys list`)."),
) -> None:
    """Revoke a key: it stops working at once."""
    with open_engine().begin() as conn:
        if not revoke(conn, key_id):
            raise fail(f"no live key with id {key_id}")
    console.print(f"key {key_id} revoked")
