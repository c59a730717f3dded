"""The response cache in Redis, keyed on the normalized request and the index generation.

The generation moves whenever the indexer applies a change or the alias is swapped, so a stale entry
becomes unreachable at once rather than after its TTL. One computation per key at a time (a short
lock; the others wait for its result). If Redis is down, every request is computed: the cache is an
accelerator, never a dependency.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
from prometheus_client import Counter
from redis import Redis
from redis.exceptions import RedisError

from catalog.generation import current_generation

log = logging.getLogger(__name__)

CACHE_REQUESTS = Counter(
    "catalog_cache_requests_total", "Response cache lookups.", ["route", "result"]
)
LOCK_SECONDS = 5
WAIT_SECONDS = 2.0


def cache_key(prefix: str, route: str, generation: int, params: dict[str, Any]) -> str:
    digest = hashlib.blake2b(
        orjson.dumps(params, option=orjson.OPT_SORT_KEYS), digest_size=16
    ).hexdigest()
    return f"{prefix}:cache:{route}:g{generation}:{digest}"


def cached(
    redis: Redis,
    prefix: str,
    route: str,
    params: dict[str, Any],
    ttl: int,
    compute: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """The response and whether it came from the cache."""
    if ttl <= 0:
        return compute(), False
    try:
        key = cache_key(prefix, route, current_generation(redis, prefix), params)
        hit = redis.get(key)
        if hit is not None:
            CACHE_REQUESTS.labels(route, "hit").inc()
            return orjson.loads(hit), True
        lock = f"{key}:lock"
        if not redis.set(lock, b"1", nx=True, ex=LOCK_SECONDS):
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(0.01)
                hit = redis.get(key)
                if hit is not None:
                    CACHE_REQUESTS.labels(route, "hit").inc()
                    return orjson.loads(hit), True
    except RedisError as exc:
        log.warning("cache unavailable: %s", exc)
        CACHE_REQUESTS.labels(route, "unavailable").inc()
        return compute(), False
    CACHE_REQUESTS.labels(route, "miss").inc()
    response = compute()
    try:
        with redis.pipeline() as pipe:
            pipe.set(key, orjson.dumps(response), ex=ttl)
            pipe.delete(lock)
            pipe.execute()
    except RedisError as exc:
        log.warning("cache unavailable: %s", exc)
    return response, False
