"""`catalog bench autocomplete`: every keystroke of realistic queries, API beside its raw requests.

What a shopper types, letter by letter: the hand-written queries of the search mix, brand names,
leaf category names and the first words of product titles, drawn (seeded) from the catalog's own
generator. Each prefix of 1 to `MAX_LETTERS` letters is one request, sent to `GET /autocomplete`
(cache off, then on) and, as its raw peer, what the API sends for it (one `_msearch`: the
products with a completion suggester, and the popular past queries) posted straight to
Elasticsearch. Short prefixes match the most and cost the most, so latencies are also given by
prefix length.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import httpx

from indexer.metrics import percentile
from ops.bench.concurrency import http_get, raw_calls, timed
from ops.bench.data import Prepared
from ops.bench.memory import RssSampler
from ops.bench.processes import api_server, indexer_worker
from ops.bench.report import Section, p50_p99, step
from ops.bench.search import WORDS, autocomplete_bodies
from ops.datasets.generator import generate_products
from schemas.product import category_leaf

MAX_LETTERS = 15
#: Products the typed titles, brands and categories are drawn from (all present at any size >= it).
SOURCE_PRODUCTS = 2_000
LENGTHS = {"1-2 letters": (1, 2), "3-5 letters": (3, 5), "6+ letters": (6, MAX_LETTERS)}


def typed_queries(size: int, count: int, seed: int = 5) -> list[str]:
    """`count` lower-case queries as shoppers type them, drawn from products present at `size`."""
    products = list(generate_products(min(size, SOURCE_PRODUCTS)))
    rng = random.Random(seed)
    brands = sorted({p["brand"] for p in products if p.get("brand")})
    leaves = sorted({category_leaf(p["category"]) for p in products if p.get("category")})
    titles = [
        " ".join(p["title"].split()[:3]) for p in rng.sample(products, min(50, len(products)))
    ]
    pools = [list(WORDS), brands, leaves, titles]
    queries: list[str] = []
    while len(queries) < count:
        pool = pools[len(queries) % len(pools)]
        queries.append(rng.choice(pool).lower())
    return queries


def keystrokes(queries: list[str]) -> list[str]:
    """Every prefix of 1..MAX_LETTERS characters of each query (a trailing space adds nothing)."""
    return [
        query[:n]
        for query in queries
        for n in range(1, min(len(query), MAX_LETTERS) + 1)
        if not query[:n].endswith(" ")
    ]


@dataclass
class AutocompleteFigures:
    size: int
    workers: int
    queries: int
    prefixes: list[str]
    skipped: int
    raw: list[float]
    api: list[float] = field(default_factory=list)
    cached: list[float] = field(default_factory=list)
    api_rss: dict[str, RssSampler] = field(default_factory=dict)
    worker_rss: RssSampler | None = None

    def by_length(self, values: list[float], low: int, high: int) -> list[float]:
        repeated = self.prefixes * (len(values) // max(1, len(self.prefixes)))
        return [v for v, p in zip(values, repeated, strict=True) if low <= len(p) <= high]

    def section(self) -> Section:
        raw50, api50 = percentile(self.raw, 0.5), percentile(self.api, 0.5)
        overhead = "-" if raw50 is None or api50 is None else f"{api50 - raw50:+.1f}"
        rows = [
            ("products indexed", f"{self.size:,}", ""),
            (
                "keystrokes measured",
                f"{len(self.prefixes):,} from {self.queries} typed queries",
                "",
            ),
            ("raw Elasticsearch _msearch p50 / p99 (ms)", p50_p99(self.raw), "(peer)"),
            ("API /autocomplete uncached p50 / p99 (ms)", p50_p99(self.api), "p99 < 15"),
            ("API overhead at p50 (ms)", overhead, ""),
        ]
        for label, (low, high) in LENGTHS.items():
            rows.append(
                (
                    f"{label}: raw; API uncached p50 / p99 (ms)",
                    f"{p50_p99(self.by_length(self.raw, low, high))}; "
                    f"{p50_p99(self.by_length(self.api, low, high))}",
                    "",
                )
            )
        rows.append(("API /autocomplete cached p50 / p99 (ms)", p50_p99(self.cached), ""))
        for mode, sampler in self.api_rss.items():
            rows.append((f"API RSS, {mode} (MiB)", sampler.summary(), ""))
        if self.worker_rss is not None:
            rows.append(("indexer worker RSS (MiB)", self.worker_rss.summary(), ""))
        notes = (
            f"Typed queries: the search mix's words, brands, leaf categories and title beginnings, "
            f"lower-case, each prefix of 1 to {MAX_LETTERS} letters one request, one by one after "
            f"a warm-up. Left out: {self.skipped} keystrokes with nothing searchable, which the "
            f"API answers without Elasticsearch. API: `catalog serve --workers {self.workers}`, "
            "rate limit off, analytics events recorded as deployed, an indexer worker beside it."
        )
        return Section(f"Autocomplete, {self.size:,} products", rows, notes=notes)


def bench_autocomplete(
    prepared: Prepared, *, workers: int, port: int, queries: int, repetitions: int
) -> AutocompleteFigures:
    every = keystrokes(typed_queries(prepared.size, queries))
    bodies = [autocomplete_bodies({"q": p}, prepared.settings.index_prefix) for p in every]
    prefixes = [p for p, b in zip(every, bodies, strict=True) if b]
    raw_bodies = [b for b in bodies if b]
    step(f"autocomplete: {len(prefixes):,} keystrokes, raw Elasticsearch")
    send = raw_calls(prepared.settings)
    with send() as raw:
        timed(raw, raw_bodies)  # warm-up
        raw_ms = timed(raw, raw_bodies * repetitions)
    figures = AutocompleteFigures(
        prepared.size, workers, queries, prefixes, len(every) - len(prefixes), raw_ms
    )
    base = f"http://127.0.0.1:{port}"
    params: list[dict[str, Any]] = [{"q": p} for p in prefixes]
    with indexer_worker(prepared.settings) as worker, RssSampler(worker) as worker_rss:
        for cache in (False, True):
            mode = "cached" if cache else "uncached"
            step(f"autocomplete: API {mode}")
            with (
                api_server(prepared.settings, port, cache=cache, workers=workers) as server,
                httpx.Client(base_url=base, timeout=30) as http,
            ):
                get = http_get(http, "/autocomplete")
                timed(get, params)  # warm-up (fills the cache when it is on)
                with RssSampler(server) as api_rss:
                    measured = timed(get, params * repetitions)
                if cache:
                    figures.cached = measured
                else:
                    figures.api = measured
                figures.api_rss[mode] = api_rss
    figures.worker_rss = worker_rss
    return figures
