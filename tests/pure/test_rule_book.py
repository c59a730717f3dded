"""Matching merchandising rules and folding them into a plan: pure, no servers, no fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from catalog.rule_book import RuleBook, Searched
from catalog.rules import Rewrite, Rule, RuleSpec
from search_api.merchandising import make_plan, rewritten, searched
from search_api.params import analyzed
from search_api.query import Filters

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _book(*specs: dict[str, Any]) -> RuleBook:
    return RuleBook(Rule(n, RuleSpec.model_validate(s)) for n, s in enumerate(specs, start=1))


def _met(book: RuleBook, q: str | None, **filters: Any) -> list[int]:
    return [r.id for r in book.match(searched(analyzed(q), Filters(**filters)), NOW)]


def test_is_contains_and_starts_with_compare_analysed_words() -> None:
    book = _book(
        {"condition": {"query": "usb cable", "match": "is"}, "hide": ["a"]},
        {"condition": {"query": "cable", "match": "contains"}, "hide": ["b"]},
        {"condition": {"query": "usb", "match": "starts_with"}, "hide": ["c"]},
    )
    assert _met(book, "USB Cables") == [1, 2, 3]
    assert _met(book, "long usb cables") == [2]
    assert _met(book, "usb hub") == [3]
    assert _met(book, "usbcable") == []
    assert _met(book, None) == []


def test_category_pages_filters_schedule_enabled_and_priority() -> None:
    book = _book(
        {"condition": {"category_page": "Furniture > Sofas"}, "hide": ["a"]},
        {"condition": {"query": "sofa", "filters": {"brand": "Harbor"}}, "hide": ["b"]},
        {"condition": {"query": "sofa"}, "hide": ["c"], "enabled": False},
        {
            "condition": {"query": "sofa"},
            "hide": ["d"],
            "schedule": {"from": (NOW + timedelta(hours=1)).isoformat()},
        },
        {"condition": {"query": "sofa"}, "hide": ["e"], "priority": 5},
        {"hide": ["f"], "priority": -1},
    )
    assert _met(book, None, category="Furniture > Sofas") == [1, 6]
    assert _met(book, "sofa", category="Furniture > Sofas") == [5, 6]
    assert _met(book, "sofa", brands=("Harbor",)) == [5, 2, 6]
    assert len(book) == 5
    assert book.seconds_valid(NOW, 300) == 300
    assert book.seconds_valid(NOW + timedelta(minutes=59, seconds=58), 300) == 2
    assert book.hidden_everywhere(NOW) == ("f",)


def test_synonym_alternatives_meet_rules_too() -> None:
    book = _book({"condition": {"query": "sofa"}, "hide": ["a"]})
    assert book.match(Searched(phrases=(("couch",), ("sofa",))), NOW)
    assert not book.match(Searched(phrases=(("couch",),)), NOW)


def test_plan_orders_pins_hides_win_and_filters_fill_in() -> None:
    book = _book(
        {
            "condition": {"query": "tv"},
            "pin": [{"product_id": "x", "position": 1}, {"product_id": "y", "position": 2}],
            "filter": {"brand": ["Acme"], "in_stock": True},
            "priority": 1,
        },
        {
            "condition": {"query": "tv"},
            "pin": [{"product_id": "z", "position": 1}, {"product_id": "x", "position": 3}],
            "hide": ["y"],
            "redirect": "/tv",
        },
    )
    plan = make_plan(book, analyzed("tv"), "tv", Filters(in_stock=False), NOW)
    assert plan.pins == ((0, "x"), (2, "z"))  # y hidden; z bumped past the taken positions
    assert plan.filters == Filters(brands=("Acme",), in_stock=False)
    assert plan.redirect == "/tv"
    assert plan.rules == (1, 2)


def test_rewrite_compares_words_as_analysed() -> None:
    rewrite = Rewrite.model_validate(
        {"remove": ["cheap"], "replace": [{"from": "telly", "to": "tv"}]}
    )
    assert rewritten("Cheap TELLIES 55in", rewrite) == "tv 55in"
