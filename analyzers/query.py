"""Query analysis: the same profiles as the index, plus what the search layer needs to know.

:func:`analyze_query` runs the ``exact``, ``stemmed`` and ``shingles`` profiles of the one
shared :class:`~analyzers.engine.Analyzer` (so ``analyze_query(q).stemmed`` is
``analyze(q, "stemmed")``, by construction), classifies each exact token (numbers, units and
model numbers must not be matched fuzzily) and analyzes the synonym alternatives the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.emit import EDGE_NGRAM_MAX
from analyzers.engine import Analyzer
from analyzers.synonyms import SynonymExpander
from analyzers.tokens import VARIANT, Token, TokenKind, kind_of

_QUERY_PROFILES = ("exact", "stemmed", "shingles")


@dataclass(frozen=True, slots=True)
class Expansion:
    """One synonym alternative for the query words ``[start, end)``, already analyzed."""

    start: int
    end: int
    keep_original: bool
    text: str
    exact: tuple[str, ...]
    stemmed: tuple[str, ...]
    phrase: tuple[str, ...]
    shingles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnalyzedQuery:
    """A shopper's query, analyzed for each field the search layer queries.

    ``exact`` and ``kinds`` are aligned; so are ``phrase_exact`` and ``phrase`` (the words as
    read, without joined forms and other variants), and synonym spans index those.
    """

    text: str
    exact: tuple[str, ...]
    """Terms for the ``exact`` field: unstemmed, with every variant (``usbc``, ``0.5``)."""
    kinds: tuple[TokenKind, ...]
    """What each ``exact`` term is; only ``WORD`` terms may be matched fuzzily."""
    stemmed: tuple[str, ...]
    """Terms for the ``stemmed`` field (compound joins included, measure variants not)."""
    phrase_exact: tuple[str, ...]
    """The words as read, unstemmed."""
    phrase: tuple[str, ...]
    """The words as read, stemmed: for ``match_phrase`` on ``stemmed``."""
    shingles: tuple[str, ...]
    """Terms for the ``shingles`` field (adjacent pairs of ``phrase``)."""
    prefixes: tuple[str, ...]
    """``phrase_exact`` cut to the longest indexed prefix: terms for the ``prefixes`` field."""
    expansions: tuple[Expansion, ...] = ()

    def fuzzy_allowed(self, index: int, min_length: int = 5) -> bool:
        """Whether ``exact[index]`` may be matched with edit distance (a long plain word)."""
        return self.kinds[index] is TokenKind.WORD and len(self.exact[index]) >= min_length

    @property
    def literal(self) -> tuple[str, ...]:
        """Exact terms that must match exactly: numbers, units and model numbers."""
        return tuple(
            t for t, k in zip(self.exact, self.kinds, strict=True) if k is not TokenKind.WORD
        )


def _main(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(t for t, f in tokens if not f & VARIANT)


def analyze_query_with(
    analyzer: Analyzer, text: str, expander: SynonymExpander | None = None
) -> AnalyzedQuery:
    """:func:`analyzers.analyze_query` with an explicit analyzer."""
    streams = analyzer.tokens_many(text, _QUERY_PROFILES)
    exact_tokens, stemmed_tokens = streams["exact"], streams["stemmed"]
    phrase_exact, phrase = _main(exact_tokens), _main(stemmed_tokens)
    expansions: list[Expansion] = []
    if expander is not None and phrase:
        for match in expander.expand(phrase_exact, phrase):
            if not 0 <= match.start < match.end <= len(phrase):
                raise ValueError(f"synonym match {match} is outside the query {phrase}")
            for alternative in match.alternatives:
                alt = analyzer.tokens_many(alternative, _QUERY_PROFILES)
                expansions.append(
                    Expansion(
                        start=match.start,
                        end=match.end,
                        keep_original=match.keep_original,
                        text=alternative,
                        exact=tuple(t for t, _ in alt["exact"]),
                        stemmed=tuple(t for t, _ in alt["stemmed"]),
                        phrase=_main(alt["stemmed"]),
                        shingles=tuple(analyzer.emit(alt["shingles"], "shingles")),
                    )
                )
    return AnalyzedQuery(
        text=text,
        exact=tuple(t for t, _ in exact_tokens),
        kinds=tuple(kind_of(t) for t in exact_tokens),
        stemmed=tuple(t for t, _ in stemmed_tokens),
        phrase_exact=phrase_exact,
        phrase=phrase,
        shingles=tuple(analyzer.emit(streams["shingles"], "shingles")),
        prefixes=tuple(t[:EDGE_NGRAM_MAX] for t in phrase_exact),
        expansions=tuple(expansions),
    )
