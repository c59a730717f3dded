"""`GET /autocomplete` and `GET /facets/{name}`: what shoppers see while they type."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from analyzers import analyze_query
from indexer.indices import alias_name
from search_api.auth import PublicDep
from search_api.cache import cached
from search_api.deps import ElasticsearchDep, RedisDep, SettingsDep
from search_api.params import (
    FILTER_PARAMETERS,
    MAX_QUERY_LENGTH,
    PRINTABLE,
    FiltersDep,
    analyzed,
    bad,
    reject_unknown,
)
from search_api.suggest import (
    SEARCHABLE_FACETS,
    autocomplete_body,
    facet_values_body,
    parse_autocomplete,
    parse_facet_values,
)

router = APIRouter(tags=["search"], dependencies=[PublicDep])


@router.get("/autocomplete", summary="Suggestions while typing: brands, categories, products")
def autocomplete(
    request: Request,
    response: Response,
    settings: SettingsDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    q: Annotated[str, Query(min_length=1, max_length=100, examples=["sams"])],
    category: Annotated[
        str | None,
        Query(max_length=500, pattern=PRINTABLE, description="Only within this category."),
    ] = None,
    size: Annotated[int, Query(ge=1, le=20)] = 8,
) -> dict[str, Any]:
    reject_unknown(request, {"q", "category", "size"})
    analyzed = analyze_query(q)
    if not analyzed.prefixes:
        return {"query": q, "suggestions": []}

    def compute() -> dict[str, Any]:
        body = autocomplete_body(analyzed, category, size)
        result = es.search(index=alias_name(settings.index_prefix), body=body).body
        return {"query": q, "suggestions": parse_autocomplete(result, analyzed.phrase_exact, size)}

    params = {"q": q.strip().lower(), "c": category, "n": size}
    body, hit = cached(
        redis,
        settings.index_prefix,
        "autocomplete",
        params,
        settings.autocomplete_cache_ttl_seconds,
        compute,
    )
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return body


@router.get("/facets/{name}", summary="Search inside a facet's values, counted under the filters")
def facet_values(
    request: Request,
    response: Response,
    settings: SettingsDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    filters: FiltersDep,
    name: Annotated[str, Path(max_length=80, examples=["brand"])],
    q: Annotated[
        str, Query(max_length=100, description="A word of the value starts with this.")
    ] = "",
    query: Annotated[
        str | None, Query(max_length=MAX_QUERY_LENGTH, description="The shopper's search.")
    ] = None,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    reject_unknown(request, FILTER_PARAMETERS | {"q", "query", "size"})
    if name not in SEARCHABLE_FACETS and not (name.startswith("attributes.") and len(name) > 11):
        raise bad(
            "name",
            f"facet {name!r} has no searchable values; use brand, category or attributes.<name>",
        )

    def compute() -> dict[str, Any]:
        body = facet_values_body(name, q.strip(), analyzed(query), filters, size)
        result = es.search(index=alias_name(settings.index_prefix), body=body).body
        return {"facet": name, "q": q, "values": parse_facet_values(result)}

    params = {"f": name, "v": q.strip().lower(), "q": query, "filters": repr(filters), "n": size}
    body, hit = cached(
        redis, settings.index_prefix, "facets", params, settings.cache_ttl_seconds, compute
    )
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return body
