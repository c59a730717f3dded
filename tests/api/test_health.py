"""`GET /health` with every server up, and with Elasticsearch pointed at a dead port."""

from __future__ import annotations

import re
import subprocess
import time

import orjson
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from catalog.settings import PROJECT_ROOT, Settings
from ops.servers.process import choose_port
from search_api.app import create_app
from tests.support.catalog import Catalog


def _version(text: str) -> tuple[int, ...]:
    """ "15.8" -> (15, 8): compared as numbers, so "9.6" is below 15 (as strings it is above)."""
    return tuple(int(part) for part in re.findall(r"\d+", text.split()[0]))


def _sample(body: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when it is not there yet)."""
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def test_health_reports_each_dependency(catalog: Catalog, api: TestClient) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    deps = response.json()["dependencies"]
    assert deps["elasticsearch"]["version"].startswith("8.19.")
    assert _version(deps["postgres"]["version"]) >= (15,)
    assert deps["redis"]["version"].startswith("7.")


def test_health_names_elasticsearch_when_it_is_down(catalog: Catalog, settings: Settings) -> None:
    dead = f"http://127.0.0.1:{choose_port(19200)}"
    broken = settings.model_copy(update={"elasticsearch_url": dead})
    with TestClient(create_app(broken)) as client:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["down"] == ["elasticsearch"]
        search = client.get("/search", params={"q": "tv"})
        assert search.status_code == 503
        assert search.json()["error"] == "elasticsearch_unavailable"


def test_cli_exits_with_one_clear_line_when_elasticsearch_is_unreachable() -> None:
    dead = f"http://127.0.0.1:{choose_port(19300)}"
    result = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "catalog"), "verify"],
        env={"ELASTICSEARCH_URL": dead, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "Elasticsearch unreachable" in result.stderr


def test_services_status_lists_the_three_servers(settings: Settings) -> None:
    result = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "catalog"), "services", "status"],
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "LOCAL_DIR": str(settings.local_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    for name in ("postgres", "redis", "elasticsearch"):
        assert name in result.stdout
    assert "127.0.0.1:" in result.stdout


def test_metrics_expose_latency_cache_and_outbox_depth(catalog: Catalog, api: TestClient) -> None:
    catalog.put({"id": "m-1", "title": "Metric Drill"})
    catalog.reindex()
    before = api.get("/metrics").text
    searches = {"route": "/search", "method": "GET", "status": "200"}
    api.get("/search", params={"q": "drill"})
    api.get("/search", params={"q": "drill"})
    after = api.get("/metrics").text
    assert _sample(after, "catalog_outbox_depth") == 1.0
    catalog.sync()
    assert _sample(api.get("/metrics").text, "catalog_outbox_depth") == 0.0
    # The registry is per process: what moved, not what is there, proves these two requests.
    for name, labels, moved in [
        ("catalog_request_seconds_count", searches, 2.0),
        ("catalog_cache_requests_total", {"route": "search", "result": "miss"}, 1.0),
        ("catalog_cache_requests_total", {"route": "search", "result": "hit"}, 1.0),
    ]:
        assert _sample(after, name, **labels) - _sample(before, name, **labels) == moved, name


def test_health_is_degraded_naming_a_scheduler_that_stopped(
    catalog: Catalog, api: TestClient, settings: Settings
) -> None:
    from catalog import redis_keys

    never = api.get("/health")
    assert never.status_code == 200  # search still answers: not a 503
    assert never.json()["status"] == "degraded"
    assert never.json()["degraded"] == ["scheduler"]
    assert never.json()["scheduler"]["status"] == "stopped"

    stale = time.time() - 3 * settings.scheduler_lock_seconds
    catalog.redis.set(redis_keys.scheduler_heartbeat(catalog.prefix), orjson.dumps({"at": stale}))
    assert api.get("/health").json()["degraded"] == ["scheduler"]

    catalog.redis.set(
        redis_keys.scheduler_heartbeat(catalog.prefix), orjson.dumps({"at": time.time()})
    )
    fresh = api.get("/health").json()
    assert (fresh["status"], fresh["degraded"], fresh["scheduler"]["status"]) == ("ok", [], "ok")
