"""The recovery drill of docs/operations.md, run as an operator would run it, with the CLI.

1. The database is lost: restore last night's dump into a fresh database, `catalog reindex` into a
   fresh index, `catalog worker --burst` (the dump's outbox may hold changes not yet applied),
   `catalog verify`: zero differences, and the restored catalog is the one backed up.
2. Elasticsearch's data folder is lost: start the node empty, `catalog reindex`, `catalog verify`:
   zero differences. This runs on a node of its own (tests/recovery/conftest.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from sqlalchemy import Engine, create_engine, make_url, text

from catalog.backup import ARCHIVE_MAGIC
from catalog.connections import elasticsearch_client
from catalog.products import export_products
from catalog.settings import Settings
from indexer.indices import alias_name, write_targets
from indexer.verify import Report, verify
from ops.datasets.generator import generate_products
from ops.servers import LocalServices
from tests.support import summary
from tests.support.catalog import Catalog
from tests.support.cli import run_catalog

pytestmark = [pytest.mark.recovery, pytest.mark.slow]

PRODUCTS = 400
DRILL_PREFIX = "test-drill"  # under the tests' `test-*`, so the usual cleanup drops it


def _history(catalog: Catalog) -> list[str]:
    """A catalog with a past: products, soft and hard deletes, a brand rename, all still queued."""
    generated = list(generate_products(PRODUCTS, seed=99))
    catalog.put(*generated)
    ids = [p["id"] for p in generated]
    catalog.sql("UPDATE products SET deleted_at = now() WHERE id = ANY(:ids)", ids=ids[:15])
    catalog.sql("DELETE FROM products WHERE id = ANY(:ids)", ids=ids[15:25])
    catalog.sql("UPDATE brands SET name = name || ' Group' WHERE id = (SELECT min(id) FROM brands)")
    return ids


def _export(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [p.model_dump(mode="json") for p in export_products(conn)]


def _ok(result: Any, what: str) -> str:
    assert result.returncode == 0, f"`catalog {what}` exited {result.returncode}: {result.stderr}"
    return str(result.stdout)


def _assert_converged(report: Report, live: int, context: str) -> None:
    assert report.differences == 0, (
        f"{context}: missing {report.missing[:10]}, extra {report.extra[:10]}, "
        f"stale {report.stale[:10]}, drifted {report.drifted[:10]}"
    )
    assert report.in_flight == 0, f"{context}: {report.in_flight} products still in flight"
    assert report.postgres == report.index == live, context


@pytest.fixture
def drill_database(settings: Settings) -> Any:
    """The name of a fresh database on the tests' server, dropped before and after."""
    assert settings.database_url is not None
    url = make_url(settings.database_url)
    name = f"{url.database}_drill"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    yield name
    drop()
    admin.dispose()


def test_restore_into_a_fresh_database_then_reindex_and_verify(
    catalog: Catalog,
    engine: Engine,
    es: Elasticsearch,
    settings: Settings,
    drill_database: str,
    tmp_path: Path,
) -> None:
    assert settings.database_url is not None
    _history(catalog)
    backed_up = _export(engine)
    env = dict(os.environ)
    dump = tmp_path / "catalog.dump"

    out = _ok(run_catalog("db", "backup", str(dump), env=env), "db backup")
    assert dump.read_bytes()[: len(ARCHIVE_MAGIC)] == ARCHIVE_MAGIC
    # A write after the backup is not in it: the restore is the catalog as it was at backup time.
    catalog.put(next(iter(generate_products(1, seed=12345))) | {"id": "after-backup"})

    restored_url = make_url(settings.database_url).set(database=drill_database)
    out += _ok(
        run_catalog("db", "restore", str(dump), "--database", drill_database, env=env), "db restore"
    )
    drill_env = {
        **env,
        "DATABASE_URL": restored_url.render_as_string(hide_password=False),
        "INDEX_PREFIX": DRILL_PREFIX,
    }
    out += _ok(run_catalog("reindex", env=drill_env), "reindex")
    out += _ok(run_catalog("worker", "--burst", env=drill_env), "worker --burst")
    verified = _ok(run_catalog("verify", env=drill_env), "verify")
    assert "no differences" in verified

    restored = create_engine(restored_url)
    try:
        assert _export(restored) == backed_up, "the restored catalog differs from the backed-up one"
        report = verify(restored, es, DRILL_PREFIX)
        with restored.connect() as conn:
            outbox = int(conn.execute(text("SELECT count(*) FROM outbox")).scalar_one())
    finally:
        restored.dispose()
    _assert_converged(report, len(backed_up), "restored database")
    assert outbox == 0, "the dump's queued changes were not applied"
    summary.report(
        "recovery drill",
        f"database restored from a {dump.stat().st_size:,}-byte dump into {drill_database}, "
        f"reindexed into {alias_name(DRILL_PREFIX)}: {report.postgres} live products, "
        f"{report.index} documents, {report.differences} differences",
    )


