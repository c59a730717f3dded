"""A three-node Elasticsearch cluster of the tests' own, under `<LOCAL_DIR>/cluster`.

The cluster is started for the module (or reused when it already runs there) and stopped after it
if this module started it: three JVMs are too much to keep through the rest of a CI run. PostgreSQL and
Redis are the tests' usual ones; only Elasticsearch differs. Set CLUSTER_LOCAL_DIR to put it
elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.settings import Settings
from ops.servers.elasticsearch import LocalElasticsearch
from tests.support.harness import CLUSTER_NODES, side_elasticsearch

#: The nodes' ports sit this far above the main node's: 9211-9213 and 9311-9313.
PORT_OFFSET = 10


@pytest.fixture(scope="module")
def cluster(settings: Settings) -> Iterator[LocalElasticsearch]:
    """Three running nodes in one cluster; stopped afterwards if this run started them."""
    if settings.database_url is None or settings.redis_url is None:
        pytest.skip("no local servers: run `catalog services up`")
    home = Path(os.environ.get("CLUSTER_LOCAL_DIR") or settings.local_dir / "cluster")
    local = side_elasticsearch(settings, home, nodes=CLUSTER_NODES, port_offset=PORT_OFFSET)
    was_running = local.elasticsearch.running()
    local.up(nodes=CLUSTER_NODES)
    try:
        yield local.elasticsearch
    finally:
        if not was_running:
            local.down()
