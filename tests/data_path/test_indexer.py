"""The indexer against real PostgreSQL, Redis and Elasticsearch: apply, order, reindex, verify."""

from __future__ import annotations

from sqlalchemy import text

from indexer.apply import apply_pending
from indexer.indices import alias_name, aliased_indices
from indexer.verify import repair, verify
from tests.support.catalog import Catalog


def _product(product_id: str, title: str, **extra: object) -> dict[str, object]:
    return {
        "id": product_id,
        "title": title,
        "brand": "Acme",
        "category": "Home > Tools",
        "price": 10,
        "stock": 3,
        **extra,
    }


def _source(catalog: Catalog, product_id: str) -> dict[str, object]:
    doc = catalog.es.get(index=alias_name(catalog.prefix), id=product_id)
    return dict(doc["_source"])


def test_changes_flow_through_the_outbox_into_the_index(catalog: Catalog) -> None:
    catalog.put(_product("a", "Cordless Drill"))
    catalog.reindex()
    catalog.put(_product("b", "Hammer"))
    catalog.sql("UPDATE products SET price = 12.5 WHERE id = 'a'")
    catalog.sync()
    assert _source(catalog, "a")["price"] == 12.5
    assert _source(catalog, "b")["title"] == "Hammer"
    assert catalog.outbox() == []


def test_a_stale_job_never_overwrites_newer_data(catalog: Catalog) -> None:
    catalog.put(_product("a", "Cordless Drill"))
    catalog.reindex()
    with catalog.engine.connect() as conn:
        old_version = conn.execute(text("SELECT version FROM products WHERE id='a'")).scalar_one()
    catalog.sql("UPDATE products SET title = 'Cordless Drill Pro' WHERE id = 'a'")
    catalog.sync()
    # Replay the old change as a duplicated, late job: the document keeps the newer title.
    catalog.sql("INSERT INTO outbox (seq, product_id) VALUES (:s, 'a')", s=old_version)
    apply_pending(catalog.engine, catalog.es, catalog.prefix, {"a": old_version})
    assert _source(catalog, "a")["title"] == "Cordless Drill Pro"


def test_deletes_and_brand_renames_propagate(catalog: Catalog) -> None:
    catalog.put(
        _product("a", "Drill"), _product("b", "Saw"), _product("c", "Rake", brand="Garden Co")
    )
    catalog.reindex()
    catalog.sql("UPDATE brands SET name = 'Acme Tools' WHERE name = 'Acme'")
    catalog.sql("DELETE FROM products WHERE id = 'b'")
    catalog.sync()
    assert _source(catalog, "a")["brand"] == "Acme Tools"
    assert _source(catalog, "c")["brand"] == "Garden Co"
    assert not catalog.es.exists(index=alias_name(catalog.prefix), id="b")


def test_reindex_swaps_the_alias_and_keeps_changes_made_meanwhile(catalog: Catalog) -> None:
    catalog.put(*[_product(f"p{i}", f"Product {i}") for i in range(50)])
    first = catalog.reindex()
    catalog.sync()
    catalog.put(_product("late", "Late Arrival"))  # committed before the second build reads
    second = catalog.reindex()
    catalog.sync()
    assert aliased_indices(catalog.es, catalog.prefix) == [second]
    assert first != second
    report = verify(catalog.engine, catalog.es, catalog.prefix)
    assert report.differences == 0
    assert report.postgres == 51


def test_verify_reports_and_repairs_every_kind_of_difference(catalog: Catalog) -> None:
    catalog.put(*[_product(f"p{i}", f"Product {i}") for i in range(5)])
    catalog.reindex()
    catalog.sync()
    index = aliased_indices(catalog.es, catalog.prefix)[0]
    catalog.es.delete(index=index, id="p0")
    catalog.es.index(
        index=index, id="ghost", document={"version": 1, "checksum": "x"}, refresh=True
    )
    catalog.es.update(index=index, id="p1", doc={"checksum": "tampered"}, refresh=True)
    report = verify(catalog.engine, catalog.es, catalog.prefix)
    assert report.missing == ["p0"]
    assert report.extra == ["ghost"]
    assert report.drifted == ["p1"]
    assert repair(catalog.engine, report) == 3
    catalog.sync()
    assert verify(catalog.engine, catalog.es, catalog.prefix).differences == 0


