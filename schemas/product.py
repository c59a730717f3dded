"""The one canonical JSON form of a product.

Loading (JSON lines, the dataset readers), export and the admin API all speak this shape, so a
product written by one of them can be read by any other without a translation layer. PostgreSQL
holds the record and Elasticsearch a projection of it; neither storage layout leaks in here.

Rules worth knowing:

* Only ``id`` and ``title`` are required; every other field may be absent (``None``).
* ``extra="forbid"``: an unknown field is an error naming that field, because a typo such as
  ``colour`` or ``sale-price`` silently dropped would be data loss nobody notices.
* Optional text fields are either absent or non-empty after stripping: ``""`` is not a second way
  of saying "unknown".
* Money is ``Decimal`` with at most two decimals (rounded *out* of the data is an error, not a
  silent change) and at most 12 digits, so it survives a trip through a JSON number, an IEEE
  double, unchanged. In JSON it is written as a number (``49.99``), both by :func:`to_json_line`
  and by pydantic's own JSON serialisation (``model_dump_json``, FastAPI), so there is one form.
* ``created_at``/``updated_at`` belong to the record: export and the admin API fill them in. They
  are accepted on input only so that an export file loads back unchanged; a loader should ignore
  them and let the database decide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit

import orjson
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

__all__ = [
    "CATEGORY_SEPARATOR",
    "AttributeValue",
    "CanonicalProduct",
    "category_leaf",
    "category_levels",
    "category_path",
    "category_segments",
    "to_canonical_dict",
    "to_json_line",
    "within_category",
]

#: How a category path is written: ``"Electronics > TVs & Home Theater > Televisions"``.
CATEGORY_SEPARATOR = " > "

ID_MAX_LENGTH = 128
TITLE_MAX_LENGTH = 1000  # real marketplace titles reach ~540 characters (Amazon UK sample)
DESCRIPTION_MAX_LENGTH = 20_000
SHORT_TEXT_MAX_LENGTH = 200  # brand, sku
CATEGORY_MAX_DEPTH = 10
CATEGORY_SEGMENT_MAX_LENGTH = 200
ATTRIBUTE_MAX_COUNT = 100
ATTRIBUTE_KEY_MAX_LENGTH = 64
ATTRIBUTE_TEXT_MAX_LENGTH = 1000
URL_MAX_LENGTH = 2048

_SPACE_RUN = re.compile(r"\s+")
_VISIBLE_ASCII = re.compile(r"[!-~]*")


def _has_space_or_control(text: str) -> bool:
    """True when *text* holds whitespace (any Unicode kind) or a control/format character."""
    if _VISIBLE_ASCII.fullmatch(text):  # fast path: ids, keys and URLs are nearly always ASCII
        return False
    return any(ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf"} for ch in text)


def _reject_bool(value: Any) -> Any:
    """Refuse ``True``/``False`` for integer fields: ``stock=True`` is a bug, not a ``1``."""
    if isinstance(value, bool):
        raise ValueError("must be an integer, not a boolean")
    return value


def _money_out(value: Decimal) -> float:
    # Exact: at most 12 digits and 2 decimals round-trip through a double's shortest repr.
    return float(value)


NonNegativeInt = Annotated[int, BeforeValidator(_reject_bool), Field(ge=0)]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    PlainSerializer(_money_out, return_type=float, when_used="json"),
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT_MAX_LENGTH)
]

#: What an attribute value may be: scalar facets (``"Black"``, ``55``, ``1.9``, ``True``) or a list
#: of strings for multi-valued ones (``["USB-C", "HDMI"]``).
AttributeValue = str | int | float | bool | list[str]


def category_segments(path: str) -> list[str]:
    """Split a category path ``"A > B > C"`` into its segments, whitespace-normalised.

    Each segment is stripped and inner whitespace runs become one space, so ``"Home>Tools"`` and
    ``"Home  >  Tools"`` name the same category. An empty segment (``"A >  > C"``, a leading or
    trailing ``>``) is a ``ValueError``: it would create a nameless node in the facet tree.
    """
    segments = [_SPACE_RUN.sub(" ", part).strip() for part in path.split(">")]
    if any(not segment for segment in segments):
        raise ValueError(f"category path {path!r} has an empty segment")
    return segments


def category_levels(path: str) -> list[str]:
    """The path of every level down to this one: ``A``, ``A > B``, ``A > B > C``."""
    segments = category_segments(path)
    return [CATEGORY_SEPARATOR.join(segments[: depth + 1]) for depth in range(len(segments))]


def category_leaf(path: str) -> str:
    """The last segment of a path (``C`` of ``A > B > C``), the name a shopper sees."""
    return path.rsplit(CATEGORY_SEPARATOR, 1)[-1]


def within_category(path: str, scope: str) -> bool:
    """Whether ``path`` is ``scope`` itself or a category below it."""
    return path == scope or path.startswith(scope + CATEGORY_SEPARATOR)


def category_path(segments: Iterable[str]) -> str:
    """Join segments into the canonical path form (the inverse of :func:`category_segments`)."""
    return CATEGORY_SEPARATOR.join(category_segments(CATEGORY_SEPARATOR.join(segments)))


class CanonicalProduct(BaseModel):
    """One product in the canonical form. See the module docstring for the rules."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(
        min_length=1,
        max_length=ID_MAX_LENGTH,
        description="The catalog's own identifier; also the Elasticsearch _id and the URL key.",
    )
    sku: ShortText | None = None
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH)
    ]
    description: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX_LENGTH
            ),
        ]
        | None
    ) = None
    brand: ShortText | None = None
    category: str | None = Field(default=None, description='Path such as "A > B > C".')
    price: Money | None = None
    sale_price: Money | None = None
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    stock: NonNegativeInt | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    rating: float | None = Field(default=None, ge=0, le=5)
    review_count: NonNegativeInt | None = None
    popularity: NonNegativeInt | None = None
    image: str | None = Field(default=None, max_length=URL_MAX_LENGTH)
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None

    @field_validator("id")
    @classmethod
    def _id_is_a_token(cls, value: str) -> str:
        # Ids travel in URLs, ES _ids and log lines; a space or control character breaks all three.
        if _has_space_or_control(value):
            raise ValueError("id must not contain whitespace or control characters")
        return value

    @field_validator("sku", "title", "description", "brand", "category", "attributes", "image")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL: refused here, it is a bad line, not a failed batch.
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            items = text if isinstance(text, list) else [text]
            if any(isinstance(item, str) and "\x00" in item for item in items):
                raise ValueError("text must not contain NUL")
        return value

    @field_validator("category")
    @classmethod
    def _category_is_a_path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        segments = category_segments(value)
        if len(segments) > CATEGORY_MAX_DEPTH:
            raise ValueError(f"category is deeper than {CATEGORY_MAX_DEPTH} levels")
        if any(len(segment) > CATEGORY_SEGMENT_MAX_LENGTH for segment in segments):
            raise ValueError(f"category segment longer than {CATEGORY_SEGMENT_MAX_LENGTH}")
        return CATEGORY_SEPARATOR.join(segments)

    @field_validator("price", "sale_price")
    @classmethod
    def _two_decimals(cls, value: Decimal | None) -> Decimal | None:
        # One representation per amount: 5, 5.0 and "5.00" all become Decimal("5.00").
        return None if value is None else value.quantize(Decimal("0.01"))

    @field_validator("sale_price")
    @classmethod
    def _sale_not_above_price(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is None:
            return None
        if "price" not in info.data:
            return value  # price itself failed; that error is already reported
        price = info.data["price"]
        if price is None:
            raise ValueError("sale_price needs a price")
        if value > price:
            raise ValueError(f"sale_price {value} is above price {price}")
        return value

    @field_validator("rating")
    @classmethod
    def _rating_is_rounded(cls, value: float | None) -> float | None:
        # An average for display: two decimals is plenty, and rounding hides the noise a REAL
        # column adds (4.4 reads back as 4.400000095367432), so export round-trips stay stable.
        return None if value is None else round(value, 2)

    @field_validator("attributes")
    @classmethod
    def _attributes_are_facets(cls, value: dict[str, AttributeValue]) -> dict[str, AttributeValue]:
        if len(value) > ATTRIBUTE_MAX_COUNT:
            raise ValueError(f"more than {ATTRIBUTE_MAX_COUNT} attributes")
        for key, item in value.items():
            if not key or len(key) > ATTRIBUTE_KEY_MAX_LENGTH or _has_space_or_control(key):
                raise ValueError(
                    f"attribute name {key!r} must be 1..{ATTRIBUTE_KEY_MAX_LENGTH} characters "
                    "without whitespace"
                )
            texts = item if isinstance(item, list) else [item] if isinstance(item, str) else []
            if any(len(text) > ATTRIBUTE_TEXT_MAX_LENGTH for text in texts):
                raise ValueError(
                    f"attribute {key!r} has text longer than {ATTRIBUTE_TEXT_MAX_LENGTH}"
                )
        # Sorted keys: the same attributes always serialise the same way, whatever the input order.
        return dict(sorted(value.items()))

    @field_validator("image")
    @classmethod
    def _image_is_a_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.netloc
            or _has_space_or_control(value)
        ):
            raise ValueError("image must be an absolute http(s) URL without spaces")
        return value


def to_canonical_dict(product: CanonicalProduct) -> dict[str, Any]:
    """The product as plain JSON data: declared field order, ``None`` and empty attributes omitted.

    This is exactly what :func:`to_json_line` writes; the admin API should return it too.
    """
    data = product.model_dump(mode="json", exclude_none=True)
    if not data.get("attributes"):
        data.pop("attributes", None)
    return data


def to_json_line(product: CanonicalProduct) -> bytes:
    """One JSON line (ending in ``\\n``) for *product*, byte-for-byte deterministic.

    Keys come in field-declaration order (``id`` first, readable in ``head``), attributes sorted,
    ``None`` omitted, so two exports of the same catalog ``diff`` cleanly.
    """
    return orjson.dumps(to_canonical_dict(product), option=orjson.OPT_APPEND_NEWLINE)
