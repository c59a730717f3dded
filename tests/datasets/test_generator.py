"""The synthetic catalog generator: determinism, prefix stability, validity, showcase products.

Pure logic, no servers: these tests need neither PostgreSQL, Elasticsearch nor Redis.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from itertools import islice
from typing import Any

import orjson
import pytest

from ops.datasets.generator import (
    SHOWCASE,
    generate_products,
    generate_taxonomy,
    product_id,
)
from schemas.product import CanonicalProduct, category_segments, to_canonical_dict

SAMPLE = 3000


@pytest.fixture(scope="module")
def sample() -> list[dict[str, Any]]:
    return list(generate_products(SAMPLE))


def _digest(products: list[dict[str, Any]]) -> str:
    return hashlib.sha256(b"".join(orjson.dumps(p) for p in products)).hexdigest()


def test_same_seed_same_products(sample: list[dict[str, Any]]) -> None:
    assert list(generate_products(SAMPLE)) == sample
    assert list(generate_products(SAMPLE, seed=42)) == sample


def test_other_seed_other_products(sample: list[dict[str, Any]]) -> None:
    other = list(generate_products(200, seed=7))
    assert [p["title"] for p in other] != [p["title"] for p in sample[:200]]
    assert [p["id"] for p in other] == [p["id"] for p in sample[:200]]


@pytest.mark.parametrize("n", [0, 1, 10, 199, 200, 1234])
def test_product_k_does_not_depend_on_n(sample: list[dict[str, Any]], n: int) -> None:
    assert list(generate_products(n)) == sample[:n]


def test_it_is_a_lazy_stream() -> None:
    stream = generate_products(10**12)
    assert [p["id"] for p in islice(stream, 3)] == ["p-0000001", "p-0000002", "p-0000003"]


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError, match="n must be"):
        list(generate_products(-1))


def test_every_product_validates_and_is_already_canonical(sample: list[dict[str, Any]]) -> None:
    for product in sample:
        model = CanonicalProduct.model_validate(product)
        # Already in the canonical JSON form: validating and dumping changes nothing.
        assert to_canonical_dict(model) == product


def test_ids_skus_and_images(sample: list[dict[str, Any]]) -> None:
    assert [p["id"] for p in sample] == [product_id(i) for i in range(SAMPLE)]
    assert sample[0]["id"] == "p-0000001"
    assert len({p["sku"] for p in sample}) == SAMPLE
    assert all(p["image"] == f"https://img.example.com/p/{p['id']}.jpg" for p in sample)


def test_showcase_products_are_among_the_first_200() -> None:
    first = list(generate_products(200))
    titles = [p["title"] for p in first]
    wanted = {
        "television": "Television",
        "tv_55": '55" TV',
        "running_shoe": "Running Shoe",
        "usb_c_cable": "USB-C Cable",
        "rtx_4070": "RTX-4070",
        "sofa": "Sofa",
    }
    assert set(SHOWCASE) == set(wanted)
    by_id = {p["id"]: p for p in first}
    for name, text in wanted.items():
        assert any(text in title for title in titles), text
        assert text in by_id[SHOWCASE[name]]["title"], (name, by_id[SHOWCASE[name]]["title"])
    assert "Couch" in by_id[SHOWCASE["sofa"]]["title"]
    assert by_id[SHOWCASE["rtx_4070"]]["category"].endswith("Graphics Cards")


def test_showcase_ids_hold_for_every_seed() -> None:
    for seed in (0, 1, 99):
        by_id = {p["id"]: p for p in generate_products(200, seed=seed)}
        assert "RTX-4070" in by_id[SHOWCASE["rtx_4070"]]["title"]


def test_the_catalog_looks_like_a_store(sample: list[dict[str, Any]]) -> None:
    words = [len(p["description"].split()) for p in sample]
    assert min(words) >= 30
    assert max(words) <= 60
    with_sale = [p for p in sample if "sale_price" in p]
    assert 0.05 < len(with_sale) / SAMPLE < 0.3
    assert all(p["sale_price"] < p["price"] for p in with_sale)
    assert 0.02 < sum(p["stock"] == 0 for p in sample) / SAMPLE < 0.2
    ratings = [p["rating"] for p in sample if "rating" in p]
    ratings.sort()
    median = ratings[len(ratings) // 2]
    assert 3.5 <= median <= 4.8
    assert all(1 <= r <= 5 for r in ratings)
    popularity = sorted(p["popularity"] for p in sample)
    assert popularity[-1] > 20 * popularity[len(popularity) // 2]  # a long tail
    assert all(p["currency"] == "USD" for p in sample)
    assert sum(bool(p.get("attributes")) for p in sample) > 0.9 * SAMPLE
    brands = Counter(p["brand"] for p in sample)
    assert len(brands) > 150
    assert len({p["category"] for p in sample}) > 120


def test_titles_carry_units_and_model_numbers(sample: list[dict[str, Any]]) -> None:
    text = "\n".join(p["title"] for p in sample)
    for needle in ('"', " in.", "cu. ft.", "USB-C", "2x4", "1/2 in.", "Qt.", "-Watt"):
        assert needle in text, needle
    assert re.search(r"\b[A-Z]{2}-\d{2}[A-Z]\d{2}[A-Z]\b", text)  # TV models like XR-55A80J


def test_taxonomy_shape() -> None:
    taxonomy = generate_taxonomy(42)
    assert 10 <= len(taxonomy.top_categories) <= 15
    assert 140 <= len(taxonomy.leaves) <= 200
    depths = Counter(len(category_segments(leaf.path)) for leaf in taxonomy.leaves)
    assert set(depths) <= {2, 3, 4}
    assert {2, 3, 4} <= set(depths)
    assert len({leaf.path for leaf in taxonomy.leaves}) == len(taxonomy.leaves)
    assert 250 <= len(taxonomy.brands) <= 500
    assert len(set(taxonomy.brands)) == len(taxonomy.brands)
    tree = taxonomy.tree()
    assert "Televisions" in tree["Electronics"]["TVs & Home Theater"]
    assert generate_taxonomy(42) == taxonomy
    assert generate_taxonomy(43).brands != taxonomy.brands


def test_output_is_pinned() -> None:
    """Byte-identical output for seed 42 on every run (CPython 3.11).

    If you change the generator on purpose, update the digest (and say so in the commit):
    benchmarks and demos built on the old catalog are no longer comparable.
    """
    digest = _digest(list(generate_products(500)))
    assert digest == EXPECTED_DIGEST_500, digest


EXPECTED_DIGEST_500 = "0555606e8f72695e5128bf467fd4f3fab2de581bf4dbdf4430673cd0394b53d8"