def test_scheduled_reconciliation_repairs_and_records(catalog: Catalog) -> None:
    from indexer.jobs import reconcile

    catalog.put(*[_product(f"p{i}", f"Product {i}") for i in range(3)])
    catalog.reindex()
    catalog.sync()
    # A change whose outbox entry was lost (deleted by hand): the index never heard of p3.
    catalog.put(_product("p3", "Product 3"))
    catalog.sql("DELETE FROM outbox")
    outcome = reconcile()
    assert (outcome["differences"], outcome["repaired"]) == (1, 1)
    catalog.sync()
    assert reconcile()["differences"] == 0


def test_searches_answer_throughout_a_reindex(catalog: Catalog) -> None:
    import threading

    catalog.put(*[_product(f"p{i}", f"Cordless Drill {i}") for i in range(2000)])
    catalog.reindex()
    answered: list[int] = []
    failures: list[str] = []
    done = threading.Event()

    def search_loop() -> None:
        while not done.is_set():
            try:
                hits = catalog.es.search(
                    index=alias_name(catalog.prefix),
                    size=0,
                    query={"match": {"title_stem": {"query": "drill", "analyzer": "whitespace"}}},
                )["hits"]["total"]["value"]
                answered.append(hits)
            except Exception as exc:  # any failure during the swap is the point of this test
                failures.append(repr(exc))

    searcher = threading.Thread(target=search_loop)
    searcher.start()
    try:
        new_index = catalog.reindex()
    finally:
        done.set()
        searcher.join()
    assert failures == []
    assert len(answered) > 5
    assert set(answered) == {2000}
    assert aliased_indices(catalog.es, catalog.prefix) == [new_index]
    assert verify(catalog.engine, catalog.es, catalog.prefix).differences == 0


def test_an_interrupted_reindex_leaves_the_alias_alone(catalog: Catalog) -> None:
    import pytest

    from indexer import reindex as reindex_module

    catalog.put(*[_product(f"p{i}", f"Product {i}") for i in range(10)])
    live = catalog.reindex()

    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reindex_module.reindex(catalog.engine, catalog.es, catalog.prefix, progress=interrupt)
    assert aliased_indices(catalog.es, catalog.prefix) == [live]
    names = set(catalog.es.indices.get(index=f"{catalog.prefix}-products-*").body)
    assert names == {live}


def test_worker_stops_cleanly_on_sigterm(catalog: Catalog) -> None:
    import os
    import signal
    import subprocess
    import time

    from catalog.settings import PROJECT_ROOT

    worker = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "catalog"), "worker"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        worker.kill()


def test_rollback_returns_to_a_standby_kept_current_and_prune_drops_retired(
    catalog: Catalog,
) -> None:
    from indexer.indices import generations, point_alias, prune

    catalog.put(*[_product(f"p{i}", f"Product {i}") for i in range(5)])
    first = catalog.reindex()
    second = catalog.reindex()
    catalog.sql("UPDATE products SET title = 'Renamed' WHERE id = 'p0'")  # after the swap
    catalog.sync()
    with catalog.engine.begin() as conn:
        point_alias(catalog.es, conn, catalog.prefix, first)  # what `catalog index rollback` does
    assert aliased_indices(catalog.es, catalog.prefix) == [first]
    assert _source(catalog, "p0")["title"] == "Renamed"
    assert verify(catalog.engine, catalog.es, catalog.prefix).differences == 0
    third = catalog.reindex()  # first becomes standby, second was already retired
    with catalog.engine.begin() as conn:
        states = {g.name: g.state for g in generations(conn, catalog.prefix)}
        assert states == {third: "live", first: "standby", second: "retired"}
        assert prune(catalog.es, conn, catalog.prefix, keep=0) == [second]
    assert not catalog.es.indices.exists(index=second)
