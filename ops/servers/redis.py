"""A local Redis 7 server from Debian's `redis-server`, bound to loopback with its own data folder."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from catalog import local_state
from ops.servers.process import (
    ServiceError,
    hand_over,
    pid_alive,
    port_is_open,
    read_pid,
    reuse_or_choose,
    run,
    stop_pid,
    tail,
)

DEFAULT_PORT = 6379


class LocalRedis:
    name = "redis"

    def __init__(self, local_dir: Path, state: dict[str, Any]) -> None:
        self.home = local_dir / "redis"
        self.state = state.setdefault(self.name, {})

    @property
    def pidfile(self) -> Path:
        return self.home / "redis.pid"

    @property
    def logfile(self) -> Path:
        return self.home / "redis.log"

    def url(self) -> str:
        url = local_state.redis_url(self.state)
        if url is None:
            raise ServiceError("Redis has not been started here yet: run `catalog services up`")
        return url

    def running(self) -> bool:
        return pid_alive(read_pid(self.pidfile))

    def up(self) -> None:
        if self.running():
            return
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServiceError(
                "redis-server not found: run `make bootstrap` (apt-get install redis-server)"
            )
        self.state["port"] = reuse_or_choose(self.state.get("port"), DEFAULT_PORT)
        self.home.mkdir(parents=True, exist_ok=True)
        conf = self.home / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "bind 127.0.0.1",
                    "protected-mode yes",
                    f"port {self.state['port']}",
                    "daemonize yes",
                    f"pidfile {self.pidfile}",
                    f"logfile {self.logfile}",
                    f"dir {self.home}",
                    "appendonly yes",
                    "appendfsync everysec",
                    "save 60 1000",
                ]
            )
            + "\n"
        )
        hand_over(self.home)
        run([binary, str(conf)])
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if port_is_open(self.state["port"]) and self.running():
                return
            time.sleep(0.1)
        raise ServiceError(f"Redis did not start; last log lines:\n{tail(self.logfile)}")

    def down(self) -> None:
        stop_pid(read_pid(self.pidfile))

    def describe(self) -> str:
        return f"127.0.0.1:{self.state.get('port', '-')}"
