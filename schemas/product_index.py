"""The product index: its mapping, its settings, and the document builder from a PostgreSQL row.

Language analysis happens in Python (`analyzers/`), so every analysed field here holds tokens already
made by the same code that analyses queries, mapped with Elasticsearch's core `whitespace` analyzer.
That works the same on the minimal node of these machines and on the full official image. Beside each
analysed field stands a twin for display and highlighting (`standard` analyzer), keyword fields for
facets, numbers for ranges and sorting, and a completion field for autocomplete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Double,
    Flattened,
    Float,
    Integer,
    Keyword,
    Long,
    Text,
)

from analyzers import ANALYZER_VERSION, analyze, analyze_many
from schemas.product import category_levels, category_segments

#: Documents in Elasticsearch carry this schema version beside the analyzer's: either changing means
#: the existing index no longer matches what the code would build, and a reindex is due.
MAPPING_VERSION = "3"
CATEGORY_LEVELS = 4
SUGGEST_INPUT_MAX = 60
TOKENS = "whitespace"
TITLE_PROFILES = ("stemmed", "exact", "shingles", "prefixes")
ALL_CATEGORIES = "_all"
TOKEN_FIELDS = (
    "title_stem",
    "title_exact",
    "title_shingles",
    "title_prefixes",
    "description_stem",
    "brand_stem",
    "category_stem",
)


#: BM25 for short fields (titles, brand and category names), declared in `index_settings()`.
#: A title repeats a word for form ("Gutter Grabber Gutter Cleaning Tool"), not because it is more
#: about it, so term frequency saturates early (k1 0.5 instead of 1.2); and a long title is long
#: because it lists specifications, not because it wanders off topic, so length counts less (b 0.5
#: instead of 0.75). Prose fields (the description) keep Elasticsearch's defaults.
SHORT_TEXT = "short_text"
SHORT_TEXT_BM25 = {"type": "BM25", "k1": 0.5, "b": 0.5}


def _tokens(**kwargs: Any) -> Text:
    """A field holding tokens made by `analyzers/`; norms kept so BM25 weighs short titles."""
    return Text(analyzer=TOKENS, search_analyzer=TOKENS, **kwargs)


def _short_tokens(**kwargs: Any) -> Text:
    """A token field of short text (a title, a name), scored with `SHORT_TEXT_BM25`."""
    return _tokens(similarity=SHORT_TEXT, **kwargs)


class ProductDocument(Document):
    """The mapping of the product index (see docs/product-json.md for the canonical product)."""

    product_id = Keyword()
    sku = Keyword()
    title = Text(analyzer="standard")
    title_stem = _short_tokens()
    title_exact = _short_tokens()
    title_shingles = _short_tokens()
    title_prefixes = _tokens(index_options="docs", norms=False)
    description = Text(analyzer="standard")
    description_stem = _tokens()
    brand = Keyword()
    brand_stem = _short_tokens()
    category = Keyword()
    category_levels = Keyword()
    category_stem = _short_tokens()
    price = Double()
    sale_price = Double()
    effective_price = Double()
    currency = Keyword()
    stock = Integer()
    in_stock = Boolean()
    attributes = Flattened()
    rating = Float()
    review_count = Integer()
    popularity = Long()
    image = Keyword(index=False, doc_values=False)
    created_at = Date()
    version = Long()
    checksum = Keyword()
    suggest = Completion(
        analyzer="simple",
        search_analyzer="simple",
        contexts=[{"name": "category", "type": "category", "path": "category_levels"}],
    )

    class Meta:
        dynamic = "strict"


# Category levels are separate keyword fields so a hierarchical facet counts one level at a time.
for _level in range(CATEGORY_LEVELS):
    ProductDocument._doc_type.mapping.field(f"category_lvl{_level}", Keyword())


def index_settings(*, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "refresh_interval": "1s",
        # Deletes keep their external version this long, so a late, stale write cannot resurrect a
        # deleted product while a retried job is still in flight.
        "gc_deletes": "1h",
        "max_result_window": 10_000,
        "similarity": {SHORT_TEXT: dict(SHORT_TEXT_BM25)},
    }


def index_mapping() -> dict[str, Any]:
    mapping: dict[str, Any] = ProductDocument._doc_type.mapping.to_dict()
    mapping["_meta"] = {"analyzer_version": ANALYZER_VERSION, "mapping_version": MAPPING_VERSION}
    # Token fields are indexed, not stored: they are rebuilt from PostgreSQL and never read back,
    # and keeping them out of _source cuts what every bulk request makes Elasticsearch store.
    mapping["_source"] = {"excludes": list(TOKEN_FIELDS)}
    return mapping


def schema_version() -> str:
    """What a built index must match: the analysis and the mapping together."""
    return f"{ANALYZER_VERSION}-m{MAPPING_VERSION}"


# -- documents ------------------------------------------------------------------------------------


def _money(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _joined(text: str | None, profile: str) -> str:
    return " ".join(analyze(text, profile)) if text else ""


def checksum(row: Mapping[Any, Any]) -> str:
    """A digest of everything the document is built from, so `catalog verify` sees content drift."""
    payload = {key: row.get(key) for key in SOURCE_COLUMNS}
    encoded = orjson.dumps(payload, default=str, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(encoded + schema_version().encode(), digest_size=12).hexdigest()


#: The row fields (see `catalog.products.PRODUCT_ROWS`) the document is built from.
SOURCE_COLUMNS = (
    "id",
    "sku",
    "title",
    "description",
    "brand",
    "category",
    "price",
    "sale_price",
    "currency",
    "stock",
    "attributes",
    "rating",
    "review_count",
    "popularity",
    "image",
    "created_at",
    "version",
)


def build_document(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The search document of one live product row (brand name and category path joined in)."""
    title: str = row["title"]
    category: str | None = row.get("category")
    segments = category_segments(category) if category else []
    levels = category_levels(category) if category else []
    price = _money(row.get("price"))
    sale_price = _money(row.get("sale_price"))
    stock = int(row.get("stock") or 0)
    created_at: datetime | None = row.get("created_at")
    suggest_inputs = [title[:SUGGEST_INPUT_MAX]]
    if row.get("brand"):
        suggest_inputs.append(row["brand"])
    suggest_inputs.extend(segments[-1:])
    # One pass over the title for all four profiles: they share normalisation and tokenization.
    title_terms = analyze_many(title, TITLE_PROFILES)
    document: dict[str, Any] = {
        "product_id": row["id"],
        "sku": row.get("sku"),
        "title": title,
        "title_stem": " ".join(title_terms["stemmed"]),
        "title_exact": " ".join(title_terms["exact"]),
        "title_shingles": " ".join(title_terms["shingles"]),
        "title_prefixes": " ".join(title_terms["prefixes"]),
        "description": row.get("description"),
        "description_stem": _joined(row.get("description"), "stemmed"),
        "brand": row.get("brand"),
        "brand_stem": _joined(row.get("brand"), "stemmed"),
        "category": category,
        "category_levels": levels,
        "category_stem": _joined(" ".join(segments), "stemmed"),
        "price": price,
        "sale_price": sale_price,
        "effective_price": sale_price if sale_price is not None else price,
        "currency": row.get("currency") or "USD",
        "stock": stock,
        "in_stock": stock > 0,
        "attributes": _flat_attributes(row.get("attributes") or {}),
        "rating": row.get("rating"),
        "review_count": row.get("review_count") or 0,
        "popularity": row.get("popularity") or 0,
        "image": row.get("image"),
        "created_at": created_at.isoformat() if created_at else None,
        "version": row["version"],
        "checksum": checksum(row),
        "suggest": {
            "input": suggest_inputs,
            "weight": _suggest_weight(row.get("popularity") or 0),
            # Completion queries must name a context: "_all" lets autocomplete search everything.
            "contexts": {"category": [*levels, ALL_CATEGORIES]},
        },
    }
    for level in range(CATEGORY_LEVELS):
        document[f"category_lvl{level}"] = levels[level] if level < len(levels) else None
    return document


def _flat_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute values as strings (flattened fields are keywords); lists stay lists."""
    flat: dict[str, Any] = {}
    for key, value in attributes.items():
        if isinstance(value, list):
            flat[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            flat[key] = "true" if value else "false"
        else:
            flat[key] = str(value)
    return flat


def _suggest_weight(popularity: int) -> int:
    """Completion weights are ints below 2^31; popularity can be larger, so it is compressed."""
    return max(1, min(2**31 - 1, int(popularity) // 10 + 1))
