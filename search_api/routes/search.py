"""`GET /search`: faceted product search, cached, with read-your-writes through `after`."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from elasticsearch import BadRequestError
from fastapi import APIRouter, Depends, Query, Request

from indexer.apply import wait_applied
from indexer.indices import alias_name
from search_api import merchandising
from search_api.cache import CachedPublicDep, SnapshotDep, cached, reread
from search_api.deps import (
    ElasticsearchDep,
    EngineDep,
    LearnedDep,
    RankingDep,
    RedisDep,
    RulesDep,
    SettingsDep,
    SynonymsDep,
)
from search_api.live import learned_for
from search_api.merchandising import read_cursor
from search_api.params import (
    FILTER_PARAMETERS,
    MAX_QUERY_LENGTH,
    FiltersDep,
    applied_filters,
    bad,
    reject_unknown,
)
from search_api.query import FACETS, TOTAL_BOUND, SearchRequest
from search_api.recording import SessionId, record_search
from search_api.responses import FastJSONResponse
from search_api.search import decode_cursor

router = APIRouter(tags=["search"], dependencies=[CachedPublicDep])

MAX_PER_PAGE = 100
#: The largest seq PostgreSQL can hold (bigint); a larger `after` could never be applied.
MAX_SEQ = 2**63 - 1
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


async def after_applied(
    engine: EngineDep,
    settings: SettingsDep,
    after: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_SEQ,
            description="Wait (briefly: AFTER_WAIT_SECONDS) until change `after` is searchable; "
            "the answer's `after.applied` says whether it was.",
        ),
    ] = None,
) -> dict[str, int | bool] | None:
    """Read-your-writes, waited for on the event loop before the search takes a pool thread."""
    if after is None:
        return None
    return {"seq": after, "applied": await wait_applied(engine, after, settings.after_wait_seconds)}


@router.get(
    "/search",
    summary="Search products with facets",
    description=(
        "Every field is plain text (`title`, `brand`, `category`, `did_you_mean`, ...) except "
        "`hits[].highlight`, which is HTML: the product's text escaped, the matched words in the "
        "API's own `<em>` tags; render it as HTML and nothing else."
    ),
)
def search(
    request: Request,
    settings: SettingsDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    engine: EngineDep,
    filters: FiltersDep,
    synonyms: SynonymsDep,
    ranking: RankingDep,
    learned: LearnedDep,
    merch_rules: RulesDep,
    found: SnapshotDep,
    after: Annotated[dict[str, int | bool] | None, Depends(after_applied)],
    q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH, examples=["55in tv"])] = None,
    sort: Sort = Sort.relevance,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    facets: Annotated[str | None, Query(max_length=300, examples=["brand,category,price"])] = None,
    session_id: SessionId = None,
) -> FastJSONResponse:
    started = time.perf_counter()
    reject_unknown(request, KNOWN)
    if page * per_page > TOTAL_BOUND:
        raise bad("page", f"page * per_page may not exceed {TOTAL_BOUND}; use cursor to go deeper")
    search_after = None
    # Merchandising: where the page starts among pinned and organic results (a pinned cursor
    # carries it: see search_api.merchandising).
    try:
        cursor, at = read_cursor(cursor, page, per_page)
    except ValueError as exc:
        raise bad("cursor", str(exc)) from exc
    if cursor is not None:
        try:
            search_after = decode_cursor(cursor, sort.value)
        except ValueError as exc:
            raise bad("cursor", str(exc)) from exc
    shown = _facets(facets)
    if after is not None:
        found = reread(redis, settings.index_prefix, found)  # the generation that has the change

    def compute() -> dict[str, Any]:
        # Synonyms only matter to a text query: at least the version Redis announced.
        rules = synonyms.at(found.synonyms)[1] if q else None
        search_request = SearchRequest(
            query=None,
            filters=filters,
            sort=sort.value,
            size=per_page,
            offset=(page - 1) * per_page,
            search_after=search_after,
            facets=shown,
            ranking=ranking.at(found.ranking)[1],
        )
        # Learned from shoppers: boosts inside the query's text tiers (docs/ranking.md).
        taught = learned_for(learned, q)
        if taught:
            search_request = dataclasses.replace(
                search_request, boosts=search_request.boosts + taught
            )
        return merchandising.search(
            es,
            alias_name(settings.index_prefix),
            book,
            q,
            rules.for_category(filters.category) if rules else None,
            search_request,
            at=at,
            now=now,
        )

    # Merchandising rules: at least the version Redis announced; a response cached now must not
    # outlive the next opening or closing of a scheduled rule.
    book = merch_rules.at(found.rules)[1]
    now = datetime.now(UTC)
    try:
        body, hit = cached(
            redis,
            settings,
            "search",
            found,
            found.stamp(synonyms=bool(q)),
            book.seconds_valid(now, settings.cache_ttl_seconds),
            compute,
        )
    except BadRequestError as exc:
        if search_after is None:
            raise
        # A well-formed cursor whose values do not fit the fields (text where a price goes).
        raise bad("cursor", "cursor does not fit this search") from exc
    body["applied"] = applied_filters(filters)
    body["page"] = {"page": page, "per_page": per_page}
    if after is not None:
        body["after"] = after
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
