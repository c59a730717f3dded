"""`catalog verify`: compare PostgreSQL with the index, document by document, and repair on request.

Every live product must be in the index with the version and checksum PostgreSQL implies; nothing
else may be there. Products with a change still in the outbox are in flight, not wrong, and are
reported apart. Repair goes through the normal path: a live product gets a fresh version (so its
document is rebuilt), anything the index holds that PostgreSQL does not gets an outbox entry (so it
is deleted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elasticsearch import Elasticsearch, helpers
from sqlalchemy import Engine, text

from catalog.products import LIVE_PRODUCT_ROWS
from indexer.indices import alias_name
from schemas.product_index import checksum


@dataclass
class Report:
    postgres: int = 0
    index: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)
    in_flight: int = 0

    @property
    def differences(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.stale) + len(self.drifted)


def index_state(es: Elasticsearch, index: str) -> dict[str, tuple[int, str]]:
    return {
        hit["_id"]: (int(hit["_source"]["version"]), hit["_source"]["checksum"])
        for hit in helpers.scan(
            es.options(request_timeout=60),
            index=index,
            query={"query": {"match_all": {}}},
            _source=["version", "checksum"],
            size=5000,
        )
    }


def verify(engine: Engine, es: Elasticsearch, prefix: str, index: str | None = None) -> Report:
    target = index or alias_name(prefix)
    es.indices.refresh(index=target)
    indexed = index_state(es, target)
    report = Report(index=len(indexed))
    with engine.connect() as conn:
        in_flight = {row[0] for row in conn.execute(text("SELECT DISTINCT product_id FROM outbox"))}
        rows = conn.execution_options(stream_results=True, yield_per=5000).execute(
            text(LIVE_PRODUCT_ROWS)
        )
        for row in rows.mappings():
            report.postgres += 1
            product_id = row["id"]
            held = indexed.pop(product_id, None)
            if product_id in in_flight:
                report.in_flight += 1
            elif held is None:
                report.missing.append(product_id)
            elif held[0] != row["version"]:
                report.stale.append(product_id)
            elif held[1] != checksum(row):
                report.drifted.append(product_id)
    report.extra = sorted(pid for pid in indexed if pid not in in_flight)
    return report


def repair(engine: Engine, report: Report) -> int:
    """Send every difference back through the indexer; return how many products were re-queued."""
    live = report.missing + report.stale + report.drifted
    with engine.begin() as conn:
        if live:
            conn.execute(
                text("UPDATE products SET version = -1 WHERE id = ANY(:ids)"), {"ids": live}
            )
        if report.extra:
            conn.execute(
                text(
                    "INSERT INTO outbox (seq, product_id) "
                    "SELECT nextval('catalog_change_seq'), id FROM unnest(CAST(:ids AS text[])) id"
                ),
                {"ids": report.extra},
            )
    return len(live) + len(report.extra)
