"""Product lists for the product page: more like this one (`/similar`, Elasticsearch's
`more_like_this`), and the event-based lists (`/also-viewed`, `/also-bought`) topped up with it.

The event-based list comes from `catalog.analytics.recommendations` (PostgreSQL); its products are
read from the index, so a product deleted since its events is left out, and every list answers
the same fields. Each product says where it came from (`source`): the shoppers' sessions
(`also_viewed` / `also_bought`, with how many `sessions` shared it) or `similar`, which fills the
list when the sessions name fewer products than asked for, after them and without repeats.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from sqlalchemy import Engine

from catalog.analytics.recommendations import Signal, co_products
from indexer.indices import alias_name
from search_api.merchandising import without

FIELDS = ["product_id", "title", "brand", "effective_price", "image"]
SIMILAR = "similar"


def _card(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": source["product_id"],
        "title": source["title"],
        "brand": source.get("brand"),
        "price": source.get("effective_price"),
        "image": source.get("image"),
    }


def product_exists(es: Elasticsearch, prefix: str, product_id: str) -> bool:
    return bool(es.exists(index=alias_name(prefix), id=product_id))


def similar(
    es: Elasticsearch, prefix: str, product_id: str, size: int, excluded: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Products like `product_id` by title, description and category, best first; never the
    `excluded` ones (hidden by merchandising rules)."""
    index = alias_name(prefix)
    response = es.search(
        index=index,
        size=size,
        source_includes=FIELDS,
        query=without(
            {
                "more_like_this": {
                    "fields": ["title", "description", "category_levels"],
                    "like": [{"_index": index, "_id": product_id}],
                    "min_term_freq": 1,
                    "min_doc_freq": 1,
                    "max_query_terms": 30,
                }
            },
            excluded,
        ),
    )
    return [_card(hit["_source"]) for hit in response["hits"]["hits"]]


def _cards(es: Elasticsearch, prefix: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The products of `ids` the index holds, by id (a deleted product is simply absent)."""
    if not ids:
        return {}
    response = es.mget(index=alias_name(prefix), ids=ids, source_includes=FIELDS)
    return {doc["_id"]: _card(doc["_source"]) for doc in response["docs"] if doc.get("found")}


def recommended(
    engine: Engine,
    es: Elasticsearch,
    prefix: str,
    product_id: str,
    signal: Signal,
    size: int,
    excluded: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Up to `size` products: the sessions' first, then `similar` ones not listed yet; never the
    `excluded` ones."""
    shared = co_products(engine, product_id, signal, limit=size)
    cards = _cards(es, prefix, [co.product_id for co in shared])
    listed = [
        {**cards[co.product_id], "source": signal.value, "sessions": co.sessions}
        for co in shared
        if co.product_id in cards and co.product_id not in excluded
    ]
    if len(listed) < size:
        seen = {product_id, *(card["id"] for card in listed)}
        for card in similar(es, prefix, product_id, size + len(seen), excluded):
            if len(listed) == size:
                break
            if card["id"] not in seen:
                listed.append({**card, "source": SIMILAR, "sessions": 0})
                seen.add(card["id"])
    return listed
