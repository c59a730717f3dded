"""`/admin/analytics/learned`: what shoppers taught the ranking for a query, and forgetting it.

The boosts are computed by the scheduled learning job (`catalog.analytics.learning`); this route
shows one query's boosts with their evidence (distinct sessions, credit against expected credit),
and forgets them: the boosts go at once, and the job ignores that query's events up to now, so they
do not come back from the same clicks (after a bad week, a product page fixed, or an attack).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from catalog.analytics import learning
from catalog.versions import LEARNED, announce
from search_api.auth import Merchandiser, MerchandiserDep
from search_api.deps import EngineDep, LearnedDep, RedisDep, SettingsDep
from search_api.params import MAX_QUERY_LENGTH, PRINTABLE, bad, reject_unknown

router = APIRouter(
    prefix="/admin/analytics/learned", tags=["analytics"], dependencies=[MerchandiserDep]
)

QueryText = Annotated[
    str | None,
    Query(
        max_length=MAX_QUERY_LENGTH,
        pattern=PRINTABLE,
        description="The query as shoppers type it; keyed by its analyzed words.",
    ),
]


def _key(q: str | None) -> str:
    key = learning.query_key(q)
    if key is None:
        raise bad("q", "q must hold at least one searchable word")
    return key


@router.get("", summary="The boosts learned from shoppers for a query, with their evidence")
def show_learned(
    request: Request, engine: EngineDep, learned: LearnedDep, q: QueryText = None
) -> dict[str, Any]:
    reject_unknown(request, {"q"})
    key = _key(q)
    with engine.connect() as conn:
        boosts = learning.boosts_for(conn, key)
    return {"query": q, "key": key, "version": max(learned.current()[0], 0), "boosts": boosts}


@router.delete("", summary="Forget what shoppers taught for a query (or every query)")
def forget_learned(
    request: Request,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    learned: LearnedDep,
    q: QueryText = None,
    every: Annotated[
        bool, Query(alias="all", description="Forget every query's boosts (instead of `q`).")
    ] = False,
) -> dict[str, Any]:
    reject_unknown(request, {"q", "all"})
    if every == (q is not None):
        raise bad("q", "name one query with q, or all=true (not both)")
    key = learning.EVERY_QUERY if every else _key(q)
    version = learning.forget(engine, key, actor=who.actor)
    announce(redis, settings.index_prefix, LEARNED, version)
    learned.reload()
    return {"query": q, "key": None if every else key, "version": version}
