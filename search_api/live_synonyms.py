"""The synonym rules an API worker applies, kept current across workers without a reindex.

Three paths keep a worker's rules current, each covering what the others cannot:
- Redis pub/sub: a change is announced on a channel, and a thread in every worker reloads at once,
  so requests rarely pay for a reload;
- the version key, read once per query that has text: the very next request after a change uses
  it on whichever worker it lands, even if that worker's pub/sub message is still on its way;
- polling PostgreSQL (the record) every `POLL_SECONDS`: a change made while Redis was down, or a
  message lost to a reconnect, still arrives.
"""

from __future__ import annotations

import logging
import threading

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from catalog import redis_keys
from catalog.synonyms import SynonymSet, current_version, list_rules

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0


class LiveSynonyms:
    """The current rule set and its version, reloaded from PostgreSQL when the version moves."""

    def __init__(self, engine: Engine, redis: Redis, prefix: str) -> None:
        self._engine, self._redis, self._prefix = engine, redis, prefix
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.version = -1
        self.rules = SynonymSet(())

    def reload(self) -> None:
        """Read the rules and their version in one snapshot; keep the old ones if that fails."""
        try:
            with self._engine.connect() as conn, conn.begin():
                version = current_version(conn)
                if version == self.version:
                    return
                rules = SynonymSet(list_rules(conn))
        except SQLAlchemyError as exc:
            log.warning("synonyms not reloaded: %s", exc)
            return
        with self._lock:
            if version > self.version:
                self.version, self.rules = version, rules
                log.info("synonyms version %s loaded (%s rules)", version, len(rules))

    def current(self) -> tuple[int, SynonymSet]:
        """The rules to apply now: reloaded first if Redis says a newer version exists."""
        try:
            announced = self._redis.get(redis_keys.synonyms_version(self._prefix))
        except RedisError:
            announced = None  # Redis down: the rules loaded last, and the PostgreSQL poll
        if announced is None:
            return self.version, self.rules
        return self.at(int(announced))

    def at(self, announced: int) -> tuple[int, SynonymSet]:
        """The rules to apply now, given the version Redis announced (read by the caller, in the
        same round trip as the cache lookup): reloaded first if it is newer than ours."""
        if announced > self.version:
            self.reload()
        return self.version, self.rules

    def start(self) -> None:
        self.reload()
        self._thread = threading.Thread(target=self._listen, name="synonyms", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=POLL_SECONDS + 1)

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:  # type: ignore[no-untyped-call]
                    pubsub.subscribe(redis_keys.synonyms_channel(self._prefix))
                    while not self._stop.is_set():
                        pubsub.get_message(timeout=POLL_SECONDS)
                        self.reload()  # on a message, and every POLL_SECONDS without one
            except RedisError as exc:
                log.warning("synonym announcements unavailable: %s", exc)
                self.reload()
                self._stop.wait(POLL_SECONDS)
