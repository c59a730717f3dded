"""Backing up and restoring the catalog database with PostgreSQL's own tools (pg_dump, pg_restore).

PostgreSQL is the system of record, so its dump is the service's backup: the index is a projection
that `catalog reindex` rebuilds from it and `catalog verify` checks. The dump is pg_dump's custom
format (`-Fc`): compressed, restorable in parallel, and checked by pg_restore before it writes.

Connection details go to the tools through libpq's environment (PGHOST, PGPASSWORD, ...), never
their command line, so the password does not show in `ps`. The tools run as the calling user: they
are clients, unlike the servers of this package.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

from catalog.local_state import ServiceError

#: What a custom-format archive starts with; anything else is refused before pg_restore runs.
ARCHIVE_MAGIC = b"PGDMP"
#: Database names we create: a plain identifier, so it needs no quoting anywhere.
DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
#: libpq variables for the URL query options a deployment may carry.
QUERY_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def postgres_bindir() -> Path:
    """The newest PostgreSQL server binaries on the machine (Debian keeps them per major version)."""
    candidates = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "postgres").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if candidates and int(candidates[-1].parent.name) >= 15:
        return candidates[-1]
    found = shutil.which("postgres") or shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise ServiceError("PostgreSQL 15+ server binaries not found: apt-get install postgresql")


class RestoreRefused(RuntimeError):
    """The target database already holds tables: a restore never mixes with existing data."""


@dataclass(frozen=True)
class Restored:
    database: str
    created: bool
    products: int


def client_binary(name: str) -> Path:
    """pg_dump or pg_restore of the newest PostgreSQL on the machine (never older than the server's).

    pg_dump refuses a server newer than itself, so the local server's own binaries come first.
    """
    try:
        candidate = postgres_bindir() / name
    except ServiceError:
        candidate = None
    if candidate is not None and candidate.exists():
        return candidate
    found = shutil.which(name)
    if found is None:
        raise ServiceError(f"{name} not found: apt-get install postgresql-client")
    return Path(found)


def libpq_environment(url: URL, database: str | None = None) -> dict[str, str]:
    env = {
        "PGHOST": url.host or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGDATABASE": database or url.database or "postgres",
        "PGCONNECT_TIMEOUT": "10",
    }
    if url.username:
        env["PGUSER"] = url.username
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    for option, variable in QUERY_ENV.items():
        value = url.query.get(option)
        if isinstance(value, str):
            env[variable] = value
    return env


def _run(argv: list[str], env: dict[str, str], timeout: float) -> None:
    result = subprocess.run(
        argv,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise ServiceError(f"{Path(argv[0]).name} failed: {lines[-1] if lines else 'no output'}")


def backup(database_url: str, path: Path, *, timeout: float = 3600) -> int:
    """Dump the catalog database to `path` (custom format); return the archive's size in bytes.

    The dump is written beside `path` and renamed into place only once complete, so a failed or
    interrupted backup never leaves a truncated file where the last good one was expected.
    """
    url = make_url(database_url)
    partial = path.with_name(f".{path.name}.partial")
    try:
        _run(
            [
                str(client_binary("pg_dump")),
                "--format=custom",
                "--no-password",
                f"--file={partial}",
            ],
            libpq_environment(url),
            timeout,
        )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def is_archive(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(ARCHIVE_MAGIC)) == ARCHIVE_MAGIC


def restore(
    database_url: str, path: Path, database: str, *, jobs: int = 2, timeout: float = 3600
) -> Restored:
    """Restore the archive into `database` on the server of `database_url`.

    The database is created when missing; an existing one must hold no tables, so a restore never
    mixes with (or overwrites) live data. A restore that fails into a database created for it drops
    that database again.
    """
    if not DATABASE_NAME.match(database):
        raise ValueError(f"database name {database!r} is not a plain identifier")
    if not is_archive(path):
        raise ValueError(f"{path} is not a pg_dump custom-format archive (`catalog db backup`)")
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
        if exists:
            _refuse_if_used(url.set(database=database), database)
        try:
            _run(
                [
                    str(client_binary("pg_restore")),
                    "--no-password",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--jobs={jobs}",
                    f"--dbname={database}",
                    str(path),
                ],
                libpq_environment(url, database),
                timeout,
            )
        except BaseException:
            if not exists:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            raise
    finally:
        admin.dispose()
    restored = create_engine(url.set(database=database))
    try:
        with restored.connect() as conn:
            products = int(
                conn.execute(
                    text("SELECT count(*) FROM products WHERE deleted_at IS NULL")
                ).scalar()
                or 0
            )
    finally:
        restored.dispose()
    return Restored(database=database, created=not exists, products=products)


def _refuse_if_used(url: URL, database: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_tables "
                        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                    )
                ).scalar()
                or 0
            )
    finally:
        engine.dispose()
    if tables:
        raise RestoreRefused(
            f"database {database!r} already holds {tables} tables; restore into a new one "
            "with --database NAME, or drop it first"
        )
