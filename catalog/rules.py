"""Merchandising rules: their shape, their validation, and their storage with a versioned history.

A rule is a condition (the query is, contains or starts with words; or a category page; optional
filters; a schedule; enabled; a priority) and consequences (pin, hide, boost or bury, apply a
filter, rewrite the query, redirect, banner). The API applies them in its own search path
(`search_api.merchandising`); they are matched through `catalog.rule_book.RuleBook`.

Storage follows the synonyms (`catalog.synonyms`): every change stores the whole resulting rule set
in `merch_rule_changes`, so the history reads as a list of states and a rollback is one more change,
never a rewrite of history. All free text (descriptions, banner text) is plain text, never HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import Connection, text

from analyzers import analyze_query

#: Control characters never belong in a name, a query or a banner.
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"
MAX_PINS = 50
MAX_PIN_POSITION = 100
MAX_HIDDEN = 1000
MAX_BOOSTS = 20
MAX_WEIGHT = 100.0
MAX_CONDITION_WORDS = 8
"""Longest condition phrase (analysed words): bounds the lookups of a `contains` match."""
MAX_IMPORT_RULES = 20_000

ProductId = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^\S+$")]
Name = Annotated[str, Field(min_length=1, max_length=500, pattern=PRINTABLE)]
Word = Annotated[str, Field(min_length=1, max_length=100, pattern=PRINTABLE)]
Attribute = Annotated[str, Field(max_length=200, pattern=r"^[A-Za-z0-9_]+:[^\x00-\x1f]+$")]


@lru_cache(maxsize=1 << 16)
def phrase(text: str) -> tuple[str, ...]:
    """Words as the query analyzer sees them (cached: the rule book analyses every condition on
    each reload)."""
    return tuple(analyze_query(text).phrase)


class RuleError(ValueError):
    """A rule refused, with where in the request body it went wrong (`("pin", 0, "product_id")`)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _url(value: str | None) -> str | None:
    """An absolute http(s) URL or a path on this site; nothing a browser would run."""
    if value is None:
        return None
    if any(ord(c) < 33 or c in "\\<>\"'`" for c in value):
        raise ValueError("a URL may not hold spaces, controls, quotes, '<', '>' or backslashes")
    parts = urlsplit(value)
    if value.startswith("/") and not value.startswith("//"):
        return value
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    raise ValueError("must be an http(s) URL or a path starting with '/'")


