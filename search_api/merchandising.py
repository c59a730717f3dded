"""Applying the merchandising rules a search meets: to its request, and around its response.

The rules met (`catalog.rule_book`) are folded into a `Plan`, highest priority first: hidden
products are excluded in the query itself (so facet counts skip them too); boosts and buries become
`Boost` factors; a rule's filters fill in the filters the shopper did not choose (the shopper's own
choice wins); the first rule that rewrites the query rewrites it (words compared as analysed); the
first redirect wins; every banner is shown (up to `MAX_BANNERS`). Hide wins over pin.

Pins: our Elasticsearch has no `pinned` query, so they are placed here. The pinned products that
pass the search's filters (and are not hidden) are fetched with one `ids` query; the organic query
leaves them out of its hits (`SearchRequest.unlisted`, a post filter, so facets still count them)
and they are spliced in at their positions: pin i (in position order) lands at
min(position, organic total + i), so a pin past the last organic result closes up behind it, and a
page is always a window [at, at + per_page) of one fixed sequence: no duplicates, no gaps, the total
counting each pin once. Positions are 1-based in the rule, 0-based here. Two rules pinning one
position: the higher-priority one takes it, the other the next free position.

Cursors: through pinned results, `next_cursor` is `p<position>.<organic cursor>`: the sequence
position of the next result and the sort values of the last organic result shown (empty when the
organic results are exhausted or none was shown yet). Plain cursors (made before a pin rule
applied) keep working: the pins are then behind them, not shown again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from analyzers import AnalyzedQuery, SynonymExpander
from catalog.ranking import OutOfStock
from catalog.rule_book import RuleBook, Searched
from catalog.rules import FilterSpec, Rewrite, Rule, Target, phrase
from search_api.params import analyzed
from search_api.query import Boost, Filters, SearchRequest, all_except, filter_clauses
from search_api.search import _hit, encode_cursor, run_search

MAX_BANNERS = 5
PINNED_CURSOR = "p"
#: What `search_api.search._hit` reads from a pinned product.
PINNED_SOURCE = [
    "product_id",
    "title",
    "brand",
    "price",
    "effective_price",
    "currency",
    "in_stock",
    "image",
    "category",
    "rating",
    "review_count",
]


@dataclass(frozen=True)
class Plan:
    """What the rules a search meets do to it."""

    filters: Filters
    text: str | None
    rules: tuple[int, ...] = ()
    pins: tuple[tuple[int, str], ...] = ()
    """(0-based position, product id), in position order."""
    hidden: tuple[str, ...] = ()
    boosts: tuple[Boost, ...] = ()
    redirect: str | None = None
    banners: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def searched(query: AnalyzedQuery | None, filters: Filters) -> Searched:
    """What conditions look at: the stemmed words and each synonym alternative, and the filters."""
    phrases: tuple[tuple[str, ...], ...] = ()
    if query is not None:
        words = tuple(query.phrase)
        alternatives = tuple(
            words[: e.start] + tuple(e.phrase) + words[e.end :]
            for e in query.expansions
            if e.phrase
        )
        phrases = (words, *alternatives)
    return Searched(phrases, filters.brands, filters.category, filters.attributes)


def target_clause(target: Target) -> dict[str, Any]:
    if target.brand is not None:
        return {"term": {"brand": target.brand}}
    if target.category is not None:
        return {"term": {"category_levels": target.category}}
    name, _, value = (target.attr or "").partition(":")
    return {"term": {f"attributes.{name}": value}}


def _with_rule_filters(filters: Filters, spec: FilterSpec) -> Filters:
    """The rule's filters where the shopper chose none of the same kind."""
    attributes = dict(filters.attributes)
    for item in spec.attr:
        name, _, value = item.partition(":")
        if name not in dict(filters.attributes):
            attributes[name] = (*attributes.get(name, ()), value)
    return dataclasses.replace(
        filters,
        brands=filters.brands or tuple(sorted(set(spec.brand))),
        category=filters.category or spec.category,
        in_stock=filters.in_stock if filters.in_stock is not None else spec.in_stock,
        price_min=filters.price_min if filters.price_min is not None else spec.price_min,
        price_max=filters.price_max if filters.price_max is not None else spec.price_max,
        attributes=tuple(sorted(attributes.items())),
    )


