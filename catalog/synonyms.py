"""Synonym rules: stored in PostgreSQL, validated against each other, every change a new version.

Rules apply at query time only (`analyzers.expansion`), so a change needs no reindex: API workers
reload the rule set when its version moves (`search_api/live.py`). Every change stores the whole
resulting rule set in `synonym_changes`, so the history reads as a list of states and a rollback is
one more change (an earlier state re-applied under a new version), never a rewrite of history.

Terms are compared as the query analyzer sees them (stemmed words), so `TVs` duplicates `tv` and a
one-way rule on `laptops` conflicts with one on `laptop`, exactly as they would meet in a query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, text

from analyzers import InMemorySynonyms, SynonymMatch, analyze_query
from schemas.product import within_category

log = logging.getLogger(__name__)

MAX_TERMS = 20
MAX_TERM_LENGTH = 100
MAX_ALTERNATIVES = 10
"""Alternatives one phrase may expand to across all rules that meet it: each is a query clause."""

Kind = Literal["equivalent", "one_way"]


class SynonymError(ValueError):
    """A rule refused, with the request field it concerns (`terms`, `input`, `output`, ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Rule:
    """An equivalent set (`terms` only) or a one-way rule (`terms` => `outputs`)."""

    kind: Kind
    terms: tuple[str, ...]
    outputs: tuple[str, ...] = ()
    category: str | None = None
    """Category path the rule is limited to (searches filtered at or below it); None: everywhere."""
    id: int | None = None

    @property
    def line(self) -> str:
        """The rule in Solr/Elasticsearch synonym file syntax."""
        if self.kind == "equivalent":
            return ", ".join(self.terms)
        return f"{', '.join(self.terms)} => {', '.join(self.outputs)}"

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "kind": self.kind, "category": self.category}
        if self.kind == "equivalent":
            body["terms"] = list(self.terms)
        else:
            body["input"], body["output"] = list(self.terms), list(self.outputs)
        body["rule"] = self.line
        return body

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rule:
        if "terms" in data:
            return cls("equivalent", tuple(data["terms"]), (), data.get("category"), data.get("id"))
        return cls(
            "one_way",
            tuple(data["input"]),
            tuple(data["output"]),
            data.get("category"),
            data.get("id"),
        )


@dataclass(frozen=True, slots=True)
class Change:
    version: int
    at: datetime
    actor: str
    action: str
    detail: str
    rules: int


def parse_line(line: str, category: str | None = None) -> Rule | None:
    """A rule from one line of a Solr synonym file; None for a blank line or a `#` comment."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    if "=>" in line:
        left, _, right = line.partition("=>")
        return Rule("one_way", _split(left), _split(right), category)
    return Rule("equivalent", _split(line), (), category)


def _split(side: str) -> tuple[str, ...]:
    return tuple(term.strip() for term in side.split(",")) if side.strip() else ()


CATEGORY_HEADER = "# category:"


class TooManyRules(SynonymError):
    """A file holding more rules than one import may (SYNONYM_IMPORT_MAX_RULES)."""


def parse_file(
    content: str, category: str | None = None, *, max_rules: int | None = None
) -> list[Rule]:
    """Every rule of a Solr synonym file, each checked on its own; errors name the line.

    A `# category: <path>` line (what `solr_file` writes) scopes the rules after it; to Solr it is
    a comment, so the file stays valid there. More than `max_rules` rules is refused before any is
    analysed: an import holds the synonyms lock and stores the whole rule set in the history.
    """
    if max_rules is not None:
        lines = [line.strip() for line in content.splitlines()]
        count = sum(1 for line in lines if line and not line.startswith("#"))
        if count > max_rules:
            raise TooManyRules(
                "body",
                f"the file holds {count} rules; one import may hold at most {max_rules} "
                "(SYNONYM_IMPORT_MAX_RULES)",
            )
    rules: list[Rule] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if line.startswith(CATEGORY_HEADER):
            category = line[len(CATEGORY_HEADER) :].strip() or None
            continue
        try:
            rule = parse_line(line, category)
            if rule is not None:
                _check_own(rule)
                rules.append(rule)
        except SynonymError as exc:
            raise SynonymError(exc.field, f"line {number}: {exc.message}") from exc
    return rules


def solr_file(rules: Sequence[Rule]) -> str:
    """The rules as a Solr synonym file; a `# category:` line opens each scope's rules."""
    lines: list[str] = []
    for scope in sorted({r.category for r in rules}, key=lambda c: (c is not None, c or "")):
        if scope is not None:
            lines.append(f"{CATEGORY_HEADER} {scope}")
        lines.extend(r.line for r in rules if r.category == scope)
    return "\n".join(lines) + "\n" if lines else ""


