"""Turning a search request into one Elasticsearch request body (pure: unit-testable without HTTP).

Text relevance: the query goes through the same `analyzers/` pipeline as the documents; its stemmed
words (units aside: they only rank) must all match across title, brand, category and description
(title weighs most), each by its stem, a typo of it (plain words of four letters or more, never
numbers or model numbers) or the same compound written open or closed; the exact (unstemmed) tokens
and the shingles (adjacent pairs) boost products that match literally and in order, and the share
of query words matched scales the score in the relaxed retry. Title, brand and category are scored
with a BM25 for short text (see `schemas/product_index.py`).

Ranking is in tiers (`tiers`, `tiered`, docs/ranking.md): words matched, then words matched without a
typo and in the title, then availability; the merchandiser's ranking settings weigh popularity,
rating and newness only inside a tier.

Facets are disjunctive within a facet and conjunctive across facets: filters go to `post_filter`, and
each facet's aggregation is filtered by every *other* facet's filter, so picking brand A still shows
the counts of brands B and C under the other filters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from analyzers import AnalyzedQuery, TokenKind
from catalog.ranking import MAX_SIGNAL_FACTOR, OutOfStock, RankingSettings
from schemas.product import category_levels

TEXT_FIELDS = ("title_stem^4", "brand_stem^2", "category_stem^1.5", "description_stem^0.5")
PRICE_RANGES = (
    {"key": "under-25", "to": 25},
    {"key": "25-50", "from": 25, "to": 50},
    {"key": "50-100", "from": 50, "to": 100},
    {"key": "100-250", "from": 100, "to": 250},
    {"key": "250-500", "from": 250, "to": 500},
    {"key": "500-1000", "from": 500, "to": 1000},
    {"key": "1000-and-up", "from": 1000},
)
SORTS: dict[str, list[Any]] = {
    "relevance": [{"_score": "desc"}, {"popularity": "desc"}, {"product_id": "asc"}],
    "price_asc": [{"effective_price": {"order": "asc", "missing": "_last"}}, {"product_id": "asc"}],
    "price_desc": [
        {"effective_price": {"order": "desc", "missing": "_last"}},
        {"product_id": "asc"},
    ],
    "newest": [{"created_at": {"order": "desc", "missing": "_last"}}, {"product_id": "asc"}],
    "rating": [
        {"rating": {"order": "desc", "missing": "_last"}},
        {"review_count": "desc"},
        {"product_id": "asc"},
    ],
    "popularity": [{"popularity": "desc"}, {"product_id": "asc"}],
}
FACETS = ("brand", "category", "price", "in_stock", "rating")
#: Shortest word matched with edit distance ("AUTO": one edit up to five letters, two beyond).
MIN_FUZZY_LENGTH = 4
#: How many query words must match: all of up to three, then 60% (rounded down).
STRICT_MATCH = "3<60%"
#: After zero results: any word; the coverage factor then ranks the products that match most first.
RELAXED_MATCH = "1"
#: Boosts of literal matches (unstemmed words) and of adjacent word pairs, over the stem matches.
EXACT_BOOST = 1.0
#: A closed query word found as two adjacent title words counts like the word itself.
SPLIT_BOOST = 1.0
SHINGLE_BOOST = 1.0
TOTAL_BOUND = 10_000
#: The largest tier exponent: a float32 score overflows at 2^128 (see `tiered`).
MAX_EXPONENT = 120
#: A bound of one query word's text score (BM25's idf stays under 17 below 10^7 documents, times
#: k1 + 1 and the field boost, plus the exact, pair and variant boosts and synonym alternatives).
TEXT_BOUND_PER_WORD = 1000.0
#: The largest factor merchandising boosts together may give.
MAX_BOOST_FACTOR = 10.0
TEXT_MATCHES = "text_matches"


@dataclass(frozen=True)
class Filters:
    brands: tuple[str, ...] = ()
    category: str | None = None
    price_min: float | None = None
    price_max: float | None = None
    in_stock: bool | None = None
    min_rating: float | None = None
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Boost:
    """Products matching `clause` (a filter clause) rank as if their score were `factor` times
    what it is: above 1 boosts, between 0 and 1 buries. Several that match multiply."""

    clause: dict[str, Any]
    factor: float


@dataclass(frozen=True)
class SearchRequest:
    query: AnalyzedQuery | None
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    size: int = 20
    offset: int = 0
    search_after: list[Any] | None = None
    facets: tuple[str, ...] = FACETS
    relaxed: bool = False
    #: Products never shown, counted or suggested (merchandising rules hide them).
    excluded: tuple[str, ...] = ()
    boosts: tuple[Boost, ...] = ()
    ranking: RankingSettings = field(default_factory=RankingSettings)
    #: Products matched and counted in facets but left out of the hits: pinned products, which
    #: `search_api.merchandising` places itself.
    unlisted: tuple[str, ...] = ()


def filter_clauses(filters: Filters) -> dict[str, list[dict[str, Any]]]:
    """Each facet's filter clauses, keyed by facet name (a facet's own filter skips its counts)."""
    clauses: dict[str, list[dict[str, Any]]] = {}
    if filters.brands:
        clauses["brand"] = [{"terms": {"brand": list(filters.brands)}}]
    if filters.category:
        clauses["category"] = [{"term": {"category_levels": filters.category}}]
    if filters.price_min is not None or filters.price_max is not None:
        bounds = {}
        if filters.price_min is not None:
            bounds["gte"] = filters.price_min
        if filters.price_max is not None:
            bounds["lte"] = filters.price_max
        clauses["price"] = [{"range": {"effective_price": bounds}}]
    if filters.in_stock is not None:
        clauses["in_stock"] = [{"term": {"in_stock": filters.in_stock}}]
    if filters.min_rating is not None:
        clauses["rating"] = [{"range": {"rating": {"gte": filters.min_rating}}}]
    for name, values in filters.attributes:
        clauses[f"attributes.{name}"] = [{"terms": {f"attributes.{name}": list(values)}}]
    return clauses


def all_except(clauses: dict[str, list[dict[str, Any]]], facet: str) -> list[dict[str, Any]]:
    return [clause for name, group in clauses.items() if name != facet for clause in group]


def _any_field(terms: str, fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": terms,
            "fields": list(fields),
            "analyzer": "whitespace",
            "type": "best_fields",
            "tie_breaker": 0.3,
        }
    }


@dataclass(frozen=True)
class Matching:
    """How a query word may match: in which fields, and whether a typo of it counts."""

    fields: tuple[str, ...] = TEXT_FIELDS
    typos: bool = True


#: Any text field, typos too: recall, and the first tier (words matched).
ANY = Matching()
#: Without a typo (stems, exact words, compounds, synonyms): the second tier.
PLAIN = Matching(typos=False)
#: In the title, without a typo: the second tier too (title over the other fields).
IN_TITLE = Matching(fields=("title_stem",), typos=False)


def _word_clause(
    stemmed: str,
    exact: str | None,
    joins: tuple[str, ...] = (),
    splits: tuple[str, ...] = (),
    matching: Matching = ANY,
) -> dict[str, Any]:
    """One query word: its stem in any text field (title weighs most), a typo of it in the title,
    or the same compound written the other way: closed in the product where the shopper wrote it
    open (`joins`: `under cabinet` finds `undercabinet`), open where they wrote it closed
    (`splits`, adjacent pairs in the title: `undercabinet` finds `under cabinet`)."""
    options: list[dict[str, Any]] = [_any_field(stemmed, matching.fields)]
    options.extend(_any_field(joined, matching.fields) for joined in joins)
    if splits:
        options.append({"terms": {"title_shingles": list(splits), "boost": SPLIT_BOOST}})
    typo = exact is not None and exact.isalpha() and len(exact) >= MIN_FUZZY_LENGTH
    if matching.typos and typo:
        options.append(
            {
                "match": {
                    "title_exact": {
                        "query": exact,
                        "analyzer": "whitespace",
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "boost": 0.5,
                    }
                }
            }
        )
    return options[0] if len(options) == 1 else {"dis_max": {"queries": options}}


def _compounds(query: AnalyzedQuery) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per query word: the closed forms it is part of (with either neighbour), and its splits."""
    joins = query.joins or (None,) * max(len(query.phrase) - 1, 0)
    splits = query.splits or ((),) * len(query.phrase)
    result = []
    for index in range(len(query.phrase)):
        near = (
            joins[index - 1] if index > 0 else None,
            joins[index] if index < len(joins) else None,
        )
        result.append((tuple(j for j in near if j), splits[index]))
    return result


