"""Synonym work driven by what shoppers searched: a draft rule tried on the most frequent real
queries, and candidate rules mined from disappointing ones. Nothing here changes the rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import text

from catalog.analytics.reports import Scope, low_ctr_queries, top_queries, zero_result_queries
from catalog.synonym_mining import coclick_candidates, reviewable, wordnet_candidates
from catalog.synonyms import SynonymError, list_rules
from indexer.indices import alias_name
from search_api.auth import MerchandiserDep
from search_api.deps import ElasticsearchDep, EngineDep, RankingDep, SettingsDep
from search_api.preview import catalog_count, compare
from search_api.synonym_drafts import SynonymBody, draft_rules, refused

router = APIRouter(prefix="/admin/synonyms", tags=["synonyms"], dependencies=[MerchandiserDep])

Days = Annotated[int, Query(ge=1, le=365, description="How many days of searches to read.")]
#: Searches a query needs before its click-through says anything.
MIN_SEARCHES = 3
#: Disappointing queries mined per request, most searched first (each word costs a few searches).
MAX_QUERIES_MINED = 50


def _recent(days: int) -> Scope:
    end = datetime.now(UTC)
    return Scope(start=end - timedelta(days=days), end=end)


@router.post("/preview", summary="Which frequent real queries a draft rule would change, and how")
def preview_on_frequent_queries(
    body: SynonymBody,
    es: ElasticsearchDep,
    engine: EngineDep,
    settings: SettingsDep,
    ranking: RankingDep,
    queries: Annotated[int, Query(ge=1, le=100)] = 20,
    days: Days = 30,
) -> dict[str, Any]:
    try:
        draft = body.rule()
        before, after = draft_rules(engine, draft)
    except SynonymError as exc:
        raise refused(exc) from exc
    frequent = [
        row["query"]
        for row in top_queries(es, settings.index_prefix, _recent(days), queries)
        if row["query"]
    ]
    index = alias_name(settings.index_prefix)
    compared = [
        compare(
            es,
            index,
            q,
            draft.category,
            before.for_category(draft.category),
            after.for_category(draft.category),
            ranking.current()[1],
        )
        for q in frequent
    ]
    return {
        "rule": draft.as_json(),
        "queries": len(frequent),
        "changed": [c for c in compared if c["changed"]],
    }


@router.get("/candidates", summary="Synonyms mined from what shoppers searched, for review")
def candidates(
    es: ElasticsearchDep,
    engine: EngineDep,
    settings: SettingsDep,
    days: Days = 30,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    scope, prefix = _recent(days), settings.index_prefix
    disappointing = {
        row["query"]: row["searches"]
        for row in [
            *zero_result_queries(es, prefix, scope, 100),
            *low_ctr_queries(es, prefix, scope, 100, MIN_SEARCHES),
        ]
        if row["query"]
    }
    index = alias_name(prefix)

    @cache
    def in_catalog(alternative: str) -> int:
        return catalog_count(es, index, alternative)

    worst = sorted(disappointing.items(), key=lambda item: -item[1])[:MAX_QUERIES_MINED]
    mined = wordnet_candidates(worst, in_catalog)
    with engine.connect() as conn:
        clicked = {
            query: set(products)
            for query, products in conn.execute(
                text(
                    "SELECT e.query, array_agg(DISTINCT c.product_id) FROM click_events c "
                    "JOIN search_events e USING (search_id) "
                    "WHERE c.at >= :since AND e.kind = 'search' AND e.query <> '' "
                    "GROUP BY e.query"
                ),
                {"since": scope.start},
            )
        }
        rules = list_rules(conn)
    found = reviewable([*mined, *coclick_candidates(clicked)], rules)
    return {
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "candidates": [c.as_json() for c in found[:limit]],
    }
