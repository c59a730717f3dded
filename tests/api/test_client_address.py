"""Who the client is: `X-Forwarded-For` counts only from `TRUSTED_PROXIES`, whatever server runs the app.

The lockout after failed keys keys on the real client, so a forged header neither dodges it nor
locks out another client's valid key. The last test runs `catalog serve` as users run it, because
uvicorn by default believes `X-Forwarded-For` from loopback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from catalog.settings import PROJECT_ROOT, Settings
from search_api.app import create_app
from tests.support.catalog import Catalog

PROXY = "10.0.0.1"
WRONG = {"Authorization": "Bearer cs_wrong"}


def _client(settings: Settings, address: str) -> TestClient:
    return TestClient(create_app(settings), client=(address, 40000))


def _fail_keys(client: TestClient, times: int, forwarded_for: str | None = None) -> list[int]:
    statuses = []
    for number in range(times):
        headers = dict(WRONG)
        headers["X-Forwarded-For"] = forwarded_for or f"198.51.100.{number + 1}"
        statuses.append(client.get("/admin/keys", headers=headers).status_code)
    return statuses


def test_forwarded_for_from_an_untrusted_client_does_not_dodge_the_lockout(
    catalog: Catalog, settings: Settings
) -> None:
    limit = settings.auth_failures_per_minute
    with _client(settings, "192.0.2.1") as client:
        assert _fail_keys(client, limit + 1) == [401] * limit + [429]


def test_a_spoofed_address_never_locks_out_another_clients_key(
    catalog: Catalog, settings: Settings, admin: dict[str, str]
) -> None:
    limit = settings.auth_failures_per_minute
    with _client(settings, "192.0.2.1") as attacker:
        assert _fail_keys(attacker, limit + 1, forwarded_for="192.0.2.2")[-1] == 429
    with _client(settings, "192.0.2.2") as victim:
        assert victim.get("/admin/keys", headers=admin).status_code == 200


def test_forwarded_for_from_a_trusted_proxy_names_the_client(
    catalog: Catalog, settings: Settings, admin: dict[str, str]
) -> None:
    limit = settings.auth_failures_per_minute
    behind = settings.model_copy(update={"trusted_proxies": [PROXY]})
    with _client(behind, PROXY) as proxy:
        assert _fail_keys(proxy, limit + 1, forwarded_for="198.51.100.7")[-1] == 429
        # Another client behind the same proxy keeps its access; the guesser stays locked out.
        other = {**admin, "X-Forwarded-For": "198.51.100.8"}
        assert proxy.get("/admin/keys", headers=other).status_code == 200
        locked = {**admin, "X-Forwarded-For": "198.51.100.7"}
        assert proxy.get("/admin/keys", headers=locked).status_code == 429


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(catalog: Catalog) -> Iterator[str]:
    """`catalog serve` on the test servers (the environment conftest set), on a free port."""
    port = _free_port()
    proc = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "catalog"), "serve"],
        env={**os.environ, "API_PORT": str(port), "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/metrics", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "catalog serve exited"
                assert time.monotonic() < deadline, "catalog serve did not start"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_catalog_serve_does_not_believe_forwarded_for_from_loopback(
    served: str, settings: Settings
) -> None:
    limit = settings.auth_failures_per_minute
    statuses = [
        httpx.get(
            f"{served}/admin/keys",
            headers={**WRONG, "X-Forwarded-For": f"198.51.100.{number + 1}"},
            timeout=30,
        ).status_code
        for number in range(limit + 1)
    ]
    assert statuses == [401] * limit + [429]
