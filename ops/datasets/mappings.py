"""Readers that turn real public product files into canonical product dicts.

The files live outside the repository, in ``<repo>/../shared/data`` (see its README): their
licences allow reading them, not shipping them, so nothing here copies them anywhere. Each reader
takes the file's path and yields one dict per source record, in the canonical JSON form of
:class:`schemas.product.CanonicalProduct`. Readers do not validate: a loader validates every dict
and reports the bad ones, so a surprising record is seen rather than silently skipped.

What each source needs:

* ``bestbuy-cellphones``: a JSON array without ids; the Best Buy SKU is recovered from the image
  URL (``.../4984700_sb.jpg``) and becomes ``bb-4984700``. Categories come as a list.
* ``amazon-uk-toys``: CSV without a header; prices in GBP (sometimes with ``£``), stock as text
  (``5 new``), ratings as ``4.5`` or ``4.5 out of 5 stars``; some rows lack a category or price;
  text carries non-breaking spaces. Ids become ``amz-<uniq_id>``.
* ``homedepot``: the relevance set's ``products.jsonl``, already ``{"id", "title"}``; ids are
  kept exactly, because the relevance judgments (``qrels.tsv``) refer to them.

:func:`read_canonical_jsonl` reads the project's own JSON-lines format (what export writes) and
yields a result per line, so a loader can say "line 1234: price: ..." and carry on.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import orjson
from pydantic import ValidationError

from schemas.product import CATEGORY_SEPARATOR, CanonicalProduct, category_path, to_canonical_dict

__all__ = [
    "DEFAULT_FILES",
    "MAPPINGS",
    "clean_text",
    "locate_shared_data",
    "read_amazon_uk_toys",
    "read_bestbuy_cellphones",
    "read_canonical_jsonl",
    "read_homedepot",
]

#: Where each source's file sits inside the shared data folder.
DEFAULT_FILES: Final[dict[str, str]] = {
    "bestbuy-cellphones": "bestbuy-cellphones.json",
    "amazon-uk-toys": "amazon-uk-toys.csv",
    "homedepot": "relevance-homedepot-dev/products.jsonl",
}

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, ZW*
_SPACES = re.compile(r"\s+")  # str patterns: \s includes NBSP and the other Unicode spaces
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# An amount, optionally with a currency sign, thousands commas, or as a range (lower end kept).
_AMOUNT = re.compile(
    r"[£$€]?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?-\s?[£$€]?\s?[\d,.]+)?"
)
_LEADING_INT = re.compile(r"^\s*(\d[\d,]*)")
_BESTBUY_SKU = re.compile(r"/(\d+)_[^/]*$")


def locate_shared_data(start: Path | None = None) -> Path | None:
    """The shared data folder ``<repo>/../shared/data``, or ``None`` when this clone has none."""
    repo = start if start is not None else Path(__file__).resolve().parents[2]
    candidate = repo.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def clean_text(value: Any) -> str | None:
    """Trimmed text with whitespace runs (NBSP included) as one space; ``None`` when empty.

    Invisible characters (soft hyphens, zero-width spaces, BOMs) are dropped: they break token
    matching and never carry meaning in a product name. Visible symbols (``®``, ``£``) stay.
    """
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value).translate(_INVISIBLE)).strip()
    return text or None


def _money(value: Any) -> float | str | None:
    """A price from ``12.5``, ``"£1,299.00"`` or ``"£3.99 - £12.99"`` (the lower end).

    Empty means no price (``None``). Text that is not clearly an amount (``"£1 299"``, ``"call"``)
    is passed through unchanged, so validation reports it on ``price`` instead of this reader
    guessing or dropping it. Amounts come back as floats (the canonical JSON form), unrounded:
    more than two decimals is for validation to refuse too.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = clean_text(value)
    if text is None:
        return None
    match = _AMOUNT.fullmatch(text)
    if match is None:
        return text
    return float(Decimal(match.group(1).replace(",", "")))


