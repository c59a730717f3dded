"""`/admin/rules`: merchandisers manage merchandising rules, their history, and preview drafts.

Every change commits in PostgreSQL first, then is announced (`catalog.versions.announce`), so the
next request on any worker applies it and cached responses made under the old rules are retired.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Body, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from catalog.analytics.reports import Scope, top_queries
from catalog.ranking import RankingSettings
from catalog.rule_book import RuleBook
from catalog.rules import (
    Rule,
    RuleError,
    RuleSpec,
    add_rule,
    check_products,
    export_rules,
    get_rule,
    history,
    import_rules,
    list_rules,
    parse_export,
    remove_rule,
    rollback,
    update_rule,
)
from catalog.versions import RULES, announce
from indexer.indices import alias_name
from search_api import merchandising
from search_api.auth import Merchandiser, MerchandiserDep
from search_api.deps import (
    ElasticsearchDep,
    EngineDep,
    RankingDep,
    RedisDep,
    RulesDep,
    SettingsDep,
)
from search_api.params import MAX_QUERY_LENGTH, PRINTABLE, analyzed
from search_api.query import Filters, SearchRequest

router = APIRouter(prefix="/admin/rules", tags=["rules"], dependencies=[MerchandiserDep])

PREVIEW_SIZE = 10
RuleId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Category = Annotated[str | None, Query(max_length=500, pattern=PRINTABLE)]


class RollbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]


class DraftBody(BaseModel):
    """A draft rule (not stored), and the query to preview it on (default: its condition's)."""

    model_config = ConfigDict(extra="forbid")
    rule: RuleSpec
    q: Annotated[str, Field(max_length=MAX_QUERY_LENGTH)] | None = None
    category: Annotated[str, Field(max_length=500, pattern=PRINTABLE)] | None = None


def refused(exc: RuleError, where: tuple[str | int, ...] = ("body",)) -> HTTPException:
    return HTTPException(422, detail=[{"loc": [*where, *exc.loc], "msg": exc.message}])


def _changed(redis: RedisDep, settings: SettingsDep, live: RulesDep, version: int) -> None:
    announce(redis, settings.index_prefix, RULES, version)
    live.reload()


@router.get("", summary="The merchandising rules")
def list_all(engine: EngineDep, live: RulesDep) -> dict[str, Any]:
    with engine.connect() as conn:
        rules = list_rules(conn)
    return {"version": live.current()[0], "rules": [r.as_json() for r in rules]}


@router.post("", status_code=201, summary="Add a rule: a condition and its consequences")
def add(
    body: RuleSpec,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: RulesDep,
) -> dict[str, Any]:
    try:
        with engine.begin() as conn:
            rule, version = add_rule(conn, body, actor=who.actor)
    except RuleError as exc:
        raise refused(exc) from exc
    _changed(redis, settings, live, version)
    return {"version": version, "rule": rule.as_json()}


@router.get("/history", summary="Every change: version, who, when, what")
def rule_history(
    engine: EngineDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    with engine.connect() as conn:
        changes = history(conn, limit)
    return {
        "changes": [
            {
                "version": c.version,
                "at": c.at.isoformat(),
                "by": c.actor,
                "action": c.action,
                "detail": c.detail,
                "rules": c.rules,
            }
            for c in changes
        ]
    }


@router.post("/rollback", summary="Restore the rules of an earlier version (as a new version)")
def rollback_rules(
    body: RollbackBody,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: RulesDep,
) -> dict[str, Any]:
    with engine.begin() as conn:
        version = rollback(conn, body.version, actor=who.actor)
    if version is None:
        raise HTTPException(404, detail=f"rules version {body.version} not found")
    _changed(redis, settings, live, version)
    return {"version": version, "restored": body.version}


@router.get("/export", summary="Every rule as JSON (what import reads)")
def export(engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        return export_rules(conn)


@router.post("/import", summary="Add the rules of an export (or replace every rule with them)")
def import_all(
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: RulesDep,
    body: Annotated[dict[str, Any], Body(examples=[{"rules": [{"hide": ["p-2"]}]}])],
    replace: Annotated[bool, Query(description="Replace every rule instead of adding.")] = False,
) -> dict[str, Any]:
    try:
        specs = parse_export(body)
        with engine.begin() as conn:
            version = import_rules(conn, specs, actor=who.actor, replace_all=replace)
    except RuleError as exc:
        raise refused(exc) from exc
    _changed(redis, settings, live, version)
    return {"version": version, "imported": len(specs)}


def _top(
    es: Elasticsearch,
    index: str,
    book: RuleBook,
    q: str | None,
    category: str | None,
    ranking: RankingSettings,
) -> dict[str, Any]:
    base = SearchRequest(
        query=None, filters=Filters(category=category), size=PREVIEW_SIZE, ranking=ranking
    )
    found = merchandising.search(es, index, book, q, None, base, at=0, now=datetime.now(UTC))
    return {
        "total": found["total"]["value"],
        "hits": [
            {"id": h["id"], "title": h["title"], "pinned": h.get("pinned", False)}
            for h in found["hits"]
        ],
        "rules": found["rules"],
        "redirect": found["redirect"],
        "banners": found["banners"],
    }


def _compared(
    es: Elasticsearch,
    settings: SettingsDep,
    before: RuleBook,
    after: RuleBook,
    q: str | None,
    category: str | None,
    ranking: RankingSettings,
) -> dict[str, Any]:
    index = alias_name(settings.index_prefix)
    old = _top(es, index, before, q, category, ranking)
    new = _top(es, index, after, q, category, ranking)
    old_ids, new_ids = [h["id"] for h in old["hits"]], [h["id"] for h in new["hits"]]
    return {
        "q": q,
        "category": category,
        "before": old,
        "after": new,
        "entered": [i for i in new_ids if i not in old_ids],
        "left": [i for i in old_ids if i not in new_ids],
    }


@router.get("/preview", summary="A query's top results without rules and with the rules in force")
def preview(
    es: ElasticsearchDep,
    settings: SettingsDep,
    live: RulesDep,
    ranking: RankingDep,
    q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH, examples=["tv"])] = None,
    category: Category = None,
) -> dict[str, Any]:
    in_force = ranking.current()[1]
    return _compared(es, settings, RuleBook(()), live.current()[1], q, category, in_force)


@router.post(
    "/preview",
    summary="A draft rule's effect: its query's top results before and after, and which of the "
    "most frequent real queries it would touch",
)
def preview_draft(
    body: DraftBody,
    es: ElasticsearchDep,
    engine: EngineDep,
    settings: SettingsDep,
    ranking: RankingDep,
    queries: Annotated[int, Query(ge=1, le=500)] = 100,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> dict[str, Any]:
    # The draft as if enabled and in its window: the preview shows what it does when it is on.
    draft = body.rule.model_copy(update={"enabled": True, "schedule": None})
    with engine.connect() as conn:
        try:
            check_products(conn, draft, ("rule",))
        except RuleError as exc:
            raise refused(exc) from exc
        rules = list_rules(conn)
    alone = RuleBook([Rule(0, draft)])
    condition = draft.condition
    q = body.q if body.q is not None else condition.query
    category = body.category if body.category is not None else condition.category_page
    in_force = ranking.current()[1]
    compared = _compared(
        es, settings, RuleBook(rules), RuleBook([*rules, Rule(0, draft)]), q, category, in_force
    )
    end = datetime.now(UTC)
    frequent = top_queries(
        es, settings.index_prefix, Scope(end - timedelta(days=days), end), queries
    )
    now = datetime.now(UTC)
    touched = [
        {"query": row["query"], "searches": row.get("searches")}
        for row in frequent
        if row["query"]
        and alone.match(merchandising.searched(analyzed(row["query"]), Filters()), now)
    ]
    return {**compared, "rule": draft.as_json(), "queries": len(frequent), "touched": touched}


@router.get("/{rule_id}", summary="One rule")
def read(rule_id: RuleId, engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        rule = get_rule(conn, rule_id)
    if rule is None:
        raise HTTPException(404, detail=f"rule {rule_id} not found")
    return rule.as_json()


@router.put("/{rule_id}", summary="Replace a rule (same id; e.g. to disable it)")
def update(
    rule_id: RuleId,
    body: RuleSpec,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: RulesDep,
) -> dict[str, Any]:
    try:
        with engine.begin() as conn:
            version = update_rule(conn, rule_id, body, actor=who.actor)
    except RuleError as exc:
        raise refused(exc) from exc
    if version is None:
        raise HTTPException(404, detail=f"rule {rule_id} not found")
    _changed(redis, settings, live, version)
    return {"version": version, "rule": Rule(rule_id, body).as_json()}


@router.delete("/{rule_id}", summary="Remove a rule")
def remove(
    rule_id: RuleId,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: RulesDep,
) -> dict[str, Any]:
    with engine.begin() as conn:
        version = remove_rule(conn, rule_id, actor=who.actor)
    if version is None:
        raise HTTPException(404, detail=f"rule {rule_id} not found")
    _changed(redis, settings, live, version)
    return {"version": version, "removed": rule_id}
