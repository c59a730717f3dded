"""What a change of synonyms or ranking settings does to searches, shown before it is made.

A preview runs the real search twice, with the configuration before and after, so what a
merchandiser sees is exactly what shoppers will get: same analysis, same query, same ranking.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from analyzers import AnalyzedQuery, SynonymExpander
from catalog.ranking import RankingSettings
from search_api.params import analyzed
from search_api.query import Filters, SearchRequest, build_search
from search_api.search import run_search

PREVIEW_SIZE = 10


def expansions(query: AnalyzedQuery | None) -> list[dict[str, Any]]:
    """How the query's words expand: the words matched, each alternative, and whether it replaces."""
    if query is None:
        return []
    return [
        {
            "words": " ".join(query.phrase_exact[e.start : e.end]),
            "alternative": e.text,
            "replaces": not e.keep_original,
        }
        for e in query.expansions
    ]


def _results(es: Elasticsearch, index: str, request: SearchRequest) -> dict[str, Any]:
    found = run_search(es, index, request)
    hits = [{"id": h["id"], "title": h["title"]} for h in found["hits"]]
    return {"total": found["total"]["value"], "hits": hits}


def compare_requests(
    es: Elasticsearch, index: str, before: SearchRequest, after: SearchRequest
) -> dict[str, Any]:
    """The top results of both requests, and which products entered or left them."""
    old = _results(es, index, before)
    new = _results(es, index, after)
    old_ids = [h["id"] for h in old["hits"]]
    new_ids = [h["id"] for h in new["hits"]]
    return {
        "before": old,
        "after": new,
        "entered": [i for i in new_ids if i not in old_ids],
        "left": [i for i in old_ids if i not in new_ids],
        "changed": old_ids != new_ids or old["total"] != new["total"],
    }


def compare(
    es: Elasticsearch,
    index: str,
    q: str,
    category: str | None,
    before: SynonymExpander | None,
    after: SynonymExpander | None,
    ranking: RankingSettings,
) -> dict[str, Any]:
    """The top results of `q` under both rule sets, and which products entered or left them."""
    query = analyzed(q, after)
    requests = [
        SearchRequest(
            query=analyzed(q, expander),
            filters=Filters(category=category),
            size=PREVIEW_SIZE,
            facets=(),
            ranking=ranking,
        )
        for expander in (before, after)
    ]
    return {"q": q, "expansions": expansions(query), **compare_requests(es, index, *requests)}


def catalog_count(es: Elasticsearch, index: str, text: str) -> int:
    """How many products the plain search for `text` finds (no synonyms, no relaxing)."""
    query = analyzed(text)
    if query is None:
        return 0
    body = build_search(SearchRequest(query=query, size=0, facets=()))
    body["track_total_hits"] = True
    return int(es.search(index=index, body=body).body["hits"]["total"]["value"])
