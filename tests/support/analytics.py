"""The analytics path of a test: the API's buffer, the shipping job, the report routes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from catalog.analytics.shipping import Shipped, ship
from tests.support.catalog import Catalog


class Analytics:
    """The analytics path of a test: the API's buffer, the shipping job, the report routes."""

    def __init__(self, api: TestClient, catalog: Catalog, headers: dict[str, str]) -> None:
        self.api, self.catalog, self.headers = api, catalog, headers

    def search(self, q: str, session: str | None = None, **params: Any) -> str:
        headers = {"X-Session-Id": session} if session else {}
        response = self.api.get("/search", params={"q": q, **params}, headers=headers)
        assert response.status_code == 200, response.text
        search_id: str = response.json()["search_id"]
        return search_id

    def click(self, search_id: str, product_id: str, position: int) -> None:
        response = self.api.post(
            "/events/click",
            json={"search_id": search_id, "product_id": product_id, "position": position},
        )
        assert response.status_code == 202, response.text

    def convert(self, search_id: str, product_id: str, kind: str, **fields: Any) -> None:
        """An add-to-cart or a purchase (`value`, `quantity`, `currency`, `session_id`)."""
        body = {"search_id": search_id, "product_id": product_id, "kind": kind, **fields}
        response = self.api.post("/events/conversion", json=body)
        assert response.status_code == 202, response.text

    def ship(self) -> Shipped:
        """What the API buffered, written to PostgreSQL; then the worker's shipping job."""
        self.api.app.state.analytics.flush()  # type: ignore[attr-defined]
        catalog = self.catalog
        return ship(catalog.engine, catalog.es, catalog.prefix, redis=catalog.redis)

    def report(self, name: str, **params: Any) -> dict[str, Any]:
        response = self.api.get(f"/admin/analytics/{name}", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
