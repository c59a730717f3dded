"""Candidate synonyms mined from what shoppers searched, offered for review and never applied.

Two sources, each with the evidence a merchandiser needs to judge it:
- WordNet (through NLTK): a word of a query that found nothing or was rarely clicked, beside a
  noun synonym that the catalog does contain (`couch` finds nothing, `sofa` finds 40 products);
- co-clicks: two different queries whose clicks land on mostly the same products are, to the
  shoppers who typed them, the same request.
Candidates that the rules already cover, or that a rule would refuse, are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from analyzers import analyze_query
from analyzers.nltk_data import ensure_nltk_data_path, wordnet_available
from catalog.synonyms import Rule, RuleIndex, SynonymError

MAX_ALTERNATIVES_PER_WORD = 8
MIN_OVERLAP = 0.5
MIN_CLICKED_PRODUCTS = 2


@dataclass(frozen=True)
class Candidate:
    terms: tuple[str, str]
    source: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "terms": list(self.terms),
            "rule": ", ".join(self.terms),
            "source": self.source,
            "evidence": self.evidence,
        }


@lru_cache(maxsize=4096)
def wordnet_alternatives(word: str) -> tuple[str, ...]:
    """Noun synonyms of `word` in WordNet (shop queries name things), as plain lower-case text."""
    if not wordnet_available():
        return ()
    ensure_nltk_data_path()
    from nltk.corpus import wordnet

    seen: dict[str, None] = {}
    for synset in wordnet.synsets(word, pos=wordnet.NOUN):
        for lemma in synset.lemma_names():
            name = lemma.replace("_", " ").lower()
            if name != word and name not in seen and name.replace(" ", "").isalpha():
                seen[name] = None
    return tuple(seen)[:MAX_ALTERNATIVES_PER_WORD]


def _stems(text: str) -> tuple[str, ...]:
    return tuple(analyze_query(text).phrase)


def wordnet_candidates(
    queries: Sequence[tuple[str, int]], in_catalog: Callable[[str], int]
) -> list[Candidate]:
    """For each (query, searches) that disappointed, word synonyms the catalog holds."""
    found: dict[tuple[tuple[str, ...], ...], Candidate] = {}
    for query, searches in queries:
        for word in dict.fromkeys(query.lower().split()):
            if not word.isalpha():
                continue
            for alternative in wordnet_alternatives(word):
                pair = tuple(sorted((_stems(word), _stems(alternative))))
                if pair[0] == pair[1] or pair in found:
                    continue
                products = in_catalog(alternative)
                if products:
                    found[pair] = Candidate(
                        (word, alternative),
                        "wordnet",
                        {
                            "query": query,
                            "searches": searches,
                            "products_for_alternative": products,
                        },
                    )
    return list(found.values())


def coclick_candidates(clicked: Mapping[str, set[str]]) -> list[Candidate]:
    """Pairs of queries whose clicked products overlap by at least `MIN_OVERLAP` (Jaccard)."""
    queries = sorted(q for q, products in clicked.items() if len(products) >= MIN_CLICKED_PRODUCTS)
    found: list[Candidate] = []
    for i, first in enumerate(queries):
        for second in queries[i + 1 :]:
            if _stems(first) == _stems(second):
                continue
            a, b = clicked[first], clicked[second]
            overlap = len(a & b) / len(a | b)
            if overlap >= MIN_OVERLAP:
                found.append(
                    Candidate(
                        (first, second),
                        "co-clicks",
                        {"shared_products": len(a & b), "overlap": round(overlap, 3)},
                    )
                )
    return sorted(found, key=lambda c: -float(c.evidence["overlap"]))


def reviewable(candidates: Sequence[Candidate], rules: Sequence[Rule]) -> list[Candidate]:
    """The candidates a merchandiser could add as they are: new, and accepted by validation."""
    kept = []
    index = RuleIndex(rules)
    for candidate in candidates:
        try:
            index.validate(Rule("equivalent", candidate.terms))
        except SynonymError:
            continue
        kept.append(candidate)
    return kept