def _words_query(words: list[dict[str, Any]], relaxed: bool) -> dict[str, Any]:
    return {
        "bool": {
            "should": words,
            "minimum_should_match": RELAXED_MATCH if relaxed else STRICT_MATCH,
        }
    }


def _required(query: AnalyzedQuery) -> list[int]:
    """The query words that count for recall and coverage: all but units.

    A unit qualifies the number before it, and shoppers write units loosely (`16'` for a grate
    sold in inches, `ft` or `in.` left out): the number must match, the unit only ranks, through
    the exact-title and adjacent-pair boosts (`16_inch`). A query of units alone keeps them.
    """
    kinds = query.phrase_kinds or (TokenKind.WORD,) * len(query.phrase)
    required = [i for i, kind in enumerate(kinds) if kind is not TokenKind.UNIT]
    return required or list(range(len(query.phrase)))


def _own_words(query: AnalyzedQuery, matching: Matching) -> list[dict[str, Any]]:
    """One clause per query word, as the shopper wrote it."""
    return [
        _word_clause(stemmed, exact, *compounds, matching=matching)
        for stemmed, exact, compounds in zip(
            query.phrase, query.phrase_exact, _compounds(query), strict=True
        )
    ]


def _positions(
    query: AnalyzedQuery, required: list[int], matching: Matching
) -> list[dict[str, Any]]:
    """One clause per counted query word: the word itself, or a synonym alternative spanning it."""
    own = _own_words(query, matching)
    positions: list[dict[str, Any]] = []
    for index in required:
        spanning = [e for e in query.expansions if e.start <= index < e.end and e.phrase]
        options = [] if any(not e.keep_original for e in spanning) else [own[index]]
        for expansion in spanning:
            words = [_word_clause(word, None, matching=matching) for word in expansion.phrase]
            options.append(words[0] if len(words) == 1 else {"bool": {"must": words}})
        positions.append(options[0] if len(options) == 1 else {"dis_max": {"queries": options}})
    return positions


