"""The shipped processes (`catalog serve`, `worker`, `scheduler`) run as a user runs them, with
short intervals, for the system tier."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

CATALOG_BIN = Path(sys.executable).parent / "catalog"

#: Short intervals so the schedule fires within a test (production: minutes).
SHIP_SECONDS = 2
RECONCILE_SECONDS = 3
ENVIRONMENT = {
    "RECONCILE_SECONDS": str(RECONCILE_SECONDS),
    "ANALYTICS_SHIP_SECONDS": str(SHIP_SECONDS),
    "ROLLUP_SECONDS": "30",
    "SCHEDULER_LOCK_SECONDS": "3",
    "ANALYTICS_FLUSH_SECONDS": "0.2",
    # One query searched by a few shoppers is popular here, whatever rule counts them.
    "ANALYTICS_POPULAR_MIN_SEARCHES": "2",
    "ANALYTICS_POPULAR_MIN_CLIENTS": "1",
    "RATE_LIMIT_PER_MINUTE": "0",  # every request of a test comes from one address
    "LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class System:
    """The running processes, their logs, and an HTTP client on the API."""

    log_dir: Path
    port: int = field(default_factory=_free_port)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, name: str, *args: str) -> None:
        env = {**os.environ, **ENVIRONMENT, "API_PORT": str(self.port)}
        with (self.log_dir / f"{name}.log").open("wb") as out:
            self.procs[name] = subprocess.Popen(
                [str(CATALOG_BIN), *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                assert proc.poll() is None, f"{name} exited {proc.returncode}:\n{self.log(name)}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"the API did not answer within {timeout}s:\n{self.log('api')}")

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def tracebacks(self) -> dict[str, str]:
        """Each process whose log holds a traceback, with the log's tail."""
        return {
            name: self.log(name)[-3000:] for name in self.procs if "Traceback" in self.log(name)
        }

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
