"""Running the shipped `catalog` command as an operator would, with the test run's environment."""

from __future__ import annotations

import os
import subprocess

from catalog.settings import PROJECT_ROOT

CATALOG = str(PROJECT_ROOT / ".venv" / "bin" / "catalog")


def run_catalog(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CATALOG, *args],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
