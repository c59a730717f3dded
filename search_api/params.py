"""Request parameters shared by `/search` and `/facets/{name}`: the query text and the filters.

One dependency parses and validates them, so both routes accept the same words and refuse bad ones
with the same 400 naming the parameter.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from analyzers import AnalyzedQuery, SynonymExpander, analyze_query
from search_api.query import Filters

MAX_QUERY_LENGTH = 256
#: Category paths and other names never hold control characters; refusing them keeps them out of
#: Elasticsearch requests where they are errors (completion contexts).
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"
FILTER_PARAMETERS = {
    "q",
    "brand",
    "category",
    "price_min",
    "price_max",
    "in_stock",
    "min_rating",
    "attr",
}


def bad(parameter: str, message: str) -> HTTPException:
    return HTTPException(422, detail=[{"loc": ["query", parameter], "msg": message}])


def reject_unknown(request: Request, known: set[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise bad(unknown[0], f"unknown parameter {unknown[0]!r}")


def _attributes(values: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    grouped: dict[str, list[str]] = {}
    for value in values:
        key, sep, wanted = value.partition(":")
        if not sep or not key or not wanted or not key.replace("_", "").isalnum():
            raise bad("attr", f"attr must look like name:value, got {value!r}")
        grouped.setdefault(key, []).append(wanted)
    return tuple((k, tuple(v)) for k, v in sorted(grouped.items()))


async def search_filters(
    brand: Annotated[list[str], Query(max_length=20, description="Brands (any of them).")] = [],  # noqa: B006
    category: Annotated[
        str | None, Query(max_length=500, pattern=PRINTABLE, examples=["Electronics > TVs"])
    ] = None,
    price_min: Annotated[float | None, Query(ge=0, allow_inf_nan=False)] = None,
    price_max: Annotated[float | None, Query(ge=0, allow_inf_nan=False)] = None,
    in_stock: bool | None = None,
    min_rating: Annotated[float | None, Query(ge=0, le=5, allow_inf_nan=False)] = None,
    attr: Annotated[list[str], Query(max_length=20, examples=[["color:Black"]])] = [],  # noqa: B006
) -> Filters:
    if price_min is not None and price_max is not None and price_min > price_max:
        raise bad("price_min", "price_min is above price_max")
    return Filters(
        brands=tuple(sorted(set(brand))),
        category=category,
        price_min=price_min,
        price_max=price_max,
        in_stock=in_stock,
        min_rating=min_rating,
        attributes=_attributes(attr),
    )


FiltersDep = Annotated[Filters, Depends(search_filters)]


def analyzed(text: str | None, expander: SynonymExpander | None = None) -> AnalyzedQuery | None:
    """The analyzed query, or None when nothing searchable was typed (empty, only stopwords)."""
    result = analyze_query(text, expander) if text and text.strip() else None
    return result if result is not None and result.phrase else None


def applied_filters(filters: Filters) -> dict[str, object]:
    """The filters as the response echoes them back."""
    return {
        "brand": list(filters.brands),
        "category": filters.category,
        "price_min": filters.price_min,
        "price_max": filters.price_max,
        "in_stock": filters.in_stock,
        "min_rating": filters.min_rating,
        "attr": [f"{name}:{value}" for name, values in filters.attributes for value in values],
    }
