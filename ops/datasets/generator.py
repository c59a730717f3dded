"""A deterministic, realistic synthetic product catalog.

Why synthetic at all: the real files under ``../shared/data`` are small, one-domain and carry
licences that forbid shipping them; benchmarks, demos and relevance smoke tests need a catalog of
any size, with facets (brand, category, price, attributes) that behave like a store's, built the
same way on every machine.

Guarantees:

* **Deterministic**: the same ``seed`` gives byte-identical products on every run (only
  :class:`random.Random` seeded from a string, never ``hash()`` or set order; floats are rounded
  to cents or tenths before they leave). ``tests/datasets`` pins a digest of the output.
* **Prefix-stable**: product *k* does not depend on *n*; ``generate_products(10_000)`` is exactly
  the first 10,000 products of ``generate_products(100_000)``. Products are drawn one after the
  other from a single random stream, and nothing looks ahead at *n*.
* **Streaming**: a generator holding only the taxonomy in memory; a million products take the
  same memory as ten.
* **Showcase products**: a few fixed products (a Television, a 55" TV, a Running Shoe, a USB-C
  Cable, an RTX-4070 graphics card, a sofa) sit at fixed positions among the first 200, so a
  1,000-product demo always contains what a search test looks for. See :data:`SHOWCASE`.

Output dicts are in the canonical JSON form of :class:`schemas.product.CanonicalProduct` (prices as
floats with two decimals, ``None`` fields left out) and validate against it.
"""

from __future__ import annotations

import math
import random
import re
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from ops.datasets.tables import (
    APPAREL_SIZES,
    BRAND_COUNT,
    BRAND_SUFFIX,
    BRANDS_PER_TOP,
    CLOSERS,
    FEATURES,
    LEAVES,
    LETTERS,
    MIDDLES,
    OPENERS,
    SHOE_SIZES,
    SHOWCASE_PRODUCTS,
    SLOTS,
    SYL_A,
    SYL_B,
    USES,
    WORD_A,
    WORD_B,
    Leaf,
)
from schemas.product import CATEGORY_SEPARATOR, AttributeValue

__all__ = [
    "SHOWCASE",
    "Leaf",
    "Taxonomy",
    "generate_products",
    "generate_taxonomy",
    "product_id",
]


@dataclass(frozen=True)
class Taxonomy:
    """Brands and the category tree a catalog is drawn from.

    ``brands_by_top`` gives each top-level category its own pool of brands (pools overlap, as
    real makers span departments); within a pool the first brands are the most frequent.
    """

    brands: tuple[str, ...]
    leaves: tuple[Leaf, ...]
    brands_by_top: dict[str, tuple[str, ...]]
    brand_codes: dict[str, str] = field(repr=False)

    @property
    def top_categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(leaf.top for leaf in self.leaves))

    def tree(self) -> dict[str, Any]:
        """The category tree as nested dicts, leaves mapping to ``{}``."""
        root: dict[str, Any] = {}
        for leaf in self.leaves:
            node = root
            for segment in leaf.path.split(CATEGORY_SEPARATOR):
                node = node.setdefault(segment, {})
        return root


def _make_brand(rng: random.Random) -> str:
    if rng.random() < 0.6:
        middle = rng.choice(SYL_B)
        name = rng.choice(SYL_A) + middle
        if rng.random() < 0.3:
            end = rng.choice(SYL_B)
            name += end if end != middle else ""
    else:
        name = rng.choice(WORD_A) + rng.choice(WORD_B)
    return name + rng.choice(BRAND_SUFFIX)


def generate_taxonomy(seed: int = 42) -> Taxonomy:
    """Brands (invented, syllable- and word-built) and the fixed category tree for *seed*.

    The tree itself is the same for every seed; the brand names and who sells what vary.
    """
    rng = random.Random(f"taxonomy:{seed}")
    brands: list[str] = []
    seen: set[str] = set()
    while len(brands) < BRAND_COUNT:
        name = _make_brand(rng)
        key = name.split(" ")[0].lower()
        if key not in seen:
            seen.add(key)
            brands.append(name)
    letters = "ABCDEFGHJKLMNPRSTVWXZ"
    codes = {b: b[0].upper() + rng.choice(letters) for b in brands}
    leaves = LEAVES
    tops = tuple(dict.fromkeys(leaf.top for leaf in leaves))
    by_top = {top: tuple(rng.sample(brands, BRANDS_PER_TOP)) for top in tops}
    return Taxonomy(tuple(brands), leaves, by_top, codes)


# --------------------------------------------------------------------------------------------
# Templates compiled once: literal text and slot names, alternating.

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_DYNAMIC = frozenset({"brand", "model", "tvmodel"})


