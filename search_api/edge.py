"""The edge of the API: who the client is, and what is refused before any route runs.

* **The client** is the connecting address, unless that address is one of `trusted_proxies`; only
  then does `X-Forwarded-For` name it (uvicorn's own middleware, installed here so the app decides
  whatever server runs it: `catalog serve` turns uvicorn's off). Rate limits and the failed-key
  lockout key on it, so a forged header can neither dodge the lockout nor lock out someone else.
* **Admin keys are checked before the body is read**: a client without a valid key cannot make the
  API read (or parse) a large body, only get its 401.
* **Bodies are bounded** (`max_body_bytes`, or `max_import_bytes` for an admin import whose key
  was checked): 413 from `Content-Length` before reading, or as soon as a streamed body passes the
  limit.
* **NUL is refused** in the path, the query string and the body, naming where it is: PostgreSQL
  text cannot hold it and Elasticsearch rejects it in places, so it would otherwise be a 5xx.
* **A refused value is echoed safely**: a 422 repeats the bad input, and `NaN` or `Infinity` in a
  JSON body (Python's parser takes them) cannot be written back as JSON, which made FastAPI's own
  handler answer 500; here they are echoed as `null`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from catalog.settings import Settings
from search_api.auth import authenticate
from search_api.limits import client_of

NUL = "\x00"


def install(app: FastAPI, settings: Settings) -> None:
    """Add the edge middlewares; the last added runs first (the proxy headers, then the key)."""
    app.add_middleware(
        RefuseHostileInput,
        max_body_bytes=settings.max_body_bytes,
        max_import_bytes=settings.max_import_bytes,
    )
    app.add_middleware(AuthenticateAdmin)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_exception_handler(RequestValidationError, invalid_request)


async def invalid_request(request: Request, exc: Exception) -> Response:
    """FastAPI's 422, rendered by orjson, which writes a non-finite number as `null`."""
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors())
    return Response(orjson.dumps({"detail": errors}), 422, media_type="application/json")


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: Any) -> None:
    await JSONResponse({"detail": detail}, status_code=status)(scope, receive, send)


def _is_admin(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


def _is_import(path: str) -> bool:
    return _is_admin(path) and path.endswith("/import")


class AuthenticateAdmin:
    """Check the API key of every `/admin` request before its body is read.

    The route's own dependency then checks the role with the principal left in the request state.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_admin(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = request.app.state
        try:
            principal = await run_in_threadpool(
                authenticate,
                client_of(request),
                request.headers.get("authorization"),
                state.engine,
                state.redis,
                state.settings,
            )
        except HTTPException as exc:
            response = JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def _nul_location(value: Any, loc: list[str | int]) -> list[str | int] | None:
    """Where in decoded JSON a NUL sits (a key or a string value), or None."""
    if isinstance(value, str):
        return loc if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = [*loc, key] if NUL in key else _nul_location(item, [*loc, key])
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_location(item, [*loc, index])
            if found:
                return found
    return None


def _nul_parameter(query_string: bytes) -> str | None:
    """The first query parameter whose name or value holds NUL (parsed only when one may)."""
    if b"%00" not in query_string and b"\x00" not in query_string:
        return None
    query = query_string.decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if NUL in name or NUL in value:
            return name.replace(NUL, "\\0")
    return None


def _nul_in_body(body: bytes) -> list[str | int] | None:
    if b"\x00" not in body and b"\\u0000" not in body:
        return None
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ["body"]
    return _nul_location(decoded, ["body"])


class RefuseHostileInput:
    """NUL in the path, query or body (422 naming where) and bodies over the limit (413)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_import_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_import_bytes = max_import_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if NUL in scope["path"]:
            msg = "the path must not contain NUL"
            await _refuse(scope, receive, send, 422, [{"loc": ["path"], "msg": msg}])
            return
        name = _nul_parameter(scope["query_string"])
        if name is not None:
            detail = [{"loc": ["query", name], "msg": f"{name} must not contain NUL"}]
            await _refuse(scope, receive, send, 422, detail)
            return
        limit = self.max_import_bytes if _is_import(scope["path"]) else self.max_body_bytes
        too_large = [{"loc": ["body"], "msg": f"the body may not exceed {limit} bytes"}]
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _refuse(scope, receive, send, 413, too_large)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay(message, receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse(scope, receive, send, 413, too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        where = _nul_in_body(body)
        if where is not None:
            nul = [{"loc": where, "msg": "text must not contain NUL"}]
            await _refuse(scope, receive, send, 422, nul)
            return
        whole: Message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay(whole, receive), send)


def _replay(first: Message, receive: Receive) -> Receive:
    """A receive that gives `first` once, then whatever the server sends next (a disconnect)."""
    pending = [first]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
