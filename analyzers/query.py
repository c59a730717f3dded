"""Query analysis: the same profiles as the index, plus what the search layer needs to know.

:func:`analyze_query` runs the ``exact``, ``stemmed`` and ``shingles`` profiles of the one
shared :class:`~analyzers.engine.Analyzer` (so ``analyze_query(q).stemmed`` is
``analyze(q, "stemmed")``, by construction), classifies each exact token (numbers, units and
model numbers must not be matched fuzzily) and analyzes the synonym alternatives the same way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from analyzers.emit import EDGE_NGRAM_MAX
from analyzers.engine import Analyzer
from analyzers.expansion import SynonymExpander
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
    phrase_kinds: tuple[TokenKind, ...] = ()
    """What each ``phrase`` word is (aligned with ``phrase``)."""
    joins: tuple[str | None, ...] = ()
    """For each pair of adjacent ``phrase`` words, the stemmed term of the two written as one
    (``under cabinet`` -> ``undercabinet``), or None: a ``stemmed`` term for closed compounds."""
    splits: tuple[tuple[str, ...], ...] = ()
    """For each ``phrase`` word, the ``shingles`` terms of it split in two (``undercabinet`` ->
    ``under_cabinet``, ...): they match products that write the compound open."""

    def fuzzy_allowed(self, index: int, min_length: int = 5) -> bool:
        """Whether ``exact[index]`` may be matched with edit distance (a long plain word)."""
        return self.kinds[index] is TokenKind.WORD and len(self.exact[index]) >= min_length

    @property
    def literal(self) -> tuple[str, ...]:
        """Exact terms that must match exactly: numbers, units and model numbers."""
        return tuple(
            t for t, k in zip(self.exact, self.kinds, strict=True) if k is not TokenKind.WORD
        )


#: Shortest part of a compound (``undercabinet`` is tried as ``und|ercabinet`` ... ``undercab|inet``).
MIN_COMPOUND_PART = 3


def _main(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(t for t, f in tokens if not f & VARIANT)


def _plain_words(tokens: list[Token]) -> list[str | None]:
    """The main exact tokens, None where a token is not a plain word (a unit, a number)."""
    return [t if kind_of((t, f)) is TokenKind.WORD else None for t, f in tokens if not f & VARIANT]


def _joins(analyzer: Analyzer, words: list[str | None]) -> tuple[str | None, ...]:
    """The stemmed term of each adjacent pair of plain words written as one word."""
    joins: list[str | None] = []
    for left, right in itertools.pairwise(words):
        terms = analyzer.analyze(left + right, "stemmed") if left and right else []
        joins.append(terms[0] if len(terms) == 1 else None)
    return tuple(joins)


def _splits(analyzer: Analyzer, word: str | None) -> tuple[str, ...]:
    """The shingles of ``word`` cut in two at every place leaving both parts long enough.

    Analyzed like any text (a part that is a stopword gives no shingle), so the terms are
    those the index holds for a title that writes the two parts as separate words.
    """
    if word is None:
        return ()
    terms: list[str] = []
    for cut in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
        shingles = analyzer.analyze(f"{word[:cut]} {word[cut:]}", "shingles")
        if len(shingles) == 1:
            terms.append(shingles[0])
    return tuple(dict.fromkeys(terms))


def analyze_query_with(
    analyzer: Analyzer, text: str, expander: SynonymExpander | None = None
) -> AnalyzedQuery:
    """:func:`analyzers.analyze_query` with an explicit analyzer."""
    streams = analyzer.tokens_many(text, _QUERY_PROFILES)
    exact_tokens, stemmed_tokens = streams["exact"], streams["stemmed"]
    phrase_exact, phrase = _main(exact_tokens), _main(stemmed_tokens)
    words = _plain_words(exact_tokens)
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
        phrase_kinds=tuple(kind_of(t) for t in exact_tokens if not t[1] & VARIANT),
        joins=_joins(analyzer, words),
        splits=tuple(_splits(analyzer, word) for word in words),
    )
