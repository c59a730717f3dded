"""The recovery drill's throwaway Elasticsearch node, under `<LOCAL_DIR>/recovery-drill`.

The drill deletes a node's data folder, so it gets a node of its own: a separate LOCAL_DIR with its
own state file and ports (9221/9321 beside 9200/9300), never the tests' node. It is stopped after
the module if the module started it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.settings import Settings
from ops.servers import LocalServices
from tests.support.harness import side_elasticsearch

PORT_OFFSET = 20


@pytest.fixture(scope="module")
def drill_services(settings: Settings) -> Iterator[LocalServices]:
    """A single Elasticsearch node that only the drill uses (and may wipe)."""
    if settings.database_url is None or settings.redis_url is None:
        pytest.skip("no local servers: run `catalog services up`")
    home = Path(os.environ.get("DRILL_LOCAL_DIR") or settings.local_dir / "recovery-drill")
    local = side_elasticsearch(settings, home, nodes=1, port_offset=PORT_OFFSET)
    was_running = local.elasticsearch.running()
    local.up(nodes=1)
    try:
        yield local
    finally:
        if not was_running:
            local.down()
