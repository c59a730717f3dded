"""`/admin/analytics/*`: the merchandisers' reports (a merchandiser or admin key).

Every report covers `[from, to)`: ISO dates or datetimes (a date alone means its whole day for `to`,
its start for `from`; no time zone means UTC), by default the last 7 days. Reports read the
analytics index, which the worker ships every `ANALYTICS_SHIP_SECONDS`: the latest minute may be
missing. Figures and their definitions: `catalog.analytics.reports`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from catalog.analytics import reports, searches
from catalog.analytics.events import normalize_query
from catalog.analytics.reports import Scope
from catalog.analytics.shipping import hide_popular_query
from search_api.auth import Merchandiser, MerchandiserDep
from search_api.deps import ElasticsearchDep, EngineDep, RedisDep, SettingsDep
from search_api.params import reject_unknown

router = APIRouter(prefix="/admin/analytics", tags=["analytics"], dependencies=[MerchandiserDep])

DEFAULT_DAYS = 7
#: Instants a report may name: anything else is a typo, and far years overflow date arithmetic.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_LIMIT = 1000
RANGE = {"from", "to", "kind"}
#: A signed search id (`<uuid>.<shown>.<mac>`) or its bare UUID.
SIGNED_OR_RAW_ID = r"^[0-9a-f-]{36}(\.[0-9]{1,5}\.[A-Za-z0-9_-]{22})?$"


class Kind(StrEnum):
    search = "search"
    autocomplete = "autocomplete"


class Interval(StrEnum):
    hour = "hour"
    day = "day"
    week = "week"
    month = "month"


def invalid(parameter: str, message: str) -> HTTPException:
    return HTTPException(422, detail=[{"loc": ["query", parameter], "msg": message}])


def parse_instant(value: str, parameter: str, *, end: bool) -> datetime:
    """An ISO date or datetime; a bare date is its day's start (`from`) or the next day's (`to`)."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            instant = datetime.combine(day + timedelta(days=1 if end else 0), time(), UTC)
        else:
            instant = datetime.fromisoformat(value)
            instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise invalid(
            parameter, f"{parameter} must be an ISO date or datetime, got {value!r}"
        ) from exc
    if not EARLIEST <= instant <= LATEST:
        raise invalid(parameter, f"{parameter} must be between {EARLIEST:%Y} and {LATEST:%Y}")
    return instant


@dataclass(frozen=True)
class Report:
    scope: Scope

    def echo(self) -> dict[str, Any]:
        return {
            "from": self.scope.start.isoformat(),
            "to": self.scope.end.isoformat(),
            "kind": self.scope.kind,
        }


def report_scope(
    from_: Annotated[
        str | None,
        Query(alias="from", max_length=40, description="Start (ISO date or datetime; UTC)."),
    ] = None,
    to: Annotated[
        str | None, Query(max_length=40, description="End, excluded (a date: its whole day).")
    ] = None,
    kind: Annotated[Kind, Query(description="Which requests: searches or autocomplete.")] = (
        Kind.search
    ),
) -> Report:
    end = parse_instant(to, "to", end=True) if to else datetime.now(UTC)
    start = parse_instant(from_, "from", end=False) if from_ else end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise invalid("from", f"from ({start.isoformat()}) must be before to ({end.isoformat()})")
    return Report(Scope(start=start, end=end, kind=kind.value))


