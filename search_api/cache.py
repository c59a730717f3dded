"""The response cache in Redis: one round trip for a cached request, one computation per key.

A public request's first Redis call (`snapshot`, a FastAPI dependency) is one pipeline that counts
the request against the client's rate limit and reads, with one `MGET`, the index generation, the
versions of the synonyms, ranking settings, merchandising rules and popular queries, and the cached
entry. The entry's key is the request itself
(path and query string), with no generation or version in it; the value is stamped with the
generation and versions it was computed under, and an entry whose stamp differs from the current
ones is a miss. So a cached request costs one round trip, the cache never serves a result older
than the index generation (the stamp is read before the computation, so a generation that moves
during it leaves the entry stale), and a synonym change applies on the next request on every
worker (its version is read in the same `MGET`, and a newer one reloads the rules); so does a change
of the ranking settings or the merchandising rules.

A miss is computed by whoever takes the key's lock (redis-py's `Lock`, owned by a token, released
in `finally` even when the computation fails). The others wait a bounded time for its result; one
that gives up computes too, and never touches the holder's lock. If Redis is down, every request
is computed: the cache is an accelerator, never a dependency.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from prometheus_client import Counter
from redis import Redis
from redis.exceptions import LockError, RedisError
from redis.lock import Lock

from catalog import redis_keys
from catalog.settings import Settings
from catalog.versions import RANKING, RULES, SYNONYMS
from search_api.deps import RedisDep, SettingsDep
from search_api.limits import COUNTER_SECONDS, client_of, counter_key, too_many

log = logging.getLogger(__name__)

CACHE_REQUESTS = Counter(
    "catalog_cache_requests_total", "Response cache lookups.", ["route", "result"]
)
#: How often a waiter looks for the lock holder's result.
POLL_SECONDS = 0.01
#: Parameters that say when to answer, not what: `after` waits for a change, then reads afresh.
NOT_KEYED = frozenset({"after"})
#: Parameters holding typed text, which every analyzer lower-cases and splits on spaces.
TEXT = frozenset({"q", "query"})


@dataclass(frozen=True)
class Snapshot:
    """What the request's one round trip read: the current stamps and the entry under its key."""

    key: str
    generation: int = 0
    synonyms: int = 0
    popular: int = 0
    ranking: int = 0
    rules: int = 0
    entry: bytes | None = None
    available: bool = True

    def stamp(self, *, synonyms: bool = False, popular: bool = False) -> bytes:
        """The stamp an entry must carry to be served now; versions only where they matter."""
        return b"%d:%d:%d|" % (
            self.generation,
            self.synonyms if synonyms else 0,
            self.popular if popular else 0,
        )


def request_key(prefix: str, path: str, params: list[tuple[str, str]]) -> str:
    """The entry's key: the route and its parameters in order, whatever order they came in.

    Typed text is keyed as the analyzers read it (lower case, spaces collapsed), so `  Cordless
    DRILL ` shares the entry of `cordless drill`; a route that echoes the text sets it afterwards.
    """
    canonical = sorted(
        (name, " ".join(value.lower().split()) if name in TEXT else value)
        for name, value in params
        if name not in NOT_KEYED
    )
    digest = hashlib.blake2b(orjson.dumps([path, canonical]), digest_size=16).hexdigest()
    return redis_keys.cached_response(prefix, digest)


def _stamps(prefix: str, key: str) -> list[str]:
    return [
        redis_keys.index_generation(prefix),
        redis_keys.live_version(prefix, SYNONYMS),
        redis_keys.popular_queries_version(prefix),
        redis_keys.live_version(prefix, RANKING),
        redis_keys.live_version(prefix, RULES),
        key,
    ]


def _snapshot(key: str, values: list[Any]) -> Snapshot:
    *versions, entry = values
    generation, synonyms, popular, ranking, rules = (int(v or 0) for v in versions)
    return Snapshot(key, generation, synonyms, popular, ranking, rules, entry)


def read(redis: Redis, prefix: str, key: str, rate_key: str | None) -> tuple[Snapshot, int]:
    """One pipeline: the rate-limit count (if any) and the snapshot; the count is 0 without one."""
    with redis.pipeline(transaction=False) as pipe:
        if rate_key is not None:
            pipe.incr(rate_key)
            pipe.expire(rate_key, COUNTER_SECONDS)
        pipe.mget(_stamps(prefix, key))
        results = pipe.execute()
    return _snapshot(key, results[-1]), int(results[0]) if rate_key is not None else 0


