"""Connections to PostgreSQL, Redis and Elasticsearch, built from the settings in one place.

Every Elasticsearch call carries the configured timeout; every client is created lazily so that a
process that only needs one server does not fail because another one is down.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import redis
from elasticsearch import Elasticsearch
from sqlalchemy import Engine, create_engine

from catalog import endpoints
from catalog.settings import Settings, get_settings


def elasticsearch_client(settings: Settings | None = None, **overrides: Any) -> Elasticsearch:
    settings = settings or get_settings()
    options: dict[str, Any] = {
        "request_timeout": settings.elasticsearch_timeout,
        "retry_on_timeout": False,
        "max_retries": 1,
    }
    if settings.elasticsearch_api_key:
        options["api_key"] = settings.elasticsearch_api_key.get_secret_value()
    elif settings.elasticsearch_username and settings.elasticsearch_password:
        options["basic_auth"] = (
            settings.elasticsearch_username,
            settings.elasticsearch_password.get_secret_value(),
        )
    if settings.elasticsearch_ca_certs:
        options["ca_certs"] = str(settings.elasticsearch_ca_certs)
    options.update(overrides)
    return Elasticsearch(endpoints.elasticsearch_urls(settings), **options)


def redis_client(settings: Settings | None = None) -> redis.Redis:
    settings = settings or get_settings()
    return redis.Redis.from_url(
        endpoints.redis_url(settings),
        socket_timeout=2,
        socket_connect_timeout=2,
        health_check_interval=30,
    )


def database_engine(settings: Settings | None = None, **overrides: Any) -> Engine:
    settings = settings or get_settings()
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 10,
        "connect_args": {"connect_timeout": 5},
    }
    options.update(overrides)
    return create_engine(endpoints.database_url(settings), **options)


@lru_cache(maxsize=1)
def shared_engine() -> Engine:
    """The process-wide engine (one pool per process)."""
    return database_engine()
