"""The merchandising rules in force as an in-memory index, rebuilt on every change.

A search meets its rules by dictionary lookups, never a scan of the rules: `is` rules are keyed by
their whole phrase, `starts_with` rules by theirs and looked up with each beginning of the query,
`contains` rules looked up with each run of query words (at most `MAX_CONDITION_WORDS` long), and
category-page rules by category. So 10,000 rules cost a search what ten do. Phrases are stemmed
words (`analyzers.analyze_query`), so `TVs` meets a rule on `tv`; a query's synonym alternatives are
phrases too, so a rule on `sofa` meets `couch` when `sofa, couch` is a synonym set.

The schedule is checked at match time; `seconds_valid` tells a cache how long a response computed
now stays right (until the next rule window opens or closes).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from catalog.rules import MAX_CONDITION_WORDS, Rule
from schemas.product import within_category


@dataclass(frozen=True, slots=True)
class Searched:
    """What a rule's condition looks at in a search."""

    phrases: tuple[tuple[str, ...], ...] = ()
    """The query's stemmed words, then each synonym alternative; empty without a query."""
    brands: tuple[str, ...] = ()
    category: str | None = None
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _in_window(rule: Rule, now: datetime) -> bool:
    schedule = rule.spec.schedule
    if schedule is None:
        return True
    if schedule.from_ is not None and now < schedule.from_:
        return False
    return schedule.until is None or now < schedule.until


def _filters_met(rule: Rule, searched: Searched) -> bool:
    wanted = rule.spec.condition.filters
    if wanted is None:
        return True
    if wanted.brand is not None and wanted.brand not in searched.brands:
        return False
    if wanted.category is not None and not (
        searched.category is not None and within_category(searched.category, wanted.category)
    ):
        return False
    if wanted.attr is not None:
        name, _, value = wanted.attr.partition(":")
        return any(n == name and value in values for n, values in searched.attributes)
    return True


class RuleBook:
    """The enabled rules, indexed by what a search must hold to meet them."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._by_match: dict[str, dict[tuple[str, ...], list[Rule]]] = {
            "is": {},
            "starts_with": {},
            "contains": {},
        }
        self._pages: dict[str, list[Rule]] = {}
        self._always: list[Rule] = []
        edges: set[datetime] = set()
        self.size = 0
        for rule in rules:
            if not rule.spec.enabled:
                continue
            self.size += 1
            condition = rule.spec.condition
            if condition.query is not None:
                keyed = self._by_match[condition.match]
                keyed.setdefault(condition.words, []).append(rule)
            elif condition.category_page is not None:
                self._pages.setdefault(condition.category_page, []).append(rule)
            else:
                self._always.append(rule)
            if rule.spec.schedule is not None:
                edges |= {e for e in (rule.spec.schedule.from_, rule.spec.schedule.until) if e}
        self._edges = sorted(edges)

    def __len__(self) -> int:
        return self.size

    def _candidates(self, searched: Searched) -> Iterable[Rule]:
        yield from self._always
        if not searched.phrases:
            if searched.category is not None:
                yield from self._pages.get(searched.category, ())
            return
        exact, starts, contains = (self._by_match[m] for m in ("is", "starts_with", "contains"))
        for phrase in searched.phrases:
            yield from exact.get(phrase, ())
            for end in range(1, min(len(phrase), MAX_CONDITION_WORDS) + 1):
                yield from starts.get(phrase[:end], ())
            if contains:
                for start in range(len(phrase)):
                    for end in range(start + 1, min(len(phrase), start + MAX_CONDITION_WORDS) + 1):
                        yield from contains.get(phrase[start:end], ())

    def match(self, searched: Searched, now: datetime) -> list[Rule]:
        """The rules this search meets now, highest priority first (then oldest first)."""
        found = {
            rule.id: rule
            for rule in self._candidates(searched)
            if _in_window(rule, now) and _filters_met(rule, searched)
        }
        return sorted(found.values(), key=lambda r: (-r.spec.priority, r.id))

    def hidden_everywhere(self, now: datetime) -> tuple[str, ...]:
        """Products hidden by rules without a condition: gone from every search, autocomplete and
        recommendation."""
        return tuple(
            sorted(
                {
                    product
                    for rule in self._always
                    if rule.spec.condition.filters is None and _in_window(rule, now)
                    for product in rule.spec.hide
                }
            )
        )

    def seconds_valid(self, now: datetime, ttl: int) -> int:
        """How long (whole seconds, at most `ttl`) a response computed now stays right: until the
        next schedule edge. 0 when that edge is under a second away (then do not cache)."""
        index = bisect.bisect_right(self._edges, now)
        if index == len(self._edges):
            return ttl
        return min(ttl, int((self._edges[index] - now).total_seconds()))
