"""The processes under test, started as they are deployed: `catalog serve` and `catalog worker`.

Each runs in its own process with the bench's settings in its environment, so what is measured is
the real server (uvicorn, its workers, the middleware) over loopback, never an in-process client.
Rate limiting is off for the API under test: every bench client shares one address, and a 429 would
measure the limiter instead of the search.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
from rq import Worker

from catalog.connections import redis_client
from catalog.settings import PROJECT_ROOT, Settings
from ops.bench.memory import tree, tree_rss_mb

STARTUP_SECONDS = 60


class ProcessError(RuntimeError):
    """A process under test did not start."""


def _environment(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "INDEX_PREFIX": settings.index_prefix,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _tail(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines()
    return "\n".join(lines[-15:])


@contextmanager
def _catalog_process(args: list[str], env: dict[str, str]) -> Iterator[tuple[psutil.Process, Path]]:
    """`catalog ARGS` in the background, its output kept in a temporary log; stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as folder:
        log = Path(folder) / "output.log"
        with log.open("wb") as out:
            child = subprocess.Popen(
                [sys.executable, "-c", "from ops.cli.main import app; app()", *args],
                env=env,
                cwd=PROJECT_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            process = psutil.Process(child.pid)
            try:
                yield process, log
            finally:
                descendants = tree(process)[1:]
                child.terminate()  # uvicorn's master stops its workers; the worker finishes a job
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                for leftover in descendants:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        leftover.kill()


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def api_server(
    settings: Settings, port: int, *, cache: bool, workers: int
) -> Iterator[psutil.Process]:
    """`catalog serve --workers N` on 127.0.0.1:`port`, cache on or off; yields its master."""
    if _port_taken(port):
        raise ProcessError(f"127.0.0.1:{port} is already in use: choose another --port")
    env = _environment(
        settings,
        API_HOST="127.0.0.1",
        API_PORT=str(port),
        CACHE_TTL_SECONDS="300" if cache else "0",
        AUTOCOMPLETE_CACHE_TTL_SECONDS="60" if cache else "0",
        RATE_LIMIT_PER_MINUTE="0",
    )
    with _catalog_process(["serve", "--workers", str(workers)], env) as (server, log):
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if not server.is_running() or server.status() == psutil.STATUS_ZOMBIE:
                raise ProcessError(f"catalog serve exited:\n{_tail(log)}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise ProcessError(
                    f"catalog serve not healthy in {STARTUP_SECONDS} s:\n{_tail(log)}"
                )
            time.sleep(0.2)
        yield server


@contextmanager
def indexer_worker(settings: Settings) -> Iterator[psutil.Process]:
    """`catalog worker` (RQ worker and outbox dispatcher), yielded once it has registered."""
    redis = redis_client(settings)
    with _catalog_process(["worker"], _environment(settings)) as (worker, log):
        deadline = time.monotonic() + STARTUP_SECONDS
        while all(w.pid != worker.pid for w in Worker.all(connection=redis)):
            if not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE:
                raise ProcessError(f"catalog worker exited:\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise ProcessError(
                    f"catalog worker not ready in {STARTUP_SECONDS} s:\n{_tail(log)}"
                )
            time.sleep(0.2)
        _settle(worker, deadline)
        yield worker


def _settle(process: psutil.Process, deadline: float) -> None:
    """Wait until the process's memory stops moving: it registers before its threads are up, and a
    start figure taken then would show their start-up as growth."""
    last = tree_rss_mb(process)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = tree_rss_mb(process)
        if abs(now - last) < 1:
            return
        last = now
