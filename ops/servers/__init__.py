"""`catalog services up | down | status`: the project's own PostgreSQL, Redis and Elasticsearch.

A server whose URL is given in the settings is someone else's: it is neither started nor stopped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from catalog import local_state as state_file
from catalog.settings import Settings
from ops.servers.elasticsearch import LocalElasticsearch
from ops.servers.postgres import LocalPostgres
from ops.servers.process import ServiceError, ensure_service_user
from ops.servers.redis import LocalRedis

__all__ = ["LocalServices", "ServiceError", "ServiceStatus"]


class LocalServer(Protocol):
    name: str

    def running(self) -> bool: ...
    def down(self) -> None: ...
    def describe(self) -> str: ...


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    managed: bool
    running: bool
    where: str


class LocalServices:
    """The local servers this settings object asks for, and their shared state file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.local_dir = settings.local_dir
        self.state = state_file.load(self.local_dir)
        self.postgres = LocalPostgres(self.local_dir, self.state)
        self.redis = LocalRedis(self.local_dir, self.state)
        self.elasticsearch = LocalElasticsearch(self.local_dir, self.state)

    def managed(self) -> list[LocalServer]:
        servers: list[LocalServer] = []
        if self.settings.database_url is None:
            servers.append(self.postgres)
        if self.settings.redis_url is None:
            servers.append(self.redis)
        if self.settings.elasticsearch_url is None:
            servers.append(self.elasticsearch)
        return servers

    def up(self, nodes: int | None = None) -> None:
        """Start whatever is down; `nodes` Elasticsearch nodes (default: as many as recorded)."""
        ensure_service_user()
        try:
            if self.settings.database_url is None:
                self.postgres.up()
            if self.settings.redis_url is None:
                self.redis.up()
            if self.settings.elasticsearch_url is None:
                self.elasticsearch.up(count=nodes)
        finally:
            state_file.save(self.local_dir, self.state)

    def down(self) -> None:
        for server in reversed(self.managed()):
            server.down()

    def status(self) -> list[ServiceStatus]:
        rows: list[ServiceStatus] = []
        for server in self.managed():
            if server is self.elasticsearch and len(self.elasticsearch.nodes()) > 1:
                # A cluster can answer with a node down: say which one, not just "not running".
                rows += [
                    ServiceStatus(f"elasticsearch {name}", True, running, where)
                    for name, running, where in self.elasticsearch.node_rows()
                ]
            else:
                rows.append(ServiceStatus(server.name, True, server.running(), server.describe()))
        external = {
            "postgres": self.settings.database_url,
            "redis": self.settings.redis_url,
            "elasticsearch": self.settings.elasticsearch_url,
        }
        rows += [
            ServiceStatus(name, False, True, "external") for name, url in external.items() if url
        ]
        return rows
