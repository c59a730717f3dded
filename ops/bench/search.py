"""`catalog bench search`: API latency and throughput beside the same Elasticsearch requests, raw.

A fixed, seeded mix of realistic requests (text with two brand filters, a price cap and five facets;
browse by category sorted by popularity; autocomplete) runs against a real `catalog serve` on
loopback, with the cache off and then on, with an indexer worker running beside it as deployed. The
Elasticsearch bodies those requests produce (built by the API's own query builder, including the
relaxed retry the API sends when the words match nothing) are also posted straight to Elasticsearch
by the same HTTP client, serialized beforehand and answers unparsed on both sides, one by one and
with the same concurrency: the difference is what the API costs.
The bench database has no synonym rules, so the API's query and the raw one are the same query.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from elasticsearch import Elasticsearch

from analyzers import analyze_query
from indexer.indices import alias_name
from indexer.metrics import percentile
from ops.bench.concurrency import (
    Call,
    LoadResult,
    RawRequest,
    drive,
    http_calls,
    http_get,
    raw_calls,
    timed,
)
from ops.bench.data import Prepared
from ops.bench.memory import RssSampler
from ops.bench.processes import api_server, indexer_worker
from ops.bench.report import Section, p50_p99, step
from schemas.analytics_index import queries_index
from search_api.params import analyzed
from search_api.query import TEXT_MATCHES, Filters, SearchRequest, build_search
from search_api.routes.suggest import MAX_QUERY_SUGGESTIONS
from search_api.suggest import autocomplete_body, popular_queries_body

WORDS = (
    "tv",
    "drill",
    "running shoes",
    "usb c cable",
    "sofa",
    "4k",
    "cordless",
    "skillet",
    "headphones",
    "laptop",
    "led",
    "stainless steel",
    "graphics card",
    "jacket",
)
FACETS = "brand,category,price,in_stock,rating"
AUTOCOMPLETE_SIZE = 8  # the API's default `size`
CONCURRENCY = (8, 32)

Request = tuple[str, dict[str, Any]]


@dataclass
class Mix:
    search: list[dict[str, Any]] = field(default_factory=list)
    browse: list[dict[str, Any]] = field(default_factory=list)
    autocomplete: list[dict[str, Any]] = field(default_factory=list)

    def requests(self) -> list[Request]:
        """Every request of the mix, interleaved, as `(path, params)`."""
        kinds = [("/search", self.search), ("/search", self.browse)]
        kinds.append(("/autocomplete", self.autocomplete))
        return [(path, items[i]) for i in range(len(self.search)) for path, items in kinds]


def request_mix(es: Elasticsearch, index: str, seed: int = 11, size: int = 200) -> Mix:
    """`size` requests of each kind from the catalog's own brands and categories (seeded)."""
    aggs = es.search(
        index=index,
        size=0,
        aggs={
            "brands": {"terms": {"field": "brand", "size": 200}},
            "categories": {"terms": {"field": "category_lvl1", "size": 100}},
        },
    )["aggregations"]
    brands = [b["key"] for b in aggs["brands"]["buckets"]]
    categories = [b["key"] for b in aggs["categories"]["buckets"]]
    rng = random.Random(seed)
    mix = Mix()
    for _ in range(size):
        mix.search.append(
            {
                "q": rng.choice(WORDS),
                "brand": rng.sample(brands, min(2, len(brands))),
                "price_max": rng.choice([100, 250, 500, 1000, 5000]),
                "facets": FACETS,
            }
        )
        mix.browse.append(
            {"category": rng.choice(categories), "sort": "popularity", "facets": FACETS}
        )
        word = rng.choice(WORDS)
        mix.autocomplete.append({"q": word[: rng.randint(2, max(2, len(word)))]})
    return mix


def parsed_calls(es: Elasticsearch, index: str) -> Call:
    """The raw searches through elasticsearch-py, which parses each answer as the API's does."""

    def call(requests: list[RawRequest]) -> tuple[int, bool]:
        for _, body in requests:
            es.search(index=index, body=orjson.loads(body))
        return 200, False

    return call