def _coverage(query: dict[str, Any], words: list[dict[str, Any]]) -> dict[str, Any]:
    """Scale the score by the share of query words a product matches (Lucene's classic `coord`).

    For the relaxed retry, which has no word tiers (see `tiers`): a product that matches more of
    what the shopper typed should come first, but one rare word (`shaver`) may still outweigh two
    common ones (`womens electric`). With every word matched it is 1.
    """
    if len(words) < 2:
        return query
    return {
        "function_score": {
            "query": query,
            "functions": [{"filter": word, "weight": 1 / len(words)} for word in words],
            "score_mode": "sum",
            "boost_mode": "multiply",
        }
    }


def text_query(query: AnalyzedQuery, *, relaxed: bool) -> dict[str, Any]:
    """Recall: every word of the query (or most, when relaxed), each by its stem in any field or
    by a typo in the title; synonyms add alternatives. Precision: exact words, joined forms
    (`usbc`) and adjacent pairs boost (inside a tier: see `tiered`)."""
    own = _own_words(query, ANY)
    required = _required(query)
    # A one-way rule (`laptop => notebook computer`) replaces the words it matched: the original
    # wording is no longer one of the ways to match.
    replaced = any(not e.keep_original and e.phrase for e in query.expansions)
    alternatives = [] if replaced else [_words_query([own[i] for i in required], relaxed)]
    for expansion in query.expansions:
        words = query.phrase[: expansion.start] + expansion.phrase + query.phrase[expansion.end :]
        alternatives.append(_words_query([_word_clause(word, None) for word in words], relaxed))
    should: list[dict[str, Any]] = []
    if query.exact:
        should.append(
            {
                "match": {
                    "title_exact": {
                        "query": " ".join(query.exact),
                        "analyzer": "whitespace",
                        "boost": EXACT_BOOST,
                    }
                }
            }
        )
    # Terms that rank without being required: variants (`usbc`) and the units left out above.
    counted = {query.phrase[i] for i in required}
    variants = [token for token in query.stemmed if token not in counted]
    if variants:
        should.append(
            {
                "match": {
                    "title_stem": {
                        "query": " ".join(variants),
                        "analyzer": "whitespace",
                        "boost": 1,
                    }
                }
            }
        )
    if query.shingles:
        should.append(
            {
                "match": {
                    "title_shingles": {
                        "query": " ".join(query.shingles),
                        "analyzer": "whitespace",
                        "boost": SHINGLE_BOOST,
                    }
                }
            }
        )
    recall = (
        alternatives[0]
        if len(alternatives) == 1
        else {"bool": {"should": alternatives, "minimum_should_match": 1}}
    )
    scored = {"bool": {"must": [recall], "should": should}}
    return _coverage(scored, _positions(query, required, ANY)) if relaxed else scored


