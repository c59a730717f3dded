"""docker-compose.yml cannot run here (no Docker engine): check its structure and settings names.

Pure logic over the file (no servers), since `docker compose config` is not available on this client.
"""

from __future__ import annotations

from typing import Any

import yaml

from catalog.settings import PROJECT_ROOT, Settings


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    return data


def test_compose_runs_every_part_with_health_checks_and_volumes() -> None:
    services = _compose()["services"]
    assert {"elasticsearch", "postgres", "redis", "api", "worker", "scheduler", "migrate"} <= set(
        services
    )
    for name in ("elasticsearch", "postgres", "redis", "api"):
        assert "healthcheck" in services[name], name
    assert services["elasticsearch"]["image"].startswith(
        "docker.elastic.co/elasticsearch/elasticsearch:8.19."
    )
    assert services["elasticsearch"]["environment"]["xpack.security.enabled"] == "true"
    for name in ("elasticsearch", "postgres", "redis"):
        assert services[name]["volumes"], name


def test_compose_speaks_the_settings_names() -> None:
    known = {name.upper() for name in Settings.model_fields}
    for name in ("api", "worker", "scheduler", "migrate"):
        environment = _compose()["services"][name]["environment"]
        assert set(environment) <= known, set(environment) - known
        assert {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"} <= set(environment)


def test_every_way_of_running_it_starts_a_scheduler_process() -> None:
    """The schedule runs in `catalog scheduler`, never in a thread of the worker (`--cron`)."""
    services = _compose()["services"]
    assert services["scheduler"]["command"] == ["catalog", "scheduler"]
    assert services["worker"]["command"] == ["catalog", "worker"]
    demo = (PROJECT_ROOT / "scripts" / "demo.sh").read_text()
    assert "$catalog scheduler &" in demo
    for text in (demo, (PROJECT_ROOT / "docs" / "operations.md").read_text()):
        assert "--cron" not in text