ReportDep = Annotated[Report, Depends(report_scope)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many rows at most.")]


@router.get("/top-queries", summary="The most searched queries")
def top_queries(
    request: Request,
    es: ElasticsearchDep,
    settings: SettingsDep,
    report: ReportDep,
    limit: Limit = 20,
) -> dict[str, Any]:
    reject_unknown(request, RANGE | {"limit"})
    rows = reports.top_queries(es, settings.index_prefix, report.scope, limit)
    return {**report.echo(), "queries": rows}


@router.get("/zero-result-queries", summary="The queries that found nothing most often")
def zero_result_queries(
    request: Request,
    es: ElasticsearchDep,
    settings: SettingsDep,
    report: ReportDep,
    limit: Limit = 20,
) -> dict[str, Any]:
    reject_unknown(request, RANGE | {"limit"})
    rows = reports.zero_result_queries(es, settings.index_prefix, report.scope, limit)
    return {**report.echo(), "queries": rows}


@router.get("/low-ctr-queries", summary="Often searched queries whose results are rarely clicked")
def low_ctr_queries(
    request: Request,
    es: ElasticsearchDep,
    settings: SettingsDep,
    report: ReportDep,
    limit: Limit = 20,
    min_searches: Annotated[
        int, Query(ge=1, le=1_000_000, description="Only queries searched at least this often.")
    ] = 10,
) -> dict[str, Any]:
    reject_unknown(request, RANGE | {"limit", "min_searches"})
    rows = reports.low_ctr_queries(es, settings.index_prefix, report.scope, limit, min_searches)
    return {**report.echo(), "min_searches": min_searches, "queries": rows}


@router.get("/ctr", summary="Click-through rate and mean click position, overall and per query")
def click_through(
    request: Request,
    es: ElasticsearchDep,
    settings: SettingsDep,
    report: ReportDep,
    limit: Limit = 20,
) -> dict[str, Any]:
    reject_unknown(request, RANGE | {"limit"})
    overall, rows = reports.click_through(es, settings.index_prefix, report.scope, limit)
    return {**report.echo(), "overall": overall, "queries": rows}


@router.get("/facet-usage", summary="How often each facet and facet value filtered searches")
def facet_usage(
    request: Request,
    es: ElasticsearchDep,
    settings: SettingsDep,
    report: ReportDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Values listed per facet.")] = 10,
) -> dict[str, Any]:
    reject_unknown(request, RANGE | {"limit"})
    total, facets = reports.facet_usage(es, settings.index_prefix, report.scope, limit)
    return {**report.echo(), "searches": total, "facets": facets}


@router.get("/volume", summary="Searches, zero-result searches and clicks over time")
def volume(
    request: Request,
    es: ElasticsearchDep,
    settings: SettingsDep,
    report: ReportDep,
    interval: Interval = Interval.day,
) -> dict[str, Any]:
    reject_unknown(request, RANGE | {"interval"})
    if reports.bucket_count(report.scope, interval.value) > reports.MAX_BUCKETS:
        raise invalid(
            "interval",
            f"{interval.value} buckets over this range would be more than "
            f"{reports.MAX_BUCKETS}; choose a longer interval or a shorter range",
        )
    buckets = reports.volume(es, settings.index_prefix, report.scope, interval.value)
    return {**report.echo(), "interval": interval.value, "buckets": buckets}


class ConversionOrder(StrEnum):
    revenue = "revenue"
    purchases = "purchases"
    searches = "searches"


@router.get(
    "/conversions",
    summary="Conversion rate and revenue, overall and per query",
    description="Add-to-cart and conversion rates, purchases, units and revenue over the range, "
    "and for the `limit` queries with the most `order` (revenue by default).",
)
def conversions(
    request: Request,
    es: ElasticsearchDep,
    settings: SettingsDep,
    report: ReportDep,
    limit: Limit = 20,
    order: ConversionOrder = ConversionOrder.revenue,
) -> dict[str, Any]:
    reject_unknown(request, RANGE | {"limit", "order"})
    overall, rows = reports.conversions(es, settings.index_prefix, report.scope, limit, order.value)
    return {**report.echo(), "order": order.value, "overall": overall, "queries": rows}


@router.get(
    "/searches/{search_id}",
    summary="One search: what it showed, and its clicks and conversions",
    responses={404: {"description": "No recorded search has this id (or it was rolled up)."}},
)
def search_outcome(
    engine: EngineDep,
    search_id: Annotated[
        str,
        Path(
            max_length=80,
            pattern=SIGNED_OR_RAW_ID,
            description="The search's `search_id`, signed as the search answered or its UUID.",
        ),
    ],
) -> dict[str, Any]:
    raw = search_id.split(".")[0]
    try:
        parsed = uuid.UUID(raw)
    except ValueError as exc:
        raise HTTPException(
            422, detail=[{"loc": ["path", "search_id"], "msg": "not a search id"}]
        ) from exc
    found = searches.search_outcome(engine, parsed)
    if found is None:
        raise HTTPException(
            404, detail=[{"loc": ["path", "search_id"], "msg": f"no recorded search {raw}"}]
        )
    return found


class HiddenQueryBody(BaseModel):
    """A past query to keep out of autocomplete's popular queries (matched as analytics stores it:
    case-folded, spaces collapsed)."""

    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f]+$")


def _normalized(query: str, where: str) -> str:
    normalized = normalize_query(query)
    if normalized is None:
        raise HTTPException(422, detail=[{"loc": [where, "query"], "msg": "query is empty"}])
    return normalized


@router.get("/hidden-queries", summary="Queries kept out of autocomplete's popular queries")
def hidden_queries(engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT query, hidden_by, hidden_at FROM hidden_queries ORDER BY query")
        ).all()
    return {
        "queries": [
            {"query": r.query, "by": r.hidden_by, "at": r.hidden_at.isoformat()} for r in rows
        ]
    }


@router.post("/hidden-queries", status_code=201, summary="Hide a popular query, at once")
def hide_query(
    body: HiddenQueryBody,
    who: Merchandiser,
    engine: EngineDep,
    es: ElasticsearchDep,
    redis: RedisDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    query = _normalized(body.query, "body")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO hidden_queries (query, hidden_by) VALUES (:q, :by) "
                "ON CONFLICT (query) DO NOTHING"
            ),
            {"q": query, "by": who.actor},
        )
    hide_popular_query(es, redis, settings.index_prefix, query)
    return {"hidden": query}


@router.delete("/hidden-queries", summary="Show a hidden query again (from the next shipping)")
def unhide_query(
    engine: EngineDep, query: Annotated[str, Query(min_length=1, max_length=256)]
) -> dict[str, Any]:
    normalized = _normalized(query, "query")
    with engine.begin() as conn:
        deleted = conn.execute(
            text("DELETE FROM hidden_queries WHERE query = :q"), {"q": normalized}
        ).rowcount
    if not deleted:
        raise HTTPException(404, detail=[{"loc": ["query", "query"], "msg": "not hidden"}])
    return {"shown": normalized}