def rewritten(text: str, rewrite: Rewrite) -> str:
    """The typed text with words removed or replaced, each compared as the analyzer sees it."""
    removed = {phrase(word) for word in rewrite.remove}
    replaced = {phrase(r.from_): r.to for r in rewrite.replace}
    words = []
    for word in text.split():
        key = phrase(word)
        if key and key in removed:
            continue
        words.append(replaced.get(key, word) if key else word)
    return " ".join(w for w in words if w)


def make_plan(
    book: RuleBook,
    query: AnalyzedQuery | None,
    text: str | None,
    filters: Filters,
    now: datetime,
) -> Plan:
    matched: list[Rule] = book.match(searched(query, filters), now) if len(book) else []
    if not matched:
        return Plan(filters, text)
    hidden: set[str] = set()
    taken: dict[int, str] = {}
    boosts: list[Boost] = []
    redirect: str | None = None
    banners: list[dict[str, Any]] = []
    rewrite: Rewrite | None = None
    for rule in matched:
        spec = rule.spec
        hidden.update(spec.hide)
        for pin in spec.pin:
            if pin.product_id in taken.values():
                continue
            position = pin.position - 1
            while position in taken:
                position += 1
            taken[position] = pin.product_id
        boosts.extend(Boost(target_clause(b.filter), b.weight) for b in spec.boost)
        if spec.filter is not None:
            filters = _with_rule_filters(filters, spec.filter)
        rewrite = rewrite or spec.rewrite
        redirect = redirect or spec.redirect
        if spec.banner is not None and len(banners) < MAX_BANNERS:
            banners.append(spec.banner.model_dump(mode="json", exclude_none=True))
    return Plan(
        filters=filters,
        text=rewritten(text, rewrite) if text and rewrite else text,
        rules=tuple(rule.id for rule in matched),
        pins=tuple((p, product) for p, product in sorted(taken.items()) if product not in hidden),
        hidden=tuple(sorted(hidden)),
        boosts=tuple(boosts),
        redirect=redirect,
        banners=tuple(banners),
    )


def read_cursor(cursor: str | None, page: int, per_page: int) -> tuple[str | None, int | None]:
    """The organic cursor and the sequence position a page starts at (None: a plain cursor, whose
    position is unknown). Raise ValueError on a malformed pinned cursor."""
    if cursor is None:
        return None, (page - 1) * per_page
    if not cursor.startswith(PINNED_CURSOR):
        return cursor, None
    position, dot, organic = cursor[len(PINNED_CURSOR) :].partition(".")
    if not dot or not position.isdigit() or len(position) > 6:
        raise ValueError("cursor is malformed")
    return organic or None, int(position)


def _live_pins(
    es: Elasticsearch, index: str, request: SearchRequest, pins: tuple[tuple[int, str], ...]
) -> list[tuple[int, dict[str, Any]]]:
    """The pinned products that pass the search's filters and are not hidden (by a rule, or by
    the ranking settings' out-of-stock policy), as hits."""
    ids = [product for _, product in pins]
    query: dict[str, Any] = {
        "bool": {
            "filter": [{"ids": {"values": ids}}, *all_except(filter_clauses(request.filters), "")]
        }
    }
    must_not: list[dict[str, Any]] = []
    if request.excluded:
        must_not.append({"ids": {"values": list(request.excluded)}})
    if request.ranking.out_of_stock is OutOfStock.hide:  # what the organic query leaves out too
        must_not.append({"term": {"in_stock": False}})
    if must_not:
        query["bool"]["must_not"] = must_not
    response = es.search(
        index=index, query=query, size=len(ids), source_includes=PINNED_SOURCE
    ).body
    found = {hit["_id"]: hit for hit in response["hits"]["hits"]}
    return [
        (position, {**_hit(found[product]), "pinned": True})
        for position, product in pins
        if product in found
    ]


def _window(placed: list[int], at: int, size: int) -> tuple[int, int]:
    """How many pins come before the page, and how many are on it."""
    before = sum(p < at for p in placed)
    return before, sum(at <= p < at + size for p in placed)