@dataclass(frozen=True, slots=True)
class _Template:
    text: str  # the template itself: a str.format pattern over the slot names
    slots: tuple[str, ...]  # the slot names, in order
    specs: tuple[tuple[str, str], ...]  # facet slots and their unit mark, for "Key specs"

    @classmethod
    def parse(cls, text: str) -> _Template:
        parts = tuple(_PLACEHOLDER.split(text))
        for name in parts[1::2]:
            if name not in SLOTS and name not in _DYNAMIC:
                raise ValueError(f"unknown slot {{{name}}} in template {text!r}")
        specs = tuple(
            (name, '"' if parts[i + 1].startswith('"') else "")
            for i, name in enumerate(parts)
            if i % 2 and name in SLOTS and SLOTS[name].key is not None
        )
        return cls(text, parts[1::2], specs[:4])


@dataclass(frozen=True, slots=True)
class _CompiledLeaf:
    leaf: Leaf
    templates: tuple[_Template, ...]
    extra: tuple[str, ...]
    features: tuple[str, ...]
    uses: tuple[str, ...]
    brands: tuple[str, ...]
    log_median: float


def _compile(taxonomy: Taxonomy) -> tuple[list[_CompiledLeaf], list[float]]:
    compiled = [
        _CompiledLeaf(
            leaf=leaf,
            templates=tuple(_Template.parse(t) for t in leaf.templates),
            extra=leaf.extra_slots,
            features=FEATURES[leaf.top],
            uses=USES[leaf.top],
            brands=taxonomy.brands_by_top[leaf.top],
            log_median=math.log(leaf.median_price),
        )
        for leaf in taxonomy.leaves
    ]
    cumulative = list(accumulate(leaf.weight for leaf in taxonomy.leaves))
    return compiled, cumulative


#: Showcase products by name -> product id: stable for every seed and every n above the index.
SHOWCASE: dict[str, str] = {}


def product_id(index: int) -> str:
    """The id of the product at 0-based *index*: ``p-0000001`` for the first."""
    return f"p-{index + 1:07d}"


SHOWCASE.update({name: product_id(spec.position) for name, spec in SHOWCASE_PRODUCTS.items()})


def _sku(index: int) -> str:
    # An affine bijection on 10-digit numbers: unique per product, looks random, needs no state.
    return str(1_000_000_000 + (index * 7_919_993 + 1_234_567) % 9_000_000_000)


def _charm(price: float, r: float) -> float:
    """Retail-looking price: 19.99, 249.00, 7.97 rather than 18.734."""
    if price < 1:
        return 0.99
    whole = math.floor(price)
    if r < 0.65:
        cents = whole + 0.99
    elif r < 0.8 and whole >= 20:
        cents = whole - whole % 10 + 9.99
    elif r < 0.92:
        cents = float(whole)
    else:
        cents = whole + 0.97
    return round(cents, 2)


