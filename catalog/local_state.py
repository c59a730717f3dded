"""Where the project's own servers listen, as `catalog services up` recorded it in `.local/services.json`.

The operator tooling (`ops/servers/`) starts the servers and writes this file; the running service
only reads it, through `catalog.connections`, when no URL setting names a server. Ports are chosen
once (the default when free) and then reused, so the URLs derived here stay stable across restarts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

#: The local PostgreSQL's superuser and database (the password is generated at `initdb` time).
SUPERUSER = "catalog"
DATABASE = "catalog"


class ServiceError(RuntimeError):
    """A server the service needs is not configured, not running, or could not be started."""


def state_path(local_dir: Path) -> Path:
    return local_dir / "services.json"


def load(local_dir: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = orjson.loads(state_path(local_dir).read_bytes())
    except FileNotFoundError:
        return {}
    return data


def save(local_dir: Path, state: dict[str, Any]) -> None:
    """Write atomically and readable by the owner only: the file holds the database password."""
    local_dir.mkdir(parents=True, exist_ok=True)
    path = state_path(local_dir)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps(state, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def postgres_url(postgres: dict[str, Any], database: str = DATABASE) -> str | None:
    """The URL of the recorded local PostgreSQL, or None before its first start."""
    if "port" not in postgres or "password" not in postgres:
        return None
    return (
        f"postgresql+psycopg://{SUPERUSER}:{postgres['password']}"
        f"@127.0.0.1:{postgres['port']}/{database}"
    )


def redis_url(redis: dict[str, Any]) -> str | None:
    return f"redis://127.0.0.1:{redis['port']}/0" if "port" in redis else None


def elasticsearch_urls(elasticsearch: dict[str, Any]) -> list[str]:
    return [f"http://127.0.0.1:{node['http_port']}" for node in elasticsearch.get("nodes", [])]
