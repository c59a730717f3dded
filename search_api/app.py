"""The FastAPI application: clients on the app state, routers, errors, metrics and request logs."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from elasticsearch import ApiError, ConnectionTimeout
from elasticsearch import ConnectionError as ESConnectionError
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.analytics.buffer import EventBuffer
from catalog.analytics.signing import SearchIdSigner
from catalog.connections import database_engine, elasticsearch_client, redis_client
from catalog.outbox import backlog
from catalog.settings import Settings, get_settings
from search_api import edge
from search_api.deps import ElasticsearchDep, EngineDep, RedisDep, SettingsDep
from search_api.health import check_health
from search_api.live import live_learned, live_ranking, live_rules, live_synonyms
from search_api.responses import FastJSONResponse
from search_api.routes import (
    admin,
    analytics,
    events,
    learned,
    products,
    ranking,
    recommendations,
    rules,
    search,
    suggest,
    synonym_review,
    synonyms,
)

log = logging.getLogger("catalog.api")

REQUEST_LATENCY = Histogram(
    "catalog_request_seconds",
    "Request latency by route.",
    ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ES_ERRORS = Counter(
    "catalog_elasticsearch_errors_total", "Elasticsearch calls that failed.", ["kind"]
)
OUTBOX_DEPTH = Gauge("catalog_outbox_depth", "Captured changes not yet searchable.")
OUTBOX_OLDEST = Gauge(
    "catalog_outbox_oldest_seconds", "Age of the oldest change not yet searchable."
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "route", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return orjson.dumps(entry).decode()


class ObserveRequests:
    """A request id, the latency histogram and one log line per request.

    Plain ASGI rather than `@app.middleware("http")`, whose wrapper re-streams every response
    through a task and a queue: a cost paid on each request, larger than a cached answer's.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id")
        request_id = given[:64] if given else uuid.uuid4().hex
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-Id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            name = getattr(scope.get("route"), "path", "unmatched")
            REQUEST_LATENCY.labels(name, scope["method"], str(status)).observe(elapsed)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "route": name,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # One line per Elasticsearch call would drown the request log.
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.es = elasticsearch_client(settings)
        app.state.redis = redis_client(settings)
        app.state.engine = database_engine(settings)
        app.state.synonyms = live_synonyms(app.state.engine, app.state.redis, settings.index_prefix)
        app.state.synonyms.start()
        app.state.ranking = live_ranking(app.state.engine, app.state.redis, settings.index_prefix)
        app.state.ranking.start()
        app.state.learned = live_learned(app.state.engine, app.state.redis, settings.index_prefix)
        app.state.learned.start()
        app.state.rules = live_rules(app.state.engine, app.state.redis, settings.index_prefix)
        app.state.rules.start()
        app.state.analytics = EventBuffer(
            app.state.engine,
            flush_seconds=settings.analytics_flush_seconds,
            batch_size=settings.analytics_batch_size,
            max_pending=settings.analytics_max_pending,
        )
        app.state.analytics.start()
        app.state.search_ids = SearchIdSigner(app.state.engine, settings.search_id_secret)
        yield
        app.state.analytics.stop()
        app.state.learned.stop()
        app.state.ranking.stop()
        app.state.synonyms.stop()
        app.state.rules.stop()
        app.state.es.close()
        app.state.redis.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="Catalog Search",
        version="0.1.0",
        description="Faceted product search, autocomplete and analytics over a PostgreSQL catalog.",
        default_response_class=FastJSONResponse,
        lifespan=lifespan,
    )
    app.include_router(search.router)
    app.include_router(suggest.router)
    app.include_router(products.router)
    app.include_router(recommendations.router)
    app.include_router(products.admin)
    app.include_router(synonyms.router)
    app.include_router(ranking.router)
    app.include_router(synonym_review.router)
    app.include_router(rules.router)
    app.include_router(admin.router)
    app.include_router(events.router)
    app.include_router(analytics.router)
    app.include_router(learned.router)

    edge.install(app, settings)
    app.add_middleware(ObserveRequests)

    @app.exception_handler(ESConnectionError)
    @app.exception_handler(ConnectionTimeout)
    async def elasticsearch_down(request: Request, exc: Exception) -> JSONResponse:
        ES_ERRORS.labels(type(exc).__name__).inc()
        return JSONResponse(
            {"error": "elasticsearch_unavailable", "message": "search is temporarily unavailable"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(ApiError)
    async def elasticsearch_error(request: Request, exc: ApiError) -> JSONResponse:
        ES_ERRORS.labels(f"http_{exc.meta.status}").inc()
        if exc.meta.status == 404:
            return JSONResponse(
                {
                    "error": "index_not_found",
                    "message": "no product index yet: run `catalog reindex`",
                },
                status_code=503,
            )
        log.error("elasticsearch error %s: %s", exc.meta.status, str(exc)[:300])
        return JSONResponse(
            {"error": "elasticsearch_error", "message": "search failed"}, status_code=503
        )

    @app.get("/health", tags=["operations"], summary="Dependencies' status, version and latency")
    def health(
        es: ElasticsearchDep, engine: EngineDep, redis: RedisDep, settings: SettingsDep
    ) -> JSONResponse:
        ok, body = check_health(es, engine, redis, settings)
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics")
    def metrics(engine: EngineDep) -> Response:
        # Freshness is read at scrape time from the outbox, the one record of what is pending.
        try:
            with engine.connect() as conn:
                pending = backlog(conn)
            OUTBOX_DEPTH.set(pending.depth)
            OUTBOX_OLDEST.set(pending.oldest_seconds or 0.0)
        except SQLAlchemyError as exc:
            log.warning("outbox metrics unavailable: %s", exc)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
