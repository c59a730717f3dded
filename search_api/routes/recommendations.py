"""`GET /products/{id}/also-viewed` and `/also-bought`: what shoppers who clicked or bought this
product also clicked or bought, topped up with similar products (`search_api.recommend`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query

from catalog.analytics.recommendations import Signal
from search_api.auth import PublicDep
from search_api.deps import ElasticsearchDep, EngineDep, RulesDep, SettingsDep
from search_api.recommend import product_exists, recommended

router = APIRouter(tags=["products"], dependencies=[PublicDep])

ProductId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^\S+$")]
Size = Annotated[int, Query(ge=1, le=50, description="How many products at most.")]
RESPONSES: dict[int | str, dict[str, Any]] = {404: {"description": "No such product."}}


def _answer(
    engine: EngineDep,
    es: ElasticsearchDep,
    settings: SettingsDep,
    merch_rules: RulesDep,
    product_id: str,
    signal: Signal,
    size: int,
) -> dict[str, Any]:
    if not product_exists(es, settings.index_prefix, product_id):
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    # Products merchandising rules hide everywhere are never recommended.
    hidden = merch_rules.current()[1].hidden_everywhere(datetime.now(UTC))
    products = recommended(
        engine, es, settings.index_prefix, product_id, signal, size, excluded=hidden
    )
    return {"id": product_id, "products": products}


@router.get(
    "/products/{product_id}/also-viewed",
    summary="Products clicked in the same sessions as this one",
    description="Most shared sessions first (each session counted once, at least 2 sessions); "
    "topped up with similar products. Each product's `source` says which: `also_viewed` or "
    "`similar`.",
    responses=RESPONSES,
)
def also_viewed(
    product_id: ProductId,
    engine: EngineDep,
    es: ElasticsearchDep,
    settings: SettingsDep,
    merch_rules: RulesDep,
    size: Size = 10,
) -> dict[str, Any]:
    return _answer(engine, es, settings, merch_rules, product_id, Signal.viewed, size)


@router.get(
    "/products/{product_id}/also-bought",
    summary="Products bought in the same sessions as this one",
    description="Most shared sessions first (each session counted once, at least 2 sessions); "
    "topped up with similar products. Each product's `source` says which: `also_bought` or "
    "`similar`.",
    responses=RESPONSES,
)
def also_bought(
    product_id: ProductId,
    engine: EngineDep,
    es: ElasticsearchDep,
    settings: SettingsDep,
    merch_rules: RulesDep,
    size: Size = 10,
) -> dict[str, Any]:
    return _answer(engine, es, settings, merch_rules, product_id, Signal.bought, size)
