"""Autocomplete and search inside facet values: request bodies and response shapes (pure).

Autocomplete asks Elasticsearch once for two things: products whose title words start with what was
typed (the `title_prefixes` field, edge n-grams made by `analyzers/`), and completion suggestions
(titles, brands and leaf categories as inputs, fuzzy so a typo in the first letters still finds them).
In the same round trip (one `_msearch`) it asks the popular-queries index for what other shoppers
searched that starts the same way (`schemas/analytics_index.py`, fed by the analytics jobs).
Facet value search counts a facet's values under the current query and the other facets' filters,
keeping only values with a word that starts with what was typed.
"""

from __future__ import annotations

import html
import re
from typing import Any

from analyzers import AnalyzedQuery
from schemas.product import category_leaf
from schemas.product_index import ALL_CATEGORIES
from search_api.query import Filters, all_except, filter_clauses, text_query

SEARCHABLE_FACETS = {"brand": "brand", "category": "category_levels"}
#: The completion prefix is the analyzed words (folded, lower-case), never the raw input, which may
#: hold anything; bounded because a long fuzzy prefix is costly and finds nothing more.
COMPLETION_PREFIX_MAX = 50


def autocomplete_body(query: AnalyzedQuery, category: str | None, size: int) -> dict[str, Any]:
    context = {"contexts": {"category": [category or ALL_CATEGORIES]}}
    filters = [{"term": {"category_levels": category}}] if category else []
    return {
        "size": size,
        "_source": ["product_id", "title", "brand", "category"],
        "query": {
            "function_score": {
                "query": {
                    "bool": {
                        "must": [
                            {
                                "match": {
                                    "title_prefixes": {
                                        "query": " ".join(query.prefixes),
                                        "analyzer": "whitespace",
                                        "operator": "and",
                                    }
                                }
                            }
                        ],
                        "filter": filters,
                    }
                },
                "field_value_factor": {"field": "popularity", "modifier": "log2p", "missing": 0},
                "boost_mode": "sum",
            }
        },
        "suggest": {
            "completion": {
                "prefix": " ".join(query.phrase_exact)[:COMPLETION_PREFIX_MAX],
                "completion": {
                    "field": "suggest",
                    "size": size * 2,
                    "skip_duplicates": True,
                    "fuzzy": {"fuzziness": "AUTO", "min_length": 4, "prefix_length": 1},
                    **context,
                },
            }
        },
    }


def popular_queries_body(query: AnalyzedQuery, size: int) -> dict[str, Any]:
    """Completion over past queries: the typed words as the prefix, most searched first."""
    return {
        "size": 0,
        "_source": ["query"],
        "suggest": {
            "queries": {
                "prefix": " ".join(query.phrase_exact)[:COMPLETION_PREFIX_MAX],
                "completion": {
                    "field": "suggest",
                    "size": size * 2,
                    "skip_duplicates": True,
                    "fuzzy": {"fuzziness": "AUTO", "min_length": 4, "prefix_length": 1},
                },
            }
        },
    }


def parse_popular_queries(
    response: dict[str, Any], typed: tuple[str, ...], shown: list[dict[str, Any]], size: int
) -> list[dict[str, Any]]:
    """Past queries not already shown as a suggestion, those starting as typed first."""
    seen = {suggestion["text"].lower() for suggestion in shown}
    queries = []
    for option in response.get("suggest", {}).get("queries", [{}])[0].get("options", []):
        text = option.get("_source", {}).get("query")
        if text and text.lower() not in seen:
            seen.add(text.lower())
            queries.append({"text": text, "highlighted": mark_prefixes(text, typed)})
    queries.sort(key=lambda s: "<mark>" not in s["highlighted"])
    return queries[:size]


def mark_prefixes(text: str, words: tuple[str, ...]) -> str:
    """`text` as HTML: escaped, with the typed beginnings of words wrapped in <mark>.

    The text may be anything a merchant or a shopper wrote (a title, a past query), so every piece
    is escaped and the only markup is the API's own <mark>. Matching runs on the raw text, before
    escaping, so a typed `amp` cannot mark the inside of an `&amp;`.
    """
    # A lone letter would light up every word that starts with it; mark it only if typed alone.
    words = tuple(w for w in words if len(w) > 1) or words[:1]
    if not words:
        return html.escape(text)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")",
        re.IGNORECASE,
    )
    parts, end = [], 0
    for match in pattern.finditer(text):
        parts += [html.escape(text[end : match.start()]), f"<mark>{html.escape(match[0])}</mark>"]
        end = match.end()
    parts.append(html.escape(text[end:]))
    return "".join(parts)


def parse_autocomplete(
    response: dict[str, Any], typed: tuple[str, ...], size: int
) -> list[dict[str, Any]]:
    """Brands and categories first (they narrow a search), then product titles; no duplicates."""
    seen: set[str] = set()
    groups: dict[str, list[dict[str, Any]]] = {"brand": [], "category": [], "product": []}

    def add(kind: str, text: str, **extra: Any) -> None:
        key = text.lower()
        if key not in seen:
            seen.add(key)
            groups[kind].append(
                {"type": kind, "text": text, "highlighted": mark_prefixes(text, typed), **extra}
            )

    for option in response.get("suggest", {}).get("completion", [{}])[0].get("options", []):
        source = option.get("_source", {})
        matched = option["text"]
        leaf = category_leaf(source.get("category") or "")
        if matched == source.get("brand"):
            add("brand", matched)
        elif matched == leaf:
            add("category", source["category"])
        else:
            add("product", source["title"], id=source["product_id"])
    for hit in response["hits"]["hits"]:
        add("product", hit["_source"]["title"], id=hit["_source"]["product_id"])
    ordered = groups["brand"][:3] + groups["category"][:3] + groups["product"]
    # What starts with the typed letters comes before what only a typo-tolerant match found.
    ordered.sort(key=lambda s: "<mark>" not in s["highlighted"])
    return ordered[:size]


def _case_insensitive(text: str) -> str:
    """A Lucene regular expression for `text` in any case (terms `include` is case-sensitive)."""
    parts = []
    for char in text:
        if char.isalpha():
            parts.append(f"[{char.lower()}{char.upper()}]")
        elif char.isalnum():
            parts.append(char)
        else:
            parts.append("\\" + char)
    return "".join(parts)


def facet_values_body(
    facet: str, typed: str, query: AnalyzedQuery | None, filters: Filters, size: int
) -> dict[str, Any]:
    field = SEARCHABLE_FACETS.get(facet, facet)
    clauses = filter_clauses(filters)
    include = f"(.*[ >])?{_case_insensitive(typed)}.*" if typed else ".*"
    # Counts only: the products the query finds, in no order.
    body_query = text_query(query, relaxed=False) if query is not None else {"match_all": {}}
    return {
        "size": 0,
        "query": body_query,
        "aggs": {
            "scoped": {
                "filter": {"bool": {"filter": all_except(clauses, facet)}},
                "aggs": {"values": {"terms": {"field": field, "size": size, "include": include}}},
            }
        },
    }


def parse_facet_values(response: dict[str, Any]) -> list[dict[str, Any]]:
    buckets = response["aggregations"]["scoped"]["values"]["buckets"]
    return [{"value": b["key"], "count": b["doc_count"]} for b in buckets]
