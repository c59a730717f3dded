"""`/admin/synonyms`: merchandisers manage query synonyms, see their history and preview changes.

Every change commits in PostgreSQL first, then is announced (`catalog.versions.announce`), so the
next request on any worker applies it and cached responses made under the old rules are retired.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from catalog.synonyms import (
    SynonymError,
    SynonymSet,
    TooManyRules,
    add_rule,
    history,
    import_rules,
    list_rules,
    parse_file,
    parse_line,
    remove_rule,
    rollback,
    solr_file,
)
from catalog.versions import SYNONYMS, announce
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
from search_api.live import Live
from search_api.params import MAX_QUERY_LENGTH, PRINTABLE
from search_api.preview import compare
from search_api.synonym_drafts import SynonymBody, draft_rules, refused

router = APIRouter(prefix="/admin/synonyms", tags=["synonyms"], dependencies=[MerchandiserDep])


class RollbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Annotated[int, Field(ge=1)]


def _changed(live: Live[SynonymSet], redis: RedisDep, prefix: str, version: int) -> None:
    announce(redis, prefix, SYNONYMS, version)
    live.reload()


@router.get("", summary="The synonym rules in force")
def list_synonyms(engine: EngineDep, live: SynonymsDep) -> dict[str, Any]:
    with engine.connect() as conn:
        rules = list_rules(conn)
    return {"version": live.current()[0], "rules": [r.as_json() for r in rules]}


@router.post("", status_code=201, summary="Add an equivalent set or a one-way rule")
def add_synonym(
    body: SynonymBody,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: SynonymsDep,
) -> dict[str, Any]:
    try:
        with engine.begin() as conn:
            rule, version = add_rule(conn, body.rule(), actor=who.actor)
    except SynonymError as exc:
        raise refused(exc) from exc
    _changed(live, redis, settings.index_prefix, version)
    return {"version": version, "rule": rule.as_json()}


@router.delete("/{rule_id}", summary="Remove a rule")
def remove_synonym(
    rule_id: Annotated[int, Path(ge=1)],
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: SynonymsDep,
) -> dict[str, Any]:
    with engine.begin() as conn:
        version = remove_rule(conn, rule_id, actor=who.actor)
    if version is None:
        raise HTTPException(404, detail=f"synonym rule {rule_id} not found")
    _changed(live, redis, settings.index_prefix, version)
    return {"version": version, "removed": rule_id}


@router.get("/history", summary="Every change: version, who, when, what")
def synonym_history(
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
def rollback_synonyms(
    body: RollbackBody,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: SynonymsDep,
) -> dict[str, Any]:
    with engine.begin() as conn:
        version = rollback(conn, body.version, actor=who.actor)
    if version is None:
        raise HTTPException(404, detail=f"synonym version {body.version} not found")
    _changed(live, redis, settings.index_prefix, version)
    return {"version": version, "restored": body.version}


@router.get("/export", summary="The rules as a Solr/Elasticsearch synonym file")
def export_synonyms(engine: EngineDep) -> Response:
    with engine.connect() as conn:
        rules = list_rules(conn)
    return Response(solr_file(rules), media_type="text/plain; charset=utf-8")


@router.post("/import", summary="Add the rules of a Solr synonym file (text/plain body)")
async def import_synonyms(
    request: Request,
    who: Merchandiser,
    engine: EngineDep,
    redis: RedisDep,
    settings: SettingsDep,
    live: SynonymsDep,
    replace: Annotated[bool, Query(description="Replace every rule instead of adding.")] = False,
    category: Annotated[str | None, Query(max_length=500, pattern=PRINTABLE)] = None,
) -> dict[str, Any]:
    raw = await request.body()  # at most `max_import_bytes`: the edge refuses more (413)

    def parse_and_store() -> tuple[int, int]:
        rules = parse_file(
            raw.decode("utf-8"), category, max_rules=settings.synonym_import_max_rules
        )
        with engine.begin() as conn:
            version = import_rules(conn, rules, actor=who.actor, replace_all=replace)
        _changed(live, redis, settings.index_prefix, version)
        return version, len(rules)

    # Analysing and validating a large file takes seconds: in the thread pool, never on the event
    # loop, where it would hold every other request (searches, /health) until it finished.
    try:
        version, imported = await run_in_threadpool(parse_and_store)
    except UnicodeDecodeError as exc:
        raise HTTPException(422, detail=[{"loc": ["body"], "msg": "not UTF-8 text"}]) from exc
    except TooManyRules as exc:
        raise HTTPException(413, detail=[{"loc": ["body"], "msg": exc.message}]) from exc
    except SynonymError as exc:
        raise refused(exc) from exc
    return {"version": version, "imported": imported}


@router.get("/preview", summary="How a query expands, and its top results before and after")
def preview(
    es: ElasticsearchDep,
    engine: EngineDep,
    settings: SettingsDep,
    live: SynonymsDep,
    ranking: RankingDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH, examples=["couch"])],
    category: Annotated[str | None, Query(max_length=500, pattern=PRINTABLE)] = None,
    rule: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="A draft rule in Solr syntax: before = the rules in force, after = with it. "
            "Without it: before = no synonyms, after = the rules in force.",
            examples=["sofa, couch"],
        ),
    ] = None,
) -> dict[str, Any]:
    if rule is None:
        before, after = None, live.current()[1]
    else:
        try:
            draft = parse_line(rule, category)
            if draft is None:
                raise SynonymError("rule", "the draft rule is empty")
            before, after = draft_rules(engine, draft)
        except SynonymError as exc:
            raise refused(SynonymError("rule", exc.message), "query") from exc
    index = alias_name(settings.index_prefix)
    return compare(
        es,
        index,
        q,
        category,
        before.for_category(category) if before else None,
        after.for_category(category),
        ranking.current()[1],
    )