def generate_products(n: int, seed: int = 42) -> Iterator[dict[str, Any]]:
    """Yield *n* products as canonical JSON dicts, lazily, deterministically, prefix-stable.

    Product ids are ``p-0000001``, ``p-0000002``, ... Product *k* depends only on *seed* and *k*.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    taxonomy = generate_taxonomy(seed)
    compiled, cumulative = _compile(taxonomy)
    by_path = {c.leaf.path: c for c in compiled}
    showcase_at = {spec.position: spec for spec in SHOWCASE_PRODUCTS.values()}
    showcase_templates = {
        spec.position: _Template.parse(spec.template) for spec in SHOWCASE_PRODUCTS.values()
    }
    total_weight = cumulative[-1]
    codes = taxonomy.brand_codes

    rng = random.Random(f"products:{seed}")
    rnd = rng.random
    gauss = rng.gauss
    exp, log = math.exp, math.log

    def pick(seq: Sequence[Any]) -> Any:
        return seq[int(rnd() * len(seq))]

    def model_number(brand: str) -> str:
        shape = rnd()
        code = codes[brand]
        if shape < 0.45:
            return f"{code}-{int(rnd() * 9000) + 1000}{pick(LETTERS)}"
        if shape < 0.8:
            return f"{code}{int(rnd() * 900) + 100}{pick(LETTERS)}{pick(LETTERS)}"
        return f"{pick(LETTERS)}{code[1]}{int(rnd() * 90) + 10}-{int(rnd() * 9000) + 1000}"

    def tv_model(brand: str, size: AttributeValue) -> str:
        # The shape of real TV model numbers: XR-55A80J, QN65Q80C.
        return f"{codes[brand]}-{size}{pick(LETTERS)}{int(rnd() * 90) + 10}{pick(LETTERS)}"

    for index in range(n):
        spec = showcase_at.get(index)
        leaf = (
            by_path[spec.leaf_path] if spec else compiled[bisect(cumulative, rnd() * total_weight)]
        )
        # Zipf-like: the first brands of a pool dominate, the tail is long.
        brand: str = leaf.brands[int(len(leaf.brands) * rnd() ** 2.2)]
        attributes: dict[str, AttributeValue] = {}
        chosen: dict[str, str] = {"brand": brand}
        template: _Template = showcase_templates[index] if spec else pick(leaf.templates)
        for name in template.slots:
            if name in _DYNAMIC or name in chosen:
                continue
            slot = SLOTS[name]
            text, value = pick(slot.options)
            chosen[name] = text
            if slot.key is not None:
                attributes[slot.key] = value
        for name in leaf.extra:
            if name == "sizes" or name == "apparelsizes":
                scale = SHOE_SIZES if name == "sizes" else APPAREL_SIZES
                start = int(rnd() * (len(scale) - 3))
                attributes["size"] = list(scale[start : start + 3 + int(rnd() * 6)])
            elif name not in chosen:
                slot = SLOTS[name]
                text, value = pick(slot.options)
                if slot.key is not None:
                    attributes.setdefault(slot.key, value)
        if spec:
            attributes.update(spec.attributes)
        if "model" in template.slots:
            chosen["model"] = model_number(brand)
        if "tvmodel" in template.slots:
            chosen["tvmodel"] = tv_model(brand, attributes.get("screen_size", 55))
        title = template.text.format_map(chosen)
        if "model" in chosen or "tvmodel" in chosen:
            attributes["model"] = chosen.get("model") or chosen["tvmodel"]

        # Price: log-normal around the leaf's median, in retail shapes; ~15 % on sale.
        price = _charm(exp(leaf.log_median + gauss(0.0, 0.45)), rnd())
        product: dict[str, Any] = {
            "id": product_id(index),
            "sku": _sku(index),
            "title": title,
            "description": _description(leaf, brand, chosen, template.specs, rnd, pick),
            "brand": brand,
            "category": leaf.leaf.path,
            "price": price,
        }
        if rnd() < 0.15 and price >= 5:
            sale = _charm(price * (1 - (0.1 + 0.3 * rnd())), 0.0)
            if sale < price:
                product["sale_price"] = sale
        product["currency"] = "USD"
        # Inline draws (exponential, Pareto, Gamma(2)) are ~3x faster than random's helpers.
        product["stock"] = 0 if rnd() < 0.08 else int(-60.0 * log(1.0 - rnd())) + 1
        if attributes:
            product["attributes"] = attributes
        # Reviews: a long tail; a product with no reviews has no rating.
        reviews = int(4.0 / (1.0 - rnd()) ** (1 / 1.1)) - 4
        if reviews > 0:
            rating = 5.0 + 0.4 * log((1.0 - rnd()) * (1.0 - rnd()))  # mode ~4.6, mean ~4.2
            product["rating"] = round(min(5.0, max(1.0, rating)), 1)
            product["review_count"] = min(reviews, 250_000)
        product["popularity"] = min(int(10.0 / (1.0 - rnd()) ** (1 / 1.2)) - 10 + reviews, 10**7)
        product["image"] = f"https://img.example.com/p/{product['id']}.jpg"
        yield product


def _description(
    leaf: _CompiledLeaf,
    brand: str,
    chosen: dict[str, str],
    spec_slots: Sequence[tuple[str, str]],
    rnd: Callable[[], float],
    pick: Callable[[Sequence[Any]], Any],
) -> str:
    """30-60 words of marketing copy from sentence templates, ending with the key specs."""
    features = leaf.features
    count = len(features)
    i = int(rnd() * count)
    words = {
        "brand": brand,
        "noun": leaf.leaf.noun,
        "use": pick(leaf.uses),
        "f1": features[i],
        "f2": features[(i + 1) % count],
        "f3": features[(i + 2) % count],
    }
    closer = pick(CLOSERS).format_map(words)
    if spec_slots:
        closer += " Key specs: " + ", ".join(chosen[name] + unit for name, unit in spec_slots) + "."
    # Draw every sentence up front: the random stream then never depends on word counts.
    middles = list(
        dict.fromkeys((pick(MIDDLES).format_map(words), pick(MIDDLES).format_map(words)))
    )
    extra = pick(CLOSERS).format_map(words)
    opener = pick(OPENERS).format_map(words)
    total = opener.count(" ") + closer.count(" ") + 2
    counts = [m.count(" ") + 1 for m in middles]
    total += sum(counts)
    while total > 60 and middles:
        middles.pop()  # drop a middle sentence
        total -= counts.pop()
    if total < 30 and extra not in closer:
        middles.append(extra)
        total += extra.count(" ") + 1
    for filler in CLOSERS:  # still short (rare): add fixed sentences, no randomness involved
        if total >= 30:
            break
        sentence = filler.format_map(words)
        if sentence not in middles and sentence not in closer:
            middles.append(sentence)
            total += sentence.count(" ") + 1
    return " ".join((opener, *middles, closer))
