"""Schemathesis against the API's own OpenAPI document: no input may produce a server error.

Requests generated from the schema go to the app in-process (the `api` client, lifespan run) on the
real servers, with a small catalog indexed, so they reach Elasticsearch, PostgreSQL and Redis.
Protected routes get a real key of the role they require (a merchandiser key for synonyms and
analytics, an admin key for the rest), so the generated input reaches the route, not only the 401.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from tests.support.access import REQUIRED
from tests.support.catalog import Catalog, bearer

EXAMPLES_PER_OPERATION = 25
#: Left out because they would break the run itself, not because they are safe to skip:
#: revoking a key can revoke the very key the run authenticates with (ids are small integers),
#: after which every later admin case is a 401 and proves nothing.
EXCLUDED = {("DELETE", "/admin/keys/{key_id}")}


def test_no_generated_request_makes_a_server_error(catalog: Catalog, api: TestClient) -> None:
    keys = {role: bearer(catalog.engine, role) for role in ("admin", "merchandiser")}
    catalog.put(
        {
            "id": "tv-1",
            "title": 'Acme 55" TV',
            "brand": "Acme",
            "category": "Electronics > TVs",
            "price": 300,
        },
        {
            "id": "dr-1",
            "title": "Cordless Drill",
            "brand": "Bolt",
            "category": "Tools",
            "price": 80,
        },
    )
    catalog.reindex()
    schema = schemathesis.openapi.from_dict(api.get("/openapi.json").json())
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document is invalid: {result}"
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        operations += 1
        role = next((r for p, r in REQUIRED.items() if operation.path.startswith(p)), None)
        auth = keys[role] if role else {}

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case[Any]) -> None:
            kwargs = case.as_transport_kwargs(base_url="http://testserver")
            response = api.request(
                kwargs["method"],
                kwargs["url"],
                params=kwargs.get("params"),
                headers={**(kwargs.get("headers") or {}), **auth},  # noqa: B023 (run below)
                json=kwargs.get("json"),
                content=kwargs.get("data"),
            )
            # A timeout of the loaded 2-core machine's Elasticsearch is an outage answer (503
            # elasticsearch_unavailable), not a fault of the input; every other 5xx is.
            unavailable = response.status_code == 503 and "unavailable" in response.text
            if response.status_code >= 500 and not unavailable:
                failures.append(
                    f"{case.method} {case.formatted_path} {kwargs.get('params')}: "
                    f"{response.status_code} {response.text[:200]}"
                )

        call()
    assert operations >= 30
    assert failures == []
