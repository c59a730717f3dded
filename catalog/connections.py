"""Connections to PostgreSQL, Redis and Elasticsearch, built from the settings in one place.

A server is the one a URL setting names or, when none does, the project's own local server as
`catalog services up` recorded it (`catalog.local_state`). Every Elasticsearch call carries the
configured timeout; every client is created lazily so that a process that only needs one server does
not fail because another one is down.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import redis
from elasticsearch import Elasticsearch
from sqlalchemy import Engine, create_engine

from catalog import local_state
from catalog.local_state import DATABASE, ServiceError
from catalog.settings import Settings, get_settings

NOT_UP = "no {name} URL is set and no local {name} is recorded: run `catalog services up`"


def database_url(settings: Settings, database: str = DATABASE) -> str:
    if settings.database_url:
        return settings.database_url
    url = local_state.postgres_url(
        local_state.load(settings.local_dir).get("postgres", {}), database
    )
    if url is None:
        raise ServiceError(NOT_UP.format(name="PostgreSQL"))
    return url


def redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    url = local_state.redis_url(local_state.load(settings.local_dir).get("redis", {}))
    if url is None:
        raise ServiceError(NOT_UP.format(name="Redis"))
    return url


def elasticsearch_urls(settings: Settings) -> list[str]:
    if settings.elasticsearch_url:
        return [u.strip() for u in settings.elasticsearch_url.split(",") if u.strip()]
    urls = local_state.elasticsearch_urls(
        local_state.load(settings.local_dir).get("elasticsearch", {})
    )
    if not urls:
        raise ServiceError(NOT_UP.format(name="Elasticsearch"))
    return urls


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
    return Elasticsearch(elasticsearch_urls(settings), **options)


def redis_client(settings: Settings | None = None) -> redis.Redis:
    settings = settings or get_settings()
    return redis.Redis.from_url(
        redis_url(settings),
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
    return create_engine(database_url(settings), **options)


@lru_cache(maxsize=1)
def shared_engine() -> Engine:
    """The process-wide engine (one pool per process)."""
    return database_engine()
