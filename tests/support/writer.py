"""A seeded writer that changes the catalog directly in PostgreSQL, as any SQL client could.

Every change is written with absolute values (no `x = x + 1`), so replaying a transaction whose
COMMIT was cut by a PostgreSQL restart (committed or not, the client cannot tell) is harmless. The
writer keeps its own model of which ids are live, soft-deleted or gone, and plans each transaction
against a copy of it, adopting the copy only once the transaction has committed: the stream of
changes is a function of the seed, whatever the faults do to the timing.
"""

from __future__ import annotations

import copy
import random
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import InterfaceError, OperationalError

from catalog.products import upsert_products
from ops.datasets.generator import generate_products
from schemas.product import CanonicalProduct
from tests.support.catalog import Catalog

#: Relative weights of the kinds of change (`untracked` touches only a column the index ignores).
WEIGHTS: Mapping[str, int] = {
    "insert": 14,
    "update": 40,
    "untracked": 5,
    "soft_delete": 8,
    "restore": 4,
    "hard_delete": 7,
    "reinsert": 4,
    "brand_rename": 4,
    "category_rename": 3,
}

COLORS = ("Black", "White", "Red", "Blue", "Green", "Silver", "Charcoal", "Navy")


@dataclass
class Model:
    """The writer's view of the catalog's ids (lists, so that seeded choices are reproducible)."""

    live: list[str]
    soft: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    renames: int = 0


@dataclass(frozen=True)
class Change:
    kind: str
    statement: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    product: Mapping[str, Any] | None = None  # a canonical product to upsert

    def apply(self, conn: Connection) -> None:
        if self.product is not None:
            upsert_products(conn, [CanonicalProduct.model_validate(self.product)])
        else:
            conn.execute(text(self.statement), dict(self.params))


@dataclass
class WriterStats:
    transactions: int = 0
    changes: Counter[str] = field(default_factory=Counter)
    retried: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(self.changes.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.changes.items()))
        return (
            f"{self.applied} changes in {self.transactions} transactions ({kinds}); "
            f"{self.retried} transactions retried after a connection loss"
        )