def _count(value: Any) -> int | None:
    """A count from ``"5 new"``, ``"1,234"`` or ``7``; ``None`` when there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    match = _LEADING_INT.match(str(value).replace("\u00a0", " "))
    return int(match.group(1).replace(",", "")) if match else None


def _rating(value: Any) -> float | None:
    """A rating from ``"4.5 out of 5 stars"`` or ``"4.5"``; ``None`` when absent."""
    match = _NUMBER.match(str(value).strip()) if value is not None else None
    return float(match.group()) if match else None


def _category(segments: list[str]) -> str | None:
    """The canonical path of *segments*; left as given when malformed, for validation to report."""
    if not segments:
        return None
    try:
        return category_path(segments)
    except ValueError:
        return CATEGORY_SEPARATOR.join(segments)


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """Drop ``None`` values and empty attributes: the canonical form leaves them out."""
    return {k: v for k, v in record.items() if v is not None and v != {}}


def read_bestbuy_cellphones(path: Path) -> Iterator[dict[str, Any]]:
    """Best Buy cell phones (JSON array of name, description, brand, categories, price, ...)."""
    records = orjson.loads(path.read_bytes())
    if not isinstance(records, list):
        raise ValueError(f"{path}: expected a JSON array of products")
    for record in records:
        image = clean_text(record.get("image"))
        match = _BESTBUY_SKU.search(image or "")
        if match:
            sku: str | None = match.group(1)
            product_id = f"bb-{sku}"
        else:  # no SKU in the URL: a stable id from the content instead
            sku = None
            digest = hashlib.blake2b(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()
            product_id = f"bb-x{digest[:16]}"
        segments = [s for s in (clean_text(c) for c in record.get("categories") or []) if s]
        yield _compact(
            {
                "id": product_id,
                "sku": sku,
                "title": clean_text(record.get("name")) or "",
                "description": clean_text(record.get("description")),
                "brand": clean_text(record.get("brand")),
                "category": _category(segments),
                "price": _money(record.get("price")),
                "currency": "USD",
                "popularity": _count(record.get("popularity")),
                "image": image,
            }
        )


_AMAZON_COLUMNS: Final = (
    "uniq_id",
    "product_name",
    "category",
    "manufacturer",
    "price",
    "stock",
    "number_of_reviews",
    "number_of_answered_questions",
    "average_review_rating",
)


def read_amazon_uk_toys(path: Path) -> Iterator[dict[str, Any]]:
    """Amazon UK toys (CSV, no header, nine columns; see the module docstring for the quirks)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if not any(cell.strip() for cell in row):
                continue
            fields = dict(zip(_AMAZON_COLUMNS, row, strict=False))
            category = clean_text(fields.get("category"))
            answered = _count(fields.get("number_of_answered_questions"))
            yield _compact(
                {
                    "id": f"amz-{(fields.get('uniq_id') or '').strip()}",
                    "title": clean_text(fields.get("product_name")) or "",
                    "brand": clean_text(fields.get("manufacturer")),
                    "category": _category(category.split(">")) if category else None,
                    "price": _money(fields.get("price")),
                    "currency": "GBP",
                    "stock": _count(fields.get("stock")),
                    "attributes": {} if answered is None else {"answered_questions": answered},
                    "rating": _rating(fields.get("average_review_rating")),
                    "review_count": _count(fields.get("number_of_reviews")),
                }
            )


def read_homedepot(path: Path) -> Iterator[dict[str, Any]]:
    """Home Depot relevance products (``products.jsonl``: ``id``, ``title``), ids kept exactly."""
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = orjson.loads(line)
            yield _compact({"id": record.get("id"), "title": clean_text(record.get("title")) or ""})


#: Source name -> reader. Pair a name with ``DEFAULT_FILES[name]`` under the shared data folder.
MAPPINGS: Final[dict[str, Callable[[Path], Iterator[dict[str, Any]]]]] = {
    "bestbuy-cellphones": read_bestbuy_cellphones,
    "amazon-uk-toys": read_amazon_uk_toys,
    "homedepot": read_homedepot,
}


def read_canonical_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | ValidationError]]:
    """Validate a canonical JSON-lines file line by line: ``(line_number, dict | error)``.

    Line numbers start at 1 and count blank lines (which are skipped), so they match an editor.
    Malformed JSON is a ``ValidationError`` too (type ``json_invalid``), so a loader handles one
    error type. A valid line yields its canonical dict (normalised, ``None`` fields left out).
    """
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                product = CanonicalProduct.model_validate_json(line)
            except ValidationError as error:
                yield number, error
            else:
                yield number, to_canonical_dict(product)
