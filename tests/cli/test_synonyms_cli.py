"""`catalog synonyms ...` through the real CLI: the same store, validation and history as the API."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests.support.catalog import Catalog
from tests.support.cli import run_catalog


def test_add_export_import_remove_rollback(catalog: Catalog, tmp_path: Path) -> None:
    added = run_catalog("synonyms", "add", "sofa, couch")
    assert added.returncode == 0, added.stderr
    assert "rule 1 added (sofa, couch); synonyms version 1" in added.stdout
    scoped = run_catalog(
        "synonyms", "add", "laptop => notebook computer", "--category", "Electronics"
    )
    assert scoped.returncode == 0, scoped.stderr

    exported = tmp_path / "synonyms.txt"
    assert run_catalog("synonyms", "export", str(exported)).returncode == 0
    assert exported.read_text() == (
        "sofa, couch\n# category: Electronics\nlaptop => notebook computer\n"
    )
    listed = run_catalog("synonyms", "list").stdout
    assert "sofa, couch" in listed
    assert "laptop => notebook computer" in listed

    assert run_catalog("synonyms", "remove", "1").returncode == 0
    assert run_catalog("synonyms", "import", str(exported), "--replace").returncode == 0
    with catalog.engine.connect() as conn:
        rules = conn.execute(text("SELECT terms, category FROM synonym_rules ORDER BY id")).all()
        actors = conn.execute(text("SELECT DISTINCT actor FROM synonym_changes")).scalars().all()
    assert [(list(r.terms), r.category) for r in rules] == [
        (["sofa", "couch"], None),
        (["laptop"], "Electronics"),
    ]
    assert [a.startswith("cli:") for a in actors] == [True]

    rolled = run_catalog("synonyms", "rollback", "1")
    assert "rules of version 1 restored as version 5" in rolled.stdout
    history = run_catalog("synonyms", "history").stdout
    assert {"add", "remove", "replace", "rollback"} <= set(history.split())


def test_bad_rules_and_ids_exit_1_with_one_line(catalog: Catalog, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("sofa, couch\nlaptop =>\n")
    for args, message in (
        (("synonyms", "add", "sofa"), "terms: an equivalent set needs at least two terms"),
        (("synonyms", "remove", "42"), "no synonym rule with id 42"),
        (("synonyms", "rollback", "7"), "no synonyms version 7"),
        (("synonyms", "import", str(bad)), "line 2: output is empty"),
    ):
        result = run_catalog(*args)
        assert result.returncode == 1, result.stdout
        output = (result.stdout + result.stderr).strip()
        assert message in output
        assert len(output.splitlines()) == 1, output
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM synonym_rules")).scalar_one() == 0