Url = Annotated[str, Field(max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ConditionFilters(Strict):
    """The search must carry these filters (among others) for the rule to apply."""

    brand: Name | None = None
    category: Name | None = None
    """The search is filtered at or below this category."""
    attr: Attribute | None = None


class Condition(Strict):
    """When the rule applies: a query, a category page, or (neither) every search."""

    query: Annotated[str, Field(min_length=1, max_length=200, pattern=PRINTABLE)] | None = None
    match: Literal["is", "contains", "starts_with"] = "is"
    category_page: Name | None = None
    """A search filtered to exactly this category, with no query."""
    filters: ConditionFilters | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        if self.query is not None and self.category_page is not None:
            raise ValueError("give query or category_page, not both")
        if self.query is not None:
            words = phrase(self.query)
            if not words:
                raise ValueError("query has no searchable word")
            if len(words) > MAX_CONDITION_WORDS:
                raise ValueError(f"query holds more than {MAX_CONDITION_WORDS} words")
        return self

    @property
    def words(self) -> tuple[str, ...]:
        """The condition's query as the query analyzer sees it (stemmed words)."""
        return phrase(self.query) if self.query else ()


class Schedule(Strict):
    """The window in which the rule is on; outside it the rule is off."""

    from_: AwareDatetime | None = Field(default=None, alias="from")
    until: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Schedule:
        if self.from_ and self.until and self.until <= self.from_:
            raise ValueError("until must be after from")
        return self


class Pin(Strict):
    product_id: ProductId
    position: Annotated[int, Field(ge=1, le=MAX_PIN_POSITION)]


class Target(Strict):
    """Which products a boost concerns: exactly one of a brand, a category (at any level) or an
    attribute value (`color:Black`)."""

    brand: Name | None = None
    category: Name | None = None
    attr: Attribute | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Target:
        if sum(v is not None for v in (self.brand, self.category, self.attr)) != 1:
            raise ValueError("give exactly one of brand, category or attr")
        return self


class Boost(Strict):
    """Products matching `filter` score `weight` times as much: above 1 boosts, below 1 buries."""

    filter: Target
    weight: Annotated[float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)]

    @field_validator("weight")
    @classmethod
    def _not_one(cls, weight: float) -> float:
        if weight == 1:
            raise ValueError("a weight of 1 changes nothing; above 1 boosts, below 1 buries")
        return weight


class FilterSpec(Strict):
    """Filters the rule applies; the shopper's own choice of the same filter wins over it."""

    brand: Annotated[list[Name], Field(max_length=20)] = []
    category: Name | None = None
    attr: Annotated[list[Attribute], Field(max_length=20)] = []
    in_stock: bool | None = None
    price_min: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    price_max: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None


class Replacement(Strict):
    from_: Word = Field(alias="from")
    to: Annotated[str, Field(max_length=100, pattern=PRINTABLE)]


class Rewrite(Strict):
    """Query words removed or replaced (compared as analysed: `Cables` replaces `cable`)."""

    remove: Annotated[list[Word], Field(max_length=20)] = []
    replace: Annotated[list[Replacement], Field(max_length=20)] = []


class Banner(Strict):
    """Shown above the results. `text` is plain text: render it escaped, never as HTML."""

    text: Annotated[str, Field(min_length=1, max_length=500, pattern=PRINTABLE)]
    link: Url | None = None
    image: Url | None = None

    @field_validator("link", "image")
    @classmethod
    def _safe(cls, value: str | None) -> str | None:
        return _url(value)


class RuleSpec(Strict):
    """A merchandising rule as stored, exported and accepted over HTTP."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "condition": {"query": "cable", "match": "is"},
                    "pin": [{"product_id": "p-1", "position": 1}],
                    "hide": ["p-2"],
                },
                {
                    "condition": {"category_page": "Furniture > Living Room > Sofas"},
                    "boost": [{"filter": {"brand": "Harbor"}, "weight": 3}],
                    "schedule": {"from": "2026-11-27T00:00:00Z", "until": "2026-11-30T00:00:00Z"},
                },
                {"condition": {"query": "returns"}, "redirect": "/help/returns"},
            ]
        },
    )

    description: Annotated[str, Field(max_length=300, pattern=PRINTABLE)] = ""
    condition: Condition = Condition()
    schedule: Schedule | None = None
    enabled: bool = True
    priority: Annotated[int, Field(ge=-1000, le=1000)] = 0
    pin: Annotated[list[Pin], Field(max_length=MAX_PINS)] = []
    hide: Annotated[list[ProductId], Field(max_length=MAX_HIDDEN)] = []
    boost: Annotated[list[Boost], Field(max_length=MAX_BOOSTS)] = []
    filter: FilterSpec | None = None
    rewrite: Rewrite | None = None
    redirect: Url | None = None
    banner: Banner | None = None

    @field_validator("redirect")
    @classmethod
    def _safe(cls, value: str | None) -> str | None:
        return _url(value)

    @model_validator(mode="after")
    def _does_something(self) -> RuleSpec:
        if not (
            self.pin
            or self.hide
            or self.boost
            or self.filter
            or self.rewrite
            or self.redirect
            or self.banner
        ):
            raise ValueError(
                "a rule needs a consequence: pin, hide, boost, filter, rewrite, redirect or banner"
            )
        positions = [p.position for p in self.pin]
        if len(set(positions)) != len(positions):
            raise ValueError("two pins at one position")
        if len({p.product_id for p in self.pin}) != len(self.pin):
            raise ValueError("a product pinned twice")
        return self

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    spec: RuleSpec

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.as_json()}


@dataclass(frozen=True, slots=True)
class Change:
    version: int
    at: datetime
    actor: str
    action: str
    detail: str
    rules: int


def summary(spec: RuleSpec) -> str:
    """One line naming the rule in the history."""
    c = spec.condition
    if c.query is not None:
        when = f"query {c.match} {c.query!r}"
    elif c.category_page is not None:
        when = f"category page {c.category_page!r}"
    else:
        when = "every search"
    done = [name for name in ("pin", "hide", "boost") if getattr(spec, name)]
    done += [name for name in ("filter", "rewrite", "redirect", "banner") if getattr(spec, name)]
    return f"{when}: {', '.join(done)}"


def _lock(conn: Connection) -> None:
    """One change at a time, so versions and snapshots follow each other."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('catalog.rules'))"))


