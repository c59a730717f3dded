"""A local PostgreSQL 15+ server from Debian's binaries, own data folder, loopback only.

The superuser gets a random password generated at `initdb` time and kept only in `.local/services.json`
(mode 600, ignored by git): connections over TCP use scram-sha-256 even on loopback.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Any

from catalog import local_state
from catalog.backup import postgres_bindir
from catalog.local_state import DATABASE, SUPERUSER
from ops.servers.process import (
    ServiceError,
    hand_over,
    pid_alive,
    read_pid,
    reuse_or_choose,
    run,
    tail,
)

DEFAULT_PORT = 5432


class LocalPostgres:
    name = "postgres"

    def __init__(self, local_dir: Path, state: dict[str, Any]) -> None:
        self.home = local_dir / "postgres"
        self.state = state.setdefault(self.name, {})

    @property
    def datadir(self) -> Path:
        return self.home / "data"

    @property
    def logfile(self) -> Path:
        return self.home / "postgres.log"

    def url(self, database: str = DATABASE) -> str:
        url = local_state.postgres_url(self.state, database)
        if url is None:
            raise ServiceError(
                "PostgreSQL has not been started here yet: run `catalog services up`"
            )
        return url

    def running(self) -> bool:
        return pid_alive(read_pid(self.datadir / "postmaster.pid"))

    def up(self) -> None:
        if self.running():
            return
        bindir = postgres_bindir()
        hand_over(self.home)
        if not (self.datadir / "PG_VERSION").exists():
            self._initdb(bindir)
        self.state["port"] = reuse_or_choose(self.state.get("port"), DEFAULT_PORT)
        socket_dir = self.home / "run"
        socket_dir.mkdir(exist_ok=True)
        hand_over(socket_dir)
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.state['port']} "
            f"-c unix_socket_directories={socket_dir} -c max_connections=200 "
            "-c shared_buffers=256MB -c fsync=on -c synchronous_commit=on"
        )
        try:
            run(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-l",
                    str(self.logfile),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                timeout=90,
            )
        except ServiceError as exc:
            raise ServiceError(f"{exc}\nlast log lines:\n{tail(self.logfile)}") from exc
        self._ensure_database(bindir, DATABASE)

    def _initdb(self, bindir: Path) -> None:
        self.state["password"] = secrets.token_urlsafe(24)
        with tempfile.NamedTemporaryFile("w", dir=self.home, delete=False) as pwfile:
            pwfile.write(self.state["password"] + "\n")
        pw = Path(pwfile.name)
        hand_over(pw)
        try:
            run(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.datadir),
                    "-U",
                    SUPERUSER,
                    f"--pwfile={pw}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
                timeout=120,
            )
        finally:
            pw.unlink(missing_ok=True)

    def _ensure_database(self, bindir: Path, name: str) -> None:
        socket_dir = self.home / "run"
        base = [
            str(bindir / "psql"),
            "-h",
            str(socket_dir),
            "-p",
            str(self.state["port"]),
            "-U",
            SUPERUSER,
            "-d",
            "postgres",
            "-tAc",
        ]
        exists = run([*base, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"]).stdout.strip()
        if exists != "1":
            run([*base, f'CREATE DATABASE "{name}"'])

    def down(self) -> None:
        if not self.running():
            return
        run(
            [str(postgres_bindir() / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"]
        )

    def describe(self) -> str:
        return f"127.0.0.1:{self.state.get('port', '-')}"
