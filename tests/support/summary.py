"""Figures a suite measures (failover windows, faults survived, drills verified), printed in their
own section at the end of the run even when every test passes (pytest hides a passing test's
output). The root conftest prints them."""

from __future__ import annotations

from collections import defaultdict

SECTIONS: defaultdict[str, list[str]] = defaultdict(list)


def report(section: str, line: str) -> None:
    SECTIONS[section].append(line)
