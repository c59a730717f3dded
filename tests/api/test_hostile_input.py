"""Forged and odd input answers 4xx naming the field, never 5xx, and cannot make the API work hard.

Through the real app on the real servers: forged cursors, non-finite numbers, NUL anywhere, bodies
over the limit, large bodies without a key (refused before they are read), `after=` that waits long.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from catalog.settings import Settings
from search_api.app import create_app
from tests.support.catalog import Catalog

MB = 1024 * 1024


def _cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode()


def _loc(response: Any) -> list[Any]:
    detail = response.json()["detail"]
    return list(detail[0]["loc"])


@pytest.fixture
def indexed(catalog: Catalog) -> Catalog:
    catalog.put(
        {"id": "tv-1", "title": "Acme TV", "brand": "Acme", "price": 300},
        {"id": "tv-2", "title": "Bolt TV", "brand": "Bolt", "price": 200},
    )
    catalog.reindex()
    return catalog


FORGED_CURSORS = [
    ("WzFd", "relevance"),  # [1]: too short for the sort
    (_cursor([None, None, None]), "relevance"),
    (_cursor([True, 1, "tv-1"]), "relevance"),
    (_cursor([1, 2, 3, 4, 5]), "price_asc"),
    (_cursor(["not a price", "tv-1"]), "price_asc"),  # well-formed, wrong kind: ES refuses it
    (_cursor({"a": 1}), "relevance"),
    ("%%%not-base64", "relevance"),
    (base64.urlsafe_b64encode(b"\xff\xfe").decode(), "relevance"),
    (_cursor([1.0, 2, "tv\x00"]), "relevance"),
]


def test_forged_cursors_are_422_naming_cursor(indexed: Catalog, api: TestClient) -> None:
    for cursor, sort in FORGED_CURSORS:
        response = api.get("/search", params={"cursor": cursor, "sort": sort})
        assert response.status_code == 422, (cursor, response.text)
        assert _loc(response) == ["query", "cursor"]


def test_a_cursor_the_api_wrote_still_pages(indexed: Catalog, api: TestClient) -> None:
    first = api.get("/search", params={"sort": "price_asc", "per_page": 1}).json()
    assert [h["id"] for h in first["hits"]] == ["tv-2"]
    second = api.get(
        "/search", params={"sort": "price_asc", "per_page": 1, "cursor": first["next_cursor"]}
    )
    assert second.status_code == 200, second.text
    assert [h["id"] for h in second.json()["hits"]] == ["tv-1"]


def test_non_finite_numbers_are_422_naming_the_field(indexed: Catalog, api: TestClient) -> None:
    for name, value in [
        ("price_min", "Infinity"),
        ("price_max", "inf"),
        ("price_min", "NaN"),
        ("price_max", "-Infinity"),
        ("min_rating", "nan"),
    ]:
        response = api.get("/search", params={name: value})
        assert response.status_code == 422, (name, value, response.text)
        assert _loc(response) == ["query", name]


def test_nul_in_query_or_path_is_422_naming_where(indexed: Catalog, api: TestClient) -> None:
    for url, loc in [
        ("/search?q=tv%00x", ["query", "q"]),
        ("/search?brand=Ac%00me", ["query", "brand"]),
        ("/autocomplete?q=a%00", ["query", "q"]),
        ("/products/tv%00-1", ["path"]),
        ("/products/tv%00-1/similar", ["path"]),
    ]:
        response = api.get(url)
        assert response.status_code == 422, (url, response.text)
        assert _loc(response) == loc


NUL_BODIES: list[tuple[str, str, dict[str, Any], list[Any]]] = [
    ("PUT", "/admin/products/p-1", {"title": "Saw \x00"}, ["body", "title"]),
    (
        "PUT",
        "/admin/products/p-1",
        {"title": "Saw", "attributes": {"color": ["Red", "Bl\x00ck"]}},
        ["body", "attributes", "color", 1],
    ),
    ("PATCH", "/admin/products/tv-1", {"brand": "\x00"}, ["body", "brand"]),
    ("POST", "/admin/keys", {"role": "admin", "name": "a\x00b"}, ["body", "name"]),
    ("POST", "/admin/synonyms", {"terms": ["sofa", "cou\x00ch"]}, ["body", "terms", 1]),
]


def test_nul_in_a_json_body_is_422_naming_the_field(
    indexed: Catalog, api: TestClient, admin: dict[str, str]
) -> None:
    for method, url, body, loc in NUL_BODIES:
        response = api.request(method, url, json=body, headers=admin)
        assert response.status_code == 422, (url, body, response.text)
        assert _loc(response) == loc
    assert api.get("/products/p-1").status_code == 404  # nothing was written
    assert api.get("/products/tv-1").json()["brand"] == "Acme"


@pytest.fixture
def small_body_api(catalog: Catalog, settings: Settings) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_body_bytes": 4096})
    with TestClient(create_app(limited)) as client:
        yield client


def test_a_body_over_the_limit_is_413(small_body_api: TestClient, admin: dict[str, str]) -> None:
    big = {"title": "Saw", "description": "x" * 5000}
    response = small_body_api.put("/admin/products/p-1", json=big, headers=admin)
    assert response.status_code == 413
    assert _loc(response) == ["body"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"title": "Saw", "description": "'
        yield b"x" * 5000
        yield b'"}'

    streamed = small_body_api.put(
        "/admin/products/p-1",
        content=chunks(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    fits = small_body_api.put("/admin/products/p-1", json={"title": "Saw"}, headers=admin)
    assert fits.status_code == 200, fits.text


def test_an_admin_import_may_be_larger_up_to_its_own_limit(
    catalog: Catalog, settings: Settings, admin: dict[str, str]
) -> None:
    """100,000 synonym rules are about 2 MB: imports have their own, larger limit."""
    limited = settings.model_copy(update={"max_body_bytes": 4096, "max_import_bytes": 20_000})
    rules = "".join(f"word{n}, term{n}\n" for n in range(600))  # about 10 KB
    with TestClient(create_app(limited)) as client:
        fits = client.post("/admin/synonyms/import", content=rules, headers=admin)
        assert fits.status_code == 200, fits.text
        assert fits.json()["imported"] == 600
        over = client.post("/admin/synonyms/import", content=rules * 3, headers=admin)
        assert over.status_code == 413
        assert "20000 bytes" in over.json()["detail"][0]["msg"]


def _send_big_body(
    client: TestClient, headers: dict[str, str], *, declare: bool
) -> tuple[int, int]:
    """PUT a 20 MB body straight into the ASGI app; return the status and the bytes it took."""
    taken = 0
    status = 0

    async def receive() -> Message:
        nonlocal taken
        taken += MB
        return {"type": "http.request", "body": b"x" * MB, "more_body": taken < 20 * MB}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if declare:
        raw.append((b"content-length", str(20 * MB).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": "/admin/products/p-1",
        "raw_path": b"/admin/products/p-1",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), *raw],
        "client": ("192.0.2.10", 5000),
        "server": ("testserver", 80),
    }
    assert client.portal is not None
    client.portal.call(client.app, scope, receive, send)
    return status, taken


@pytest.mark.parametrize("declare", [True, False])
def test_a_big_body_without_a_valid_key_is_401_before_it_is_read(
    api: TestClient, admin: dict[str, str], declare: bool
) -> None:
    assert _send_big_body(api, {}, declare=declare) == (401, 0)
    assert _send_big_body(api, {"Authorization": "Bearer cs_wrong"}, declare=declare) == (401, 0)
    # With a valid key the size limit answers, after at most the limit was read.
    status, taken = _send_big_body(api, admin, declare=declare)
    assert status == 413
    assert taken <= 2 * MB


def test_after_waits_briefly_and_says_the_change_is_not_yet_searchable(
    indexed: Catalog, settings: Settings
) -> None:
    seq = indexed.put({"id": "tv-3", "title": "Cobalt TV"})  # never synced: stays pending
    brief = settings.model_copy(update={"after_wait_seconds": 0.3})
    with TestClient(create_app(brief)) as client:
        started = time.monotonic()
        response = client.get("/search", params={"q": "tv", "after": seq})
        elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert response.json()["after"] == {"seq": seq, "applied": False}
    assert elapsed < 2.5


def test_after_beyond_any_seq_is_422(indexed: Catalog, api: TestClient) -> None:
    response = api.get("/search", params={"after": 2**63})
    assert response.status_code == 422
    assert _loc(response) == ["query", "after"]
