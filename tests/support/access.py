"""Which routes are public and which grant each protected prefix needs: what the authorization
test checks route by route and the fuzz run uses to pick a key."""

from __future__ import annotations

#: Routes a shopper reaches without a key; every other route needs one.
PUBLIC = {
    "/search",
    "/autocomplete",
    "/facets/{name}",
    "/products/{product_id}",
    "/products/{product_id}/similar",
    "/products/{product_id}/also-viewed",
    "/products/{product_id}/also-bought",
    "/health",
    "/metrics",
    "/events/click",
    "/events/conversion",
}
#: The grant each protected route prefix requires.
REQUIRED = {
    "/admin/products": "admin",
    "/admin/keys": "admin",
    "/admin/reindex": "admin",
    "/admin/synonyms": "merchandiser",
    "/admin/ranking": "merchandiser",
    "/admin/rules": "merchandiser",
    "/admin/analytics": "merchandiser",
}
