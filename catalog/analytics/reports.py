"""The merchandisers' reports: sum aggregations over the analytics index, raw and rolled-up alike.

Definitions, the same in every report:
- `searches`: requests of the kind asked for (`search` by default) in the range;
- `zero_results`: those that found nothing;
- `clicked_searches`: those with at least one click; `clicks`: all their clicks;
- `ctr` = clicked_searches / searches; `mean_click_position` = mean 1-based position of the clicks;
- `carted_searches`: searches with at least one add-to-cart; `converted_searches`: with a purchase;
  `add_to_carts`, `purchases`, `units` (bought): all of them;
- `add_to_cart_rate` = carted_searches / searches; `conversion_rate` = converted_searches / searches;
- `revenue`: the purchases' values summed as sent; `revenue_per_search` = revenue / searches;
  `currencies`: the currencies the purchases named (more than one: the sum mixes them; send values
  in one currency to compare queries).
Days that the retention job rolled up count at their day's start (UTC): over them a report's time
resolution is one day.

The node has no pipeline aggregations (`bucket_sort`, `bucket_selector`), so what cannot be ordered
in Elasticsearch (CTR) is ordered here, over every query of the range read by composite pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from schemas.analytics_index import events_index

SUMS = (
    "searches",
    "zero_results",
    "clicked_searches",
    "clicks",
    "click_position_sum",
    "carted_searches",
    "converted_searches",
    "add_to_carts",
    "purchases",
    "units",
)
#: Currencies listed per query (a shop trades in a handful).
CURRENCIES_READ = 10
#: A volume report has at most this many buckets (an hourly report over years is a mistake).
MAX_BUCKETS = 5000
COMPOSITE_PAGE = 1000
#: Facet values read to list the top values of each facet.
FACET_VALUES_READ = 1000


@dataclass(frozen=True)
class Scope:
    """What a report covers: [start, end) and the kind of request."""

    start: datetime
    end: datetime
    kind: str = "search"

    def query(self) -> dict[str, Any]:
        return {
            "bool": {
                "filter": [
                    {"term": {"kind": self.kind}},
                    {"range": {"at": {"gte": self.start.isoformat(), "lt": self.end.isoformat()}}},
                ]
            }
        }


def _sums() -> dict[str, Any]:
    return {
        **{name: {"sum": {"field": name}} for name in SUMS},
        "revenue": {"sum": {"field": "revenue"}},
        "currencies": {"terms": {"field": "currencies", "size": CURRENCIES_READ}},
    }


def _rate(part: float, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def stats(sums: dict[str, Any]) -> dict[str, Any]:
    """The figures of one query (or of the whole range) from its sum aggregations."""
    values = {name: int(sums.get(name, {}).get("value", 0)) for name in SUMS}
    searches, clicks = values["searches"], values["clicks"]
    revenue = round(float(sums.get("revenue", {}).get("value", 0.0)), 2)
    return {
        "searches": searches,
        "zero_results": values["zero_results"],
        "clicked_searches": values["clicked_searches"],
        "clicks": clicks,
        "ctr": _rate(values["clicked_searches"], searches),
        "mean_click_position": (
            round(values["click_position_sum"] / clicks, 2) if clicks else None
        ),
        "carted_searches": values["carted_searches"],
        "converted_searches": values["converted_searches"],
        "add_to_carts": values["add_to_carts"],
        "purchases": values["purchases"],
        "units": values["units"],
        "add_to_cart_rate": _rate(values["carted_searches"], searches),
        "conversion_rate": _rate(values["converted_searches"], searches),
        "revenue": revenue,
        "revenue_per_search": _rate(revenue, searches),
        "currencies": sorted(b["key"] for b in sums.get("currencies", {}).get("buckets", [])),
    }


def _query_rows(buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"query": b["key"], **stats(b)} for b in buckets]


def _search(es: Elasticsearch, prefix: str, body: dict[str, Any]) -> dict[str, Any]:
    """Run a report; with no analytics index yet (nothing shipped) every report is empty."""
    response: dict[str, Any] = es.search(
        index=events_index(prefix), body=body, ignore_unavailable=True
    ).body
    aggregations: dict[str, Any] = response.get("aggregations", {})
    return aggregations


def queries_body(scope: Scope, order: str, size: int) -> dict[str, Any]:
    return {
        "size": 0,
        "query": scope.query(),
        "aggs": {
            "queries": {
                "terms": {
                    "field": "query",
                    "size": size,
                    "order": [{order: "desc"}, {"_key": "asc"}],
                },
                "aggs": _sums(),
            },
            **_sums(),
        },
    }


def top_queries(es: Elasticsearch, prefix: str, scope: Scope, limit: int) -> list[dict[str, Any]]:
    """The most searched queries, most first (ties by query)."""
    aggs = _search(es, prefix, queries_body(scope, "searches", limit))
    return _query_rows(aggs.get("queries", {}).get("buckets", []))


def zero_result_queries(
    es: Elasticsearch, prefix: str, scope: Scope, limit: int
) -> list[dict[str, Any]]:
    """The queries that found nothing most often, most first; `zero_results` is how often."""
    aggs = _search(es, prefix, queries_body(scope, "zero_results", limit))
    rows = _query_rows(aggs.get("queries", {}).get("buckets", []))
    return [row for row in rows if row["zero_results"] > 0]


def click_through(
    es: Elasticsearch, prefix: str, scope: Scope, limit: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """CTR and mean click position over the range, and per query for the most searched ones."""
    aggs = _search(es, prefix, queries_body(scope, "searches", limit))
    return stats(aggs), _query_rows(aggs.get("queries", {}).get("buckets", []))


def conversions(
    es: Elasticsearch, prefix: str, scope: Scope, limit: int, order: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Conversion figures over the range, and per query for the `limit` queries with the most
    `order` (`revenue`, `purchases` or `searches`)."""
    aggs = _search(es, prefix, queries_body(scope, order, limit))
    return stats(aggs), _query_rows(aggs.get("queries", {}).get("buckets", []))