class Writer:
    """Applies seeded random transactions of 1-4 changes until stopped, surviving outages."""

    def __init__(
        self,
        engine: Engine,
        *,
        seed: int,
        products: Mapping[str, Mapping[str, Any]],
        live: Sequence[str],
        brands: Mapping[int, str],
        categories: Mapping[int, str],
        pace: float = 0.02,
        retry_for: float = 120.0,
    ) -> None:
        self.engine = engine
        self.rng = random.Random(seed)
        self.products = products
        self.model = Model(live=list(live), unused=[p for p in products if p not in set(live)])
        self.brands = dict(brands)
        self.categories = dict(categories)
        self.pace = pace
        self.retry_for = retry_for
        self.stats = WriterStats()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="catalog-writer", daemon=True)

    # -- control ------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 150.0) -> WriterStats:
        self._stop.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.stats.errors.append(f"writer still running {timeout:.0f}s after stop")
        return self.stats

    @property
    def applied(self) -> int:
        with self._lock:
            return self.stats.applied

    def wait_applied(self, count: int, timeout: float) -> bool:
        """Wait until at least `count` changes have committed (False on timeout or writer death)."""
        deadline = time.monotonic() + timeout
        while self.applied < count:
            if time.monotonic() >= deadline or not self._thread.is_alive():
                return False
            time.sleep(0.05)
        return True

    # -- the loop -----------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                model = copy.deepcopy(self.model)
                plan = [self._plan(model) for _ in range(self.rng.randint(1, 4))]
                self._commit(plan)
                self.model = model
                with self._lock:
                    self.stats.transactions += 1
                    self.stats.changes.update(change.kind for change in plan)
                self._stop.wait(self.pace)
        except Exception as exc:  # recorded for the test's assertion, never swallowed
            self.stats.errors.append(f"{type(exc).__name__}: {exc}")

    def _commit(self, plan: list[Change]) -> None:
        """Run the transaction; on a lost connection, retry it (it is idempotent) for a while."""
        deadline = time.monotonic() + self.retry_for
        while True:
            try:
                with self.engine.begin() as conn:
                    for change in plan:
                        change.apply(conn)
                return
            except (OperationalError, InterfaceError):
                if time.monotonic() >= deadline:
                    raise
                with self._lock:
                    self.stats.retried += 1
                time.sleep(0.5)  # back off while the server is away

    # -- planning -----------------------------------------------------------------------------------

    def _plan(self, model: Model) -> Change:
        """One change, planned against (and applied to) the scratch model."""
        kinds = list(WEIGHTS)
        while True:
            kind = self.rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
            change = self._change(kind, model)
            if change is not None:
                return change

    def _change(self, kind: str, model: Model) -> Change | None:
        rng = self.rng
        if kind == "insert" and model.unused:
            product_id = model.unused.pop(0)
            model.live.append(product_id)
            return Change(kind, product=self.products[product_id])
        if kind == "reinsert" and model.gone:
            product_id = model.gone.pop(rng.randrange(len(model.gone)))
            model.live.append(product_id)
            product = dict(self.products[product_id])
            product["title"] = f"{product['title']} (returned)"
            return Change(kind, product=product)
        if kind == "update" and model.live:
            # Now and then a soft-deleted product changes too: its delete must still win.
            pool = model.soft if model.soft and rng.random() < 0.1 else model.live
            return self._update(rng.choice(pool))
        if kind == "untracked" and model.live:
            return Change(
                kind,
                "UPDATE products SET cost = :cost WHERE id = :id",
                {"id": rng.choice(model.live), "cost": round(rng.uniform(1, 500), 2)},
            )
        if kind == "soft_delete" and model.live:
            product_id = model.live.pop(rng.randrange(len(model.live)))
            model.soft.append(product_id)
            return Change(
                kind,
                "UPDATE products SET deleted_at = COALESCE(deleted_at, now()) WHERE id = :id",
                {"id": product_id},
            )
        if kind == "restore" and model.soft:
            product_id = model.soft.pop(rng.randrange(len(model.soft)))
            model.live.append(product_id)
            return Change(
                kind, "UPDATE products SET deleted_at = NULL WHERE id = :id", {"id": product_id}
            )
        if kind == "hard_delete" and (model.live or model.soft):
            pool = model.live if model.soft == [] or rng.random() < 0.7 else model.soft
            product_id = pool.pop(rng.randrange(len(pool)))
            model.gone.append(product_id)
            return Change(kind, "DELETE FROM products WHERE id = :id", {"id": product_id})
        if kind == "brand_rename" and self.brands:
            model.renames += 1
            brand_id = rng.choice(sorted(self.brands))
            return Change(
                kind,
                "UPDATE brands SET name = :name WHERE id = :id",
                {"id": brand_id, "name": f"{self.brands[brand_id]} r{model.renames}"},
            )
        if kind == "category_rename" and self.categories:
            model.renames += 1
            category_id = rng.choice(sorted(self.categories))
            return Change(
                kind,
                "UPDATE categories SET name = :name WHERE id = :id",
                {"id": category_id, "name": f"{self.categories[category_id]} r{model.renames}"},
            )
        return None

    def _update(self, product_id: str) -> Change:
        """Change one or two indexed columns of a product to fresh absolute values."""
        rng = self.rng
        other = self.products[rng.choice(sorted(self.products))]
        candidates: dict[str, Any] = {
            "title": other["title"],
            "description": other.get("description"),
            "price": round(rng.uniform(1, 2500), 2),
            "sale_price": rng.choice([None, round(rng.uniform(1, 900), 2)]),
            "stock": rng.randint(0, 400),
            "rating": rng.choice([None, round(rng.uniform(0, 5), 1)]),
            "review_count": rng.randint(0, 5000),
            "popularity": rng.randint(0, 100_000),
            "image": f"https://img.example.com/p/{product_id}-{rng.randint(1, 9)}.jpg",
            "attributes": f'{{"color": "{rng.choice(COLORS)}"}}',
            "brand_id": rng.choice(sorted(self.brands)),
            "category_id": rng.choice(sorted(self.categories)),
        }
        columns = rng.sample(sorted(candidates), rng.randint(1, 2))
        assignments = ", ".join(
            f"{c} = CAST(:{c} AS jsonb)" if c == "attributes" else f"{c} = :{c}" for c in columns
        )
        params = {c: candidates[c] for c in columns}
        params["id"] = product_id
        return Change("update", f"UPDATE products SET {assignments} WHERE id = :id", params)


def seeded_writer(
    catalog: Catalog, engine: Engine, *, seed: int, initial: int, pool: int
) -> Writer:
    """A reindexed catalog of `initial` generated products, and a writer primed with its ids that
    may insert the rest of a pool of `pool` (the fault suite and the cluster test start alike)."""
    generated = list(generate_products(initial + pool, seed=seed))
    catalog.put(*generated[:initial])
    catalog.reindex()
    with engine.connect() as conn:
        brands = {int(r[0]): str(r[1]) for r in conn.execute(text("SELECT id, name FROM brands"))}
        categories = {
            int(r[0]): str(r[1]) for r in conn.execute(text("SELECT id, name FROM categories"))
        }
    return Writer(
        engine,
        seed=seed,
        products={p["id"]: p for p in generated},
        live=[p["id"] for p in generated[:initial]],
        brands=brands,
        categories=categories,
    )
