"""`catalog load` and `catalog seed` against the real test database, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import text

from tests.support.catalog import Catalog
from tests.support.cli import run_catalog


def _count(catalog: Catalog) -> int:
    with catalog.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM products")).scalar_one())


def test_load_upserts_valid_lines_and_reports_bad_ones(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "products.jsonl"
    path.write_text(
        '{"id": "a", "title": "Drill", "price": 10, "category": "Tools > Drills"}\n'
        '{"id": "b", "title": "Saw", "colour": "red"}\n'
        '{"id": "a", "title": "Cordless Drill", "price": 12}\n'
        "not json\n"
    )
    result = run_catalog("load", str(path))
    assert result.returncode == 1
    assert "line 2: colour" in result.stderr
    assert "line 4:" in result.stderr
    assert "1 products written, 2 lines rejected" in result.stdout  # "a" twice: one product
    with catalog.engine.connect() as conn:
        title = conn.execute(text("SELECT title FROM products WHERE id = 'a'")).scalar_one()
    assert title == "Cordless Drill"
    assert _count(catalog) == 1


def test_load_reports_nul_lines_one_each_and_writes_the_good_ones(
    catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "products.jsonl"
    path.write_bytes(
        b'{"id": "a", "title": "Drill"}\n'
        b'{"id": "b", "title": "Saw \\u0000 blade"}\n'
        b'{"id": "c", "title": "Raw \x00 byte"}\n'
        b'{"id": "d", "title": "Hammer", "attributes": {"color": ["Bl\\u0000ack"]}}\n'
        b'{"id": "e", "title": "Level"}\n'
    )
    result = run_catalog("load", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    reported = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in reported] == ["line 2", "line 3", "line 4"]
    assert reported[0].startswith("line 2: title:")
    assert reported[2].startswith("line 4: attributes:")
    assert "2 products written, 3 lines rejected" in result.stdout
    with catalog.engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM products ORDER BY id")).scalars().all()
    assert ids == ["a", "e"]


def test_load_with_a_mapping_reports_bad_records_and_writes_the_good_ones(
    catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "cellphones.json"
    records = [
        {"name": "Acme Phone", "price": 199},
        {"name": "", "price": 5},
        {"name": "Bolt Phone", "price": -3},
        {"name": "Cobalt Phone", "price": 299},
    ]
    path.write_bytes(orjson.dumps(records))
    result = run_catalog("load", str(path), "--mapping", "bestbuy-cellphones")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    reported = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [line.split(":")[:2] for line in reported] == [
        ["line 2", " title"],
        ["line 3", " price"],
    ]
    assert "2 products written, 2 lines rejected" in result.stdout
    assert _count(catalog) == 2


def test_seed_is_deterministic_and_if_empty_changes_nothing(catalog: Catalog) -> None:
    assert run_catalog("seed", "--products", "50").returncode == 0
    with catalog.engine.connect() as conn:
        first = conn.execute(text("SELECT id, title, price FROM products ORDER BY id")).all()
        versions = conn.execute(text("SELECT max(version) FROM products")).scalar_one()
    result = run_catalog("seed", "--products", "50", "--if-empty")
    assert result.returncode == 0
    assert "already there" in result.stdout
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT max(version) FROM products")).scalar_one() == versions
    assert len(first) == 50
    assert first[0][0] == "p-0000001"


def test_unknown_mapping_is_one_clear_line(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("[]")
    result = run_catalog("load", str(path), "--mapping", "nope")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: unknown mapping 'nope'")


def test_keys_create_prints_the_key_once_and_list_never_shows_it(catalog: Catalog) -> None:
    created = run_catalog("keys", "create", "--role", "merchandiser", "--name", "ci")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("cs_")
    listed = run_catalog("keys", "list")
    assert "merchandiser" in listed.stdout
    assert key not in listed.stdout
    assert run_catalog("keys", "revoke", "1").returncode == 0
    wrong = run_catalog("keys", "create", "--role", "owner", "--name", "x")
    assert wrong.returncode == 1
    assert wrong.stderr.strip().startswith("error: --role must be one of")


def test_export_writes_what_load_reads_back(catalog: Catalog, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "title": "Drill", "brand": "Bolt", "category": "Tools > Drills", '
        '"price": 10.5, "attributes": {"color": "Red"}}\n'
    )
    assert run_catalog("load", str(source)).returncode == 0
    exported = tmp_path / "out.jsonl"
    result = run_catalog("export", str(exported))
    assert result.returncode == 0, result.stderr
    line = orjson.loads(exported.read_bytes())
    assert {k: line[k] for k in ("id", "title", "brand", "category", "price", "attributes")} == {
        "id": "a",
        "title": "Drill",
        "brand": "Bolt",
        "category": "Tools > Drills",
        "price": 10.5,
        "attributes": {"color": "Red"},
    }
