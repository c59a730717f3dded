"""The analytics indices: search events (raw and rolled up) and popular queries, with their builders.

`{prefix}-search-events` holds one document per raw search event (`e<id>`, its clicks and
conversions counted in it) and one per rolled-up row (`d<id>`). Both carry counts (`searches` is 1 for a raw event), so
every report is a sum aggregation that reads raw and rolled-up documents alike, and a report over a
long range is the same before and after the retention job.

`{prefix}-queries` holds the queries shoppers searched most, with a completion field weighted by
how often they found something: autocomplete offers them while a shopper types. Their completion
input is made by `analyzers/`, like the typed prefix, and indexed with the `whitespace` analyzer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from elasticsearch.dsl import Completion, Date, Document, Double, Integer, Keyword, Long

from analyzers import analyze_query

MAPPING_VERSION = "2"
#: Completion weights are ints below 2^31.
WEIGHT_MAX = 2**31 - 1


def events_index(prefix: str) -> str:
    return f"{prefix}-search-events"


def queries_index(prefix: str) -> str:
    return f"{prefix}-queries"


class SearchEventDocument(Document):
    """A raw event (`type: event`) or a day of rolled-up events (`type: day`)."""

    type = Keyword()
    kind = Keyword()
    at = Date()
    query = Keyword()
    facets = Keyword()
    facet_values = Keyword()
    searches = Long()
    zero_results = Long()
    clicked_searches = Long()
    clicks = Long()
    click_position_sum = Long()
    latency_ms_sum = Double()
    cache_hits = Long()
    result_count = Integer()
    #: Conversions (mapping version 2): searches with an add-to-cart, with a purchase; all
    #: add-to-carts, purchases, units bought, the purchases' values summed and their currencies.
    carted_searches = Long()
    converted_searches = Long()
    add_to_carts = Long()
    purchases = Long()
    units = Long()
    revenue = Double()
    currencies = Keyword()

    class Meta:
        dynamic = "strict"


class PopularQueryDocument(Document):
    query = Keyword()
    searches = Long()
    suggest = Completion(analyzer="whitespace", search_analyzer="whitespace")

    class Meta:
        dynamic = "strict"


def index_settings() -> dict[str, Any]:
    return {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "5s"}


def events_mapping() -> dict[str, Any]:
    mapping: dict[str, Any] = SearchEventDocument._doc_type.mapping.to_dict()
    mapping["_meta"] = {"mapping_version": MAPPING_VERSION}
    return mapping


def queries_mapping() -> dict[str, Any]:
    mapping: dict[str, Any] = PopularQueryDocument._doc_type.mapping.to_dict()
    mapping["_meta"] = {"mapping_version": MAPPING_VERSION}
    return mapping


def _facets(values: list[str]) -> dict[str, list[str]]:
    """Facet names (`brand`) beside the `name:value` strings (`brand:Acme`) they come from."""
    return {"facets": sorted({v.partition(":")[0] for v in values}), "facet_values": list(values)}


def _conversions(row: Mapping[Any, Any], carted: int, converted: int) -> dict[str, Any]:
    return {
        "carted_searches": carted,
        "converted_searches": converted,
        "add_to_carts": int(row["add_to_carts"]),
        "purchases": int(row["purchases"]),
        "units": int(row["units"]),
        "revenue": float(row["revenue"]),
        "currencies": sorted(row["currencies"]),
    }


def event_document(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The document of one `search_events` row joined with its clicks (`clicks`, `position_sum`)
    and its conversions (`add_to_carts`, `purchases`, `units`, `revenue`, `currencies`)."""
    clicks = int(row["clicks"])
    return {
        "type": "event",
        "kind": row["kind"],
        "at": row["at"].isoformat(),
        "query": row["query"],
        **_facets(row["facets"]),
        "searches": 1,
        "zero_results": int(row["result_count"] == 0),
        "clicked_searches": int(clicks > 0),
        "clicks": clicks,
        "click_position_sum": int(row["position_sum"]),
        "latency_ms_sum": float(row["latency_ms"]),
        "cache_hits": int(row["cache_hit"]),
        "result_count": row["result_count"],
        **_conversions(row, int(row["add_to_carts"] > 0), int(row["purchases"] > 0)),
    }


def day_document(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The document of one `search_event_days` row, dated at the start of its day (UTC)."""
    day: date = row["day"]
    return {
        "type": "day",
        "kind": row["kind"],
        "at": datetime.combine(day, time(), UTC).isoformat(),
        "query": row["query"] or None,
        **_facets(row["facets"]),
        "searches": row["searches"],
        "zero_results": row["zero_results"],
        "clicked_searches": row["clicked_searches"],
        "clicks": row["clicks"],
        "click_position_sum": row["click_position_sum"],
        "latency_ms_sum": row["latency_ms_sum"],
        "cache_hits": row["cache_hits"],
        **_conversions(row, row["carted_searches"], row["converted_searches"]),
    }


def completion_input(query: str) -> str:
    """What the completion field indexes for a query: its words as `analyzers/` reads them."""
    return " ".join(analyze_query(query).phrase_exact)


def popular_query_id(query: str) -> str:
    return hashlib.blake2b(query.encode(), digest_size=12).hexdigest()


def popular_query_document(query: str, searches: int) -> dict[str, Any] | None:
    """The document of a popular query; None when analysis leaves nothing to complete."""
    words = completion_input(query)
    if not words:
        return None
    return {
        "query": query,
        "searches": searches,
        "suggest": {"input": [words], "weight": max(1, min(WEIGHT_MAX, searches))},
    }
