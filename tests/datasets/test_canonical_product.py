"""The canonical product model and its JSON form.

Pure logic, no servers: these tests need neither PostgreSQL, Elasticsearch nor Redis.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from schemas.product import (
    CanonicalProduct,
    category_path,
    category_segments,
    to_canonical_dict,
    to_json_line,
)

MINIMAL: dict[str, Any] = {"id": "p-1", "title": "Widget"}
FULL: dict[str, Any] = {
    "id": "p-0000001",
    "sku": "SKU-1",
    "title": 'Acme XR-55A80J 55" 4K UHD Smart LED Television',
    "description": "A television.",
    "brand": "Acme",
    "category": "Electronics > TVs & Home Theater > Televisions",
    "price": 499.99,
    "sale_price": "449.00",
    "currency": "USD",
    "stock": 3,
    "attributes": {"screen_size": 55, "color": "Black", "smart": True, "ports": ["HDMI", "USB"]},
    "rating": 4.5,
    "review_count": 12,
    "popularity": 99,
    "image": "https://img.example.com/p/p-0000001.jpg",
}


def _error_fields(data: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        CanonicalProduct.model_validate(data)
    return {str(error["loc"][0]) for error in caught.value.errors()}


def test_only_id_and_title_are_required() -> None:
    product = CanonicalProduct.model_validate(MINIMAL)
    assert product.currency == "USD"
    assert product.attributes == {}
    assert product.price is None
    assert _error_fields({"title": "x"}) == {"id"}
    assert _error_fields({"id": "x"}) == {"title"}


def test_a_full_product_validates() -> None:
    product = CanonicalProduct.model_validate(FULL)
    assert product.price == Decimal("499.99")
    assert product.sale_price == Decimal("449.00")
    assert product.attributes["smart"] is True  # bools stay bools, not 1
    assert product.attributes["screen_size"] == 55


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", ""),
        ("id", "p 1"),
        ("id", "p-1\n"),
        ("id", "x" * 129),
        ("title", "   "),
        ("title", "x" * 1001),
        ("sku", ""),
        ("brand", "  "),
        ("description", ""),
        ("category", ""),
        ("category", "A >  > C"),
        ("category", "A > B >"),
        ("price", -1),
        ("price", "1.999"),
        ("price", "abc"),
        ("price", float("nan")),
        ("price", True),
        ("price", "12345678901.00"),
        ("currency", "usd"),
        ("currency", "US"),
        ("currency", "EURO"),
        ("stock", -1),
        ("stock", 1.5),
        ("stock", True),
        ("attributes", {"color": {"nested": "no"}}),
        ("attributes", {"": "empty name"}),
        ("attributes", {"has space": "x"}),
        ("attributes", {"weight": float("inf")}),
        ("attributes", {"tags": ["a", 1.5]}),
        ("rating", 5.1),
        ("rating", -0.1),
        ("review_count", -3),
        ("popularity", -1),
        ("image", "not a url"),
        ("image", "ftp://example.com/a.jpg"),
        ("image", "https://example.com/a b.jpg"),
        ("created_at", "2024-01-01T00:00:00"),  # naive: whose midnight?
        ("updated_at", "yesterday"),
    ],
)
def test_each_bad_field_is_an_error_naming_that_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        CanonicalProduct.model_validate({**FULL, field: value})
    assert {str(error["loc"][0]) for error in caught.value.errors()} == {field}
    assert field in str(caught.value)


def test_an_unknown_field_is_an_error_naming_it() -> None:
    with pytest.raises(ValidationError) as caught:
        CanonicalProduct.model_validate({**MINIMAL, "colour": "red"})
    (error,) = caught.value.errors()
    assert error["loc"] == ("colour",)
    assert error["type"] == "extra_forbidden"
    assert "colour" in str(caught.value)


def test_sale_price_must_not_exceed_price_and_needs_one() -> None:
    assert _error_fields({**MINIMAL, "price": 10, "sale_price": 10.01}) == {"sale_price"}
    assert _error_fields({**MINIMAL, "sale_price": 5}) == {"sale_price"}
    # equal is allowed; a bad price is reported once, on price, not again on sale_price
    CanonicalProduct.model_validate({**MINIMAL, "price": 10, "sale_price": 10})
    assert _error_fields({**MINIMAL, "price": -1, "sale_price": 5}) == {"price"}


def test_values_are_normalised() -> None:
    product = CanonicalProduct.model_validate(
        {
            **MINIMAL,
            "title": "  Widget  ",
            "category": "Home>  Tools  >Power   Drills",
            "price": 5,
            "attributes": {"b": 1, "a": 2},
        }
    )
    assert product.title == "Widget"
    assert product.category == "Home > Tools > Power Drills"
    assert str(product.price) == "5.00"
    assert list(product.attributes) == ["a", "b"]
    # a rating read back from a REAL column loses its float noise
    assert CanonicalProduct.model_validate({**MINIMAL, "rating": 4.400000095367432}).rating == 4.4


def test_json_line_is_deterministic_compact_and_round_trips() -> None:
    product = CanonicalProduct.model_validate(FULL)
    line = to_json_line(product)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert line.startswith(b'{"id":"p-0000001","sku":"SKU-1","title":')
    data = orjson.loads(line)
    assert data["price"] == 499.99  # a JSON number, not a string
    assert data["sale_price"] == 449.0
    assert list(data["attributes"]) == sorted(data["attributes"])
    assert CanonicalProduct.model_validate_json(line) == product
    reordered = CanonicalProduct.model_validate(dict(reversed(list(FULL.items()))))
    assert to_json_line(reordered) == line


def test_none_and_empty_attributes_are_omitted() -> None:
    data = to_canonical_dict(CanonicalProduct.model_validate(MINIMAL))
    assert data == {"id": "p-1", "title": "Widget", "currency": "USD"}


def test_pydantic_json_is_the_same_form() -> None:
    # FastAPI serialises through model_dump_json: it must agree with to_json_line.
    product = CanonicalProduct.model_validate(FULL)
    assert product.model_dump_json(exclude_none=True).encode() + b"\n" == to_json_line(product)


def test_timestamps_are_accepted_so_an_export_loads_back() -> None:
    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    product = CanonicalProduct.model_validate({**MINIMAL, "created_at": stamp, "updated_at": stamp})
    data = orjson.loads(to_json_line(product))
    assert data["created_at"] == "2026-01-02T03:04:05Z"
    assert CanonicalProduct.model_validate_json(to_json_line(product)) == product


def test_money_survives_the_json_number_at_its_limits() -> None:
    for text in ("0.01", "0.10", "9999999999.99", "1234567890.12", "0.00"):
        product = CanonicalProduct.model_validate({**MINIMAL, "price": text})
        assert CanonicalProduct.model_validate_json(to_json_line(product)).price == Decimal(text)


def test_category_segments() -> None:
    assert category_segments("A > B > C") == ["A", "B", "C"]
    assert category_segments(" TVs  &  Home Theater>Televisions ") == [
        "TVs & Home Theater",
        "Televisions",
    ]
    assert category_path(["A", " B  b "]) == "A > B b"
    for bad in ("", ">", "A >", "> A", "A >> B"):
        with pytest.raises(ValueError, match="empty segment"):
            category_segments(bad)


# Letters, punctuation and several kinds of whitespace (tab, NBSP, ideographic space).
_segment = st.text(alphabet="aZ9 &-_,.'\"\t\u00a0\u3000é®/", min_size=1, max_size=16).filter(
    lambda s: s.strip()
)


@given(st.lists(_segment, min_size=1, max_size=5))
def test_category_path_is_idempotent(segments: list[str]) -> None:
    path = category_path(segments)
    assert category_path(category_segments(path)) == path
    assert len(category_segments(path)) == len(segments)