def _spliced(
    es: Elasticsearch,
    index: str,
    request: SearchRequest,
    pinned: list[tuple[int, dict[str, Any]]],
    at: int | None,
) -> dict[str, Any]:
    ids = tuple(hit["id"] for _, hit in pinned)
    organic = dataclasses.replace(request, unlisted=ids)
    if at is None:  # a plain cursor: past the pins
        body = run_search(es, index, organic)
        body["total"]["value"] += len(ids)
        return body
    targets = [position for position, _ in pinned]
    size = request.size
    placed = targets  # assuming organic results past every pin; corrected below if not

    def organic_page(before: int, on_page: int) -> dict[str, Any]:
        offset = at - before if request.search_after is None else 0
        return run_search(
            es, index, dataclasses.replace(organic, size=size - on_page, offset=offset)
        )

    window = _window(placed, at, size)
    body = organic_page(*window)
    total = body["total"]["value"]
    placed = [min(t, total + i) for i, t in enumerate(targets)]
    if _window(placed, at, size) != window:  # fewer organic results than pin positions
        window = _window(placed, at, size)
        body = organic_page(*window)
    by_position = {p: hit for p, (_, hit) in zip(placed, pinned, strict=True)}
    organic_hits = iter(body["hits"])
    page: list[dict[str, Any]] = []
    for position in range(at, at + size):
        hit = by_position.get(position) or next(organic_hits, None)
        if hit is not None:
            page.append(hit)
    shown_organic = size - window[1]
    everything = total + len(ids)
    end = at + len(page)
    next_cursor = None
    if len(page) == size and end < everything:
        if shown_organic and body["hits"]:
            organic_cursor = body["next_cursor"] or ""
        elif request.search_after is not None:
            organic_cursor = encode_cursor(request.search_after)
        else:
            organic_cursor = ""
        next_cursor = f"{PINNED_CURSOR}{end}.{organic_cursor}"
    body["hits"] = page
    body["total"]["value"] = everything
    body["next_cursor"] = next_cursor
    return body


def search(
    es: Elasticsearch,
    index: str,
    book: RuleBook,
    text: str | None,
    expander: SynonymExpander | None,
    base: SearchRequest,
    *,
    at: int | None,
    now: datetime,
) -> dict[str, Any]:
    """The search with the rules it meets applied; `at` is where the page starts in the merged
    sequence (None for a plain cursor)."""
    query = analyzed(text, expander)
    plan = make_plan(book, query, text, base.filters, now)
    if plan.text != text:
        query = analyzed(plan.text, expander)
    request = dataclasses.replace(
        base,
        query=query,
        filters=plan.filters,
        excluded=base.excluded + plan.hidden,
        boosts=base.boosts + plan.boosts,
        offset=at if at is not None else base.offset,
    )
    pinned = _live_pins(es, index, request, plan.pins) if plan.pins else []
    body = _spliced(es, index, request, pinned, at) if pinned else run_search(es, index, request)
    body["rules"] = list(plan.rules)
    body["redirect"] = plan.redirect
    body["banners"] = list(plan.banners)
    if plan.text != text:
        body["rewritten_query"] = plan.text
    return body


def hidden_for(book: RuleBook, text: str | None, now: datetime) -> tuple[str, ...]:
    """Products hidden for what was typed (rules on its words, and rules without a condition):
    what autocomplete leaves out."""
    if not len(book):
        return ()
    query = analyzed(text)
    return make_plan(book, query, text, Filters(), now).hidden


def drop_hidden(response: dict[str, Any], hidden: tuple[str, ...]) -> dict[str, Any]:
    """An autocomplete response without the hidden products' completions and hits."""
    if not hidden:
        return response
    gone = set(hidden)
    for entry in response.get("suggest", {}).get("completion", []):
        entry["options"] = [
            o
            for o in entry.get("options", [])
            if o.get("_source", {}).get("product_id") not in gone
        ]
    hits = response.get("hits", {})
    hits["hits"] = [h for h in hits.get("hits", []) if h["_source"]["product_id"] not in gone]
    return response


def without(query: dict[str, Any], hidden: tuple[str, ...]) -> dict[str, Any]:
    """An Elasticsearch query that never matches the hidden products."""
    if not hidden:
        return query
    return {"bool": {"must": [query], "must_not": [{"ids": {"values": list(hidden)}}]}}
