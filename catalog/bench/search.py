"""`catalog bench search`: API latency beside the same Elasticsearch query sent directly.

A fixed, seeded mix of realistic requests (text with two filters and five facets, browse by category,
autocomplete) runs against a real `catalog serve` process on loopback, with the cache off and then
on, and the search requests' Elasticsearch bodies are also sent straight to Elasticsearch from the
same client machine: the difference is what the API costs.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil
from elasticsearch import Elasticsearch

from analyzers import analyze_query
from catalog.settings import PROJECT_ROOT, Settings
from indexer.indices import alias_name
from indexer.metrics import percentile
from search_api.query import Filters, SearchRequest, build_search

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


@dataclass
class Mix:
    search: list[dict[str, Any]] = field(default_factory=list)
    browse: list[dict[str, Any]] = field(default_factory=list)
    autocomplete: list[dict[str, Any]] = field(default_factory=list)


def request_mix(es: Elasticsearch, prefix: str, seed: int = 11, size: int = 200) -> Mix:
    """Requests drawn from the catalog's own brands and categories (seeded, so every run is alike)."""
    aggs = es.search(
        index=alias_name(prefix),
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
                "brand": rng.sample(brands, 2),
                "price_max": rng.choice([100, 250, 500, 1000, 5000]),
                "facets": "brand,category,price,in_stock,rating",
            }
        )
        mix.browse.append(
            {
                "category": rng.choice(categories),
                "sort": "popularity",
                "facets": "brand,category,price,in_stock,rating",
            }
        )
        word = rng.choice(WORDS)
        mix.autocomplete.append({"q": word[: rng.randint(2, max(2, len(word)))]})
    return mix


def es_body(params: dict[str, Any]) -> dict[str, Any]:
    """The body GET /search sends for these parameters (the same builder, no HTTP)."""
    query = analyze_query(params["q"]) if params.get("q") else None
    request = SearchRequest(
        query=query,
        filters=Filters(
            brands=tuple(sorted(params.get("brand", []))),
            category=params.get("category"),
            price_max=params.get("price_max"),
        ),
        sort=params.get("sort", "relevance"),
        facets=tuple(params["facets"].split(",")),
    )
    return build_search(request)


@contextmanager
def api_server(
    settings: Settings, port: int, *, cache: bool, workers: int
) -> Iterator[psutil.Process]:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "INDEX_PREFIX": settings.index_prefix,
        "API_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "CACHE_TTL_SECONDS": "300" if cache else "0",
        "AUTOCOMPLETE_CACHE_TTL_SECONDS": "60" if cache else "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from catalog.cli import app; app()",
            "serve",
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield psutil.Process(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def timed(call: Any, items: list[dict[str, Any]]) -> list[float]:
    latencies = []
    for item in items:
        started = time.perf_counter()
        call(item)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def rss_mb(process: psutil.Process) -> float:
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def throughput(base: str, mix: Mix, clients: int, seconds: float) -> tuple[float, float, int]:
    """Requests/s, p99 ms and 5xx count with `clients` concurrent clients for `seconds`."""
    requests = (
        [("/search", p) for p in mix.search]
        + [("/search", p) for p in mix.browse]
        + [("/autocomplete", p) for p in mix.autocomplete]
    )
    deadline = time.monotonic() + seconds

    def client(offset: int) -> tuple[list[float], int]:
        latencies: list[float] = []
        errors = 0
        with httpx.Client(base_url=base, timeout=10) as http:
            i = offset
            while time.monotonic() < deadline:
                path, params = requests[i % len(requests)]
                started = time.perf_counter()
                status = http.get(path, params=params).status_code
                latencies.append((time.perf_counter() - started) * 1000)
                errors += status >= 500
                i += 7
        return latencies, errors

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    latencies = [v for lat, _ in results for v in lat]
    p99 = percentile(latencies, 0.99)
    return (
        len(latencies) / seconds,
        p99 if p99 is not None else float("nan"),
        sum(e for _, e in results),
    )