def any_route(http: httpx.Client) -> Call:
    """GET a `(path, params)` request of the mix."""

    def call(request: Request) -> tuple[int, bool]:
        path, params = request
        return http_get(http, path)(params)

    return call


def search_request(params: dict[str, Any]) -> SearchRequest:
    """What GET /search builds for these parameters (the same analysis and builder, no HTTP)."""
    return SearchRequest(
        query=analyzed(params.get("q")),
        filters=Filters(
            brands=tuple(sorted(params.get("brand", []))),
            category=params.get("category"),
            price_max=params.get("price_max"),
        ),
        sort=params.get("sort", "relevance"),
        facets=tuple(params["facets"].split(",")),
    )


def search_bodies(es: Elasticsearch, index: str, params: dict[str, Any]) -> list[RawRequest]:
    """What the API sends: one search, or two when the words match nothing and it retries."""
    request = search_request(params)
    first = build_search(request)
    response = es.search(index=index, body=first).body
    matched = response.get("aggregations", {}).get(TEXT_MATCHES, {}).get("doc_count", 0)
    path = f"/{index}/_search"
    if response["hits"]["total"]["value"] == 0 and matched == 0 and request.query is not None:
        retry = build_search(dataclasses.replace(request, relaxed=True))
        return [(path, orjson.dumps(first)), (path, orjson.dumps(retry))]
    return [(path, orjson.dumps(first))]


def autocomplete_bodies(params: dict[str, Any], prefix: str) -> list[RawRequest]:
    """What GET /autocomplete sends: one `_msearch` of the products and the popular queries (none
    when nothing typed is searchable)."""
    query = analyze_query(params["q"])
    if not query.prefixes:
        return []
    lines = [
        {"index": alias_name(prefix)},
        autocomplete_body(query, None, AUTOCOMPLETE_SIZE),
        {"index": queries_index(prefix), "ignore_unavailable": True},
        popular_queries_body(query, MAX_QUERY_SUGGESTIONS),
    ]
    return [("/_msearch", b"".join(orjson.dumps(line) + b"\n" for line in lines))]


@dataclass
class SearchFigures:
    size: int
    workers: int
    requests: int
    raw_search: list[float]
    raw_browse: list[float]
    client_search: list[float]
    relaxed: int
    api_search: list[float] = field(default_factory=list)
    api_browse: list[float] = field(default_factory=list)
    cached_search: list[float] = field(default_factory=list)
    raw_load: dict[int, LoadResult] = field(default_factory=dict)
    uncached_load: dict[int, LoadResult] = field(default_factory=dict)
    cached_load: dict[int, LoadResult] = field(default_factory=dict)
    api_rss: dict[str, RssSampler] = field(default_factory=dict)
    worker_rss: RssSampler | None = None

    def p50(self, values: list[float]) -> float:
        value = percentile(values, 0.5)
        return float("nan") if value is None else value

    @property
    def overhead_ms(self) -> float:
        return self.p50(self.api_search) - self.p50(self.raw_search)

    def section(self) -> Section:
        rows = [
            ("products indexed", f"{self.size:,}", ""),
            ("raw Elasticsearch search p50 / p99 (ms)", p50_p99(self.raw_search), "(peer)"),
            (
                "same through elasticsearch-py, answer parsed, p50 / p99 (ms)",
                p50_p99(self.client_search),
                "(peer)",
            ),
            ("API /search uncached p50 / p99 (ms)", p50_p99(self.api_search), "p50 <= raw + 3"),
            ("API overhead at p50 (ms)", f"{self.overhead_ms:+.1f}", "<= 3"),
            ("raw Elasticsearch browse p50 / p99 (ms)", p50_p99(self.raw_browse), "(peer)"),
            ("API browse by category uncached p50 / p99 (ms)", p50_p99(self.api_browse), ""),
            ("API /search cached p50 / p99 (ms)", p50_p99(self.cached_search), "p50 < 2"),
        ]
        for clients in CONCURRENCY:
            for label, runs, target in (
                ("raw Elasticsearch", self.raw_load, "(peer)"),
                ("API uncached", self.uncached_load, "p99 < 50" if clients == 8 else ""),
                ("API cached", self.cached_load, ""),
            ):
                run = runs.get(clients)
                if run is not None:
                    rows.append(
                        (
                            f"{label}, {clients} clients: req/s; p50 / p99 ms; 5xx, failed",
                            f"{run.rps:,.0f}; {run.p(0.5):.0f} / {run.p(0.99):.0f}; "
                            f"{run.server_errors}, {run.failed}",
                            target,
                        )
                    )
        for mode, sampler in self.api_rss.items():
            rows.append((f"API RSS, {mode} (MiB)", sampler.summary(), ""))
        if self.worker_rss is not None:
            rows.append(("indexer worker RSS (MiB)", self.worker_rss.summary(), ""))
        notes = (
            f"Mix: {self.requests} requests of each kind, measured sequentially after a warm-up: "
            "text + 2 brand filters + price cap + 5 facets; browse by category sorted by "
            f"popularity; autocomplete. {self.relaxed} of the {self.requests} text searches match "
            "no product by their words, so the API (and its raw peer) sends a relaxed second "
            f"query. API: `catalog serve --workers {self.workers}`, rate limit off, analytics "
            "events recorded as deployed, an indexer worker beside it; client, API and "
            "Elasticsearch share the machine's cores."
        )
        return Section(f"Search API, {self.size:,} products", rows, notes=notes)


