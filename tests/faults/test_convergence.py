"""Faults while the catalog changes: the index must converge to PostgreSQL with zero differences.

A seeded writer changes the catalog directly in PostgreSQL (inserts, updates of indexed columns,
soft and hard deletes, restores, brand and category renames) while real `catalog worker` processes
index the changes. One kind of fault is injected per test, a few times over; then the writer stops,
the outbox must drain, and `verify` must find nothing missing, extra, stale or drifted.

The API fault also runs `catalog serve` with two workers under a search load: errors during the
kill are counted and reported (a killed process drops its connections), and searches must answer
again afterwards. Every test adds a line to the "fault suite" section at the end of the run.

No `catalog scheduler` runs: scheduled reconciliation would repair differences and hide a fault
the change path does not survive.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from redis import Redis
from sqlalchemy import Engine

from catalog.products import count_live
from indexer.indices import alias_name
from indexer.verify import verify
from ops.servers import LocalServices
from schemas.product_index import schema_version
from tests.support import summary
from tests.support.api_server import ApiServer, SearchLoad
from tests.support.catalog import Catalog
from tests.support.harness import (
    WorkerPool,
    WorkersCrashed,
    outbox_depth,
    wait_outbox_empty,
)
from tests.support.writer import Writer, seeded_writer

pytestmark = [pytest.mark.faults, pytest.mark.slow]

INITIAL_PRODUCTS = 300
INSERT_POOL = 1500
WORKERS = 2
#: Changes the writer applies before the first fault, between faults and after the last one.
CHANGES_BETWEEN = 150
#: How long a fault may take to converge: a job lost with a worker or Redis is re-dispatched 30 s
#: after its dispatch, and a job that failed during an outage waits out RQ's retry backoff.
CONVERGE_WITHIN = 120.0
SEED = int(os.environ.get("FAULTS_SEED", "20240611"))
#: Concurrent search clients against the API in the API fault.
SEARCH_CLIENTS = 3


@dataclass
class Scenario:
    catalog: Catalog
    engine: Engine
    servers: LocalServices
    workers: WorkerPool
    writer: Writer
    api: ApiServer
    load: SearchLoad | None = None
    api_kills: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def redis(self) -> Redis:
        return self.catalog.redis

    def hold(self, seconds: float) -> None:
        """Keep the fault in place while the writer goes on (the outage's length, not a check)."""
        time.sleep(seconds)


def kill_a_worker(s: Scenario) -> None:
    """SIGKILL a worker, preferably while it executes a job, then start a replacement."""
    victim = s.workers.alive()[0]
    mid_job = s.workers.wait_busy(s.redis, victim.pid, timeout=10)
    s.workers.kill(victim)
    s.notes.append(f"SIGKILL worker pid {victim.pid} {'mid-job' if mid_job else 'between jobs'}")
    s.workers.start()


def restart_redis(s: Scenario) -> None:
    server = s.servers.redis
    port = server.state["port"]
    server.down()
    try:
        assert not server.running(), "Redis still running after down()"
        s.hold(5)
    finally:
        server.up()
    assert server.state["port"] == port, "Redis came back on another port"
    s.notes.append("Redis down 5 s")


def stop_elasticsearch(s: Scenario) -> None:
    server = s.servers.elasticsearch
    started = time.monotonic()
    server.stop_node(1)
    stopped = time.monotonic()
    try:
        assert not server.node_running(1), "Elasticsearch still running after stop_node(1)"
        s.hold(5)  # restarting the node adds its boot time to the outage
    finally:
        restarting = time.monotonic()
        server.up(count=len(server.nodes()))
    s.notes.append(
        f"Elasticsearch unavailable {time.monotonic() - started:.0f} s (shutdown "
        f"{stopped - started:.0f} s, down {restarting - stopped:.0f} s, "
        f"boot to healthy {time.monotonic() - restarting:.0f} s)"
    )


def restart_postgres(s: Scenario) -> None:
    server = s.servers.postgres
    started = time.monotonic()
    server.down()
    try:
        assert not server.running(), "PostgreSQL still running after down()"
        s.hold(5)
    finally:
        server.up()
    s.notes.append(f"PostgreSQL unavailable {time.monotonic() - started:.0f} s")


def kill_the_api(s: Scenario) -> None:
    """SIGKILL the API under load: first one uvicorn worker, then the whole API, restarted.

    A killed worker is replaced by uvicorn's supervisor while the other worker keeps serving; a
    killed API is restarted as a process manager (systemd, `restart: unless-stopped`) would, after
    a second's delay. Requests in flight on a killed process fail; that is counted, not forbidden.
    """
    assert s.load is not None, "the API fault runs with a search load"
    killed_at = time.monotonic()
    if s.api_kills == 0:
        victim = s.api.kill_worker()
        what = f"SIGKILL API worker pid {victim}"
        s.api.wait_workers(s.api.workers, without=victim)
    else:
        s.api.kill()
        what = "SIGKILL the whole API (supervisor and workers), restarted"
        s.hold(1)
        s.api.start()
        s.api.wait_ready()
    s.api_kills += 1
    assert s.load.wait_success_since(time.monotonic()), (
        f"searches do not answer after: {what}\n{s.api.log_tail()}"
    )
    report = s.load.report(since=killed_at)
    s.notes.append(
        f"{what}: {report.failures.get('5xx', 0)} 5xx, "
        f"{report.failures.get('connection', 0) + report.failures.get('timeout', 0)} "
        f"connection errors, failover window {report.failover_window:.1f} s"
    )


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[Scenario], None]
    rounds: int
    serves_api: bool = False  # run `catalog serve` and a search load through the test


