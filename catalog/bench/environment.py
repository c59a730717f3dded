"""The bench's own database and index prefix, and the report file with machine facts."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import psutil
from sqlalchemy import Engine, create_engine, make_url, text

from catalog import endpoints
from catalog.database import migrate
from catalog.settings import PROJECT_ROOT, Settings

BENCH_PREFIX = "bench"
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"


def bench_settings(base: Settings) -> Settings:
    url = make_url(endpoints.database_url(base))
    bench_url = url.set(database=f"{url.database}_bench").render_as_string(hide_password=False)
    # Redis database 14: the bench's worker must not share a queue with a demo's worker.
    redis = endpoints.redis_url(base).rsplit("/", 1)[0] + "/14"
    return base.model_copy(
        update={"database_url": bench_url, "redis_url": redis, "index_prefix": BENCH_PREFIX}
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


def append_report(
    title: str, command: str, table: list[tuple[str, str, str]], notes: str = ""
) -> None:
    """Append a dated entry: what ran, on what, and each figure beside its target."""
    lines = [
        f"\n## {title} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)\n",
        f"- command: `{command}`",
        f"- machine: {machine()}\n",
        "| measure | value | target |",
        "|---|---|---|",
        *[f"| {measure} | {value} | {target} |" for measure, value, target in table],
    ]
    if notes:
        lines += ["", notes]
    if not REPORT.exists():
        REPORT.write_text(
            "# Benchmarks\n\nEvery entry is appended by `catalog bench ...`; "
            "figures are as measured, met or not.\n"
        )
    with REPORT.open("a") as fh:
        fh.write("\n".join(lines) + "\n")
