"""Where a benchmark runs: its own database, Redis database and index prefix, and the machine.

A bench must never touch the catalog it is run beside, nor the test suite's, so every name is
derived from the base settings: database `<name>_bench`, index prefix `bench` (or `<prefix>bench`
under any prefix but the service's default, e.g. `testbench` for the test suite), and a Redis
database of its own, because RQ's queue name is fixed and the bench empties its database first.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import psutil
from sqlalchemy import Engine, create_engine, make_url, text

from catalog import connections
from catalog.database import migrate
from catalog.settings import Settings

BENCH_PREFIX = "bench"
#: Redis database of the service's bench (`catalog bench ...` with the default prefix).
BENCH_REDIS_DB = 14
#: Redis database of a bench under any other prefix (the test suite's, which itself uses 15).
OTHER_BENCH_REDIS_DB = 13
_DEFAULT_PREFIX = Settings.model_fields["index_prefix"].default


def bench_settings(base: Settings) -> Settings:
    url = make_url(connections.database_url(base))
    bench_url = url.set(database=f"{url.database}_bench").render_as_string(hide_password=False)
    default = base.index_prefix == _DEFAULT_PREFIX
    prefix = BENCH_PREFIX if default else f"{base.index_prefix}{BENCH_PREFIX}"
    db = BENCH_REDIS_DB if default else OTHER_BENCH_REDIS_DB
    redis = connections.redis_url(base).rsplit("/", 1)[0] + f"/{db}"
    return base.model_copy(
        update={"database_url": bench_url, "redis_url": redis, "index_prefix": prefix}
    )


def bench_engine(settings: Settings, *, fresh: bool) -> Engine:
    """The bench database, created (and emptied when `fresh`) and migrated."""
    assert settings.database_url is not None
    url = make_url(settings.database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        ).scalar()
        if fresh and exists:
            conn.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        if fresh or not exists:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    migrate(settings.database_url)
    return create_engine(url, pool_size=10)


def machine() -> str:
    """Cores, CPU model, memory, kernel and Python: what a reader needs to compare two entries."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {sys.version.split()[0]}"
    )


def load_average() -> str:
    """The 1-minute load average when a run starts: other work on the cores skews every figure."""
    one, _, _ = os.getloadavg()
    return f"{one:.1f}"