def check_products(conn: Connection, spec: RuleSpec, where: tuple[str | int, ...] = ()) -> None:
    """Pinned products must exist (a pin on a typo would silently show nothing); hidden ones may
    not exist yet."""
    wanted = [p.product_id for p in spec.pin]
    if not wanted:
        return
    found = set(
        conn.execute(
            text("SELECT id FROM products WHERE id = ANY(:ids) AND deleted_at IS NULL"),
            {"ids": wanted},
        ).scalars()
    )
    for index, product_id in enumerate(wanted):
        if product_id not in found:
            raise RuleError((*where, "pin", index, "product_id"), f"no product {product_id!r}")


def list_rules(conn: Connection) -> list[Rule]:
    rows = conn.execute(text("SELECT id, spec FROM merch_rules ORDER BY id"))
    return [Rule(id_, RuleSpec.model_validate(spec)) for id_, spec in rows]


def get_rule(conn: Connection, rule_id: int) -> Rule | None:
    spec = conn.execute(text("SELECT spec FROM merch_rules WHERE id = :id"), {"id": rule_id})
    found = spec.scalar()
    return None if found is None else Rule(rule_id, RuleSpec.model_validate(found))


def current_version(conn: Connection) -> int:
    return int(
        conn.execute(text("SELECT coalesce(max(version), 0) FROM merch_rule_changes")).scalar_one()
    )


def _dump(spec: RuleSpec) -> str:
    return orjson.dumps(spec.as_json()).decode()


def _insert(conn: Connection, spec: RuleSpec, actor: str, rule_id: int | None = None) -> Rule:
    statement = (
        "INSERT INTO merch_rules (spec, created_by) VALUES (CAST(:spec AS jsonb), :by) RETURNING id"
        if rule_id is None
        else "INSERT INTO merch_rules (id, spec, created_by) "
        "VALUES (:id, CAST(:spec AS jsonb), :by) RETURNING id"
    )
    params = {"spec": _dump(spec), "by": actor, "id": rule_id}
    return Rule(int(conn.execute(text(statement), params).scalar_one()), spec)


def _record(conn: Connection, actor: str, action: str, detail: str) -> int:
    snapshot = orjson.dumps([r.as_json() for r in list_rules(conn)]).decode()
    version = conn.execute(
        text(
            "INSERT INTO merch_rule_changes (actor, action, detail, rules) "
            "VALUES (:actor, :action, :detail, CAST(:rules AS jsonb)) RETURNING version"
        ),
        {"actor": actor, "action": action, "detail": detail[:500], "rules": snapshot},
    ).scalar_one()
    return int(version)


def _sync_ids(conn: Connection) -> None:
    """After rows inserted with their ids (rollback, import), new rules get ids after them."""
    conn.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('merch_rules', 'id'), "
            "coalesce((SELECT max(id) FROM merch_rules), 0) + 1, false)"
        )
    )


def add_rule(conn: Connection, spec: RuleSpec, *, actor: str) -> tuple[Rule, int]:
    """Store a rule; return it with its id, and the new version."""
    _lock(conn)
    check_products(conn, spec)
    rule = _insert(conn, spec, actor)
    return rule, _record(conn, actor, "add", f"rule {rule.id}: {summary(spec)}")


