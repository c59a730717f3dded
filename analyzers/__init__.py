"""Text analysis for product search: the same pure Python runs at index and at query time.

Elasticsearch here has no stemmer, synonym, folding or n-gram filters, so all language work
happens in this package: documents are indexed with ``analyze(text, profile)`` joined by
spaces into fields mapped with the ``whitespace`` analyzer, and queries send the terms of
``analyze_query(text)`` with ``"analyzer": "whitespace"``. Profiles are declared in
``analyzers.fields``; ``ANALYZER_VERSION`` names the analysis an index was built with.
"""

from __future__ import annotations

from analyzers.engine import Analyzer
from analyzers.expansion import InMemorySynonyms, SynonymExpander, SynonymMatch
from analyzers.fields import ANALYZER_VERSION, INDEX_PROFILES, PROFILES
from analyzers.nltk_data import NltkDataMissing, ensure_nltk_data_path
from analyzers.query import AnalyzedQuery, Expansion, analyze_query_with
from analyzers.tokens import TokenKind

__all__ = [
    "ANALYZER_VERSION",
    "INDEX_PROFILES",
    "PROFILES",
    "AnalyzedQuery",
    "Analyzer",
    "Expansion",
    "InMemorySynonyms",
    "NltkDataMissing",
    "SynonymExpander",
    "SynonymMatch",
    "TokenKind",
    "analyze",
    "analyze_many",
    "analyze_query",
    "default_analyzer",
    "ensure_nltk_data_path",
]

_DEFAULT = Analyzer(PROFILES)


def default_analyzer() -> Analyzer:
    """The shared analyzer behind :func:`analyze` and :func:`analyze_query` (with caches)."""
    return _DEFAULT


def analyze(text: str, profile: str) -> list[str]:
    """The terms of ``text`` for ``profile`` (a name in ``PROFILES``); pure and deterministic.

    Raises ValueError for an unknown profile, and ``NltkDataMissing`` for ``lemmatized`` when
    WordNet is not installed; never for the text itself.
    """
    return _DEFAULT.analyze(text, profile)


def analyze_many(text: str, profiles: tuple[str, ...] = INDEX_PROFILES) -> dict[str, list[str]]:
    """The terms of ``text`` for several profiles at once, sharing their common stages."""
    return _DEFAULT.analyze_many(text, profiles)


def analyze_query(text: str, expander: SynonymExpander | None = None) -> AnalyzedQuery:
    """Analyze a shopper's query with the index's own profiles (see ``AnalyzedQuery``)."""
    return analyze_query_with(_DEFAULT, text, expander)
