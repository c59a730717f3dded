"""Every Redis key (and channel) the service writes or reads, named in one place.

Keys live under the index prefix, so two deployments (or the tests) can share one Redis database
without reading each other's state. A key spelled anywhere else is a bug waiting for a rename.
"""

from __future__ import annotations


def index_generation(prefix: str) -> str:
    """A counter that moves on every applied change and alias swap; cached responses carry it."""
    return f"{prefix}:index-generation"


def live_version(prefix: str, kind: str) -> str:
    """The version in force of versioned configuration (`synonyms`, `ranking`, `rules`),
    announced after every change."""
    return f"{prefix}:{kind}:version"


def live_channel(prefix: str, kind: str) -> str:
    """Pub/sub channel on which a change of `kind` is announced to every API worker."""
    return f"{prefix}:{kind}"


def popular_queries_version(prefix: str) -> str:
    """Moves when shipping rebuilds the popular queries autocomplete suggests."""
    return f"{prefix}:popular-queries:version"


def click_seen(prefix: str, search_id: str, product_id: str) -> str:
    """Set by the first click on a product of a search: a repeat is a 409 without a lookup."""
    return f"{prefix}:click:{search_id}:{product_id}"


def conversion_seen(prefix: str, search_id: str, product_id: str, kind: str) -> str:
    """Set by the first add-to-cart (or purchase) of a product of a search, likewise."""
    return f"{prefix}:conversion:{search_id}:{product_id}:{kind}"


def freshness(prefix: str) -> str:
    """The recent commit-to-searchable lags (a capped list) the worker records."""
    return f"{prefix}:freshness"


def requests(prefix: str, client: str) -> str:
    """A client's requests in the current rate-limit window."""
    return f"{prefix}:requests:{client}"


def auth_failures(prefix: str, client: str) -> str:
    """A client's failed API key attempts in the current lockout window."""
    return f"{prefix}:auth-failures:{client}"


def cached_response(prefix: str, digest: str) -> str:
    """One cached response, by the digest of its normalized request."""
    return f"{prefix}:cache:{digest}"


def scheduler_lock(prefix: str) -> str:
    """Held by the one active scheduler, with a TTL it renews while alive."""
    return f"{prefix}:scheduler:lock"


def scheduler_heartbeat(prefix: str) -> str:
    """`{"at", "pid", "host"}` of the active scheduler, rewritten at every tick."""
    return f"{prefix}:scheduler:heartbeat"


def job_enqueued(prefix: str, name: str) -> str:
    """When a scheduled job was last enqueued: shared, so a scheduler taking over keeps the rhythm."""
    return f"{prefix}:schedule:{name}:enqueued"


def job_last_run(prefix: str, name: str) -> str:
    """`{"at", "seconds", "status": "ok"|"failed", "outcome"|"error"}` of a job's last run."""
    return f"{prefix}:schedule:{name}:last"
