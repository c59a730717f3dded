"""Rate limits in Redis: requests per client on public routes, failed keys per client on admin ones.

A fixed one-minute window per client address: one INCR and one EXPIRE, cheap enough for every
request. Like the cache, the limiter fails open when Redis is down: search must keep answering.
"""

from __future__ import annotations

import logging
import time

from fastapi import HTTPException, Request
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60
#: A window's counter outlives the window a little, so a late INCR never finds it gone.
COUNTER_SECONDS = WINDOW_SECONDS + 5


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _window() -> tuple[int, int]:
    now = int(time.time())
    return now // WINDOW_SECONDS, WINDOW_SECONDS - now % WINDOW_SECONDS


def too_many(status_detail: str, retry_after: int) -> HTTPException:
    return HTTPException(429, detail=status_detail, headers={"Retry-After": str(retry_after)})


def counter_key(key: str) -> tuple[str, int]:
    """This window's counter for `key`, and the seconds left in the window."""
    window, left = _window()
    return f"{key}:{window}", left


def count(redis: Redis, key: str) -> tuple[int, int]:
    """Add one to this window's counter; return the count and the seconds left in the window."""
    full, left = counter_key(key)
    try:
        with redis.pipeline() as pipe:
            pipe.incr(full)
            pipe.expire(full, COUNTER_SECONDS)
            value = int(pipe.execute()[0])
    except RedisError as exc:
        log.warning("rate limiter unavailable: %s", exc)
        return 0, left
    return value, left


def peek(redis: Redis, key: str) -> tuple[int, int]:
    window, left = _window()
    try:
        value = redis.get(f"{key}:{window}")
    except RedisError:
        return 0, left
    return int(value or 0), left
