"""`catalog bench analyzers`: analysis throughput on one core, with and without the memo caches.

Indexing analyzes every product with every profile of the product index, so analysis bounds how
fast a reindex can go. The workload is generated titles and descriptions (20,000 by default,
whatever the catalog size: the figure is per core and does not depend on N), measured in products
per second of this process's CPU time, which a busy machine disturbs less than wall time.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analyzers.engine import Analyzer
from analyzers.fields import PROFILES
from ops.bench.report import Row, Section, step

PRODUCTS = 20_000
TARGET_PRODUCTS_PER_S = 10_000


@dataclass
class AnalyzerFigures:
    products: int
    repetitions: int
    #: Best of the repetitions, per setting: (products/s, tokens/s) of CPU time.
    with_cache: tuple[float, float] = (0.0, 0.0)
    without_cache: tuple[float, float] = (0.0, 0.0)

    def section(self) -> Section:
        rows: list[Row] = []
        for label, (products, tokens), target in (
            ("with caches", self.with_cache, f">= {TARGET_PRODUCTS_PER_S:,}"),
            ("without caches", self.without_cache, ""),
        ):
            rows.append((f"products/s, title + description, {label}", f"{products:,.0f}", target))
            rows.append((f"tokens/s, {label}", f"{tokens:,.0f}", ""))
        return Section(
            f"Analyzer throughput, {self.products:,} generated products, one core",
            rows,
            notes=f"Best of {self.repetitions} runs each; per second of CPU time.",
        )


@dataclass(frozen=True)
class Throughput:
    """Products and terms analyzed per second of this process's CPU time."""

    products: int
    tokens: int
    cpu_seconds: float

    @property
    def products_per_cpu_s(self) -> float:
        return self.products / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def tokens_per_cpu_s(self) -> float:
        return self.tokens / self.cpu_seconds if self.cpu_seconds else 0.0


def measure(
    products: Sequence[Mapping[str, str]],
    profiles: Mapping[str, Sequence[str]],
    use_cache: bool,
) -> Throughput:
    """Analyze each product's fields with their profiles once, with a fresh analyzer (cold caches,
    or none), and time it in CPU seconds, which a busy machine disturbs less than wall time."""
    analyzer = Analyzer(PROFILES, cache=use_cache)
    plan = {field: tuple(names) for field, names in profiles.items()}
    tokens = 0
    start = time.process_time()
    for product in products:
        for field, text in product.items():
            if names := plan.get(field):
                tokens += sum(len(terms) for terms in analyzer.analyze_many(text, names).values())
    return Throughput(len(products), tokens, time.process_time() - start)


def bench_analyzers(repetitions: int, products: int = PRODUCTS) -> AnalyzerFigures:
    from analyzers import analyze
    from ops.datasets.generator import generate_products
    from schemas.product_index import TITLE_PROFILES

    step(f"analyzers: {products:,} products, {repetitions} runs with and without caches")
    # The profiles the product index uses, on generated titles and descriptions.
    profiles = {"title": TITLE_PROFILES, "description": ("stemmed",)}
    docs = [
        {"title": p["title"], "description": p.get("description") or ""}
        for p in generate_products(products)
    ]
    analyze("warm up nltk", "stemmed")
    figures = AnalyzerFigures(products, repetitions)
    for use_cache in (True, False):
        best = max(
            (measure(docs, profiles, use_cache) for _ in range(repetitions)),
            key=lambda r: r.products_per_cpu_s,
        )
        pair = (best.products_per_cpu_s, best.tokens_per_cpu_s)
        if use_cache:
            figures.with_cache = pair
        else:
            figures.without_cache = pair
    return figures
