"""Analytics test helpers: write what the API buffered, ship it, and read the reports as a
merchandiser would."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.settings import Settings
from tests.support.analytics import Analytics
from tests.support.catalog import Catalog, bearer

TOOLS: list[dict[str, Any]] = [
    {
        "id": "d-1",
        "title": "Cordless Drill",
        "brand": "Bolt",
        "category": "Tools > Drills",
        "price": 99,
    },
    {
        "id": "d-2",
        "title": "Hammer Drill Pro",
        "brand": "Acme",
        "category": "Tools > Drills",
        "price": 99,
    },
    {
        "id": "h-1",
        "title": "Claw Hammer",
        "brand": "Acme",
        "category": "Tools > Hammers",
        "price": 25,
    },
    {
        "id": "h-2",
        "title": "Sledge Hammer",
        "brand": "Stone",
        "category": "Tools > Hammers",
        "price": 25,
    },
]


@pytest.fixture
def tools(catalog: Catalog) -> Catalog:
    catalog.put(*TOOLS)
    catalog.reindex()
    return catalog


@pytest.fixture
def merchandiser(catalog: Catalog) -> dict[str, str]:
    return bearer(catalog.engine, "merchandiser")


@pytest.fixture
def analytics(
    api: TestClient, catalog: Catalog, merchandiser: dict[str, str], settings: Settings
) -> Analytics:
    return Analytics(api, catalog, merchandiser)
