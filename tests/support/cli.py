"""Running the shipped `catalog` command as an operator would, with the test run's environment."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from catalog.settings import PROJECT_ROOT

CATALOG = str(PROJECT_ROOT / ".venv" / "bin" / "catalog")


def run_catalog(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`catalog ARGS`; wide columns so that one message stays one line."""
    return subprocess.run(
        [CATALOG, *args],
        env={**(env if env is not None else os.environ), "COLUMNS": "300", "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
