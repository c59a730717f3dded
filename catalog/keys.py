"""API keys: created with a role, shown once, stored as a SHA-256 digest, revocable.

Keys are 32 random bytes, so a plain SHA-256 digest is as safe to store as a slow password hash
would be (nothing to guess), and it lets a lookup be one indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

ROLES = ("merchandiser", "admin")
#: What each role may do, beyond what anonymous shoppers may.
GRANTS = {"merchandiser": {"merchandiser"}, "admin": {"merchandiser", "admin"}}
PREFIX = "cs_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class KeyInfo:
    id: int
    name: str
    role: str
    key_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def create_key(conn: Connection, *, role: str, name: str) -> tuple[int, str]:
    """Create a key; return its id and the key itself (never stored, never shown again)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    key = PREFIX + secrets.token_urlsafe(32)
    key_id = conn.execute(
        text(
            "INSERT INTO api_keys (name, role, key_prefix, key_hash) VALUES (:n, :r, :p, :h) "
            "RETURNING id"
        ),
        {"n": name, "r": role, "p": key[:10], "h": digest(key)},
    ).scalar_one()
    return int(key_id), key


@dataclass(frozen=True)
class Principal:
    """Who presented a live key: its role decides, its name goes into change histories."""

    key_id: int
    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"key {self.key_id} ({self.name})"


def principal_of(conn: Connection, key: str) -> Principal | None:
    """The live key's holder (and note its use), or None for an unknown or revoked key."""
    row = conn.execute(
        text(
            "UPDATE api_keys SET last_used_at = now() WHERE key_hash = :h AND revoked_at IS NULL "
            "RETURNING id, name, role"
        ),
        {"h": digest(key)},
    ).one_or_none()
    return None if row is None else Principal(int(row.id), str(row.name), str(row.role))


def revoke(conn: Connection, key_id: int) -> bool:
    result = conn.execute(
        text("UPDATE api_keys SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL"),
        {"id": key_id},
    )
    return bool(result.rowcount)


def list_keys(conn: Connection) -> list[KeyInfo]:
    rows = conn.execute(
        text(
            "SELECT id, name, role, key_prefix, created_at, last_used_at, revoked_at FROM api_keys "
            "ORDER BY id"
        )
    )
    return [KeyInfo(*row) for row in rows]
