"""Who may do what: anonymous shoppers search; `merchandiser` and `admin` keys do the rest.

Keys come as `Authorization: Bearer <key>`. A missing, unknown or revoked key is 401; a key whose
role lacks the grant is 403; a client that keeps presenting bad keys is 429 for the rest of the
minute, so keys cannot be guessed by trying.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from redis import Redis
from sqlalchemy import Engine

from catalog import redis_keys
from catalog.keys import GRANTS, Principal, principal_of
from catalog.settings import Settings
from search_api.deps import EngineDep, RedisDep, SettingsDep
from search_api.limits import client_of, count, peek, too_many

UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def authenticate(
    client: str, authorization: str | None, engine: Engine, redis: Redis, settings: Settings
) -> Principal:
    """Who holds the key in this `Authorization` header, or the HTTPException to answer.

    Failures are counted per client address (the real one: see `search_api.edge`), so a client
    guessing keys locks out itself only, never the holder of a valid key elsewhere.
    """
    failures_key = redis_keys.auth_failures(settings.index_prefix, client)
    failures, left = peek(redis, failures_key)
    if failures >= settings.auth_failures_per_minute:
        raise too_many("too many failed API keys; try again later", left)
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise HTTPException(
            401,
            detail="an API key is required: Authorization: Bearer <key>",
            headers=UNAUTHORIZED,
        )
    with engine.begin() as conn:
        principal = principal_of(conn, key.strip())
    if principal is None:
        count(redis, failures_key)
        raise HTTPException(401, detail="unknown or revoked API key", headers=UNAUTHORIZED)
    return principal


def require(grant: str) -> Callable[..., Principal]:
    """A dependency that admits keys whose role carries `grant`, and returns who holds the key.

    Under `/admin` the key was already checked before the body was read (`search_api.edge`);
    the dependency then only checks the role.
    """

    def dependency(
        request: Request,
        engine: EngineDep,
        redis: RedisDep,
        settings: SettingsDep,
        authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> Principal:
        principal: Principal | None = getattr(request.state, "principal", None)
        if principal is None:
            principal = authenticate(client_of(request), authorization, engine, redis, settings)
        if grant not in GRANTS[principal.role]:
            raise HTTPException(
                403, detail=f"the {principal.role} role may not do this; {grant} may"
            )
        return principal

    return dependency


def rate_limited(request: Request, redis: RedisDep, settings: SettingsDep) -> None:
    """Public routes: at most `rate_limit_per_minute` requests per client per minute."""
    if settings.rate_limit_per_minute <= 0:
        return
    used, left = count(redis, redis_keys.requests(settings.index_prefix, client_of(request)))
    if used > settings.rate_limit_per_minute:
        raise too_many("rate limit exceeded; slow down", left)


AdminDep = Depends(require("admin"))
MerchandiserDep = Depends(require("merchandiser"))
#: The holder of a merchandiser key, as a route parameter (for who-did-what records).
Merchandiser = Annotated[Principal, MerchandiserDep]
PublicDep = Depends(rate_limited)
