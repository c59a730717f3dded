"""What the local servers chose (ports, the generated database password), kept in `.local/services.json`.

Ports are chosen once (the default when free) and then reused, so `services up` is idempotent and the
URLs the rest of the project derives from this file stay stable across restarts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson


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
