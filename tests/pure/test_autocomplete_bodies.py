"""Autocomplete's request bodies and parsing: pure, no servers."""

from __future__ import annotations

from analyzers import analyze_query
from schemas.product_index import ALL_CATEGORIES
from search_api.suggest import COMPLETION_PREFIX_MAX, autocomplete_body, parse_autocomplete


def test_completion_prefix_is_the_analyzed_words_and_bounded() -> None:
    query = analyze_query("Cordless DRILL " + "x" * 200)
    assert query is not None
    body = autocomplete_body(query, None, 5)
    prefix = body["suggest"]["completion"]["prefix"]
    assert prefix.startswith("cordless drill")
    assert len(prefix) <= COMPLETION_PREFIX_MAX
    assert body["suggest"]["completion"]["completion"]["contexts"] == {"category": [ALL_CATEGORIES]}


def test_category_scope_filters_products_and_completions() -> None:
    query = analyze_query("dri")
    assert query is not None
    body = autocomplete_body(query, "Tools > Drills", 5)
    bool_query = body["query"]["function_score"]["query"]["bool"]
    assert bool_query["filter"] == [{"term": {"category_levels": "Tools > Drills"}}]
    contexts = body["suggest"]["completion"]["completion"]["contexts"]
    assert contexts == {"category": ["Tools > Drills"]}


def test_parse_tells_products_brands_and_categories_apart() -> None:
    source = {
        "product_id": "p-1",
        "title": "Bolt Cordless Drill",
        "brand": "Bolt",
        "category": "Tools > Drills",
    }
    response = {
        "hits": {"hits": [{"_source": source}]},
        "suggest": {
            "completion": [
                {
                    "options": [
                        {"text": "Bolt", "_source": source},
                        {"text": "Drills", "_source": source},
                    ]
                }
            ]
        },
    }
    suggestions = parse_autocomplete(response, ("dri",), 5)
    kinds = {(s["type"], s["text"]) for s in suggestions}
    assert ("brand", "Bolt") in kinds
    assert ("category", "Tools > Drills") in kinds
    assert ("product", "Bolt Cordless Drill") in kinds
