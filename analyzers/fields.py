"""The analysis profiles: the one place that says which stages each indexed field runs.

The schema maps each profile to an Elasticsearch field with the ``whitespace`` analyzer and
sends ``analyze(text, profile)`` joined by spaces; the search layer queries those fields with
the terms of :func:`analyzers.analyze_query`. Both go through the same compiled profiles, so
index-time and query-time analysis are identical by construction.

``ANALYZER_VERSION`` changes whenever a declaration or a vocabulary table changes (it hashes
them), and ``RULES_REVISION`` must be bumped by hand when stage *code* changes the terms it
emits. Store the version with the index (settings or alias metadata) and reindex when it
differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from analyzers import emit, normalize, stopwords, tokenize, unit_table
from analyzers.stages import Stage, stage, validate

_BASE: Final = (
    stage("html_unescape"),
    stage("nfkc"),
    stage("lowercase"),
    stage("ascii_fold"),
    stage("tokenize"),
    stage("units"),
    stage("dimensions"),
    stage("stopwords"),
)

PROFILES: Final[Mapping[str, tuple[Stage, ...]]] = MappingProxyType(
    {
        # Unstemmed words, units, numbers, model numbers and their joined forms: exact-match
        # boosts, and fuzzy matching on words as the shopper typed them.
        "exact": _BASE,
        # The main search text: `exact` stemmed with Snowball English (needs no data),
        # without the measure variants (`0.5` for `1/2`), which would count twice in BM25.
        "stemmed": (*_BASE, stage("drop_measure_variants"), stage("snowball")),
        # Adjacent pairs of stemmed tokens (`stainless_steel`, `55_inch`): proximity boosts.
        "shingles": (
            *_BASE,
            stage("drop_measure_variants"),
            stage("snowball"),
            stage("shingles", separator=emit.SHINGLE_SEPARATOR),
        ),
        # Edge n-grams of the `exact` tokens: autocomplete.
        "prefixes": (
            *_BASE,
            stage("edge_ngrams", min_gram=emit.EDGE_NGRAM_MIN, max_gram=emit.EDGE_NGRAM_MAX),
        ),
        # `stemmed` with WordNet lemmas instead of stems: opt-in, needs the NLTK data
        # installed by scripts/install_nltk_data.sh.
        "lemmatized": (*_BASE, stage("drop_measure_variants"), stage("wordnet_lemma")),
    }
)

INDEX_PROFILES: Final = ("stemmed", "exact", "shingles", "prefixes")
"""The profiles the product index is expected to use (the benchmark's default)."""

RULES_REVISION: Final = 2
"""Bump when a stage's code changes the terms it emits (tables are hashed automatically)."""

for _name, _stages in PROFILES.items():
    validate(_name, _stages)


def analyzer_version(profiles: Mapping[str, tuple[Stage, ...]] = PROFILES) -> str:
    """``<RULES_REVISION>-<hash>`` of the declarations and vocabulary tables."""
    parts = [
        repr({name: [str(s) for s in stages] for name, stages in profiles.items()}),
        repr(sorted(stopwords.STOPWORDS)),
        repr(sorted(unit_table.UNITS.items())),
        repr(sorted(unit_table.ANYWHERE)),
        repr(sorted(unit_table.NEEDS_GLUE)),
        repr(sorted(unit_table.PREFIXES.items())),
        repr(sorted(unit_table.MARKS.items())),
        repr(sorted(unit_table.LENGTH_UNITS)),
        repr(sorted(normalize.AFTER_NFKC.items())),
        repr(sorted(normalize.BEFORE_NFKC.items())),
        repr(tokenize.MAX_TOKEN_LENGTH),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    return f"{RULES_REVISION}-{digest}"


ANALYZER_VERSION: Final = analyzer_version(PROFILES)
"""Identifies the analysis the index was built with: ``<revision>-<hash of declarations>``."""
