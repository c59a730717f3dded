"""The API as users run it (`catalog serve`, several uvicorn workers) and a search load against it.

The load records every request's start, end and outcome, so a test can say exactly how long searches
failed around a fault (the failover window) and how: 5xx answers, refused or reset connections,
timeouts. Outages are measured, never hidden: the load does not retry.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from tests.support.harness import CATALOG_BIN

#: Queries the load cycles through: words the generated catalog uses, a typo, a filter, a miss.
QUERIES = (
    "q=tv",
    "q=laptop&sort=price_asc",
    "q=headphones&facets=brand",
    "q=wireless+speaker",
    "q=labtop",
    "q=phone&in_stock=true",
    "q=zzzzqx",
    "q=camera&per_page=5",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ApiServer:
    """`catalog serve --workers N` in its own process group, on a free port, cache and limits off.

    The cache is off so that every search reaches Elasticsearch (a cached answer would hide an
    outage), and the rate limit is off because the load comes from one client.
    """

    log_dir: Path
    env: dict[str, str]
    workers: int = 2
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        log = self.log_dir / f"api-{self.starts}.log"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [str(CATALOG_BIN), "serve", "--workers", str(self.workers)],
                env={
                    **self.env,
                    "API_HOST": "127.0.0.1",
                    "API_PORT": str(self.port),
                    "CACHE_TTL_SECONDS": "0",
                    "AUTOCOMPLETE_CACHE_TTL_SECONDS": "0",
                    "RATE_LIMIT_PER_MINUTE": "0",
                    "LOG_LEVEL": "WARNING",
                    "PYTHONUNBUFFERED": "1",
                },
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 90.0) -> float:
        """Wait until a search answers 200; return how long that took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc is None or self.proc.poll() is not None:
                raise AssertionError(f"the API exited while starting\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/search?q=tv", timeout=5).status_code == 200:
                    return time.monotonic() - started
            time.sleep(0.2)
        raise AssertionError(f"the API did not answer within {timeout:.0f}s\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """uvicorn's live worker processes (spawned children), not its resource tracker."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        try:
            children = psutil.Process(self.proc.pid).children()
        except psutil.NoSuchProcess:
            return []
        pids = []
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):  # a killed worker not yet reaped
                if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(
                    child.cmdline()
                ):
                    pids.append(child.pid)
        return pids

    def wait_workers(self, count: int, timeout: float = 60.0, without: int | None = None) -> None:
        """Wait until `count` workers run, none of them `without` (a worker just killed)."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.worker_pids()
            if len(pids) >= count and without not in pids:
                return
            assert time.monotonic() < deadline, (
                f"{count} API workers not running within {timeout:.0f}s\n{self.log_tail()}"
            )
            time.sleep(0.2)

    def kill_worker(self) -> int:
        """SIGKILL one uvicorn worker: the supervising process must replace it."""
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill(self) -> None:
        """SIGKILL the whole API (supervisor and workers), as a crashed machine or container would."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=30)

    def close(self) -> None:
        self.kill()

    def log_tail(self, lines: int = 15) -> str:
        log = self.log_dir / f"api-{self.starts}.log"
        text = log.read_text(errors="replace").splitlines() if log.exists() else []
        return "\n".join(text[-lines:])


@dataclass(frozen=True)
class Outcome:
    started: float
    ended: float
    kind: str  # "ok", "5xx", "4xx", "connection" or "timeout"


@dataclass(frozen=True)
class LoadReport:
    """What the load saw between two moments."""

    total: int
    ok: int
    failures: dict[str, int]
    #: Longest time without a successful search around failures: from the last success before a
    #: failure to the first success after it (0 when nothing failed).
    failover_window: float
    recovered: bool
    #: The slowest successful search: a failover can show as a stall rather than as an error.
    slowest: float = 0.0

    def summary(self) -> str:
        failed = ", ".join(f"{n} {kind}" for kind, n in sorted(self.failures.items())) or "none"
        state = "" if self.recovered else " (NOT recovered)"
        return (
            f"{self.total} searches, {self.ok} ok, failed: {failed}; "
            f"failover window {self.failover_window:.1f} s{state}, slowest answer {self.slowest:.2f} s"
        )


class SearchLoad:
    """`clients` threads searching in a loop, each with its own keep-alive connection pool."""

    def __init__(
        self, base_url: str, clients: int = 2, timeout: float = 10.0, pace: float = 0.02
    ) -> None:
        self.base_url = base_url
        self.pace = pace
        self.clients = clients
        self.timeout = timeout
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(i,), name=f"search-{i}", daemon=True)
            for i in range(clients)
        ]
        self.started_at = 0.0
        self.stopped_at: float | None = None

    def start(self) -> None:
        self.started_at = time.monotonic()
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)
        self.stopped_at = time.monotonic()

    def _run(self, number: int) -> None:
        queries = itertools.cycle(QUERIES[number:] + QUERIES[:number])
        with httpx.Client(base_url=self.base_url, timeout=self.timeout) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    status = client.get(f"/search?{next(queries)}").status_code
                    kind = "ok" if status == 200 else ("5xx" if status >= 500 else "4xx")
                except httpx.TimeoutException:
                    kind = "timeout"
                except httpx.TransportError:
                    kind = "connection"
                with self._lock:
                    self.outcomes.append(Outcome(started, time.monotonic(), kind))
                # A pause between searches leaves the two cores to the servers under test, and
                # keeps refused connections from turning into a busy loop.
                self._stop.wait(self.pace if kind == "ok" else max(self.pace, 0.05))

    def succeeded_since(self, moment: float) -> int:
        with self._lock:
            return sum(1 for o in self.outcomes if o.kind == "ok" and o.started >= moment)

    def wait_success_since(self, moment: float, count: int = 5, timeout: float = 60.0) -> bool:
        """Wait until `count` searches begun after `moment` have succeeded."""
        deadline = time.monotonic() + timeout
        while self.succeeded_since(moment) < count:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
        return True

    def report(self, since: float = 0.0, until: float | None = None) -> LoadReport:
        """Searches that ended in [since, until], and the longest failover window among them."""
        end = until if until is not None else (self.stopped_at or time.monotonic())
        with self._lock:
            seen = sorted(
                (o for o in self.outcomes if since <= o.ended <= end), key=lambda o: o.ended
            )
        failures: dict[str, int] = {}
        last_ok = since or self.started_at
        failing_since: float | None = None
        window = 0.0
        for outcome in seen:
            if outcome.kind == "ok":
                if failing_since is not None:
                    window = max(window, outcome.ended - failing_since)
                    failing_since = None
                last_ok = outcome.ended
            else:
                failures[outcome.kind] = failures.get(outcome.kind, 0) + 1
                if failing_since is None:
                    failing_since = last_ok
        if failing_since is not None:
            window = max(window, end - failing_since)
        return LoadReport(
            total=len(seen),
            ok=sum(1 for o in seen if o.kind == "ok"),
            failures=failures,
            failover_window=window,
            recovered=failing_since is None,
            slowest=max((o.ended - o.started for o in seen if o.kind == "ok"), default=0.0),
        )
