"""Running local servers as an unprivileged user, and the small process helpers they share.

Elasticsearch and PostgreSQL refuse to run as root, and these machines give us root. So when we are root
every server runs as the system user `catalog-svc` (created on first use) and owns its folders under
`.local/`; as any other user the servers simply run as that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from catalog.local_state import ServiceError as ServiceError

SERVICE_USER = "catalog-svc"


def running_as_root() -> bool:
    return os.geteuid() == 0


def ensure_service_user() -> None:
    """Create the unprivileged system user the servers run as (root only, idempotent)."""
    if not running_as_root():
        return
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
        )


def hand_over(path: Path) -> None:
    """Give `path` (recursively) to the service user, and let it traverse every parent folder.

    Only the execute (traverse) bit is added to parents that lack it, so a clone under a private home
    folder still works without exposing the folder's listing.
    """
    if not path.exists():
        path.mkdir(parents=True)
    if not running_as_root():
        return
    shutil.chown(path, SERVICE_USER, SERVICE_USER)
    subprocess.run(["chown", "-R", f"{SERVICE_USER}:{SERVICE_USER}", str(path)], check=True)
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def as_service_user(argv: Sequence[str]) -> list[str]:
    """The command line that runs `argv` as the service user (unchanged when not root)."""
    if running_as_root():
        return ["runuser", "-u", SERVICE_USER, "--", *argv]
    return list(argv)


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run a command as the service user; raise ServiceError with its last output lines on failure."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        as_service_user(argv),
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ServiceError(f"{Path(argv[0]).name} failed ({result.returncode}): {' | '.join(tail)}")
    return result


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def port_is_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def choose_port(preferred: int, taken: set[int] | None = None) -> int:
    """The preferred port when it is free, else the next free one above it."""
    port = preferred
    while port in (taken or set()) or not port_is_free(port):
        port += 1
        if port > preferred + 200:
            raise ServiceError(f"no free port found in {preferred}..{preferred + 200}")
    return port


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is not alive for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().strip().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None


def stop_pid(pid: int | None, timeout: float = 30) -> None:
    """SIGTERM, wait, then SIGKILL if it is still there."""
    if not pid_alive(pid):
        return
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def reuse_or_choose(remembered: int | None, default: int, taken: set[int] | None = None) -> int:
    """Keep a remembered port unless something else now listens there; otherwise choose a free one.

    Called only while our own server is down, so an open remembered port belongs to someone else.
    """
    if remembered and remembered not in (taken or set()) and not port_is_open(remembered):
        return remembered
    return choose_port(default, taken)