def bench_search(
    prepared: Prepared,
    *,
    workers: int,
    seconds: float,
    port: int,
    requests: int,
    repetitions: int,
) -> SearchFigures:
    """The raw side first (nothing else running), then the API with the cache off and on."""
    mix = request_mix(prepared.es, prepared.alias, size=requests)
    figures = _raw_side(prepared, mix, workers, seconds, repetitions)
    base = f"http://127.0.0.1:{port}"
    with indexer_worker(prepared.settings) as worker, RssSampler(worker) as worker_rss:
        for cache in (False, True):
            mode = "cached" if cache else "uncached"
            step(f"search: API {mode}, one by one and concurrent")
            with (
                api_server(prepared.settings, port, cache=cache, workers=workers) as server,
                httpx.Client(base_url=base, timeout=30) as http,
            ):
                get = http_get(http, "/search")
                timed(any_route(http), mix.requests())  # warm-up (fills the cache when it is on)
                with RssSampler(server) as api_rss:
                    if cache:
                        figures.cached_search = timed(get, mix.search * repetitions)
                    else:
                        figures.api_search = timed(get, mix.search * repetitions)
                        figures.api_browse = timed(get, mix.browse * repetitions)
                    runs = figures.cached_load if cache else figures.uncached_load
                    for clients in CONCURRENCY:
                        runs[clients] = drive(http_calls(base), mix.requests(), clients, seconds)
                figures.api_rss[mode] = api_rss
    figures.worker_rss = worker_rss
    return figures


def _raw_side(
    prepared: Prepared, mix: Mix, workers: int, seconds: float, repetitions: int
) -> SearchFigures:
    """The mix's Elasticsearch bodies sent straight to Elasticsearch: one by one, concurrent."""
    es, index = prepared.es, prepared.alias
    step("search: raw Elasticsearch requests, one by one and concurrent")
    search_raw = [search_bodies(es, index, p) for p in mix.search]
    browse_raw = [search_bodies(es, index, p) for p in mix.browse]
    prefix = prepared.settings.index_prefix
    autocomplete_raw = [autocomplete_bodies(p, prefix) for p in mix.autocomplete]
    send = raw_calls(prepared.settings)
    with send() as raw:
        timed(raw, search_raw + browse_raw)  # warm-up
        raw_search = timed(raw, search_raw * repetitions)
        raw_browse = timed(raw, browse_raw * repetitions)
    figures = SearchFigures(
        prepared.size,
        workers,
        len(mix.search),
        raw_search,
        raw_browse,
        client_search=timed(parsed_calls(es, index), search_raw * repetitions),
        relaxed=sum(len(b) > 1 for b in search_raw),
    )
    interleaved = [
        b for trio in zip(search_raw, browse_raw, autocomplete_raw, strict=True) for b in trio
    ]
    for clients in CONCURRENCY:
        figures.raw_load[clients] = drive(send, interleaved, clients, seconds)
    return figures