@lru_cache(maxsize=1 << 18)
def _key(term: str) -> tuple[str, ...]:
    """A term as the query analyzer sees it (cached: an import of 100,000 rules reads each term
    several times, and the API's rule set analyses the same terms again)."""
    return tuple(analyze_query(term).phrase)


def _analyze(term: str) -> list[str]:
    return list(_key(term))


def _fields(rule: Rule) -> tuple[str, str]:
    return ("terms", "terms") if rule.kind == "equivalent" else ("input", "output")


def _check_terms(terms: Sequence[str], field: str) -> list[tuple[str, ...]]:
    if not terms:
        raise SynonymError(field, f"{field} is empty")
    if len(terms) > MAX_TERMS:
        raise SynonymError(field, f"{field} holds {len(terms)} terms; at most {MAX_TERMS}")
    keys: dict[tuple[str, ...], str] = {}
    for position, term in enumerate(terms):
        if not term.strip():
            raise SynonymError(field, f"{field}[{position}] is empty")
        if len(term) > MAX_TERM_LENGTH:
            raise SynonymError(field, f"{field}[{position}] is longer than {MAX_TERM_LENGTH}")
        if "," in term or "=>" in term or any(ord(c) < 32 for c in term):
            raise SynonymError(field, f"{field}[{position}] may not hold ',', '=>' or controls")
        key = _key(term)
        if not key:
            raise SynonymError(field, f"{term!r} has no searchable word")
        if key in keys:
            raise SynonymError(field, f"{keys[key]!r} and {term!r} are the same term")
        keys[key] = term
    return list(keys)


def _check_own(rule: Rule) -> None:
    """What a rule must satisfy on its own, before it meets the others."""
    left, right = _fields(rule)
    _check_terms(rule.terms, left)
    if rule.kind == "equivalent" and len(rule.terms) < 2:
        raise SynonymError("terms", "an equivalent set needs at least two terms")
    if rule.kind == "one_way":
        _check_terms(rule.outputs, right)
    if rule.category is not None and (
        not rule.category.strip()
        or len(rule.category) > 500
        or any(ord(c) < 32 for c in rule.category)
    ):
        raise SynonymError("category", "category must be a printable category path")


def _overlap(a: str | None, b: str | None) -> bool:
    """Whether one search can meet rules of both scopes (one scope holds the other)."""
    if a is None or b is None:
        return True
    return within_category(a, b) or within_category(b, a)


def _keys(terms: Iterable[str]) -> set[tuple[str, ...]]:
    return {_key(term) for term in terms}


class RuleIndex:
    """Rules indexed by analysed term, so validating one rule reads only the rules it can meet.

    Comparing a rule with every other made an import quadratic (10,000 rules took minutes); here a
    rule is checked against the rules sharing one of its terms (or holding a term that begins one
    of its terms, for the expansion bound), so an import is near-linear in its size.
    """

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._order: dict[int, int] = {}
        self._by_term: dict[tuple[str, ...], list[Rule]] = {}
        for rule in rules:
            self.add(rule)

    def add(self, rule: Rule) -> None:
        self._order[id(rule)] = len(self._order)
        for key in _keys(rule.terms) | _keys(rule.outputs):
            self._by_term.setdefault(key, []).append(rule)

    def _ordered(self, found: Iterable[Rule], category: str | None) -> list[Rule]:
        unique = {id(r): r for r in found if _overlap(category, r.category)}
        return sorted(unique.values(), key=lambda r: self._order[id(r)])

    def validate(self, rule: Rule) -> None:
        """Refuse a rule that is malformed, already there, in conflict or expanding past the bound."""
        _check_own(rule)
        left, right = _fields(rule)
        terms, outputs = _keys(rule.terms), _keys(rule.outputs)
        sharing = [r for key in terms | outputs for r in self._by_term.get(key, ())]
        for other in self._ordered(sharing, rule.category):
            _check_pair(rule, terms, outputs, other, left, right)
        prefixes = {key[:end] for key in terms for end in range(1, len(key) + 1)}
        near = [r for prefix in prefixes for r in self._by_term.get(prefix, ())]
        _check_bound(rule, self._ordered(near, rule.category))


