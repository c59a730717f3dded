"""`/admin/ranking`: merchandisers weigh the signals that order products inside a text tier.

Every change commits in PostgreSQL first as a new version (who and when), then is announced
(`catalog.versions.announce`), so the next request on any worker ranks with it and cached responses
made under the old settings are retired. A draft can be previewed on a query before it is saved.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from catalog import ranking
from catalog.ranking import RankingDraft, RankingSettings
from catalog.versions import RANKING, announce
from indexer.indices import alias_name
from search_api.auth import Merchandiser, MerchandiserDep
from search_api.deps import (
    ElasticsearchDep,
    EngineDep,
    RankingDep,
    RedisDep,
    SettingsDep,
    SynonymsDep,
)
from search_api.params import MAX_QUERY_LENGTH, PRINTABLE, analyzed
from search_api.preview import PREVIEW_SIZE, compare_requests
from search_api.query import Filters, SearchRequest

router = APIRouter(prefix="/admin/ranking", tags=["ranking"], dependencies=[MerchandiserDep])


class RollbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Annotated[int, Field(ge=1)]


class PreviewBody(BaseModel):
    """A query, and a draft of the settings to compare with the settings in force."""

    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, Field(min_length=1, max_length=MAX_QUERY_LENGTH, pattern=PRINTABLE)]
    category: Annotated[str | None, Field(max_length=500, pattern=PRINTABLE)] = None
    draft: RankingDraft


def _current(live: RankingDep) -> dict[str, Any]:
    version, settings = live.current()
    return {"version": max(version, 0), "settings": settings.model_dump(mode="json")}


@router.get("", summary="The ranking settings in force")
def show_ranking(live: RankingDep) -> dict[str, Any]:
    return _current(live)


@router.patch("", summary="Change some ranking settings (a new version)")
def change_ranking(
    draft: RankingDraft,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: RankingDep,
) -> dict[str, Any]:
    with engine.begin() as conn:
        _, version = ranking.change(conn, draft, actor=who.actor)
    announce(redis, settings.index_prefix, RANKING, version)
    live.reload()
    return _current(live)


@router.get("/history", summary="Every version of the settings: who, when, what")
def ranking_history(
    engine: EngineDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    with engine.connect() as conn:
        changes = ranking.history(conn, limit)
    return {
        "changes": [
            {
                "version": c.version,
                "at": c.at.isoformat(),
                "by": c.actor,
                "action": c.action,
                "settings": c.settings,
            }
            for c in changes
        ]
    }


@router.post("/rollback", summary="Restore the settings of an earlier version (as a new version)")
def rollback_ranking(
    body: RollbackBody,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: RankingDep,
) -> dict[str, Any]:
    with engine.begin() as conn:
        restored = ranking.rollback(conn, body.version, actor=who.actor)
    if restored is None:
        raise HTTPException(404, detail=f"ranking version {body.version} not found")
    announce(redis, settings.index_prefix, RANKING, restored[1])
    live.reload()
    return {**_current(live), "restored": body.version}


@router.post("/preview", summary="A query's top results under the settings in force and a draft")
def preview_ranking(
    body: PreviewBody,
    es: ElasticsearchDep,
    settings: SettingsDep,
    live: RankingDep,
    synonyms: SynonymsDep,
) -> dict[str, Any]:
    current: RankingSettings = live.current()[1]
    draft = body.draft.applied_to(current)
    rules = synonyms.current()[1].for_category(body.category)
    requests = [
        SearchRequest(
            query=analyzed(body.q, rules),
            filters=Filters(category=body.category),
            size=PREVIEW_SIZE,
            facets=(),
            ranking=weights,
        )
        for weights in (current, draft)
    ]
    compared = compare_requests(es, alias_name(settings.index_prefix), *requests)
    return {"q": body.q, "draft": draft.model_dump(mode="json"), **compared}
