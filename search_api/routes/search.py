"""`GET /search`: faceted product search, cached, with read-your-writes through `after`."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request

from indexer.apply import wait_applied
from indexer.indices import alias_name
from search_api.auth import PublicDep
from search_api.cache import cached
from search_api.deps import ElasticsearchDep, EngineDep, RedisDep, SettingsDep, SynonymsDep
from search_api.params import (
    FILTER_PARAMETERS,
    MAX_QUERY_LENGTH,
    FiltersDep,
    analyzed,
    applied_filters,
    bad,
    reject_unknown,
)
from search_api.query import FACETS, TOTAL_BOUND, SearchRequest
from search_api.responses import FastJSONResponse
from search_api.routes.events import SessionId, record_search
from search_api.search import decode_cursor, run_search

router = APIRouter(tags=["search"], dependencies=[PublicDep])

MAX_PER_PAGE = 100
AFTER_TIMEOUT = 5.0
KNOWN = FILTER_PARAMETERS | {"q", "sort", "page", "per_page", "cursor", "facets", "after"}


class Sort(StrEnum):
    relevance = "relevance"
    price_asc = "price_asc"
    price_desc = "price_desc"
    newest = "newest"
    rating = "rating"
    popularity = "popularity"


def _facets(value: str | None) -> tuple[str, ...]:
    if value is None:
        return FACETS
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    for name in names:
        if name not in FACETS and not (name.startswith("attributes.") and len(name) > 11):
            raise bad(
                "facets", f"unknown facet {name!r}; known: {', '.join(FACETS)}, attributes.<name>"
            )
    return names


@router.get("/search", summary="Search products with facets")
def search(
    request: Request,
    settings: SettingsDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    engine: EngineDep,
    filters: FiltersDep,
    synonyms: SynonymsDep,
    q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH, examples=["55in tv"])] = None,
    sort: Sort = Sort.relevance,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    facets: Annotated[str | None, Query(max_length=300, examples=["brand,category,price"])] = None,
    after: Annotated[
        int | None, Query(ge=0, description="Wait until change `after` is searchable.")
    ] = None,
    session_id: SessionId = None,
) -> FastJSONResponse:
    started = time.perf_counter()
    reject_unknown(request, KNOWN)
    if page * per_page > TOTAL_BOUND:
        raise bad("page", f"page * per_page may not exceed {TOTAL_BOUND}; use cursor to go deeper")
    search_after = None
    if cursor is not None:
        try:
            search_after = decode_cursor(cursor)
        except ValueError as exc:
            raise bad("cursor", str(exc)) from exc
    applied = True
    if after is not None:
        applied = wait_applied(engine, after, AFTER_TIMEOUT)
    # Synonyms only matter to a text query; their version keys the cache like the index's.
    version, rules = synonyms.current() if q else (0, None)
    query = analyzed(q, rules.for_category(filters.category) if rules else None)
    search_request = SearchRequest(
        query=query,
        filters=filters,
        sort=sort.value,
        size=per_page,
        offset=(page - 1) * per_page,
        search_after=search_after,
        facets=_facets(facets),
    )
    params = {
        "q": " ".join(query.exact) if query else None,
        "f": repr(search_request.filters),
        "s": sort.value,
        "o": search_request.offset,
        "n": per_page,
        "c": cursor,
        "facets": search_request.facets,
        "syn": version,
    }
    index = alias_name(settings.index_prefix)
    body, hit = cached(
        redis,
        settings.index_prefix,
        "search",
        params,
        settings.cache_ttl_seconds,
        lambda: run_search(es, index, search_request),
    )
    body["applied"] = applied_filters(filters)
    body["page"] = {"page": page, "per_page": per_page}
    if after is not None:
        body["after"] = {"seq": after, "applied": applied}
    body["search_id"] = record_search(
        request,
        kind="search",
        text=q,
        applied=body["applied"],
        result_count=body["total"]["value"],
        cache_hit=hit,
        started=started,
        session_id=session_id,
        shown_products=[hit["id"] for hit in body["hits"]],
        shown=len(body["hits"]),
    )
    return FastJSONResponse(body, headers={"X-Cache": "hit" if hit else "miss"})
