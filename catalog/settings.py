"""The one place where the service's settings live.

Every value comes from the environment (or a `.env` file) under the names documented in the README, so
the local servers, docker-compose and a production deployment all speak the same words. When a URL is
left unset the project runs its own server for it under `.local/` (see `ops.servers`); a URL given
from outside means that server is used and none is started.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Settings read from the environment; field names are the upper-cased variable names."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL (postgresql+psycopg://...). Unset: the local server is used.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL (redis://host:port/db). Unset: the local server is used.",
    )
    elasticsearch_url: str | None = Field(
        default=None, description="Elasticsearch URL. Unset: the local node is used."
    )
    elasticsearch_api_key: SecretStr | None = Field(
        default=None, description="Elasticsearch API key (base64 id:key), instead of a user."
    )
    elasticsearch_username: str | None = Field(default=None, description="Elasticsearch user.")
    elasticsearch_password: SecretStr | None = Field(
        default=None, description="Elasticsearch password."
    )
    elasticsearch_ca_certs: Path | None = Field(
        default=None, description="CA certificate that signed Elasticsearch's HTTP certificate."
    )
    elasticsearch_timeout: float = Field(
        default=5.0, gt=0, description="Seconds any one Elasticsearch call may take."
    )
    index_prefix: str = Field(
        default="catalog", description="Prefix of every index and alias the service owns."
    )
    cache_ttl_seconds: int = Field(
        default=300, ge=0, description="Lifetime of a cached search response (0 turns caching off)."
    )
    autocomplete_cache_ttl_seconds: int = Field(
        default=60, ge=0, description="Lifetime of a cached autocomplete response."
    )
    cache_lock_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Longest a cache miss holds its key's lock (one computation per key at a time).",
    )
    cache_wait_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long a request waits for another's computation of the same key before "
        "computing it too.",
    )
    rate_limit_per_minute: int = Field(
        default=1200, ge=0, description="Requests per client per minute on public routes (0: off)."
    )
    auth_failures_per_minute: int = Field(
        default=5, ge=1, description="Failed API key attempts per client per minute before 429."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default=[],
        description=(
            "Addresses or networks (comma-separated) of the reverse proxies whose X-Forwarded-For "
            "names the client; the default, none, makes the connecting address the client."
        ),
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body the API reads; a larger one is refused with 413.",
    )
    max_import_bytes: int = Field(
        default=8_000_000,
        ge=1024,
        description="Largest body of an admin import (`/admin/.../import`: 100,000 synonym rules "
        "are about 2 MB); only read once the key is checked. A larger one is refused with 413.",
    )
    after_wait_seconds: float = Field(
        default=1.0,
        gt=0,
        le=10,
        description="Longest a search with `after=SEQ` waits for that change to be searchable.",
    )
    api_host: str = Field(default="127.0.0.1", description="Address `catalog serve` binds.")
    api_port: int = Field(default=8000, ge=1, le=65535, description="Port `catalog serve` binds.")
    api_workers: int = Field(default=1, ge=1, description="uvicorn worker processes.")
    local_dir: Path = Field(
        default=PROJECT_ROOT / ".local",
        description="Where local servers keep downloads, data and logs.",
    )
    log_level: str = Field(default="INFO", description="Log level of the API and the workers.")
    analytics_retention_days: int = Field(
        default=90,
        ge=1,
        description="Days raw search events are kept before they are rolled up into daily sums.",
    )
    analytics_flush_seconds: float = Field(
        default=1.0, gt=0, description="How often the API writes its buffered analytics events."
    )
    analytics_batch_size: int = Field(
        default=500, ge=1, description="Buffered analytics events that trigger a write at once."
    )
    analytics_max_pending: int = Field(
        default=50_000,
        ge=1,
        description="Analytics events an API process holds while PostgreSQL is down; more are dropped.",
    )
    analytics_ship_seconds: int = Field(
        default=60,
        ge=1,
        description="How often `catalog scheduler` has a worker ship analytics to Elasticsearch.",
    )
    reconcile_seconds: int = Field(
        default=300,
        ge=1,
        description="How often `catalog scheduler` has a worker compare PostgreSQL with the index "
        "and repair every difference.",
    )
    rollup_seconds: int = Field(
        default=3600,
        ge=1,
        description="How often `catalog scheduler` has a worker fold analytics events past the "
        "retention window into daily sums.",
    )
    scheduler_lock_seconds: float = Field(
        default=15.0,
        ge=1,
        description="Lifetime of the active scheduler's Redis lock, renewed every third of it; a "
        "standby scheduler takes over once it expires, and /health calls the scheduler stopped "
        "when its heartbeat is older than twice this.",
    )
    analytics_popular_days: int = Field(
        default=30,
        ge=1,
        description="Window of past searches that autocomplete's popular queries use.",
    )
    analytics_popular_min_searches: int = Field(
        default=3,
        ge=1,
        description="Searches with results a query needs to be suggested (keeps one-off queries out).",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    search_id_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs search ids (clicks need one). Unset: the key `catalog migrate` "
        "generated in the database, shared by every API process.",
    )
    analytics_popular_min_clients: int = Field(
        default=3,
        ge=1,
        description="Distinct sessions a query needs before autocomplete suggests it to everyone.",
    )
    synonym_import_max_rules: int = Field(
        default=100_000,
        ge=1,
        description="Rules one synonym import may hold (a larger file is refused with 413).",
    )

    @field_validator("index_prefix")
    @classmethod
    def _index_prefix_is_a_valid_index_name(cls, value: str) -> str:
        if (
            not value
            or value != value.lower()
            or not value.replace("-", "").replace("_", "").isalnum()
        ):
            raise ValueError("index_prefix must be lower-case letters, digits, '-' or '_'")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