def every_query(es: Elasticsearch, prefix: str, scope: Scope) -> list[dict[str, Any]]:
    """Every query of the range with its figures (composite pages: exact, however many)."""
    rows: list[dict[str, Any]] = []
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {
            "size": COMPOSITE_PAGE,
            "sources": [{"query": {"terms": {"field": "query"}}}],
        }
        if after is not None:
            composite["after"] = after
        body = {
            "size": 0,
            "query": scope.query(),
            "aggs": {"queries": {"composite": composite, "aggs": _sums()}},
        }
        page = _search(es, prefix, body).get("queries", {})
        buckets = page.get("buckets", [])
        rows += [{"query": b["key"]["query"], **stats(b)} for b in buckets]
        after = page.get("after_key")
        if not buckets or after is None:
            return rows


def low_ctr_queries(
    es: Elasticsearch, prefix: str, scope: Scope, limit: int, min_searches: int
) -> list[dict[str, Any]]:
    """Queries searched at least `min_searches` times whose results are clicked least.

    Queries that never found anything are left to the zero-result report: nothing to click.
    """
    rows = [
        row
        for row in every_query(es, prefix, scope)
        if row["searches"] >= min_searches and row["zero_results"] < row["searches"]
    ]
    rows.sort(key=lambda row: (row["ctr"], -row["searches"], row["query"]))
    return rows[:limit]


def facet_usage(
    es: Elasticsearch, prefix: str, scope: Scope, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    """How many searches filtered on each facet, and on its most used values."""
    searches = {"searches": {"sum": {"field": "searches"}}}
    body = {
        "size": 0,
        "query": scope.query(),
        "aggs": {
            "names": {
                "terms": {"field": "facets", "size": 100, "order": [{"searches": "desc"}]},
                "aggs": searches,
            },
            "values": {
                "terms": {
                    "field": "facet_values",
                    "size": FACET_VALUES_READ,
                    "order": [{"searches": "desc"}, {"_key": "asc"}],
                },
                "aggs": searches,
            },
            **searches,
        },
    }
    aggs = _search(es, prefix, body)
    total = int(aggs.get("searches", {}).get("value", 0))
    values: dict[str, list[dict[str, Any]]] = {}
    for bucket in aggs.get("values", {}).get("buckets", []):
        name, _, value = bucket["key"].partition(":")
        values.setdefault(name, []).append(
            {"value": value, "searches": int(bucket["searches"]["value"])}
        )
    facets = []
    for bucket in aggs.get("names", {}).get("buckets", []):
        used = int(bucket["searches"]["value"])
        facets.append(
            {
                "facet": bucket["key"],
                "searches": used,
                "share": round(used / total, 4) if total else 0.0,
                "values": values.get(bucket["key"], [])[:limit],
            }
        )
    return total, facets


def volume(es: Elasticsearch, prefix: str, scope: Scope, interval: str) -> list[dict[str, Any]]:
    """Searches, zero-result searches and clicks per interval, every interval of the range listed."""
    body = {
        "size": 0,
        "query": scope.query(),
        "aggs": {
            "volume": {
                "date_histogram": {
                    "field": "at",
                    "calendar_interval": interval,
                    "min_doc_count": 0,
                    "extended_bounds": {
                        "min": int(scope.start.timestamp() * 1000),
                        "max": int(scope.end.timestamp() * 1000) - 1,
                    },
                },
                "aggs": _sums(),
            }
        },
    }
    buckets = _search(es, prefix, body).get("volume", {}).get("buckets", [])
    return [{"at": bucket["key_as_string"], **stats(bucket)} for bucket in buckets]


def bucket_count(scope: Scope, interval: str) -> int:
    """About how many buckets a volume report over `scope` would have (months as 30 days)."""
    seconds = {"hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400}[interval]
    return int((scope.end - scope.start).total_seconds() // seconds) + 1
