"""`catalog bench relevance`: nDCG@10 of the real search path on a judged query set.

The set is a folder with `products.jsonl` (canonical JSON), `queries.tsv` (query_id, query) and
`qrels.tsv` (query_id, product_id, grade 1..3). Products go into an index of their own (prefix
`relevance`), every query runs through `search_api.search.run_search` (what `GET /search` runs), and
two reference rankings are computed in the same run: BM25 `match` on the title with Elasticsearch's
`standard` analyzer, and BM25 on titles lowercased, split on non-alphanumerics and Snowball-stemmed.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from elasticsearch import Elasticsearch, helpers
from nltk.stem.snowball import SnowballStemmer

from analyzers import analyze_query
from catalog.connections import elasticsearch_client
from catalog.settings import get_settings
from indexer.indices import alias_name
from ops.bench.report import Section, step
from ops.datasets.mappings import locate_shared_data
from schemas.product_index import build_document, index_mapping, index_settings
from search_api.query import SearchRequest
from search_api.search import run_search

PREFIX = "relevance"
K = 10
_SPLIT = re.compile(r"[^0-9a-z]+")
_STEMMER = SnowballStemmer("english")


def snowball_terms(text: str) -> str:
    return " ".join(_STEMMER.stem(t) for t in _SPLIT.split(text.lower()) if t)


@dataclass
class JudgedSet:
    products: list[dict[str, Any]]
    queries: dict[str, str]
    grades: dict[str, dict[str, float]] = field(default_factory=dict)


def read_set(folder: Path) -> JudgedSet:
    products = [
        orjson.loads(line)
        for line in (folder / "products.jsonl").read_bytes().splitlines()
        if line.strip()
    ]
    queries = {}
    for line in (folder / "queries.tsv").read_text().splitlines():
        if line.strip():
            query_id, text = line.split("\t", 1)
            queries[query_id] = text
    grades: dict[str, dict[str, float]] = defaultdict(dict)
    for line in (folder / "qrels.tsv").read_text().splitlines():
        if line.strip():
            query_id, product_id, grade = line.split("\t")
            grades[query_id][product_id] = float(grade)
    return JudgedSet(products, queries, dict(grades))


def ndcg(ranked: list[str], grades: dict[str, float], k: int = K) -> float:
    """Gain = grade - 1; unjudged products gain 0; ideal = judged products sorted by grade."""
    dcg = sum((grades.get(pid, 1.0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted((g - 1 for g in grades.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def query_class(text: str) -> list[str]:
    classes = ["all"]
    words = text.split()
    if any(ch.isdigit() for ch in text):
        classes.append("numbers or units")
    if len(words) == 1:
        classes.append("one word")
    if len(words) >= 3:
        classes.append("three words or more")
    return classes


def _rows(products: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for product in products:
        yield {
            "id": product["id"],
            "title": product["title"],
            "description": product.get("description"),
            "brand": product.get("brand"),
            "category": product.get("category"),
            "version": 1,
        }


def load_indices(es: Elasticsearch, judged: JudgedSet, *, reuse: bool = False) -> tuple[str, str]:
    """Our index (built by the product index's own builder) and the baselines' index."""
    ours, baseline = f"{PREFIX}-products-bench", f"{PREFIX}-baseline"
    if reuse and es.indices.exists(index=ours) and es.indices.exists(index=baseline):
        return ours, baseline
    for name in (ours, baseline):
        es.options(ignore_status=404).indices.delete(index=name)
    settings = index_settings()
    settings["refresh_interval"] = "-1"
    es.indices.create(
        index=ours, settings=settings, mappings=index_mapping(), aliases={alias_name(PREFIX): {}}
    )
    es.indices.create(
        index=baseline,
        settings=settings,
        mappings={
            "properties": {
                "title": {"type": "text", "analyzer": "standard"},
                "title_snowball": {"type": "text", "analyzer": "whitespace"},
            }
        },
    )
    # Sequential bulk keeps the documents in file order, so rankings that tie on score come out the
    # same in every run (parallel threads would shuffle them and move nDCG by a few thousandths).
    bulk = es.options(request_timeout=120)
    for ok, item in helpers.streaming_bulk(
        bulk,
        (
            {"_index": ours, "_id": r["id"], "_source": build_document(r)}
            for r in _rows(judged.products)
        ),
        chunk_size=2000,
    ):
        if not ok:
            raise RuntimeError(f"indexing failed: {item}")
    for ok, item in helpers.streaming_bulk(
        bulk,
        (
            {
                "_index": baseline,
                "_id": p["id"],
                "_source": {"title": p["title"], "title_snowball": snowball_terms(p["title"])},
            }
            for p in judged.products
        ),
        chunk_size=5000,
    ):
        if not ok:
            raise RuntimeError(f"indexing failed: {item}")
    for name in (ours, baseline):
        es.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
        es.indices.refresh(index=name)
        es.indices.forcemerge(index=name, max_num_segments=1)
    return ours, baseline


Ranker = Callable[[str], list[str]]


def rankers(es: Elasticsearch, baseline: str) -> dict[str, Ranker]:
    def catalog_search(text: str) -> list[str]:
        request = SearchRequest(query=analyze_query(text), size=K, facets=())
        return [hit["id"] for hit in run_search(es, alias_name(PREFIX), request)["hits"]]

    def standard(text: str) -> list[str]:
        hits = es.search(index=baseline, size=K, source=False, query={"match": {"title": text}})
        return [h["_id"] for h in hits["hits"]["hits"]]

    def stemmed(text: str) -> list[str]:
        hits = es.search(
            index=baseline,
            size=K,
            source=False,
            query={
                "match": {
                    "title_snowball": {"query": snowball_terms(text), "analyzer": "whitespace"}
                }
            },
        )
        return [h["_id"] for h in hits["hits"]["hits"]]

    return {"catalog search": catalog_search, "BM25 standard": standard, "BM25 Snowball": stemmed}


@dataclass
class RelevanceResult:
    scores: dict[str, dict[str, float]]  # ranker -> query class -> mean nDCG@10
    counts: dict[str, int]
    losses: list[tuple[float, str, float, float]]  # (delta, query, ours, stemmed)


def evaluate(es: Elasticsearch, judged: JudgedSet, baseline: str) -> RelevanceResult:
    per_query: dict[str, dict[str, float]] = defaultdict(dict)
    for name, rank in rankers(es, baseline).items():
        for query_id, text in judged.queries.items():
            if query_id in judged.grades:
                per_query[name][query_id] = ndcg(rank(text), judged.grades[query_id])
    scores: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = defaultdict(int)
    for query_id, text in judged.queries.items():
        if query_id in judged.grades:
            for cls in query_class(text):
                counts[cls] += 1
    for name, values in per_query.items():
        sums: dict[str, float] = defaultdict(float)
        for query_id, value in values.items():
            for cls in query_class(judged.queries[query_id]):
                sums[cls] += value
        scores[name] = {cls: sums[cls] / counts[cls] for cls in counts}
    losses = sorted(
        (
            per_query["catalog search"][q] - per_query["BM25 Snowball"][q],
            judged.queries[q],
            per_query["catalog search"][q],
            per_query["BM25 Snowball"][q],
        )
        for q in per_query["catalog search"]
    )[:15]
    return RelevanceResult(scores, dict(counts), losses)


TARGET_NDCG = 0.40


def default_set() -> Path | None:
    """`../shared/data/relevance-homedepot-dev` beside the project, if it is there."""
    shared = locate_shared_data()
    return None if shared is None else shared / "relevance-homedepot-dev"


@dataclass
class RelevanceFigures:
    name: str
    result: RelevanceResult

    def section(self) -> Section:
        return self.sections()[0]

    def sections(self) -> list[Section]:
        """The measures beside their targets, per query class, and the queries that lose most."""
        result = self.result
        classes = list(result.counts)
        ours, stemmed = result.scores["catalog search"], result.scores["BM25 Snowball"]
        rows = [
            (
                f"nDCG@10 {c}, catalog search",
                f"{ours[c]:.4f}",
                f">= {TARGET_NDCG:.2f}" if c == "all" else f">= {stemmed[c]:.4f} (Snowball)",
            )
            for c in classes
        ]
        rows += [
            (f"nDCG@10 all, {ranker}", f"{scores['all']:.4f}", "(reference)")
            for ranker, scores in result.scores.items()
            if ranker != "catalog search"
        ]
        per_class = [
            (f"{c} ({result.counts[c]} queries)", f"{ours[c]:.4f}", f"Snowball {stemmed[c]:.4f}")
            for c in classes
        ]
        losers = [
            (query, f"{mine:.3f} vs {base:.3f}", f"{delta:+.3f}")
            for delta, query, mine, base in result.losses
        ]
        return [
            Section(f"Relevance on {self.name}", rows),
            Section("per query class", per_class, ("class", "catalog search", "reference")),
            Section(
                "queries that lose most against BM25 Snowball",
                losers,
                ("query", "catalog search vs Snowball", "delta"),
            ),
        ]


def bench_relevance(folder: Path, *, reuse: bool = False) -> RelevanceFigures:
    if not (folder / "queries.tsv").exists():
        raise FileNotFoundError(
            f"{folder} has no queries.tsv (expected products.jsonl, queries.tsv, qrels.tsv)"
        )
    step(f"relevance: {folder.name}, indexing and {'reusing' if reuse else 'building'} indices")
    judged = read_set(folder)
    es = elasticsearch_client(get_settings(), request_timeout=120)
    _, baseline = load_indices(es, judged, reuse=reuse)
    step("relevance: ranking every judged query three ways")
    return RelevanceFigures(folder.name, evaluate(es, judged, baseline))