def signals(query: dict[str, Any], settings: RankingSettings) -> dict[str, Any]:
    """The score times a factor of 1 plus the weighted signals, capped at MAX_SIGNAL_FACTOR."""
    functions: list[dict[str, Any]] = [{"weight": 1.0}]
    if settings.popularity_weight:
        functions.append(
            {
                "field_value_factor": {"field": "popularity", "modifier": "log1p", "missing": 0},
                "weight": settings.popularity_weight,
            }
        )
    if settings.rating_weight:
        functions.append(
            {
                "field_value_factor": {"field": "rating", "missing": 0},
                "weight": settings.rating_weight,
            }
        )
    if settings.new_product_boost:
        since = f"now-{settings.new_product_days}d/d"
        functions.append(
            {
                "filter": {"range": {"created_at": {"gte": since}}},
                "weight": settings.new_product_boost,
            }
        )
    return {
        "function_score": {
            "query": query,
            "functions": functions,
            "score_mode": "sum",
            "boost_mode": "multiply",
            "max_boost": MAX_SIGNAL_FACTOR,
        }
    }


@dataclass(frozen=True)
class Tiers:
    """The tier functions of a query and the exponent of the best tier (see `tiered`)."""

    functions: list[dict[str, Any]]
    top: int


def tiers(
    query: AnalyzedQuery | None, settings: RankingSettings, *, relaxed: bool = False
) -> Tiers:
    """Powers of two per tier level, most significant first: words matched; words matched
    without a typo, and in the title; in stock (when out-of-stock products are demoted).

    The exponents must fit a float's (a score of 2^127 or more is infinite): when all levels do
    not, the second is dropped, and when words matched alone do not, the query has no tiers.
    """
    stock = 1 if settings.out_of_stock is OutOfStock.demote else 0
    functions: list[dict[str, Any]] = []
    if stock:
        functions.append({"filter": {"term": {"in_stock": True}}, "weight": 2.0})
    if query is None or not query.phrase or relaxed:
        # The relaxed retry (after zero results) found products by any word: which words matter
        # is then a question of rarity, that the text score and `_coverage` answer better than
        # a count of words.
        return Tiers(functions, stock)
    required = _required(query)
    words = len(required)
    quality_unit = 1 + stock
    word_unit = quality_unit * (2 * words + 1)
    top = words * word_unit + 2 * words * quality_unit + stock
    levels = [(ANY, word_unit), (PLAIN, quality_unit), (IN_TITLE, quality_unit)]
    if top > MAX_EXPONENT:
        word_unit = 1 + stock
        top = words * word_unit + stock
        levels = [(ANY, word_unit)]
    if top > MAX_EXPONENT:
        return Tiers(functions, stock)
    for matching, unit in levels:
        functions.extend(
            {"filter": clause, "weight": float(2**unit)}
            for clause in _positions(query, required, matching)
        )
    return Tiers(functions, top)


