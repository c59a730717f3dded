"""Pure logic (no servers): query normalization, facet strings, search ids, report scopes."""

from __future__ import annotations

import time
import uuid

import pytest

from catalog.analytics.events import facet_strings, issued_at, new_search_id, normalize_query


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Cordless   DRILL ", "cordless drill"),
        ("Straße", "strasse"),
        ("\uff24rill", "drill"),  # a full-width letter
        ("   ", None),
        (None, None),
        ("send to Jane.Doe@Example.com please", "send to <email> please"),
        ("x" * 300, "x" * 256),
    ],
)
def test_queries_are_normalized_and_masked(typed: str | None, stored: str | None) -> None:
    assert normalize_query(typed) == stored


def test_facet_strings_name_each_filter_value() -> None:
    applied = {
        "brand": ["Bolt", "Acme"],
        "category": "Tools > Drills",
        "price_min": None,
        "price_max": 99.5,
        "in_stock": True,
        "min_rating": 4.0,
        "attr": ["color:Black", "size:10:5"],
    }
    assert facet_strings(applied) == [
        "attributes.color:Black",
        "attributes.size:10:5",
        "brand:Acme",
        "brand:Bolt",
        "category:Tools > Drills",
        "in_stock:true",
        "min_rating:4",
        "price:*-99.5",
    ]
    assert facet_strings({"brand": [], "category": None, "attr": []}) == []


def test_search_ids_are_version_7_uuids_that_carry_their_time() -> None:
    before = time.time()
    search_id = new_search_id()
    assert search_id.version == 7
    assert search_id.variant == uuid.RFC_4122
    issued = issued_at(search_id)
    assert issued is not None
    assert before - 0.002 <= issued <= time.time() + 0.002
    assert issued_at(uuid.uuid4()) is None
    assert len({new_search_id() for _ in range(1000)}) == 1000
