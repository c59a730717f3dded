"""The index generation: one counter that makes every cached search response unreachable at once.

It moves whenever the indexer applies a change, a reindex swaps the alias, or a merchandiser's change
(synonyms) alters what a query returns; the response cache keys on it, so the cache can never serve a
result older than the index or the rules behind it.
"""

from __future__ import annotations

from redis import Redis

from catalog import redis_keys


def bump_generation(redis: Redis, prefix: str) -> int:
    """Make every cached search response of this index unreachable at once."""
    return int(redis.incr(redis_keys.index_generation(prefix)))
