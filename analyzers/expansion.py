"""Synonym expansion at query time: the protocol and an in-memory implementation.

Synonyms are applied to queries only, never at index time, so a change of rules needs no
reindex. The contract, decided here:

- An expander receives the query's words as read, unstemmed and stemmed (the aligned
  ``phrase_exact`` and ``phrase`` of :class:`analyzers.AnalyzedQuery`: no joined forms or
  other variants) and returns :class:`SynonymMatch` values: a span ``[start, end)`` of those
  words and the *raw text* of each alternative.
- :func:`analyzers.analyze_query` analyzes every alternative with the same pipeline as the
  query itself, so rules are written as a merchandiser would type them (``55" tv``,
  ``notebook computer``) and can never drift from the analysis.

:class:`InMemorySynonyms` matches rules on stemmed tokens (``televisions`` meets the rule for
``television``). Rules use the Solr/Elasticsearch syntax: ``tv, television`` (equivalent
terms: each expands to the others, the original is kept) and ``laptop => notebook computer``
(one-way: the original is replaced unless it is also listed on the right).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SynonymMatch:
    """Alternatives for the query words ``[start, end)`` (positions in ``phrase``)."""

    start: int
    end: int
    alternatives: tuple[str, ...]
    """Raw text of each alternative; analyzed by ``analyze_query`` with the query pipeline."""
    keep_original: bool = True
    """False for a one-way rule that replaces the matched tokens."""


class SynonymExpander(Protocol):
    """Anything that proposes alternatives for spans of an analyzed query."""

    def expand(self, exact: tuple[str, ...], stemmed: tuple[str, ...]) -> Sequence[SynonymMatch]:
        """Matches for the query words ``exact`` (unstemmed) and ``stemmed``, aligned."""
        ...


@dataclass(slots=True)
class _Rule:
    key: tuple[str, ...]
    alternatives: list[str]
    keep_original: bool


class InMemorySynonyms:
    """Synonym rules held in memory, matched on stemmed tokens (see the module docstring).

    ``analyze`` turns a rule's text into stemmed words; it defaults to the ``phrase`` of
    :func:`analyzers.analyze_query` and exists so that a store can pass its own analyzer.
    """

    def __init__(
        self, rules: Iterable[str] = (), *, analyze: Callable[[str], list[str]] | None = None
    ) -> None:
        if analyze is None:
            from analyzers import analyze_query

            def analyze(text: str) -> list[str]:
                return list(analyze_query(text).phrase)

        self._analyze = analyze
        self._rules: dict[tuple[str, ...], _Rule] = {}
        self._by_first: dict[str, list[_Rule]] = {}
        for line in rules:
            self.add_rule(line)

    def __len__(self) -> int:
        return len(self._rules)

    def _key(self, term: str) -> tuple[str, ...]:
        key = tuple(self._analyze(term))
        if not key:
            raise ValueError(f"synonym term {term!r} has no searchable token")
        return key

    def _add(self, term: str, alternatives: Iterable[str], keep_original: bool) -> None:
        key = self._key(term)
        rule = self._rules.get(key)
        if rule is None:
            rule = self._rules[key] = _Rule(key, [], keep_original)
            self._by_first.setdefault(key[0], []).append(rule)
        rule.keep_original = rule.keep_original or keep_original
        for alternative in alternatives:
            if self._key(alternative) == key:
                rule.keep_original = True
            elif alternative not in rule.alternatives:
                rule.alternatives.append(alternative)

    def add_equivalent(self, terms: Iterable[str]) -> None:
        """``tv, television``: each term expands to the others."""
        cleaned = [t.strip() for t in terms if t.strip()]
        for term in cleaned:
            self._add(term, [t for t in cleaned if t != term], keep_original=True)

    def add_one_way(self, terms: Iterable[str], replacements: Iterable[str]) -> None:
        """``laptop => notebook computer``: the terms are replaced by the replacements."""
        targets = [r.strip() for r in replacements if r.strip()]
        if not targets:
            raise ValueError("a one-way synonym rule needs a right-hand side")
        for term in (t.strip() for t in terms):
            if term:
                self._add(term, targets, keep_original=False)

    def add_rule(self, line: str) -> None:
        """Add one rule in Solr syntax; blank lines and ``#`` comments are ignored."""
        line = line.strip()
        if not line or line.startswith("#"):
            return
        if "=>" in line:
            left, _, right = line.partition("=>")
            self.add_one_way(left.split(","), right.split(","))
        else:
            self.add_equivalent(line.split(","))

    def expand(self, exact: tuple[str, ...], stemmed: tuple[str, ...]) -> list[SynonymMatch]:
        """Every rule whose stemmed terms occur contiguously in ``stemmed``."""
        matches: list[SynonymMatch] = []
        for start, token in enumerate(stemmed):
            for rule in self._by_first.get(token, ()):
                end = start + len(rule.key)
                if stemmed[start:end] == rule.key and rule.alternatives:
                    matches.append(
                        SynonymMatch(start, end, tuple(rule.alternatives), rule.keep_original)
                    )
        return matches
