"""FastAPI dependencies as `Annotated` aliases: the request's clients, taken from the app state."""

from __future__ import annotations

from typing import Annotated

from elasticsearch import Elasticsearch
from fastapi import Depends, Request
from redis import Redis
from sqlalchemy import Engine

from catalog.settings import Settings


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _es(request: Request) -> Elasticsearch:
    es: Elasticsearch = request.app.state.es
    return es


def _redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


SettingsDep = Annotated[Settings, Depends(_settings)]
ElasticsearchDep = Annotated[Elasticsearch, Depends(_es)]
RedisDep = Annotated[Redis, Depends(_redis)]
EngineDep = Annotated[Engine, Depends(_engine)]