def tiered(
    fine: dict[str, Any], scale: float, tier: Tiers, boosts: tuple[Boost, ...]
) -> dict[str, Any]:
    """Tiers first, then the signals and boosts inside a tier, in one Elasticsearch score.

    A product's score is `(1 + f) * 2^(E - top)`: `E` adds up the exponents of the tier levels it
    reaches (a power of two per word matched, and so on: `tiers`), and `f`, in [0, 1), is its text
    score times its signals and boosts, scaled. A float keeps `(1 + f)` as its mantissa and `E` as
    its exponent, so a better tier always outranks a worse one, whatever `f`, and `f` keeps its
    full precision inside a tier. Elasticsearch core features only (function_score weights and
    `max_boost`); see docs/ranking.md for the bound on `f`.
    """
    inner = {
        "bool": {
            "must": [boosted(fine, boosts, scale)],
            "should": [{"match_all": {"boost": 1.0}}],
        }
    }
    return {
        "function_score": {
            "query": inner,
            "functions": [{"weight": 2.0**-tier.top}, *tier.functions],
            "score_mode": "multiply",
            "boost_mode": "multiply",
        }
    }


def facet_aggregations(
    request: SearchRequest, clauses: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    aggs: dict[str, Any] = {}

    def scoped(name: str, inner: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> None:
        aggs[name] = {
            "filter": {"bool": {"filter": all_except(clauses, name.split("@")[0]) + (extra or [])}},
            "aggs": inner,
        }

    for facet in request.facets:
        if facet == "brand":
            scoped("brand", {"values": {"terms": {"field": "brand", "size": 20}}})
        elif facet == "category":
            selected = category_levels(request.filters.category) if request.filters.category else []
            for level in range(min(len(selected) + 1, 4)):
                parent = [{"term": {"category_levels": selected[level - 1]}}] if level else []
                scoped(
                    f"category@{level}",
                    {"values": {"terms": {"field": f"category_lvl{level}", "size": 50}}},
                    parent,
                )
        elif facet == "price":
            scoped(
                "price",
                {
                    "values": {"range": {"field": "effective_price", "ranges": list(PRICE_RANGES)}},
                    "stats": {"stats": {"field": "effective_price"}},
                },
            )
        elif facet == "in_stock":
            scoped("in_stock", {"values": {"terms": {"field": "in_stock", "size": 2}}})
        elif facet == "rating":
            scoped(
                "rating",
                {
                    "values": {
                        "range": {
                            "field": "rating",
                            "ranges": [{"key": f"{n}-and-up", "from": n} for n in (4, 3, 2, 1)],
                        }
                    }
                },
            )
        elif facet.startswith("attributes."):
            scoped(facet, {"values": {"terms": {"field": facet, "size": 30}}})
    return aggs


def boosted(query: dict[str, Any], boosts: tuple[Boost, ...], scale: float) -> dict[str, Any]:
    """The score times the factors of the boosts whose clause the product matches (their
    product capped at MAX_BOOST_FACTOR), times `scale`."""
    return {
        "function_score": {
            "query": query,
            "functions": [{"filter": b.clause, "weight": b.factor} for b in boosts]
            or [{"weight": 1.0}],
            "score_mode": "multiply",
            "boost_mode": "multiply",
            "max_boost": MAX_BOOST_FACTOR,
            "boost": scale,
        }
    }


def ranked_query(request: SearchRequest) -> dict[str, Any]:
    """The query that finds and orders the products: text tiers, then signals and boosts."""
    settings = request.ranking
    tier = tiers(request.query, settings, relaxed=request.relaxed)
    if request.query is not None and request.query.phrase:
        fine = signals(text_query(request.query, relaxed=request.relaxed), settings)
        # A bound of the text score (docs/ranking.md), so that `f` stays below 1 in `tiered`.
        bound = TEXT_BOUND_PER_WORD * (len(request.query.stemmed) + len(request.query.expansions))
    else:
        fine = signals({"match_all": {}}, settings)
        bound = 1.0
    lift = min(math.prod(b.factor for b in request.boosts if b.factor > 1), MAX_BOOST_FACTOR)
    scale = 1 / (2 * bound * MAX_SIGNAL_FACTOR * lift)
    query = tiered(fine, scale, tier, request.boosts)
    must_not: list[dict[str, Any]] = []
    if request.excluded:
        must_not.append({"ids": {"values": list(request.excluded)}})
    if settings.out_of_stock is OutOfStock.hide:
        must_not.append({"term": {"in_stock": False}})
    return {"bool": {"must": [query], "must_not": must_not}} if must_not else query


def build_search(request: SearchRequest) -> dict[str, Any]:
    clauses = filter_clauses(request.filters)
    query = ranked_query(request)
    body: dict[str, Any] = {
        "query": query,
        "size": request.size,
        "sort": SORTS[request.sort],
        "track_total_hits": TOTAL_BOUND,
        "_source": [
            "product_id",
            "title",
            "brand",
            "price",
            "sale_price",
            "effective_price",
            "currency",
            "in_stock",
            "stock",
            "image",
            "category",
            "rating",
            "review_count",
        ],
        # Documents the query matches before the filters: tells "no such words" from "filtered out".
        "aggs": {
            **facet_aggregations(request, clauses),
            TEXT_MATCHES: {"filter": {"match_all": {}}},
        },
    }
    if clauses:
        body["post_filter"] = {"bool": {"filter": all_except(clauses, "")}}
    if request.unlisted:
        post_filter = body.setdefault("post_filter", {"bool": {"filter": []}})
        post_filter["bool"]["must_not"] = [{"ids": {"values": list(request.unlisted)}}]
    if request.search_after is not None:
        body["search_after"] = request.search_after
    else:
        body["from"] = request.offset
    if request.query is not None and request.query.text:
        body["highlight"] = {
            # Titles and descriptions are merchant text: escaped, so the only markup is our <em>.
            "encoder": "html",
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
            "highlight_query": {
                "multi_match": {"query": request.query.text, "fields": ["title", "description"]}
            },
            "fields": {
                "title": {"number_of_fragments": 0},
                "description": {"fragment_size": 160, "number_of_fragments": 1},
            },
        }
        body["suggest"] = {
            "did_you_mean": {
                "text": " ".join(request.query.exact),
                "term": {
                    "field": "title_exact",
                    "suggest_mode": "popular",
                    "analyzer": "whitespace",
                },
            }
        }
    return body


def parse_facets(aggregations: dict[str, Any]) -> dict[str, Any]:
    """The response's facet section from Elasticsearch's aggregation results."""
    facets: dict[str, Any] = {}
    levels: list[dict[str, Any]] = []
    for name, agg in sorted(aggregations.items()):
        if name == TEXT_MATCHES:
            continue
        values = agg.get("values", {}).get("buckets", [])
        if name.startswith("category@"):
            levels.append(
                {
                    "level": int(name.split("@")[1]),
                    "values": [{"value": b["key"], "count": b["doc_count"]} for b in values],
                }
            )
        elif name == "price":
            stats = agg.get("stats", {})
            facets["price"] = {
                "ranges": [{"value": b["key"], "count": b["doc_count"]} for b in values],
                "min": stats.get("min"),
                "max": stats.get("max"),
            }
        elif name == "in_stock":
            facets["in_stock"] = [
                {"value": bool(b["key"]), "count": b["doc_count"]} for b in values
            ]
        else:
            facets[name] = [{"value": b["key"], "count": b["doc_count"]} for b in values]
    if levels:
        facets["category"] = levels
    return facets
