"""Query analysis: the same profiles as the index, plus what the search layer needs to know.

:func:`analyze_query` runs the ``exact``, ``stemmed`` and ``shingles`` profiles of the one
shared :class:`~analyzers.engine.Analyzer` (so ``analyze_query(q).stemmed`` is
``analyze(q, "stemmed")``, by construction), classifies each token (numbers, units and model
numbers must not be matched fuzzily) and analyzes the synonym alternatives the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.emit import EDGE_NGRAM_MAX
from analyzers.engine import Analyzer
from analyzers.synonyms import SynonymExpander
from analyzers.tokens import VARIANT, TokenKind, kind_of

_QUERY_PROFILES = ("exact", "stemmed", "shingles")


@dataclass(frozen=True, slots=True)
class Expansion:
    """One synonym alternative for the query tokens ``[start, end)``, already analyzed."""

    start: int
    end: int
    keep_original: bool
    text: str
    exact: tuple[str, ...]
    stemmed: tuple[str, ...]
    shingles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnalyzedQuery:
    """A shopper's query, analyzed for each field the search layer queries.

    ``exact``, ``stemmed`` and ``kinds`` are aligned: ``stemmed[i]`` is the stem of
    ``exact[i]`` and ``kinds[i]`` says what it is.
    """

    text: str
    exact: tuple[str, ...]
    """Terms for the ``exact`` field (unstemmed; includes joined forms such as ``usbc``)."""
    stemmed: tuple[str, ...]
    """Terms for the ``stemmed`` field."""
    kinds: tuple[TokenKind, ...]
    """What each token is; only ``WORD`` tokens may be matched fuzzily."""
    phrase: tuple[str, ...]
    """Stemmed tokens as read, without the added variants: for ``match_phrase`` on ``stemmed``."""
    shingles: tuple[str, ...]
    """Terms for the ``shingles`` field."""
    prefixes: tuple[str, ...]
    """Exact tokens as read, cut to the longest indexed prefix: for the ``prefixes`` field."""
    expansions: tuple[Expansion, ...] = ()

    def fuzzy_allowed(self, index: int, min_length: int = 5) -> bool:
        """Whether ``exact[index]`` may be matched with edit distance (a long plain word)."""
        return self.kinds[index] is TokenKind.WORD and len(self.exact[index]) >= min_length

    @property
    def literal(self) -> tuple[str, ...]:
        """Exact tokens that must match exactly: numbers, units and model numbers."""
        return tuple(
            t for t, k in zip(self.exact, self.kinds, strict=True) if k is not TokenKind.WORD
        )


def analyze_query_with(
    analyzer: Analyzer, text: str, expander: SynonymExpander | None = None
) -> AnalyzedQuery:
    """:func:`analyzers.analyze_query` with an explicit analyzer."""
    streams = analyzer.tokens_many(text, _QUERY_PROFILES)
    exact_tokens, stemmed_tokens = streams["exact"], streams["stemmed"]
    exact = tuple(t for t, _ in exact_tokens)
    stemmed = tuple(t for t, _ in stemmed_tokens)
    expansions: list[Expansion] = []
    if expander is not None and exact:
        for match in expander.expand(exact, stemmed):
            if not 0 <= match.start < match.end <= len(exact):
                raise ValueError(f"synonym match {match} is outside the query {exact}")
            for alternative in match.alternatives:
                terms = analyzer.analyze_many(alternative, _QUERY_PROFILES)
                expansions.append(
                    Expansion(
                        start=match.start,
                        end=match.end,
                        keep_original=match.keep_original,
                        text=alternative,
                        exact=tuple(terms["exact"]),
                        stemmed=tuple(terms["stemmed"]),
                        shingles=tuple(terms["shingles"]),
                    )
                )
    return AnalyzedQuery(
        text=text,
        exact=exact,
        stemmed=stemmed,
        kinds=tuple(kind_of(t) for t in exact_tokens),
        phrase=tuple(t for t, f in stemmed_tokens if not f & VARIANT),
        shingles=tuple(analyzer.emit(streams["shingles"], "shingles")),
        prefixes=tuple(t[:EDGE_NGRAM_MAX] for t, f in exact_tokens if not f & VARIANT),
        expansions=tuple(expansions),
    )
