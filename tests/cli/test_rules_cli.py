"""`catalog rules ...` through the real CLI: the same store, validation and history as the API."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from tests.support.catalog import Catalog
from tests.support.cli import run_catalog


def test_add_export_import_remove_rollback(catalog: Catalog, tmp_path: Path) -> None:
    catalog.put({"id": "tv-1", "title": "Acme 55 inch Television", "price": 499, "stock": 1})
    rule = {"condition": {"query": "tv"}, "pin": [{"product_id": "tv-1", "position": 1}]}
    added = run_catalog("rules", "add", json.dumps(rule))
    assert added.returncode == 0, added.stderr
    assert "rule 1 added (query is 'tv': pin); rules version 1" in added.stdout
    banner = {"condition": {"category_page": "TVs"}, "banner": {"text": "Sale"}}
    assert run_catalog("rules", "add", json.dumps(banner)).returncode == 0
    assert "category page 'TVs': banner" in run_catalog("rules", "list").stdout

    exported = tmp_path / "rules.json"
    assert run_catalog("rules", "export", str(exported)).returncode == 0
    assert json.loads(exported.read_text())["rules"] == [{"id": 1, **rule}, {"id": 2, **banner}]

    assert run_catalog("rules", "remove", "1").returncode == 0
    imported = run_catalog("rules", "import", str(exported), "--replace")
    assert "2 rules imported; rules version 4" in imported.stdout
    with catalog.engine.connect() as conn:
        specs = conn.execute(text("SELECT spec FROM merch_rules ORDER BY id")).scalars().all()
        actors = conn.execute(text("SELECT DISTINCT actor FROM merch_rule_changes")).scalars().all()
    assert specs == [rule, banner]
    assert [a.startswith("cli:") for a in actors] == [True]

    rolled = run_catalog("rules", "rollback", "1")
    assert "rules of version 1 restored as version 5" in rolled.stdout
    history = run_catalog("rules", "history").stdout
    assert {"add", "remove", "replace", "rollback"} <= set(history.split())


def test_bad_rules_and_ids_exit_1_with_one_line(catalog: Catalog, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rules": [{"hide": ["x"]}, {"redirect": "ftp://x"}]}))
    for args, message in (
        (("rules", "add", '{"condition": {"query": "tv"}}'), "a rule needs a consequence"),
        (("rules", "add", '{"pin": [{"product_id": "nope", "position": 1}]}'), "pin.0.product_id"),
        (("rules", "remove", "42"), "no rule with id 42"),
        (("rules", "rollback", "7"), "no rules version 7"),
        (("rules", "import", str(bad)), "rules.1"),
    ):
        result = run_catalog(*args)
        assert result.returncode == 1, result.stdout
        assert message in (result.stdout + result.stderr)