def validate(rule: Rule, existing: Sequence[Rule]) -> None:
    """Refuse a rule that is malformed, already there, in conflict or expanding past the bound."""
    RuleIndex(existing).validate(rule)


def _check_pair(
    rule: Rule,
    terms: set[tuple[str, ...]],
    outputs: set[tuple[str, ...]],
    other: Rule,
    left: str,
    right: str,
) -> None:
    other_terms, other_outputs = _keys(other.terms), _keys(other.outputs)
    if (rule.kind, terms, outputs, rule.category) == (
        other.kind,
        other_terms,
        other_outputs,
        other.category,
    ):
        raise SynonymError(left, f"the same rule exists already: {_name(other)}")
    if other.kind == "one_way":
        if shared := terms & other_terms:
            raise SynonymError(left, _conflict(shared, other, "is already rewritten by"))
        if rule.kind == "one_way" and (shared := terms & other_outputs):
            raise SynonymError(left, _conflict(shared, other, "is the output of"))
        if rule.kind == "one_way" and (shared := outputs & other_terms):
            raise SynonymError(right, _conflict(shared, other, "is rewritten again by"))
    elif rule.kind == "one_way" and (shared := terms & other_terms):
        raise SynonymError(left, _conflict(shared, other, "is in the equivalent set"))


def _name(rule: Rule) -> str:
    return f"rule {rule.id} ({rule.line})" if rule.id is not None else f"({rule.line})"


def _conflict(shared: set[tuple[str, ...]], other: Rule, relation: str) -> str:
    words = " ".join(sorted(shared)[0])
    return f"{words!r} {relation} {_name(other)}; edit or remove that rule instead"


def _check_bound(rule: Rule, near: Sequence[Rule]) -> None:
    """Every term of the rule, meeting the rules of overlapping scopes, stays within the bound.

    Only rules with a term that begins one of the rule's terms can expand them (`near`): a
    synonym matches a run of words, and the bound counts the matches at a term's first word.
    """
    merged = SynonymSet([*near, replace(rule, category=None)], scoped=False)
    left, _ = _fields(rule)
    for term in rule.terms:
        key = _key(term)
        count = sum(len(m.alternatives) for m in merged.expand(key, key) if m.start == 0)
        if count > MAX_ALTERNATIVES:
            raise SynonymError(
                left, f"{term!r} would expand to {count} alternatives; at most {MAX_ALTERNATIVES}"
            )


def _within(category: str | None, scope: str) -> bool:
    return category is not None and within_category(category, scope)


class SynonymSet:
    """The rules as query-time expanders: one for every scope, combined for a search's category."""

    def __init__(self, rules: Iterable[Rule], *, scoped: bool = True) -> None:
        self._scopes: dict[str | None, InMemorySynonyms] = {}
        for rule in rules:
            scope = rule.category if scoped else None
            synonyms = self._scopes.get(scope)
            if synonyms is None:
                synonyms = self._scopes[scope] = InMemorySynonyms(analyze=_analyze)
            if rule.kind == "equivalent":
                synonyms.add_equivalent(rule.terms)
            else:
                synonyms.add_one_way(rule.terms, rule.outputs)

    def __len__(self) -> int:
        return sum(len(s) for s in self._scopes.values())

    def for_category(self, category: str | None) -> SynonymSet | None:
        """The expander for a search filtered to `category` (global rules plus its scopes)."""
        if not self._scopes:
            return None
        view = SynonymSet(())
        view._scopes = {
            scope: synonyms
            for scope, synonyms in self._scopes.items()
            if scope is None or _within(category, scope)
        }
        return view if view._scopes else None

    def expand(self, exact: tuple[str, ...], stemmed: tuple[str, ...]) -> list[SynonymMatch]:
        return [m for s in self._scopes.values() for m in s.expand(exact, stemmed)]


