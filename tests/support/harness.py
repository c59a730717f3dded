"""What the fault tests drive: real `catalog worker` processes, the local servers, the outbox."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis
from rq.worker import Worker
from sqlalchemy import Engine, make_url

from catalog import local_state as state_file
from catalog.outbox import backlog
from catalog.settings import Settings
from ops.servers import LocalServices
from ops.servers.elasticsearch import (
    DEFAULT_HTTP_PORT,
    DEFAULT_TRANSPORT_PORT,
    VERSION,
    LocalElasticsearch,
)
from ops.servers.process import read_pid

CATALOG_BIN = Path(sys.executable).parent / "catalog"
#: Nodes of the cluster suite's own Elasticsearch cluster.
CLUSTER_NODES = 3


class WorkersCrashed(AssertionError):
    """A worker exited on its own during a fault (the supervisor had to restart it)."""


@dataclass
class WorkerPool:
    """`catalog worker` subprocesses, each in its own process group (RQ forks a scheduler).

    Like `restart: unless-stopped` in docker-compose.yml, a supervisor thread replaces a worker
    that exits on its own, and records the exit in `crashes`: the index still converges, and the
    test can tell whether the workers themselves survived the fault.
    """

    log_dir: Path
    env: dict[str, str]
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)
    killed: set[int] = field(default_factory=set)
    crashes: list[str] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _seen: set[int] = field(default_factory=set)

    def start(self) -> subprocess.Popen[bytes]:
        with self._lock:
            return self._start()

    def supervise(self) -> threading.Thread:
        thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)
        thread.start()
        return thread

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            with self._lock:
                for number, proc in enumerate(list(self.started), start=1):
                    if proc.poll() is None or proc.pid in self.killed or proc.pid in self._seen:
                        continue
                    self._seen.add(proc.pid)
                    self.crashes.append(
                        f"worker {number} (pid {proc.pid}) exited {proc.returncode}: "
                        f"{self._last_error(number)}"
                    )
                    self._start()

    def _last_error(self, number: int) -> str:
        log = self.log_dir / f"worker-{number}.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        errors = [line.strip() for line in lines if "Error" in line or "quitting" in line]
        return errors[-1] if errors else "(no error logged)"

    def _start(self) -> subprocess.Popen[bytes]:
        log = self.log_dir / f"worker-{len(self.started) + 1}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [str(CATALOG_BIN), "worker"],
                env={**self.env, "PYTHONUNBUFFERED": "1"},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append(proc)
        return proc

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [proc for proc in self.started if proc.poll() is None]

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and everything it started, as a crashed machine or container would."""
        with self._lock:
            self.killed.add(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self.killed.update(proc.pid for proc in self.started)
        for proc in self.started:
            if proc.poll() is None or _group_alive(proc.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)

    def registered(self, redis: Redis) -> set[int]:
        """Pids of our workers that RQ lists as registered (i.e. ready to take jobs)."""
        ours = {proc.pid for proc in self.alive()}
        return {int(w.pid) for w in Worker.all(connection=redis) if w.pid in ours}

    def wait_registered(self, redis: Redis, count: int, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.registered(redis)) < count:
            assert time.monotonic() < deadline, (
                f"{count} workers not registered within {timeout:.0f}s\n{self.describe()}"
            )
            time.sleep(0.2)

    def wait_busy(self, redis: Redis, pid: int, timeout: float) -> bool:
        """Wait until the worker `pid` is executing a job (False if it did not within `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for w in Worker.all(connection=redis):
                if w.pid == pid and w.get_current_job_id():
                    return True
            time.sleep(0.005)
        return False

    def states(self) -> str:
        return ", ".join(
            f"pid {proc.pid} " + ("running" if proc.poll() is None else f"exited {proc.returncode}")
            for proc in self.started
        )

    def describe(self) -> str:
        lines = []
        for number, proc in enumerate(self.started, start=1):
            state = "running" if proc.poll() is None else f"exited {proc.returncode}"
            log = self.log_dir / f"worker-{number}.log"
            tail = log.read_text(errors="replace").splitlines()[-8:] if log.exists() else []
            lines.append(f"worker {number} (pid {proc.pid}): {state}")
            lines.extend(f"    {line}" for line in tail)
        return "\n".join(lines)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def local_services() -> LocalServices:
    """The project's own servers under LOCAL_DIR (the demo's), whatever URLs the tests carry."""
    return LocalServices(Settings(database_url=None, redis_url=None, elasticsearch_url=None))


def server_pids(services: LocalServices) -> dict[str, int | None]:
    """The pid of each server under `services` (None: not running), to prove nobody restarted it."""
    pids = {
        "postgres": read_pid(services.postgres.datadir / "postmaster.pid"),
        "redis": read_pid(services.redis.pidfile),
    }
    for number in range(1, len(services.elasticsearch.nodes()) + 1):
        pids[f"elasticsearch node-{number}"] = read_pid(
            services.elasticsearch.node_dir(number) / "es.pid"
        )
    return pids


def own_servers(settings: Settings, home: Path, *, port_offset: int) -> LocalServices:
    """PostgreSQL, Redis and one Elasticsearch node of their own under `home`, for the fault suite.

    The fault tests stop and restart servers; here they are never the ones under the main LOCAL_DIR
    (which `make demo` may be using). Ports are `port_offset` above the main servers' on first use.
    """
    if not state_file.state_path(home).exists():
        main = state_file.load(settings.local_dir)
        node = (main.get("elasticsearch", {}).get("nodes") or [{}])[0]
        state_file.save(
            home,
            {
                "postgres": {"port": main.get("postgres", {}).get("port", 5432) + port_offset},
                "redis": {"port": main.get("redis", {}).get("port", 6379) + port_offset},
                "elasticsearch": {"nodes": [_node_ports(node, port_offset, 0)]},
            },
        )
    _link_distribution(settings.local_dir, home)
    return LocalServices(
        Settings(local_dir=home, database_url=None, redis_url=None, elasticsearch_url=None)
    )


def environment_for(services: LocalServices) -> dict[str, str]:
    """The settings that point a test process at `services` (as tests/conftest.py does)."""
    url = make_url(services.postgres.url())
    return {
        "DATABASE_URL": url.set(database=f"{url.database}_test").render_as_string(
            hide_password=False
        ),
        "REDIS_URL": services.redis.url().rsplit("/", 1)[0] + "/15",
        "ELASTICSEARCH_URL": services.elasticsearch.url(),
        "INDEX_PREFIX": "test",
        "LOCAL_DIR": str(services.local_dir),
    }


def _node_ports(main: dict[str, int], port_offset: int, number: int) -> dict[str, int]:
    http = main.get("http_port", DEFAULT_HTTP_PORT)
    transport = main.get("transport_port", DEFAULT_TRANSPORT_PORT)
    return {
        "http_port": http + port_offset + number,
        "transport_port": transport + port_offset + number,
    }


def _link_distribution(main_dir: Path, home: Path) -> None:
    """Reuse the main LOCAL_DIR's downloaded Elasticsearch archive (nothing downloaded twice)."""
    archive = f"elasticsearch-{VERSION}.zip"
    source, target = main_dir / "downloads" / archive, home / "downloads" / archive
    if source.exists() and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def outbox_depth(engine: Engine) -> int:
    with engine.connect() as conn:
        return backlog(conn).depth


