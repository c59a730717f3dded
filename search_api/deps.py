"""FastAPI dependencies as `Annotated` aliases: the request's clients, taken from the app state.

They are `async def` because they only read an attribute: FastAPI runs a plain `def` dependency
in the thread pool, a hand-off that costs more than the work, on every request.
"""

from __future__ import annotations

from typing import Annotated

from elasticsearch import Elasticsearch
from fastapi import Depends, Request
from redis import Redis
from sqlalchemy import Engine

from catalog.ranking import RankingSettings
from catalog.rule_book import RuleBook
from catalog.settings import Settings
from catalog.synonyms import SynonymSet
from search_api.live import LearnedBoosts, Live


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _es(request: Request) -> Elasticsearch:
    es: Elasticsearch = request.app.state.es
    return es


async def _redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


async def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def _synonyms(request: Request) -> Live[SynonymSet]:
    synonyms: Live[SynonymSet] = request.app.state.synonyms
    return synonyms


async def _ranking(request: Request) -> Live[RankingSettings]:
    ranking: Live[RankingSettings] = request.app.state.ranking
    return ranking


async def _learned(request: Request) -> Live[LearnedBoosts]:
    learned: Live[LearnedBoosts] = request.app.state.learned
    return learned


async def _rules(request: Request) -> Live[RuleBook]:
    rules: Live[RuleBook] = request.app.state.rules
    return rules


SettingsDep = Annotated[Settings, Depends(_settings)]
ElasticsearchDep = Annotated[Elasticsearch, Depends(_es)]
RedisDep = Annotated[Redis, Depends(_redis)]
EngineDep = Annotated[Engine, Depends(_engine)]
SynonymsDep = Annotated[Live[SynonymSet], Depends(_synonyms)]
RankingDep = Annotated[Live[RankingSettings], Depends(_ranking)]
LearnedDep = Annotated[Live[LearnedBoosts], Depends(_learned)]
RulesDep = Annotated[Live[RuleBook], Depends(_rules)]
