"""Who may do what, checked for every route the app has, so a new route cannot forget it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from catalog.keys import revoke
from search_api.app import create_app
from tests.support.access import PUBLIC, REQUIRED
from tests.support.catalog import Catalog, bearer


def _routes() -> list[tuple[str, str]]:
    """Every route the app documents (FastAPI nests included routers, its OpenAPI lists them all)."""
    paths = create_app().openapi()["paths"]
    return sorted((method.upper(), path) for path, item in paths.items() for method in item)


def _url(path: str) -> str:
    values = {
        "product_id": "p-1",
        "name": "brand",
        "rule_id": "1",
        "key_id": "1",
        "job_id": "j-1",
        "search_id": "0190a0b0-0000-7000-8000-000000000000",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def test_every_route_is_public_or_protected_on_purpose() -> None:
    for _, path in _routes():
        assert path in PUBLIC or any(path.startswith(p) for p in REQUIRED), (
            f"{path}: add it to PUBLIC or give it a required role here and in its router"
        )


@pytest.mark.parametrize(("method", "path"), [r for r in _routes() if r[1] not in PUBLIC])
def test_protected_routes_refuse_missing_wrong_revoked_and_weaker_keys(
    catalog: Catalog, api: TestClient, method: str, path: str
) -> None:
    url = _url(path)
    assert api.request(method, url).status_code == 401
    assert api.request(method, url, headers={"Authorization": "Bearer cs_wrong"}).status_code == 401
    revoked = bearer(catalog.engine, "admin")
    with catalog.engine.connect() as conn:
        newest = conn.execute(text("SELECT max(id) FROM api_keys")).scalar_one()
    with catalog.engine.begin() as conn:
        assert revoke(conn, newest)
    assert api.request(method, url, headers=revoked).status_code == 401
    weaker = bearer(catalog.engine, "merchandiser")
    required = next(role for prefix, role in REQUIRED.items() if path.startswith(prefix))
    if required == "admin":
        assert api.request(method, url, headers=weaker).status_code == 403
    catalog.redis.flushdb()  # the failed attempts above count against this client
    allowed = bearer(catalog.engine, required)
    body = {"title": "Thing"} if method in {"PUT", "PATCH"} else None
    assert api.request(method, url, headers=allowed, json=body).status_code not in {401, 403}


def test_a_key_brute_force_is_rate_limited(catalog: Catalog, api: TestClient) -> None:
    statuses = [
        api.delete("/admin/products/p-1", headers={"Authorization": f"Bearer cs_guess{i}"})
        for i in range(10)
    ]
    codes = [r.status_code for r in statuses]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429] * 5
    assert int(statuses[-1].headers["Retry-After"]) > 0
    # Even the right key waits out the window once the client is locked out.
    admin = bearer(catalog.engine, "admin")
    assert api.delete("/admin/products/p-1", headers=admin).status_code == 429


def test_public_routes_are_rate_limited_per_client(catalog: Catalog, settings: object) -> None:
    from catalog.settings import Settings

    assert isinstance(settings, Settings)
    limited = settings.model_copy(update={"rate_limit_per_minute": 3})
    catalog.put({"id": "p-1", "title": "Drill"})
    catalog.reindex()
    with TestClient(create_app(limited)) as client:
        codes = [client.get("/search", params={"q": "drill"}).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        assert client.get("/health").status_code == 200  # operations routes are not limited


def test_keys_are_stored_hashed_and_record_their_last_use(
    catalog: Catalog, api: TestClient
) -> None:
    from sqlalchemy import text

    headers = bearer(catalog.engine, "admin")
    key = headers["Authorization"].removeprefix("Bearer ")
    with catalog.engine.connect() as conn:
        stored = conn.execute(text("SELECT key_hash, last_used_at FROM api_keys")).one()
    assert key not in stored[0]
    assert stored[1] is None
    api.delete("/admin/products/none", headers=headers)
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT last_used_at FROM api_keys")).scalar() is not None