FAULTS = [
    Fault("sigkill-worker", kill_a_worker, rounds=2),
    Fault("restart-redis", restart_redis, rounds=2),
    Fault("stop-elasticsearch", stop_elasticsearch, rounds=1),
    Fault("restart-postgres", restart_postgres, rounds=2),
    Fault("sigkill-api", kill_the_api, rounds=2, serves_api=True),
]
PARAMS = [pytest.param(f, id=f.name) for f in FAULTS]


def _code_changed() -> str:
    """A note when the workers' document schema differs from this process's (code edited mid-run)."""
    workers_version = subprocess.run(
        [sys.executable, "-c", "from schemas.product_index import schema_version as v; print(v())"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    ).stdout.strip()
    if workers_version == schema_version():
        return ""
    return (
        f"\nnote: the code on disk builds schema {workers_version!r}, this test process "
        f"{schema_version()!r}: the source changed during the run, so checksums differ"
    )


@pytest.mark.parametrize("fault", PARAMS)
def test_index_converges_after_fault(
    fault: Fault,
    catalog: Catalog,
    servers: LocalServices,
    fault_engine: Engine,
    workers: WorkerPool,
    api_server: ApiServer,
) -> None:
    seed = SEED + FAULTS.index(fault)
    writer = seeded_writer(
        catalog, fault_engine, seed=seed, initial=INITIAL_PRODUCTS, pool=INSERT_POOL
    )
    s = Scenario(catalog, fault_engine, servers, workers, writer, api_server)
    for _ in range(WORKERS):
        workers.start()
    if fault.serves_api:
        api_server.start()
        api_server.wait_ready()
        s.load = SearchLoad(api_server.url, clients=SEARCH_CLIENTS)
        s.load.start()
    workers.wait_registered(catalog.redis, WORKERS)
    workers.supervise()

    started = time.monotonic()
    writer.start()
    survived = 0
    try:
        for _ in range(fault.rounds):
            target = writer.applied + CHANGES_BETWEEN
            assert writer.wait_applied(target, timeout=60), f"writer stalled: {writer.stats}"
            fault.inject(s)
            survived += 1
        target = writer.applied + CHANGES_BETWEEN
        assert writer.wait_applied(target, timeout=90), f"writer stalled: {writer.stats}"
    finally:
        stats = writer.stop()
        if s.load is not None:
            s.load.stop()
    assert not stats.errors, f"the writer failed: {stats.errors}; {stats.summary()}"
    searches = "" if s.load is None else f"; searches: {s.load.report().summary()}"

    drained, drain_seconds = wait_outbox_empty(fault_engine, CONVERGE_WITHIN)
    context = (
        f"[{fault.name}, seed {seed}] {survived} fault(s) injected ({'; '.join(s.notes)}); "
        f"writer: {stats.summary()}"
    )
    assert drained, (
        f"{context}\noutbox still holds {outbox_depth(fault_engine)} entries "
        f"{CONVERGE_WITHIN:.0f}s after the writer stopped\n{workers.describe()}"
    )

    report = verify(fault_engine, catalog.es, catalog.prefix)
    with fault_engine.connect() as conn:
        live = count_live(conn)
    indexed = int(catalog.es.count(index=alias_name(catalog.prefix))["count"])
    print(
        f"\n{context}\nconverged {drain_seconds:.1f}s after the writer stopped "
        f"({time.monotonic() - started:.0f}s in all): {report.postgres} live products, "
        f"{report.index} documents, {report.differences} differences; "
        f"workers: {workers.states()}"
    )
    assert report.differences == 0, (
        f"{context}\nmissing {report.missing[:10]}, extra {report.extra[:10]}, "
        f"stale {report.stale[:10]}, drifted {report.drifted[:10]}{_code_changed()}"
    )
    assert report.in_flight == 0, f"{context}\n{report.in_flight} products still in flight"
    assert live == indexed == report.postgres, (
        f"{context}\nPostgreSQL has {live} live products, the index {indexed} documents"
    )
    assert survived == fault.rounds
    line = (
        f"[{fault.name}] survived {survived} fault(s) ({'; '.join(s.notes)}) with "
        f"{stats.applied} changes applied, "
        f"converged {drain_seconds:.1f} s after the writer stopped, 0 differences, "
        f"{len(workers.crashes)} worker crash(es){searches}"
    )
    print(line)
    summary.report("fault suite", line)
    if s.load is not None:
        assert s.load.report().recovered, f"{context}\nsearches failed until the end{searches}"
    if workers.crashes:
        raise WorkersCrashed(
            f"{context}\nconverged, but only because crashed workers were restarted:\n"
            + "\n".join(workers.crashes)
        )