def test_losing_the_elasticsearch_data_folder_is_recovered_by_reindex(
    catalog: Catalog, engine: Engine, settings: Settings, drill_services: LocalServices
) -> None:
    node = drill_services.elasticsearch
    data = node.node_dir(1) / "data"
    # The one folder this test deletes belongs to the drill's own node, never the tests' servers.
    assert data.resolve().is_relative_to(drill_services.local_dir.resolve())
    assert drill_services.local_dir.resolve() != settings.local_dir.resolve()
    assert settings.elasticsearch_url is not None
    assert node.urls()[0] not in settings.elasticsearch_url.split(",")

    drill_env = {**os.environ, "ELASTICSEARCH_URL": ",".join(node.urls())}
    drill_settings = settings.model_copy(
        update={"elasticsearch_url": drill_env["ELASTICSEARCH_URL"]}
    )
    _history(catalog)
    with engine.connect() as conn:
        live = int(
            conn.execute(
                text("SELECT count(*) FROM products WHERE deleted_at IS NULL")
            ).scalar_one()
        )
    _ok(run_catalog("reindex", env=drill_env), "reindex")
    _ok(run_catalog("worker", "--burst", env=drill_env), "worker --burst")
    _ok(run_catalog("verify", env=drill_env), "verify")

    node.down()
    assert not node.running()
    shutil.rmtree(data)
    drill_services.up(nodes=1)
    es = elasticsearch_client(drill_settings, request_timeout=60)
    try:
        assert not es.indices.exists_alias(name=alias_name(settings.index_prefix)), (
            "the index survived the loss of the data folder"
        )
        _ok(run_catalog("reindex", env=drill_env), "reindex")
        assert "no differences" in _ok(run_catalog("verify", env=drill_env), "verify")
        report = verify(engine, es, settings.index_prefix)
        # The lost generation is retired by the swap, never left as a target workers write to.
        with engine.connect() as conn:
            targets = write_targets(conn, settings.index_prefix)
        missing = [name for name in targets if not es.indices.exists(index=name)]
        assert not missing, f"write targets missing from Elasticsearch: {missing}"
    finally:
        es.close()
    _assert_converged(report, live, "after the data folder was lost")
    summary.report(
        "recovery drill",
        f"Elasticsearch data folder deleted, node restarted empty, reindexed: {report.postgres} "
        f"live products, {report.index} documents, {report.differences} differences",
    )


def test_bad_input_is_refused_with_one_line(
    engine: Engine, tmp_path: Path, settings: Settings
) -> None:
    env = dict(os.environ)
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("hello\n")
    existing = tmp_path / "existing.dump"
    existing.write_bytes(b"PGDMP")
    database = make_url(settings.database_url or "").database or ""
    cases = [
        (["db", "restore", str(tmp_path / "missing.dump")], 2, "no such file"),
        (["db", "restore", str(not_a_dump), "--database", "fresh_db"], 2, "not a pg_dump"),
        (["db", "restore", str(existing), "--database", "bad;name"], 2, "not a plain identifier"),
        (["db", "restore", str(existing), "--database", database], 1, "already holds"),
        (["db", "backup", str(existing)], 1, "--force"),
        (["db", "backup", str(tmp_path / "missing" / "x.dump")], 2, "does not exist"),
    ]
    for args, code, words in cases:
        result = run_catalog(*args, env=env)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == code, f"{args}: exit {result.returncode}, {result.stderr}"
        assert len(lines) == 1, f"{args}: {result.stderr}"
        assert words in lines[0], f"{args}: {lines[0]}"
    assert existing.read_bytes() == b"PGDMP", "a refused backup touched the existing file"
