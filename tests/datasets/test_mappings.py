"""Readers of the real public files, and the canonical JSON-lines reader.

Pure logic, no servers: these tests need neither PostgreSQL, Elasticsearch nor Redis. The tests
on the real files read them from ``<repo>/../shared/data`` and are skipped, with the reason, in a
clone that has no such folder; the parsing rules are also tested on small files made here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from ops.datasets.mappings import (
    DEFAULT_FILES,
    MAPPINGS,
    clean_text,
    locate_shared_data,
    read_amazon_uk_toys,
    read_bestbuy_cellphones,
    read_canonical_jsonl,
    read_homedepot,
)
from schemas.product import CanonicalProduct, to_json_line

REPO = Path(__file__).resolve().parents[2]
SHARED = locate_shared_data(REPO)
EXPECTED_COUNTS = {"bestbuy-cellphones": 3291, "amazon-uk-toys": 10000, "homedepot": 54667}


@cache
def _real_records(name: str) -> list[dict[str, Any]]:
    """The records of the real file for *name*, read once per test session."""
    assert SHARED is not None
    path = SHARED / DEFAULT_FILES[name]
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    return list(MAPPINGS[name](path))


def _validate_all(records: list[dict[str, Any]]) -> list[CanonicalProduct]:
    products, failures = [], []
    for number, record in enumerate(records, start=1):
        try:
            products.append(CanonicalProduct.model_validate(record))
        except ValidationError as error:
            failures.append(f"record {number}: {error}")
    assert not failures, "\n".join(failures[:5])
    return products


@pytest.mark.skipif(SHARED is None, reason=f"no shared data folder at {REPO.parent}/shared/data")
@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_each_mapping_reads_its_real_file_and_every_record_validates(name: str) -> None:
    records = _real_records(name)
    assert len(records) == EXPECTED_COUNTS[name]
    products = _validate_all(records)
    assert len({p.id for p in products}) == len(products), "ids must be unique"
    assert all(p.title for p in products)


@pytest.mark.skipif(SHARED is None, reason=f"no shared data folder at {REPO.parent}/shared/data")
def test_real_file_details() -> None:
    phones = _real_records("bestbuy-cellphones")
    first = phones[0]
    assert first["id"] == "bb-4984700"
    assert first["category"] == "Cell Phones > Prepaid Phones > All Prepaid Phones"
    assert first["price"] == 49.99
    assert first["popularity"] == 21449
    toys = _real_records("amazon-uk-toys")
    assert all(t["currency"] == "GBP" for t in toys)
    assert (
        sum("category" not in t for t in toys) == 690
    )  # rows lacking a category stay, uncategorised
    assert sum("price" not in t for t in toys) > 1000
    assert any(t.get("stock") for t in toys)
    assert not any("\u00a0" in t["title"] for t in toys)
    depot = _real_records("homedepot")
    assert depot[0] == {"id": "hd-100001", "title": "Simpson Strong-Tie 12-Gauge Angle"}


def test_amazon_quirks(tmp_path: Path) -> None:
    path = tmp_path / "toys.csv"
    path.write_text(
        "a1,Toy\u00a0Train\u00ae Set ,Hobbies > Trains,Hornby,£1\u00a0299.00,5\u00a0new,"
        '"1,234",2,4.5 out of 5 stars\n'
        "a2,Plain Doll,,,,,0,0,\n"
        "a3,Blocks,Toys >Blocks,Acme,£3.99 - £12.99,2 used,3,1,4.0\n",
        encoding="utf-8",
    )
    first, second, third = list(read_amazon_uk_toys(path))
    assert first == {
        "id": "amz-a1",
        "title": "Toy Train\u00ae Set",
        "brand": "Hornby",
        "category": "Hobbies > Trains",
        "price": "£1 299.00",  # not clearly an amount: left for validation to report
        "currency": "GBP",
        "stock": 5,
        "attributes": {"answered_questions": 2},
        "rating": 4.5,
        "review_count": 1234,
    }
    assert second == {
        "id": "amz-a2",
        "title": "Plain Doll",
        "currency": "GBP",
        "attributes": {"answered_questions": 0},
        "review_count": 0,
    }
    assert third["price"] == 3.99
    assert third["category"] == "Toys > Blocks"
    assert third["stock"] == 2
    _validate_all([second, third])
    with pytest.raises(ValidationError) as caught:
        CanonicalProduct.model_validate(first)
    assert {e["loc"][0] for e in caught.value.errors()} == {"price"}


def test_amazon_money_with_thousands_separator(tmp_path: Path) -> None:
    path = tmp_path / "toys.csv"
    path.write_text(
        'a1,Big Castle,,Acme,"£1,299.00",,0,0,\na2,Cheap,,Acme,£0.5,,0,0,\n'
        "a3,Odd,,Acme,12.345,,0,0,\na4,Free,,Acme,0,,0,0,\n",
        encoding="utf-8",
    )
    prices = [record["price"] for record in read_amazon_uk_toys(path)]
    assert prices == [1299.0, 0.5, 12.345, 0.0]  # 12.345 is for validation to refuse


def test_bestbuy_shapes(tmp_path: Path) -> None:
    path = tmp_path / "phones.json"
    items = [
        {
            "name": " Phone\u00a0X ",
            "description": "Nice.",
            "brand": "Acme",
            "categories": ["Cell Phones", " Unlocked  Phones "],
            "price": 100,
            "image": "https://cdn.example.com/bb/1234567_sb.jpg",
            "popularity": 7,
        },
        {"name": "No image", "categories": [], "price": 5.5, "popularity": 0},
    ]
    path.write_bytes(orjson.dumps(items))
    first, second = list(read_bestbuy_cellphones(path))
    assert first["id"] == "bb-1234567"
    assert first["sku"] == "1234567"
    assert first["title"] == "Phone X"
    assert first["category"] == "Cell Phones > Unlocked Phones"
    assert second["id"].startswith("bb-x")
    assert "category" not in second
    assert list(read_bestbuy_cellphones(path))[1]["id"] == second["id"]  # stable
    _validate_all([first, second])


def test_homedepot_keeps_ids(tmp_path: Path) -> None:
    path = tmp_path / "products.jsonl"
    path.write_text('{"id": "hd-1", "title": " Hammer "}\n\n{"id": "hd-2", "title": "Saw"}\n')
    assert list(read_homedepot(path)) == [
        {"id": "hd-1", "title": "Hammer"},
        {"id": "hd-2", "title": "Saw"},
    ]


def test_read_canonical_jsonl_reports_bad_lines_with_their_numbers(tmp_path: Path) -> None:
    good = CanonicalProduct(id="p-1", title="Widget", price=3)
    path = tmp_path / "export.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + to_json_line(good)
        + b"\n"  # a blank line 2
        + b'{"id": "p-2", "title": "Gadget", "colour": "red"}\n'
        + b"{not json\n"
        + b'{"id": "p 4", "title": ""}\n'
        + b'{"id": "p-5", "title": "Last", "price": "1.5"}'  # no final newline
    )
    results = list(read_canonical_jsonl(path))
    assert [number for number, _ in results] == [1, 3, 4, 5, 6]
    first = results[0][1]
    assert first == {"id": "p-1", "title": "Widget", "price": 3.0, "currency": "USD"}
    errors = {number: r for number, r in results if isinstance(r, ValidationError)}
    assert set(errors) == {3, 4, 5}
    assert errors[3].errors()[0]["loc"] == ("colour",)
    assert errors[4].errors()[0]["type"] == "json_invalid"
    assert {e["loc"][0] for e in errors[5].errors()} == {"id", "title"}
    assert results[-1][1] == {"id": "p-5", "title": "Last", "price": 1.5, "currency": "USD"}


def test_clean_text() -> None:
    assert clean_text(None) is None
    assert clean_text("  \u00a0 ") is None
    assert clean_text("a\u00a0\u00a0b\u00adc\u200b d\n") == "a bc d"
    assert clean_text("FunkyBuys\u00ae £5") == "FunkyBuys\u00ae £5"


def test_mappings_are_named_readers() -> None:
    assert set(MAPPINGS) == set(DEFAULT_FILES) == set(EXPECTED_COUNTS)
    assert all(callable(reader) for reader in MAPPINGS.values())


def test_locate_shared_data_returns_none_without_the_folder(tmp_path: Path) -> None:
    assert locate_shared_data(tmp_path / "repo") is None
    (tmp_path / "shared" / "data").mkdir(parents=True)
    assert locate_shared_data(tmp_path / "repo") == tmp_path / "shared" / "data"
