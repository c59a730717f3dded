"""Versioned configuration an API worker holds in memory (synonyms, ranking settings, merchandising
rules, boosts learned from shoppers), kept current across workers without a reindex or a restart.

Each kind is a table of changes in PostgreSQL (the record) with a version that only grows, and an
announcement in Redis after every commit (`catalog.versions.announce`). Three paths keep a worker's
copy current, each covering what the others cannot:
- Redis pub/sub: a change is announced on a channel, and a thread in every worker reloads at once,
  so requests rarely pay for a reload;
- the version key, read in the request's one Redis round trip (`search_api.cache.Snapshot`): the
  very next request after a change uses it on whichever worker it lands, even if that worker's
  pub/sub message is still on its way;
- polling PostgreSQL every `POLL_SECONDS`: a change made while Redis was down, or a message lost to
  a reconnect, still arrives.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from catalog import ranking, redis_keys, rules
from catalog.analytics import learning
from catalog.ranking import RankingSettings
from catalog.rule_book import RuleBook
from catalog.synonyms import SynonymSet, current_version, list_rules
from catalog.versions import LEARNED, RANKING, RULES, SYNONYMS
from search_api.query import Boost

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0
#: How long the listener waits for a message before it looks whether it should stop.
WAKE_SECONDS = 0.2

T = TypeVar("T")


class Live(Generic[T]):
    """The current value of one kind of configuration and its version, reloaded when it moves."""

    def __init__(
        self,
        kind: str,
        engine: Engine,
        redis: Redis,
        prefix: str,
        *,
        version_of: Callable[[Connection], int],
        load: Callable[[Connection], T],
        initial: T,
    ) -> None:
        self.kind = kind
        self._engine, self._redis, self._prefix = engine, redis, prefix
        self._version_of, self._load = version_of, load
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.version = -1
        self.value = initial

    def reload(self) -> None:
        """Read the value and its version in one snapshot; keep the old one if that fails."""
        try:
            with self._engine.connect() as conn, conn.begin():
                version = self._version_of(conn)
                if version == self.version:
                    return
                value = self._load(conn)
        except SQLAlchemyError as exc:
            log.warning("%s not reloaded: %s", self.kind, exc)
            return
        with self._lock:
            if version > self.version:
                self.version, self.value = version, value
                log.info("%s version %s loaded", self.kind, version)

    def current(self) -> tuple[int, T]:
        """The value to apply now: reloaded first if Redis says a newer version exists."""
        try:
            announced = self._redis.get(redis_keys.live_version(self._prefix, self.kind))
        except RedisError:
            announced = None  # Redis down: the value loaded last, and the PostgreSQL poll
        if announced is None:
            return self.version, self.value
        return self.at(int(announced))

    def at(self, announced: int) -> tuple[int, T]:
        """The value to apply now, given the version Redis announced (read by the caller, in the
        same round trip as the cache lookup): reloaded first if it is newer than ours."""
        if announced > self.version:
            self.reload()
        return self.version, self.value

    def start(self) -> None:
        self.reload()
        self._thread = threading.Thread(target=self._listen, name=self.kind, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=WAKE_SECONDS + 1)

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:  # type: ignore[no-untyped-call]
                    pubsub.subscribe(redis_keys.live_channel(self._prefix, self.kind))
                    polled = time.monotonic()
                    while not self._stop.is_set():
                        # Short waits, so that stopping (at every app shutdown) is quick.
                        message = pubsub.get_message(timeout=WAKE_SECONDS)
                        if message is not None or time.monotonic() - polled >= POLL_SECONDS:
                            self.reload()  # on a message, and every POLL_SECONDS without one
                            polled = time.monotonic()
            except RedisError as exc:
                log.warning("%s announcements unavailable: %s", self.kind, exc)
                self.reload()
                self._stop.wait(POLL_SECONDS)


def live_synonyms(engine: Engine, redis: Redis, prefix: str) -> Live[SynonymSet]:
    """The synonym rules in force (`catalog.synonyms`), reloaded on every change."""
    return Live(
        SYNONYMS,
        engine,
        redis,
        prefix,
        version_of=current_version,
        load=lambda conn: SynonymSet(list_rules(conn)),
        initial=SynonymSet(()),
    )


def live_ranking(engine: Engine, redis: Redis, prefix: str) -> Live[RankingSettings]:
    """The ranking settings in force (`catalog.ranking`), reloaded on every change."""
    return Live(
        RANKING,
        engine,
        redis,
        prefix,
        version_of=ranking.current_version,
        load=ranking.current_settings,
        initial=RankingSettings(),
    )


#: Per query key (`catalog.analytics.learning.query_key`), the boosts shoppers taught.
LearnedBoosts = dict[str, tuple[Boost, ...]]


def _learned_boosts(conn: Connection) -> LearnedBoosts:
    return {
        key: tuple(Boost({"ids": {"values": [product_id]}}, factor) for product_id, factor in pairs)
        for key, pairs in learning.all_factors(conn).items()
    }


def live_learned(engine: Engine, redis: Redis, prefix: str) -> Live[LearnedBoosts]:
    """The boosts learned from shoppers (`catalog.analytics.learning`), reloaded after each run."""
    return Live(
        LEARNED,
        engine,
        redis,
        prefix,
        version_of=learning.current_version,
        load=_learned_boosts,
        initial={},
    )


def learned_for(live: Live[LearnedBoosts], q: str | None) -> tuple[Boost, ...]:
    """The learned boosts of a query: applied inside its text tiers, never across them."""
    if not q:
        return ()
    boosts = live.current()[1]
    key = learning.query_key(q) if boosts else None
    return boosts.get(key, ()) if key else ()


def live_rules(engine: Engine, redis: Redis, prefix: str) -> Live[RuleBook]:
    """The merchandising rules in force (`catalog.rules`), their index rebuilt on every change."""
    return Live(
        RULES,
        engine,
        redis,
        prefix,
        version_of=rules.current_version,
        load=lambda conn: RuleBook(rules.list_rules(conn)),
        initial=RuleBook(()),
    )
