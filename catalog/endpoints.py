"""Where each server is: the URL from the settings, or the local server recorded by `services up`."""

from __future__ import annotations

from catalog.services import state as state_file
from catalog.services.elasticsearch import LocalElasticsearch
from catalog.services.postgres import DATABASE, LocalPostgres
from catalog.services.process import ServiceError
from catalog.services.redis import LocalRedis
from catalog.settings import Settings

NOT_UP = "no {name} URL is set and no local {name} is recorded: run `catalog services up`"


def database_url(settings: Settings, database: str = DATABASE) -> str:
    if settings.database_url:
        return settings.database_url
    local = LocalPostgres(settings.local_dir, state_file.load(settings.local_dir))
    if "port" not in local.state or "password" not in local.state:
        raise ServiceError(NOT_UP.format(name="PostgreSQL"))
    return local.url(database)


def redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    local = LocalRedis(settings.local_dir, state_file.load(settings.local_dir))
    if "port" not in local.state:
        raise ServiceError(NOT_UP.format(name="Redis"))
    return local.url()


def elasticsearch_urls(settings: Settings) -> list[str]:
    if settings.elasticsearch_url:
        return [u.strip() for u in settings.elasticsearch_url.split(",") if u.strip()]
    local = LocalElasticsearch(settings.local_dir, state_file.load(settings.local_dir))
    if not local.nodes():
        raise ServiceError(NOT_UP.format(name="Elasticsearch"))
    return local.urls()
