"""`GET /search`: faceted product search, cached, with read-your-writes through `after`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from analyzers import analyze_query
from indexer.apply import wait_applied
from indexer.indices import alias_name
from search_api.cache import cached
from search_api.deps import ElasticsearchDep, EngineDep, RedisDep, SettingsDep
from search_api.query import FACETS, TOTAL_BOUND, Filters, SearchRequest
from search_api.search import decode_cursor, run_search

router = APIRouter(tags=["search"])

MAX_QUERY_LENGTH = 256
MAX_PER_PAGE = 100
AFTER_TIMEOUT = 5.0
KNOWN = {
    "q",
    "brand",
    "category",
    "price_min",
    "price_max",
    "in_stock",
    "min_rating",
    "attr",
    "sort",
    "page",
    "per_page",
    "cursor",
    "facets",
    "after",
}


class Sort(StrEnum):
    relevance = "relevance"
    price_asc = "price_asc"
    price_desc = "price_desc"
    newest = "newest"
    rating = "rating"
    popularity = "popularity"


def _bad(parameter: str, message: str) -> HTTPException:
    return HTTPException(400, detail=[{"loc": ["query", parameter], "msg": message}])


def _attributes(values: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    grouped: dict[str, list[str]] = {}
    for value in values:
        key, sep, wanted = value.partition(":")
        if not sep or not key or not wanted or not key.replace("_", "").isalnum():
            raise _bad("attr", f"attr must look like name:value, got {value!r}")
        grouped.setdefault(key, []).append(wanted)
    return tuple((k, tuple(v)) for k, v in sorted(grouped.items()))


def _facets(value: str | None) -> tuple[str, ...]:
    if value is None:
        return FACETS
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    for name in names:
        if name not in FACETS and not (name.startswith("attributes.") and len(name) > 11):
            raise _bad(
                "facets", f"unknown facet {name!r}; known: {', '.join(FACETS)}, attributes.<name>"
            )
    return names


@router.get("/search", summary="Search products with facets")
def search(
    request: Request,
    response: Response,
    settings: SettingsDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    engine: EngineDep,
    q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH, examples=["55in tv"])] = None,
    brand: Annotated[list[str], Query(max_length=20, description="Brands (any of them).")] = [],  # noqa: B006
    category: Annotated[str | None, Query(max_length=500, examples=["Electronics > TVs"])] = None,
    price_min: Annotated[float | None, Query(ge=0)] = None,
    price_max: Annotated[float | None, Query(ge=0)] = None,
    in_stock: bool | None = None,
    min_rating: Annotated[float | None, Query(ge=0, le=5)] = None,
    attr: Annotated[list[str], Query(max_length=20, examples=[["color:Black"]])] = [],  # noqa: B006
    sort: Sort = Sort.relevance,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    facets: Annotated[str | None, Query(max_length=300, examples=["brand,category,price"])] = None,
    after: Annotated[
        int | None, Query(ge=0, description="Wait until change `after` is searchable.")
    ] = None,
) -> dict[str, Any]:
    unknown = sorted(set(request.query_params) - KNOWN)
    if unknown:
        raise _bad(unknown[0], f"unknown parameter {unknown[0]!r}")
    if price_min is not None and price_max is not None and price_min > price_max:
        raise _bad("price_min", "price_min is above price_max")
    if page * per_page > TOTAL_BOUND:
        raise _bad("page", f"page * per_page may not exceed {TOTAL_BOUND}; use cursor to go deeper")
    search_after = None
    if cursor is not None:
        try:
            search_after = decode_cursor(cursor)
        except ValueError as exc:
            raise _bad("cursor", str(exc)) from exc
    applied = True
    if after is not None:
        applied = wait_applied(engine, after, AFTER_TIMEOUT)
    analyzed = analyze_query(q) if q and q.strip() else None
    search_request = SearchRequest(
        query=analyzed,
        filters=Filters(
            brands=tuple(sorted(set(brand))),
            category=category,
            price_min=price_min,
            price_max=price_max,
            in_stock=in_stock,
            min_rating=min_rating,
            attributes=_attributes(attr),
        ),
        sort=sort.value,
        size=per_page,
        offset=(page - 1) * per_page,
        search_after=search_after,
        facets=_facets(facets),
    )
    params = {
        "q": " ".join(analyzed.exact) if analyzed else None,
        "f": repr(search_request.filters),
        "s": sort.value,
        "o": search_request.offset,
        "n": per_page,
        "c": cursor,
        "facets": search_request.facets,
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
    response.headers["X-Cache"] = "hit" if hit else "miss"
    body["applied"] = {
        "brand": list(search_request.filters.brands),
        "category": category,
        "price_min": price_min,
        "price_max": price_max,
        "in_stock": in_stock,
        "min_rating": min_rating,
        "attr": attr,
    }
    body["page"] = {"page": page, "per_page": per_page}
    if after is not None:
        body["after"] = {"seq": after, "applied": applied}
    return body
