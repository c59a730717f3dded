"""The data every bench stands on: the first N generated products, in PostgreSQL and indexed.

The generator is deterministic and prefix-stable (seed 42: product k never depends on N), so a
catalog that already holds exactly the first N products is reused as it is: `catalog bench all`
prepares 100k once, its parts share it, and a second run prepares nothing. Likewise the live index
is reused when it was built by the current schema and holds every product; otherwise one reindex
brings it up to date.
"""

from __future__ import annotations

from dataclasses import dataclass

from elasticsearch import Elasticsearch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy import Engine, text

from catalog.connections import elasticsearch_client
from catalog.products import count_live, load_stream
from catalog.settings import Settings, get_settings
from indexer.indices import alias_name, generations
from indexer.reindex import reindex
from ops.bench.environment import bench_engine, bench_settings
from ops.bench.report import console, step
from ops.datasets.generator import generate_products
from schemas.product import CanonicalProduct
from schemas.product_index import schema_version

#: Products compared one by one with the generator before a catalog is reused (a changed generator
#: changes its first products too; comparing all of a million would cost as much as loading them).
FINGERPRINT = 50


@dataclass
class Prepared:
    """The bench's settings, connections and catalog size, shared by every part of a run."""

    settings: Settings
    engine: Engine
    es: Elasticsearch
    size: int

    @property
    def alias(self) -> str:
        return alias_name(self.settings.index_prefix)


def _matches_generator(engine: Engine, size: int) -> bool:
    with engine.connect() as conn:
        if count_live(conn) != size:
            return False
        expected = [(p["id"], p["title"]) for p in generate_products(min(size, FINGERPRINT))]
        rows = conn.execute(
            text("SELECT id, title FROM products WHERE id = ANY(:ids)"),
            {"ids": [pid for pid, _ in expected]},
        ).all()
    found: dict[str, str] = {row[0]: row[1] for row in rows}
    return all(found.get(pid) == title for pid, title in expected)


def ensure_catalog(engine: Engine, size: int) -> bool:
    """Exactly the first `size` generated products in the bench database; True when the index
    cannot be trusted: the catalog was (re)loaded, or changes were left unapplied (an interrupted
    freshness run), which the outbox still records."""
    with engine.connect() as conn:
        unapplied = bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM outbox)")).scalar())
    reload = not _matches_generator(engine, size)
    if reload:
        step(f"loading {size:,} generated products into the bench database")
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE products, outbox RESTART IDENTITY CASCADE"))
        stream = (CanonicalProduct.model_validate(p) for p in generate_products(size))
        columns = (TextColumn("loading"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("load", total=size)
            for result in load_stream(engine, stream, batch_size=2000):
                progress.advance(task, result.written)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox"))  # the bench indexes by reindex, not by replay
    return reload or unapplied


def index_is_current(prepared: Prepared) -> bool:
    """The live index was built by this schema and holds every product of the catalog."""
    with prepared.engine.connect() as conn:
        live = [g for g in generations(conn, prepared.settings.index_prefix) if g.state == "live"]
    if not live or live[0].schema_version != schema_version():
        return False
    found = prepared.es.options(ignore_status=404).count(index=prepared.alias)
    return int(found.get("count", -1)) == prepared.size


def prepare(size: int, *, index: bool = True) -> Prepared:
    """The bench database with `size` products and, when `index`, a current index of them."""
    settings = bench_settings(get_settings())
    engine = bench_engine(settings, fresh=False)
    es = elasticsearch_client(settings, request_timeout=120)
    prepared = Prepared(settings, engine, es, size)
    stale = ensure_catalog(engine, size)
    if index and (stale or not index_is_current(prepared)):
        step(f"indexing {size:,} products (catalog reindex)")
        reindex(engine, es, settings.index_prefix, keep=0)
    return prepared
