"""Analysis throughput on one core: what ``catalog bench analyzers`` reports.

Indexing analyzes every product for every profile, so analysis speed bounds reindex speed.
:func:`measure` runs a fresh :class:`~analyzers.engine.Analyzer` (cold caches, or none) over
the given documents and reports products and tokens per second.
:func:`synthetic_documents` pads real titles with a deterministic ~40-word description
made of the titles' own vocabulary, for a title-plus-description workload.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Sequence

from analyzers.engine import Analyzer
from analyzers.fields import INDEX_PROFILES, PROFILES

_WORD_RE = re.compile(r"\S+")


def synthetic_documents(
    titles: Sequence[str], *, description_words: int = 40, seed: int = 0
) -> list[str]:
    """Each title followed by ``description_words`` words drawn from all titles (seeded)."""
    vocabulary = [w for title in titles for w in _WORD_RE.findall(title)]
    if not vocabulary:
        return list(titles)
    rng = random.Random(seed)
    return [
        f"{title}. {' '.join(rng.choices(vocabulary, k=description_words))}" for title in titles
    ]


def measure(
    docs: Sequence[str],
    profiles: Sequence[str] = INDEX_PROFILES,
    use_cache: bool = True,
    *,
    warm: bool = False,
) -> dict[str, float | int | bool | str]:
    """Analyze every document for every profile once and time it.

    ``use_cache`` turns the analyzer's memo caches (stems, chunk parses, n-grams) on or off;
    ``warm`` runs the documents once untimed first, to measure a long-running indexer.
    Returns ``products``, ``seconds``, ``products_per_s``, ``tokens`` (terms emitted over all
    profiles), ``tokens_per_s`` and the settings used.
    """
    analyzer = Analyzer(PROFILES, cache=use_cache)
    wanted = tuple(profiles)
    if warm:
        for doc in docs:
            analyzer.analyze_many(doc, wanted)
    tokens = 0
    analyze_many = analyzer.analyze_many
    start = time.perf_counter()
    for doc in docs:
        for terms in analyze_many(doc, wanted).values():
            tokens += len(terms)
    seconds = time.perf_counter() - start
    return {
        "profiles": ",".join(wanted),
        "use_cache": use_cache,
        "warm": warm,
        "products": len(docs),
        "seconds": round(seconds, 4),
        "products_per_s": round(len(docs) / seconds, 1) if seconds else 0.0,
        "tokens": tokens,
        "tokens_per_s": round(tokens / seconds, 1) if seconds else 0.0,
    }
