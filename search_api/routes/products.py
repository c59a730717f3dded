"""`GET /products/{id}`, `GET /products/{id}/similar`, and the operators' catalog writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Query
from pydantic import ValidationError

from catalog.products import get_product, soft_delete, upsert_products
from schemas.product import CanonicalProduct, to_canonical_dict
from search_api.auth import AdminDep, PublicDep
from search_api.deps import ElasticsearchDep, EngineDep, RulesDep, SettingsDep
from search_api.recommend import product_exists, similar

router = APIRouter(tags=["products"], dependencies=[PublicDep])
admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[AdminDep])

ProductId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^\S+$")]


def _product_or_404(engine: EngineDep, product_id: str) -> tuple[CanonicalProduct, int]:
    with engine.connect() as conn:
        found = get_product(conn, product_id)
    if found is None:
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    return found


@router.get("/products/{product_id}", summary="A product in canonical form")
def read_product(product_id: ProductId, engine: EngineDep) -> dict[str, Any]:
    product, version = _product_or_404(engine, product_id)
    return {**to_canonical_dict(product), "version": version}


@router.get("/products/{product_id}/similar", summary="Products like this one")
def similar_products(
    product_id: ProductId,
    es: ElasticsearchDep,
    settings: SettingsDep,
    merch_rules: RulesDep,
    size: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    if not product_exists(es, settings.index_prefix, product_id):
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    # Products merchandising rules hide everywhere are never recommended.
    hidden = merch_rules.current()[1].hidden_everywhere(datetime.now(UTC))
    return {
        "id": product_id,
        "similar": similar(es, settings.index_prefix, product_id, size, excluded=hidden),
    }


def _validated(data: dict[str, Any]) -> CanonicalProduct:
    try:
        return CanonicalProduct.model_validate(data)
    except ValidationError as exc:
        raise HTTPException(
            422,
            detail=[
                {"loc": ["body", *map(str, err["loc"])], "msg": err["msg"]} for err in exc.errors()
            ],
        ) from exc


@admin.put("/products/{product_id}", summary="Create or replace a product")
def put_product(
    product_id: ProductId,
    engine: EngineDep,
    product: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    if product.setdefault("id", product_id) != product_id:
        raise HTTPException(422, detail=[{"loc": ["body", "id"], "msg": "id differs from the URL"}])
    canonical = _validated(product)
    with engine.begin() as conn:
        result = upsert_products(conn, [canonical])
    return {"id": product_id, "seq": result.last_version}


@admin.patch("/products/{product_id}", summary="Change some fields of a product")
def patch_product(
    product_id: ProductId,
    engine: EngineDep,
    changes: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    if "id" in changes and changes["id"] != product_id:
        raise HTTPException(422, detail=[{"loc": ["body", "id"], "msg": "id cannot change"}])
    current, _ = _product_or_404(engine, product_id)
    merged = {**to_canonical_dict(current), **changes}
    merged.pop("created_at", None)
    merged.pop("updated_at", None)
    canonical = _validated(merged)
    with engine.begin() as conn:
        result = upsert_products(conn, [canonical])
    return {"id": product_id, "seq": result.last_version}


@admin.delete("/products/{product_id}", summary="Delete a product")
def delete_product(product_id: ProductId, engine: EngineDep) -> dict[str, Any]:
    with engine.begin() as conn:
        version = soft_delete(conn, product_id)
    if version is None:
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    return {"id": product_id, "seq": version}