def reread(redis: Redis, prefix: str, snapshot: Snapshot) -> Snapshot:
    """The stamps and entry read afresh (after waiting for a change); unavailable on failure."""
    if not snapshot.available:
        return snapshot
    try:
        return _snapshot(snapshot.key, redis.mget(_stamps(prefix, snapshot.key)))
    except RedisError as exc:
        log.warning("cache unavailable: %s", exc)
        return replace(snapshot, entry=None, available=False)


def snapshot(request: Request, redis: RedisDep, settings: SettingsDep) -> Snapshot:
    """Public cached routes: the rate limit and the cache lookup in one Redis round trip."""
    prefix = settings.index_prefix
    key = request_key(prefix, request.url.path, request.query_params.multi_items())
    limited = settings.rate_limit_per_minute > 0
    rate_key, left = counter_key(redis_keys.requests(prefix, client_of(request)))
    try:
        found, used = read(redis, prefix, key, rate_key if limited else None)
    except RedisError as exc:  # fail open: search must keep answering
        log.warning("cache and rate limiter unavailable: %s", exc)
        return Snapshot(key, available=False)
    if limited and used > settings.rate_limit_per_minute:
        raise too_many("rate limit exceeded; slow down", left)
    return found


#: On a router, so the rate limit counts before any parameter is checked; the routes take the same
#: (per-request cached) snapshot as `SnapshotDep`.
CachedPublicDep = Depends(snapshot)
SnapshotDep = Annotated[Snapshot, CachedPublicDep]


def _entry(value: Any, stamp: bytes) -> dict[str, Any] | None:
    """The entry's response if it carries the current stamp (a client without decoding: bytes)."""
    if not isinstance(value, bytes) or not value.startswith(stamp):
        return None
    body: dict[str, Any] = orjson.loads(value[len(stamp) :])
    return body


def cached(
    redis: Redis,
    settings: Settings,
    route: str,
    found: Snapshot,
    stamp: bytes,
    ttl: int,
    compute: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """The response and whether it came from the cache."""
    hit = _entry(found.entry, stamp)
    if hit is not None:
        CACHE_REQUESTS.labels(route, "hit").inc()
        return hit, True
    if ttl <= 0 or not found.available:
        CACHE_REQUESTS.labels(route, "miss" if ttl <= 0 else "unavailable").inc()
        return compute(), False
    lock = redis.lock(f"{found.key}:lock", timeout=settings.cache_lock_seconds)
    deadline = time.monotonic() + settings.cache_wait_seconds
    acquired = False
    try:
        while not (acquired := lock.acquire(blocking=False)):
            if time.monotonic() >= deadline:
                break  # the holder is slow: answer without its result, and leave its lock alone
            time.sleep(POLL_SECONDS)
            hit = _entry(redis.get(found.key), stamp)
            if hit is not None:
                CACHE_REQUESTS.labels(route, "hit").inc()
                return hit, True
    except RedisError as exc:
        log.warning("cache unavailable: %s", exc)
        CACHE_REQUESTS.labels(route, "unavailable").inc()
        return compute(), False
    if acquired:
        return _compute_holding(redis, route, found.key, stamp, ttl, compute, lock)
    CACHE_REQUESTS.labels(route, "wait_timeout").inc()
    return compute(), False


def _compute_holding(
    redis: Redis,
    route: str,
    key: str,
    stamp: bytes,
    ttl: int,
    compute: Callable[[], dict[str, Any]],
    lock: Lock,
) -> tuple[dict[str, Any], bool]:
    """Compute and store under the key's lock, released whatever happens (a failure included)."""
    CACHE_REQUESTS.labels(route, "miss").inc()
    try:
        response = compute()
        try:
            redis.set(key, stamp + orjson.dumps(response), ex=ttl)
        except RedisError as exc:
            log.warning("cache unavailable: %s", exc)
    finally:
        try:
            lock.release()
        except (LockError, RedisError) as exc:  # expired and maybe taken since: not ours to free
            log.warning("cache lock not released: %s", exc)
    return response, False