def _lock(conn: Connection) -> None:
    """One change at a time: validation reads the rules it is about to extend."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('catalog.synonyms'))"))


def list_rules(conn: Connection) -> list[Rule]:
    rows = conn.execute(
        text("SELECT id, kind, terms, outputs, category FROM synonym_rules ORDER BY id")
    )
    return [Rule(kind, tuple(t), tuple(o), category, id_) for id_, kind, t, o, category in rows]


def current_version(conn: Connection) -> int:
    return int(
        conn.execute(text("SELECT coalesce(max(version), 0) FROM synonym_changes")).scalar_one()
    )


def _insert(conn: Connection, rule: Rule, actor: str) -> Rule:
    params = {
        "id": rule.id,
        "kind": rule.kind,
        "terms": list(rule.terms),
        "outputs": list(rule.outputs),
        "category": rule.category,
        "by": actor,
    }
    if rule.id is None:
        statement = (
            "INSERT INTO synonym_rules (kind, terms, outputs, category, created_by) "
            "VALUES (:kind, :terms, :outputs, :category, :by) RETURNING id"
        )
    else:
        statement = (
            "INSERT INTO synonym_rules (id, kind, terms, outputs, category, created_by) "
            "VALUES (:id, :kind, :terms, :outputs, :category, :by) RETURNING id"
        )
    return replace(rule, id=int(conn.execute(text(statement), params).scalar_one()))


def _record(conn: Connection, actor: str, action: str, detail: str) -> int:
    snapshot = orjson.dumps([r.as_json() for r in list_rules(conn)]).decode()
    version = conn.execute(
        text(
            "INSERT INTO synonym_changes (actor, action, detail, rules) "
            "VALUES (:actor, :action, :detail, CAST(:rules AS jsonb)) RETURNING version"
        ),
        {"actor": actor, "action": action, "detail": detail, "rules": snapshot},
    ).scalar_one()
    return int(version)


def add_rule(conn: Connection, rule: Rule, *, actor: str) -> tuple[Rule, int]:
    """Validate and store a rule; return it with its id, and the new version."""
    _lock(conn)
    validate(rule, list_rules(conn))
    stored = _insert(conn, replace(rule, id=None), actor)
    return stored, _record(conn, actor, "add", stored.line)


def remove_rule(conn: Connection, rule_id: int, *, actor: str) -> int | None:
    """Remove a rule; the new version, or None when there is no such rule."""
    _lock(conn)
    row = conn.execute(
        text("DELETE FROM synonym_rules WHERE id = :id RETURNING kind, terms, outputs, category"),
        {"id": rule_id},
    ).one_or_none()
    if row is None:
        return None
    removed = Rule(row.kind, tuple(row.terms), tuple(row.outputs), row.category, rule_id)
    return _record(conn, actor, "remove", removed.line)


def import_rules(
    conn: Connection,
    rules: Sequence[Rule],
    *,
    actor: str,
    replace_all: bool = False,
) -> int:
    """Add many rules in one version (after the current ones, or instead of them)."""
    _lock(conn)
    index = RuleIndex([] if replace_all else list_rules(conn))
    for number, rule in enumerate(rules, start=1):
        try:
            index.validate(rule)
        except SynonymError as exc:
            raise SynonymError(exc.field, f"rule {number} ({rule.line}): {exc.message}") from exc
        index.add(replace(rule, id=-number))
    if replace_all:
        conn.execute(text("DELETE FROM synonym_rules"))
    if rules:
        conn.execute(
            text(
                "INSERT INTO synonym_rules (kind, terms, outputs, category, created_by) "
                "VALUES (:kind, :terms, :outputs, :category, :by)"
            ),
            [
                {
                    "kind": r.kind,
                    "terms": list(r.terms),
                    "outputs": list(r.outputs),
                    "category": r.category,
                    "by": actor,
                }
                for r in rules
            ],
        )
    action = "replace" if replace_all else "import"
    return _record(conn, actor, action, f"{len(rules)} rules")


def history(conn: Connection, limit: int = 50) -> list[Change]:
    rows = conn.execute(
        text(
            "SELECT version, at, actor, action, detail, jsonb_array_length(rules) "
            "FROM synonym_changes ORDER BY version DESC LIMIT :limit"
        ),
        {"limit": limit},
    )
    return [Change(*row) for row in rows]


def rollback(conn: Connection, version: int, *, actor: str) -> int | None:
    """Make the rules what they were at `version`, as a new version; None if it does not exist."""
    _lock(conn)
    snapshot = conn.execute(
        text("SELECT rules FROM synonym_changes WHERE version = :v"), {"v": version}
    ).scalar()
    if snapshot is None:
        return None
    conn.execute(text("DELETE FROM synonym_rules"))
    for data in snapshot:
        _insert(conn, Rule.from_json(data), actor)
    return _record(conn, actor, "rollback", f"to version {version}")