def wait_outbox_empty(engine: Engine, timeout: float) -> tuple[bool, float]:
    """Poll until the outbox is empty; return whether it emptied and how long it took."""
    started = time.monotonic()
    while True:
        if outbox_depth(engine) == 0:
            return True, time.monotonic() - started
        if time.monotonic() - started >= timeout:
            return False, time.monotonic() - started
        time.sleep(0.25)


def side_elasticsearch(
    settings: Settings, home: Path, *, nodes: int, port_offset: int
) -> LocalServices:
    """Elasticsearch alone under its own LOCAL_DIR `home`, beside the tests' servers.

    For tests that stop nodes or wipe data: they do it there, never to the servers under the tests'
    LOCAL_DIR. PostgreSQL and Redis stay the tests' own (their URLs are passed on, so `up` starts
    only Elasticsearch). On first use the nodes get ports `port_offset + 1..` above the main node's
    (9211.. for offset 10) and the main LOCAL_DIR's downloaded distribution is linked in.
    """
    if not state_file.state_path(home).exists():
        main = LocalElasticsearch(settings.local_dir, state_file.load(settings.local_dir)).nodes()
        planned = [
            _node_ports(main[0] if main else {}, port_offset, i) for i in range(1, nodes + 1)
        ]
        state_file.save(home, {"elasticsearch": {"nodes": planned}})
    _link_distribution(settings.local_dir, home)
    return LocalServices(
        Settings(
            local_dir=home,
            database_url=settings.database_url,
            redis_url=settings.redis_url,
            elasticsearch_url=None,
        )
    )