def update_rule(conn: Connection, rule_id: int, spec: RuleSpec, *, actor: str) -> int | None:
    """Replace a rule's content (same id); the new version, or None when there is no such rule."""
    _lock(conn)
    check_products(conn, spec)
    updated = conn.execute(
        text("UPDATE merch_rules SET spec = CAST(:spec AS jsonb) WHERE id = :id RETURNING id"),
        {"id": rule_id, "spec": _dump(spec)},
    ).scalar()
    if updated is None:
        return None
    return _record(conn, actor, "update", f"rule {rule_id}: {summary(spec)}")


def remove_rule(conn: Connection, rule_id: int, *, actor: str) -> int | None:
    """Remove a rule; the new version, or None when there is no such rule."""
    _lock(conn)
    spec = conn.execute(
        text("DELETE FROM merch_rules WHERE id = :id RETURNING spec"), {"id": rule_id}
    ).scalar()
    if spec is None:
        return None
    return _record(
        conn, actor, "remove", f"rule {rule_id}: {summary(RuleSpec.model_validate(spec))}"
    )


def parse_export(data: Any) -> list[RuleSpec]:
    """The rules of an export (`{"rules": [...]}` or a bare list); errors name the rule's index."""
    rules = data.get("rules") if isinstance(data, dict) else data
    if not isinstance(rules, list):
        raise RuleError(("rules",), 'expected {"rules": [...]} or a list of rules')
    if len(rules) > MAX_IMPORT_RULES:
        raise RuleError(("rules",), f"at most {MAX_IMPORT_RULES} rules in one import")
    specs = []
    for index, item in enumerate(rules):
        if not isinstance(item, dict):
            raise RuleError(("rules", index), "a rule is a JSON object")
        body = {k: v for k, v in item.items() if k != "id"}
        try:
            specs.append(RuleSpec.model_validate(body))
        except ValueError as exc:
            raise RuleError(("rules", index), str(exc).splitlines()[-1].strip()) from exc
    return specs


def import_rules(
    conn: Connection, specs: Sequence[RuleSpec], *, actor: str, replace_all: bool = False
) -> int:
    """Add many rules in one version (after the current ones, or instead of them)."""
    _lock(conn)
    for index, spec in enumerate(specs):
        check_products(conn, spec, ("rules", index))
    if replace_all:
        conn.execute(text("DELETE FROM merch_rules"))
    if specs:
        conn.execute(
            text("INSERT INTO merch_rules (spec, created_by) VALUES (CAST(:spec AS jsonb), :by)"),
            [{"spec": _dump(s), "by": actor} for s in specs],
        )
    action = "replace" if replace_all else "import"
    return _record(conn, actor, action, f"{len(specs)} rules")


def export_rules(conn: Connection) -> dict[str, Any]:
    """Every rule as JSON, in the shape `parse_export` reads back."""
    return {"version": current_version(conn), "rules": [r.as_json() for r in list_rules(conn)]}


def history(conn: Connection, limit: int = 50) -> list[Change]:
    rows = conn.execute(
        text(
            "SELECT version, at, actor, action, detail, jsonb_array_length(rules) "
            "FROM merch_rule_changes ORDER BY version DESC LIMIT :limit"
        ),
        {"limit": limit},
    )
    return [Change(*row) for row in rows]


def rollback(conn: Connection, version: int, *, actor: str) -> int | None:
    """Make the rules what they were at `version` (same ids), as a new version; None if no such
    version."""
    _lock(conn)
    snapshot = conn.execute(
        text("SELECT rules FROM merch_rule_changes WHERE version = :v"), {"v": version}
    ).scalar()
    if snapshot is None:
        return None
    conn.execute(text("DELETE FROM merch_rules"))
    for data in snapshot:
        body = {k: v for k, v in data.items() if k != "id"}
        _insert(conn, RuleSpec.model_validate(body), actor, data["id"])
    _sync_ids(conn)
    return _record(conn, actor, "rollback", f"to version {version}")
