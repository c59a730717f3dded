"""The search body the API sends, built from a request: pure, no servers (what Elasticsearch then
does with it is proven by tests/api against a real node)."""

from __future__ import annotations

from typing import Any

import orjson

from analyzers import analyze_query
from search_api.query import (
    TEXT_MATCHES,
    Filters,
    SearchRequest,
    build_search,
    parse_facets,
)


def _filters_of(agg: dict[str, Any]) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = agg["filter"]["bool"]["filter"]
    return filters


def test_filters_narrow_hits_but_each_facet_counts_without_its_own_filter() -> None:
    filters = Filters(brands=("Acme",), price_min=10.0, in_stock=True)
    body = build_search(SearchRequest(query=analyze_query("drill"), filters=filters))
    post = body["post_filter"]["bool"]["filter"]
    assert {"terms": {"brand": ["Acme"]}} in post
    assert {"term": {"in_stock": True}} in post
    brand = _filters_of(body["aggs"]["brand"])
    assert {"terms": {"brand": ["Acme"]}} not in brand  # disjunctive: other brands still counted
    assert {"range": {"effective_price": {"gte": 10.0}}} in brand
    price = _filters_of(body["aggs"]["price"])
    assert {"range": {"effective_price": {"gte": 10.0}}} not in price
    assert {"terms": {"brand": ["Acme"]}} in price
    # Whether the words match anything at all, before any filter.
    assert body["aggs"][TEXT_MATCHES] == {"filter": {"match_all": {}}}


def test_only_requested_facets_are_aggregated() -> None:
    body = build_search(SearchRequest(query=None, facets=("brand",)))
    assert set(body["aggs"]) == {"brand", TEXT_MATCHES}
    assert "post_filter" not in body


def test_category_tree_counts_each_level_under_its_selected_parent() -> None:
    request = SearchRequest(query=None, filters=Filters(category="Tools > Power Tools"))
    aggs = build_search(request)["aggs"]
    assert {"category@0", "category@1", "category@2"} <= set(aggs)
    assert _filters_of(aggs["category@0"]) == []
    assert {"term": {"category_levels": "Tools"}} in _filters_of(aggs["category@1"])
    assert {"term": {"category_levels": "Tools > Power Tools"}} in _filters_of(aggs["category@2"])


def test_no_words_browse_everything_without_highlight_or_suggestions() -> None:
    body = build_search(SearchRequest(query=None, size=5, offset=40))
    query = orjson.dumps(body["query"]).decode()
    assert '"match_all"' in query
    assert "multi_match" not in query  # no words: every product, ranked by signals alone
    assert (body["size"], body["from"]) == (5, 40)
    assert "highlight" not in body
    assert "suggest" not in body


def test_cursor_pages_replace_offsets() -> None:
    body = build_search(SearchRequest(query=analyze_query("tv"), search_after=[1.5, "p-9"]))
    assert body["search_after"] == [1.5, "p-9"]
    assert "from" not in body


def test_text_query_asks_for_did_you_mean_on_the_analyzed_words() -> None:
    query = analyze_query("cordless drils")
    assert query is not None
    body = build_search(SearchRequest(query=query))
    assert body["suggest"]["did_you_mean"]["text"] == " ".join(query.exact)
    assert body["query"] != {"match_all": {}}


def test_parse_facets_reads_levels_ranges_and_booleans() -> None:
    aggregations = {
        TEXT_MATCHES: {"doc_count": 3},
        "brand": {"values": {"buckets": [{"key": "Acme", "doc_count": 2}]}},
        "category@1": {"values": {"buckets": [{"key": "Drills", "doc_count": 2}]}},
        "category@0": {"values": {"buckets": [{"key": "Tools", "doc_count": 3}]}},
        "price": {
            "values": {"buckets": [{"key": "0-25", "doc_count": 1}]},
            "stats": {"min": 9.5, "max": 99.0},
        },
        "in_stock": {"values": {"buckets": [{"key": 1, "doc_count": 3}]}},
    }
    facets = parse_facets(aggregations)
    assert facets["brand"] == [{"value": "Acme", "count": 2}]
    assert [level["level"] for level in facets["category"]] == [0, 1]
    assert facets["price"] == {"ranges": [{"value": "0-25", "count": 1}], "min": 9.5, "max": 99.0}
    assert facets["in_stock"] == [{"value": True, "count": 3}]
    assert TEXT_MATCHES not in facets
