"""`GET /autocomplete` and `GET /facets/{name}`: what shoppers see while they type."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from elastic_transport import ObjectApiResponse
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.exceptions import HTTP_EXCEPTIONS
from fastapi import APIRouter, Path, Query, Request
from redis import Redis

from analyzers import AnalyzedQuery, analyze_query
from catalog.rule_book import RuleBook
from catalog.settings import Settings
from indexer.indices import alias_name
from schemas.analytics_index import queries_index
from search_api import merchandising
from search_api.cache import CachedPublicDep, Snapshot, SnapshotDep, cached
from search_api.deps import ElasticsearchDep, RedisDep, RulesDep, SettingsDep, SynonymsDep
from search_api.params import (
    FILTER_PARAMETERS,
    MAX_QUERY_LENGTH,
    PRINTABLE,
    FiltersDep,
    analyzed,
    bad,
    reject_unknown,
)
from search_api.recording import SessionId, record_search
from search_api.responses import FastJSONResponse
from search_api.suggest import (
    SEARCHABLE_FACETS,
    autocomplete_body,
    facet_values_body,
    parse_autocomplete,
    parse_facet_values,
    parse_popular_queries,
    popular_queries_body,
)

router = APIRouter(tags=["search"], dependencies=[CachedPublicDep])

#: Popular past queries offered at most, beside the brands, categories and products.
MAX_QUERY_SUGGESTIONS = 5


def _raise_item_error(result: ObjectApiResponse[Any], item: dict[str, Any]) -> None:
    """Raise a failed `_msearch` item as the error a plain search would have raised."""
    status = int(item.get("status", 500))
    error = HTTP_EXCEPTIONS.get(status, ApiError)
    meta = dataclasses.replace(result.meta, status=status)
    raise error(str(item.get("error", {}).get("type", "search failed")), meta=meta, body=item)


@router.get(
    "/autocomplete",
    summary="Suggestions while typing: brands, categories, products, popular past queries",
    description=(
        "`text` and `query` are plain text. `highlighted` (in `suggestions` and `queries`) is HTML: "
        "the text escaped, the typed beginnings of words in the API's own `<mark>` tags."
    ),
)
def autocomplete(
    request: Request,
    settings: SettingsDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    found: SnapshotDep,
    merch_rules: RulesDep,
    q: Annotated[str, Query(min_length=1, max_length=100, examples=["sams"])],
    category: Annotated[
        str | None,
        Query(max_length=500, pattern=PRINTABLE, description="Only within this category."),
    ] = None,
    size: Annotated[int, Query(ge=1, le=20)] = 8,
    session_id: SessionId = None,
) -> FastJSONResponse:
    started = time.perf_counter()
    reject_unknown(request, {"q", "category", "size"})
    analyzed = analyze_query(q)
    headers = {}
    if not analyzed.prefixes:
        body: dict[str, Any] = {"query": q, "suggestions": [], "queries": []}
        hit = False
    else:
        body, hit = _suggestions(
            settings, es, redis, found, analyzed, category, size, merch_rules.at(found.rules)[1], q
        )
        body["query"] = q  # as this shopper typed it (the entry is shared by case and spaces)
        headers["X-Cache"] = "hit" if hit else "miss"
    body["search_id"] = record_search(
        request,
        kind="autocomplete",
        text=q,
        applied={"category": category},
        result_count=len(body["suggestions"]) + len(body["queries"]),
        cache_hit=hit,
        started=started,
        session_id=session_id,
        shown_products=[s["id"] for s in body["suggestions"] if "id" in s],
        shown=len(body["suggestions"]) + len(body["queries"]),
    )
    return FastJSONResponse(body, headers=headers)


def _suggestions(
    settings: Settings,
    es: Elasticsearch,
    redis: Redis,
    found: Snapshot,
    analyzed: AnalyzedQuery,
    category: str | None,
    size: int,
    book: RuleBook,
    typed: str,
) -> tuple[dict[str, Any], bool]:
    """Products, brands and categories, and popular queries (catalog-wide, so not when scoped).
    Products merchandising rules hide for the typed words (or everywhere) are left out."""
    now = datetime.now(UTC)

    def compute() -> dict[str, Any]:
        hidden = merchandising.hidden_for(book, typed, now)
        searches: list[dict[str, Any]] = [
            {"index": alias_name(settings.index_prefix)},
            autocomplete_body(analyzed, category, size),
        ]
        if category is None:
            searches += [
                {"index": queries_index(settings.index_prefix), "ignore_unavailable": True},
                popular_queries_body(analyzed, MAX_QUERY_SUGGESTIONS),
            ]
        result = es.msearch(searches=searches)
        products, *popular = result.body["responses"]
        if "error" in products:
            _raise_item_error(result, products)
        suggestions = parse_autocomplete(
            merchandising.drop_hidden(products, hidden), analyzed.phrase_exact, size
        )
        queries = []
        if popular and "error" not in popular[0]:  # no popular queries yet is no failure
            queries = parse_popular_queries(
                popular[0], analyzed.phrase_exact, suggestions, min(size, MAX_QUERY_SUGGESTIONS)
            )
        return {"suggestions": suggestions, "queries": queries}

    # Popular queries change apart from the product index: their version stamps the entry too.
    return cached(
        redis,
        settings,
        "autocomplete",
        found,
        found.stamp(popular=category is None),
        book.seconds_valid(now, settings.autocomplete_cache_ttl_seconds),
        compute,
    )


@router.get("/facets/{name}", summary="Search inside a facet's values, counted under the filters")
def facet_values(
    request: Request,
    settings: SettingsDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    filters: FiltersDep,
    synonyms: SynonymsDep,
    merch_rules: RulesDep,
    found: SnapshotDep,
    name: Annotated[str, Path(max_length=80, examples=["brand"])],
    q: Annotated[
        str, Query(max_length=100, description="A word of the value starts with this.")
    ] = "",
    query: Annotated[
        str | None, Query(max_length=MAX_QUERY_LENGTH, description="The shopper's search.")
    ] = None,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> FastJSONResponse:
    reject_unknown(request, FILTER_PARAMETERS | {"q", "query", "size"})
    if name not in SEARCHABLE_FACETS and not (name.startswith("attributes.") and len(name) > 11):
        raise bad(
            "name",
            f"facet {name!r} has no searchable values; use brand, category or attributes.<name>",
        )

    def compute() -> dict[str, Any]:
        rules = synonyms.at(found.synonyms)[1] if query else None
        expander = rules.for_category(filters.category) if rules else None
        body = facet_values_body(name, q.strip(), analyzed(query, expander), filters, size)
        # Products the rules hide for this search are not counted (as in /search's facets).
        plan = merchandising.make_plan(book, analyzed(query), query, filters, now)
        body["query"] = merchandising.without(body["query"], plan.hidden)
        result = es.search(index=alias_name(settings.index_prefix), body=body).body
        return {"facet": name, "values": parse_facet_values(result)}

    book, now = merch_rules.at(found.rules)[1], datetime.now(UTC)
    body, hit = cached(
        redis,
        settings,
        "facets",
        found,
        found.stamp(synonyms=bool(query)),
        book.seconds_valid(now, settings.cache_ttl_seconds),
        compute,
    )
    body["q"] = q
    return FastJSONResponse(body, headers={"X-Cache": "hit" if hit else "miss"})
