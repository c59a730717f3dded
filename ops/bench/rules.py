"""`catalog bench rules`: what 10,000 merchandising rules cost a search.

The rules are matched through an in-memory index (`catalog.rule_book`), so a search should pay a
few dictionary lookups, not a scan. This bench measures /search p50 against a real `catalog serve`
(cache off) with no rules, then with `rules` rules: synthetic conditions (`is`, `contains`,
`starts_with` on made-up words, and category pages) that the bench's queries never meet, plus one
banner rule on each word the bench searches, so every search also meets and applies a rule. It
reports the in-process matching time too (rule book lookup and plan, per search), which the HTTP
figures' noise would hide. The rules are removed after.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from statistics import median

import httpx

from catalog.connections import redis_client
from catalog.rule_book import RuleBook
from catalog.rules import Rule, RuleSpec, import_rules
from catalog.versions import RULES, announce
from ops.bench.concurrency import http_get, timed
from ops.bench.data import Prepared
from ops.bench.processes import api_server
from ops.bench.report import Section, fmt, step
from ops.bench.search import WORDS, request_mix
from ops.bench.synonym_import import synthetic_rules as synonym_lines
from search_api.merchandising import make_plan
from search_api.params import analyzed
from search_api.query import Filters

MATCHES = ("is", "contains", "starts_with")
ROUNDS = 3


def synthetic_rules(count: int) -> list[RuleSpec]:
    """`count` rules: one banner on each bench word, the rest on made-up words and categories."""
    specs = [
        RuleSpec.model_validate(
            {"condition": {"query": word, "match": "contains"}, "banner": {"text": f"About {word}"}}
        )
        for word in sorted(set(WORDS))
    ]
    # Made-up phrases no query meets (`kbc pbc`): the synonym bench's words, stemmer-proof.
    phrases = [
        line.split(",")[0] + " p" + line.split(",")[0][1:]
        for line in synonym_lines(count).splitlines()
    ]
    for number in range(max(0, count - len(specs))):
        kind = number % 4
        if kind == 3:
            condition = {"category_page": f"Bench > Page {number}"}
        else:
            condition = {"query": phrases[number], "match": MATCHES[kind]}
        specs.append(
            RuleSpec.model_validate(
                {
                    "condition": condition,
                    "hide": [f"bench-hidden-{number}"],
                    "boost": [{"filter": {"brand": f"Brand {number}"}, "weight": 2}],
                }
            )
        )
    return specs[:count]


@dataclass
class RulesFigures:
    size: int
    rules: int
    without: list[float] = field(default_factory=list)
    with_rules: list[float] = field(default_factory=list)
    reload_seconds: float = 0.0
    match_us: float = 0.0

    def section(self) -> Section:
        p50_without = median(self.without) if self.without else None
        p50_with = median(self.with_rules) if self.with_rules else None
        overhead = (
            p50_with - p50_without if p50_with is not None and p50_without is not None else None
        )
        rows = [
            ("products indexed", f"{self.size:,}", ""),
            ("rules in force", f"{self.rules:,}", ""),
            ("/search p50 without rules (ms)", fmt(p50_without, ".2f"), "(peer)"),
            (f"/search p50 with {self.rules:,} rules (ms)", fmt(p50_with, ".2f"), ""),
            ("p50 overhead (ms)", fmt(overhead, ".2f"), "<= 1"),
            ("rule matching and plan per search, in process (µs)", fmt(self.match_us, ".1f"), ""),
            (
                "rule book index build (s)",
                fmt(self.reload_seconds, ".2f"),
                "",
            ),
        ]
        notes = (
            "One client sends the bench's text searches one by one to `catalog serve --workers 1` "
            f"with the cache off, in {ROUNDS} alternating passes without rules and with them, "
            "after a warm-up pass; "
            "every search meets one banner rule. Client, API, PostgreSQL and Elasticsearch share "
            "the machine's cores, so the HTTP overhead is within noise; the in-process figure is "
            "the rule book's own cost."
        )
        return Section(f"Merchandising rules: /search with {self.rules:,} rules", rows, notes=notes)


def _match_micros(book: RuleBook, queries: list[str]) -> float:
    analysed = [(q, analyzed(q)) for q in queries]
    now = datetime.now(UTC)
    started = time.perf_counter()
    for text, query in analysed:
        make_plan(book, query, text, Filters(), now)
    return (time.perf_counter() - started) / max(1, len(analysed)) * 1e6


def bench_rules(prepared: Prepared, *, rules: int, port: int) -> RulesFigures:
    figures = RulesFigures(prepared.size, rules)
    mix = request_mix(prepared.es, prepared.alias, size=200)
    specs = synthetic_rules(rules)
    redis = redis_client(prepared.settings)
    prefix = prepared.settings.index_prefix

    def clear() -> None:
        with prepared.engine.begin() as conn:
            version = import_rules(conn, [], actor="bench", replace_all=True)
        announce(redis, prefix, RULES, version)

    base = f"http://127.0.0.1:{port}"
    try:
        with (
            api_server(prepared.settings, port, cache=False, workers=1),
            httpx.Client(base_url=base, timeout=60) as http,
        ):
            search = http_get(http, "/search")
            step("rules: warming up (the whole mix, no rules)")
            clear()
            timed(search, mix.search)
            started = time.perf_counter()
            book = RuleBook(Rule(n, spec) for n, spec in enumerate(specs, start=1))
            figures.reload_seconds = time.perf_counter() - started
            figures.match_us = _match_micros(book, [str(p["q"]) for p in mix.search])
            # Alternating passes, so a drift of the machine (caches, other load) falls on both.
            for round_ in range(1, ROUNDS + 1):
                step(f"rules: round {round_}/{ROUNDS}: /search without rules")
                clear()
                timed(search, mix.search[:10])  # the API reloads its (empty) rules
                figures.without += timed(search, mix.search)
                step(f"rules: round {round_}/{ROUNDS}: /search with {rules:,} rules")
                with prepared.engine.begin() as conn:
                    version = import_rules(conn, specs, actor="bench", replace_all=True)
                announce(redis, prefix, RULES, version)
                timed(search, mix.search[:10])  # the API reloads its rule book
                figures.with_rules += timed(search, mix.search)
    finally:
        clear()  # the bench catalog has no rules: as it was
    return figures
