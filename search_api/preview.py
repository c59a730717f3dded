"""What a synonym change does to searches, shown before it is made (or after, to check it).

A preview runs the real search twice, with the rules before and after, so what a merchandiser sees
is exactly what shoppers will get: same analysis, same query, same ranking.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from analyzers import AnalyzedQuery, SynonymExpander
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


def _results(
    es: Elasticsearch, index: str, q: str, category: str | None, expander: SynonymExpander | None
) -> tuple[AnalyzedQuery | None, dict[str, Any]]:
    query = analyzed(q, expander)
    request = SearchRequest(
        query=query, filters=Filters(category=category), size=PREVIEW_SIZE, facets=()
    )
    found = run_search(es, index, request)
    hits = [{"id": h["id"], "title": h["title"]} for h in found["hits"]]
    return query, {"total": found["total"]["value"], "hits": hits}


def compare(
    es: Elasticsearch,
    index: str,
    q: str,
    category: str | None,
    before: SynonymExpander | None,
    after: SynonymExpander | None,
) -> dict[str, Any]:
    """The top results of `q` under both rule sets, and which products entered or left them."""
    _, old = _results(es, index, q, category, before)
    query, new = _results(es, index, q, category, after)
    old_ids = [h["id"] for h in old["hits"]]
    new_ids = [h["id"] for h in new["hits"]]
    return {
        "q": q,
        "expansions": expansions(query),
        "before": old,
        "after": new,
        "entered": [i for i in new_ids if i not in old_ids],
        "left": [i for i in old_ids if i not in new_ids],
        "changed": old_ids != new_ids or old["total"] != new["total"],
    }


def catalog_count(es: Elasticsearch, index: str, text: str) -> int:
    """How many products the plain search for `text` finds (no synonyms, no relaxing)."""
    query = analyzed(text)
    if query is None:
        return 0
    body = build_search(SearchRequest(query=query, size=0, facets=()))
    body["track_total_hits"] = True
    return int(es.search(index=index, body=body).body["hits"]["total"]["value"])
