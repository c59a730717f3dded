"""The test's handle on the real data path: write to PostgreSQL, index through RQ, reindex; and keys.

Shared by every tier, so tests import it from here rather than from a conftest or from each other.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from redis import Redis
from rq.worker import SimpleWorker
from sqlalchemy import Engine, text

from catalog.generation import bump_generation
from catalog.keys import create_key
from catalog.products import upsert_products
from indexer.indices import alias_name
from indexer.jobs import index_queue
from indexer.outbox import Dispatcher
from indexer.reindex import reindex
from schemas.product import CanonicalProduct


class Catalog:
    """Drives the real data path in tests: write to PostgreSQL, index through RQ, reindex."""

    def __init__(self, engine: Engine, es: Elasticsearch, redis: Redis, prefix: str) -> None:
        self.engine, self.es, self.redis, self.prefix = engine, es, redis, prefix

    def put(self, *products: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            result = upsert_products(conn, [CanonicalProduct.model_validate(p) for p in products])
        return result.last_version

    def sql(self, statement: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(statement), params)

    def outbox(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT product_id FROM outbox ORDER BY seq"))]

    def reindex(self) -> str:
        result = reindex(self.engine, self.es, self.prefix)
        bump_generation(self.redis, self.prefix)
        return result.index

    def sync(self) -> None:
        """Dispatch the outbox and run the queued jobs to completion, as a worker would."""
        queue = index_queue(self.redis)
        Dispatcher(self.engine, queue, redispatch_after=3600).drain()
        SimpleWorker([queue], connection=self.redis).work(burst=True, logging_level="WARNING")

    def search_ids(self, **body: Any) -> list[str]:
        self.es.indices.refresh(index=alias_name(self.prefix))
        hits = self.es.search(index=alias_name(self.prefix), **body)["hits"]["hits"]
        return [hit["_id"] for hit in hits]


def bearer(engine: Engine, role: str) -> dict[str, str]:
    """Headers carrying a fresh key of this role."""
    with engine.begin() as conn:
        _, key = create_key(conn, role=role, name=f"test {role}")
    return {"Authorization": f"Bearer {key}"}
