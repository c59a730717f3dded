"""Announcing a committed change of versioned configuration (synonyms, ranking settings, rules,
learned boosts).

PostgreSQL holds the record and the version; Redis only tells the API workers that it moved (see
`search_api.live`), and the index generation is bumped so that no cached response computed under
the old configuration is served again.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError

from catalog import redis_keys
from catalog.generation import bump_generation

log = logging.getLogger(__name__)

#: The kinds of versioned configuration, each with its own version and channel.
SYNONYMS = "synonyms"
RANKING = "ranking"
RULES = "rules"
LEARNED = "learned"


def announce(redis: Redis, prefix: str, kind: str, version: int) -> None:
    """Tell every API worker (the version key and pub/sub) and retire cached responses.

    Called after the change commits. If Redis is down the change still holds: workers also poll
    PostgreSQL for the version.
    """
    try:
        redis.set(redis_keys.live_version(prefix, kind), version)
        bump_generation(redis, prefix)
        redis.publish(redis_keys.live_channel(prefix, kind), str(version))
    except RedisError as exc:
        log.warning("%s change %s not announced: %s", kind, version, exc)
