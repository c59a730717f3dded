"""`GET /health`: each dependency's status, version and latency; 503 naming whatever is down.

The scheduler is reported too, but a stopped one only makes the status `degraded` (200): search
still answers, while reconciliation and analytics wait for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from elasticsearch import Elasticsearch
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, text

from catalog.settings import Settings
from indexer.schedule import heartbeat_age


def _probe(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        details = check()
        status = "ok"
    except Exception as exc:  # a health check reports every failure, it never raises
        details = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        status = "down"
    return {
        "status": status,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        **details,
    }


def _elasticsearch(es: Elasticsearch) -> dict[str, Any]:
    # `GET /` is absent from the minimal node; cluster health and the local node's info are not.
    health = es.options(request_timeout=2).cluster.health()
    nodes = es.options(request_timeout=2).nodes.info(node_id="_local", metric="process")["nodes"]
    version = next(iter(nodes.values()))["version"]
    if health["status"] == "red":
        raise RuntimeError("cluster health is red")
    return {
        "version": version,
        "cluster_health": health["status"],
        "nodes": health["number_of_nodes"],
    }


def _postgres(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    return {"version": str(version)}


def _redis(redis: Redis) -> dict[str, Any]:
    info: dict[str, Any] = redis.info("server")
    return {"version": info["redis_version"]}


def _scheduler(redis: Redis, settings: Settings) -> dict[str, Any]:
    """`stopped` when the active scheduler's heartbeat is older than two lock lifetimes."""
    try:
        age = heartbeat_age(redis, settings.index_prefix)
    except RedisError as exc:
        return {"status": "unknown", "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    if age is None:
        return {"status": "stopped", "error": "no scheduler heartbeat: run `catalog scheduler`"}
    stale = age > 2 * settings.scheduler_lock_seconds
    return {"status": "stopped" if stale else "ok", "heartbeat_age_s": round(age, 1)}


def check_health(
    es: Elasticsearch, engine: Engine, redis: Redis, settings: Settings
) -> tuple[bool, dict[str, Any]]:
    """Whether every dependency is up (else 503), and the body naming what is down or degraded."""
    dependencies = {
        "elasticsearch": _probe(lambda: _elasticsearch(es)),
        "postgres": _probe(lambda: _postgres(engine)),
        "redis": _probe(lambda: _redis(redis)),
    }
    down = [name for name, result in dependencies.items() if result["status"] != "ok"]
    scheduler = _scheduler(redis, settings)
    degraded = [*down, *(["scheduler"] if scheduler["status"] == "stopped" else [])]
    body = {
        "status": "ok" if not degraded else "degraded",
        "down": down,
        "degraded": degraded,
        "dependencies": dependencies,
        "scheduler": scheduler,
    }
    return not down, body
