"""Running a search: one Elasticsearch request, a relaxed retry on zero results, the response shape."""

from __future__ import annotations

import base64
import dataclasses
import math
import time
from typing import Any

import orjson
from elasticsearch import Elasticsearch

from search_api.query import (
    SORTS,
    TEXT_MATCHES,
    TOTAL_BOUND,
    SearchRequest,
    build_search,
    parse_facets,
)


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(sort_values)).decode()


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """Raise ValueError on anything but a cursor this API could have written for `sort`.

    One finite number or NUL-free string per sort key: Elasticsearch writes a missing value as
    the string "Infinity", and a value of the wrong kind for its field it refuses with a 400
    that the route answers as a bad cursor (422 naming `cursor`).
    """
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise ValueError("cursor is malformed") from exc
    if not isinstance(values, list) or len(values) != len(SORTS[sort]):
        raise ValueError(f"cursor is malformed or was made for another sort than {sort}")
    for value in values:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        text = isinstance(value, str) and "\x00" not in value
        if not ((number and math.isfinite(value)) or text):
            raise ValueError("cursor is malformed")
    return values


def _hit(hit: dict[str, Any]) -> dict[str, Any]:
    source = hit["_source"]
    return {
        "id": source["product_id"],
        "title": source["title"],
        "brand": source.get("brand"),
        "category": source.get("category"),
        "price": source.get("effective_price"),
        "list_price": source.get("price"),
        "currency": source.get("currency"),
        "availability": "in_stock" if source.get("in_stock") else "out_of_stock",
        "rating": source.get("rating"),
        "review_count": source.get("review_count"),
        "image": source.get("image"),
        "highlight": hit.get("highlight", {}),
        "score": hit.get("_score"),
    }


def _did_you_mean(response: dict[str, Any]) -> str | None:
    entries = response.get("suggest", {}).get("did_you_mean", [])
    words = []
    changed = False
    for entry in entries:
        options = entry.get("options") or []
        if options:
            words.append(options[0]["text"])
            changed = True
        else:
            words.append(entry["text"])
    return " ".join(words) if changed else None


def run_search(es: Elasticsearch, index: str, request: SearchRequest) -> dict[str, Any]:
    started = time.perf_counter()
    body = build_search(request)
    response = es.search(index=index, body=body).body
    took = response["took"]
    relaxed = None
    # Relax the words only when the words matched nothing: zero results because of the shopper's
    # filters is an answer, not a reason to loosen the text.
    text_matches = response.get("aggregations", {}).get(TEXT_MATCHES, {}).get("doc_count", 0)
    if (
        response["hits"]["total"]["value"] == 0
        and text_matches == 0
        and request.query is not None
        and not request.relaxed
    ):
        retry = dataclasses.replace(request, relaxed=True)
        second = es.search(index=index, body=build_search(retry)).body
        took += second["took"]
        if second["hits"]["total"]["value"]:
            relaxed = "all query words required -> any query word, ranked by how many match"
            did_you_mean = _did_you_mean(response)
            response = second
        else:
            did_you_mean = _did_you_mean(response)
    else:
        did_you_mean = _did_you_mean(response) if response["hits"]["total"]["value"] == 0 else None
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]
    next_cursor = encode_cursor(hits[-1]["sort"]) if hits and len(hits) == request.size else None
    return {
        "hits": [_hit(hit) for hit in hits],
        "total": {
            "value": total["value"],
            "exact": total["relation"] == "eq",
            "bound": TOTAL_BOUND,
        },
        "facets": parse_facets(response.get("aggregations", {})),
        "relaxed": relaxed,
        "did_you_mean": did_you_mean,
        "next_cursor": next_cursor,
        "took_ms": {
            "elasticsearch": took,
            "search": round((time.perf_counter() - started) * 1000, 2),
        },
    }
