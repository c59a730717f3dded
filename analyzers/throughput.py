"""Analysis throughput on one core: what ``catalog bench analyzers`` reports.

Indexing analyzes every product for every profile, so analysis speed bounds reindex speed.
:func:`measure` runs a fresh :class:`~analyzers.engine.Analyzer` (cold caches, or none) over
the given documents and reports products and tokens per second.
:func:`synthetic_documents` pads real titles with a deterministic ~40-word description
made of the titles' own vocabulary, for a title-plus-description workload, and
:func:`synthetic_products` gives the same as ``{"title", "description"}`` products.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

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


FIELD_PROFILES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {"title": INDEX_PROFILES, "description": ("stemmed", "exact", "shingles")}
)
"""The benchmark's model of the product index: every profile on the title, and the search
profiles without autocomplete prefixes on the description."""


def synthetic_products(
    titles: Sequence[str], *, description_words: int = 40, seed: int = 0
) -> list[dict[str, str]]:
    """Products with a ``title`` and a synthetic ``description`` (see synthetic_documents)."""
    documents = synthetic_documents(titles, description_words=description_words, seed=seed)
    return [
        {"title": title, "description": document[len(title) + 2 :]}
        for title, document in zip(titles, documents, strict=True)
    ]


def measure(
    docs: Sequence[str] | Sequence[Mapping[str, str]],
    profiles: Sequence[str] | Mapping[str, Sequence[str]] = FIELD_PROFILES,
    use_cache: bool = True,
    *,
    warm: bool = False,
) -> dict[str, float | int | bool | str]:
    """Analyze every product for its profiles once, on one core, and time it.

    ``docs`` are texts, or products as ``{field: text}``. ``profiles`` is either a list of
    profiles run on every text or field, or ``{field: profiles}`` (fields it does not name
    are skipped; for plain texts, the profiles of all fields are run). ``use_cache`` turns
    the analyzer's memo caches (stems, word parses, n-grams) on or off; ``warm`` runs the
    documents once untimed first, as a long-running indexer would be. Returns ``products``,
    ``seconds``, ``products_per_s``, ``tokens`` (terms emitted, all profiles),
    ``tokens_per_s``, the same per second of this process's CPU time (``cpu_seconds``,
    ``products_per_cpu_s``, ``tokens_per_cpu_s``: steadier on a shared machine) and the
    settings used.
    """
    analyzer = Analyzer(PROFILES, cache=use_cache)
    if isinstance(profiles, Mapping):
        plan = {field: tuple(names) for field, names in profiles.items()}
    else:
        plan = {"": tuple(profiles)}
    every = tuple(dict.fromkeys(name for names in plan.values() for name in names))
    jobs: list[list[tuple[str, tuple[str, ...]]]] = []
    for doc in docs:
        if isinstance(doc, str):
            jobs.append([(doc, every)])
        elif "" in plan:
            jobs.append([(text, plan[""]) for text in doc.values()])
        else:
            jobs.append(
                [(text, names) for field, text in doc.items() if (names := plan.get(field))]
            )
    analyze_many = analyzer.analyze_many
    if warm:
        for job in jobs:
            for text, names in job:
                analyze_many(text, names)
    tokens = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for job in jobs:
        for text, names in job:
            for terms in analyze_many(text, names).values():
                tokens += len(terms)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    return {
        "profiles": ";".join(f"{field or '*'}={','.join(names)}" for field, names in plan.items()),
        "use_cache": use_cache,
        "warm": warm,
        "products": len(docs),
        "seconds": round(seconds, 4),
        "products_per_s": round(len(docs) / seconds, 1) if seconds else 0.0,
        "tokens": tokens,
        "tokens_per_s": round(tokens / seconds, 1) if seconds else 0.0,
        "cpu_seconds": round(cpu_seconds, 4),
        "products_per_cpu_s": round(len(docs) / cpu_seconds, 1) if cpu_seconds else 0.0,
        "tokens_per_cpu_s": round(tokens / cpu_seconds, 1) if cpu_seconds else 0.0,
    }
