"""Every Redis key the service writes or reads, named in one place.

Keys live under the index prefix, so two deployments (or the tests) can share one Redis database
without reading each other's state. A key spelled anywhere else is a bug waiting for a rename.
"""

from __future__ import annotations


def index_generation(prefix: str) -> str:
    """A counter that moves on every applied change and alias swap; the search cache keys on it."""
    return f"{prefix}:index-generation"
