"""Bench results as tables: printed with Rich and appended, dated, to docs/benchmarks.md.

An entry says what ran (the command), on what (the machine and its load at the start) and every
figure beside its target or its peer, so a reader can judge a number without rerunning it. The
file's summary at the top (targets against the latest full run) is rewritten by `catalog bench all`
only; every other entry is appended and never edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from rich.console import Console
from rich.table import Table

from catalog.settings import PROJECT_ROOT
from indexer.metrics import percentile
from ops.bench.environment import load_average, machine

REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\nEvery entry is appended by `catalog bench ...`; "
    "figures are as measured, met or not.\n"
)
SUMMARY_HEADING = "## Summary against the targets"

Row = tuple[str, str, str]
console = Console()


def step(message: str) -> None:
    """One progress line: a full run takes minutes, and the reader should see which part runs."""
    console.log(message, highlight=False)


def fmt(value: float | None, spec: str) -> str:
    """A measured figure, or '-' when there was nothing to measure."""
    return "-" if value is None else format(value, spec)


def p50_p99(values: list[float]) -> str:
    """Latencies in ms as `p50 / p99`."""
    return f"{fmt(percentile(values, 0.5), '.1f')} / {fmt(percentile(values, 0.99), '.1f')}"


@dataclass
class Section:
    """One table: a benchmark's measures, or the summary's targets."""

    title: str
    rows: list[Row]
    headers: Row = ("measure", "value", "target")
    notes: str = ""

    def markdown(self, level: str = "") -> list[str]:
        lines = [f"{level} {self.title}\n"] if level else []
        lines += [
            f"| {' | '.join(self.headers)} |",
            "|---|---|---|",
            *[
                "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
                for row in self.rows
            ],
        ]
        if self.notes:
            lines += ["", self.notes]
        return lines


class Figures(Protocol):
    """What every bench returns: its figures, and the table that shows them."""

    def section(self) -> Section: ...


@dataclass
class Entry:
    """A dated report: one or more sections under one title and one command."""

    title: str
    command: str
    sections: list[Section] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    load: str = field(default_factory=load_average)

    def markdown(self) -> str:
        lines = [
            f"\n## {self.title} ({self.started:%Y-%m-%d %H:%M} UTC)\n",
            f"- command: `{self.command}`",
            f"- machine: {machine()}; load average {self.load} at the start\n",
        ]
        several = len(self.sections) > 1
        for section in self.sections:
            lines += [*section.markdown("###" if several else ""), ""]
        return "\n".join(lines).rstrip() + "\n"


def show(entry: Entry) -> None:
    for section in entry.sections:
        table = Table(*section.headers, title=section.title if len(entry.sections) > 1 else None)
        for row in section.rows:
            table.add_row(*row)
        console.print(table)
        if section.notes:
            console.print(section.notes, highlight=False)


def append(entry: Entry, path: Path = REPORT) -> None:
    """Append the entry (creating the file with its header if it does not exist)."""
    if not path.exists():
        path.write_text(HEADER)
    with path.open("a") as fh:
        fh.write(entry.markdown())


def replace_summary(entry: Entry, path: Path = REPORT) -> None:
    """Put the entry's first section (its targets) at the top of the file, replacing the last."""
    text = path.read_text() if path.exists() else HEADER
    block = "\n".join(
        [
            f"{SUMMARY_HEADING} (latest full run, {entry.started:%Y-%m-%d %H:%M} UTC)\n",
            f'From `{entry.command}`, entry "{entry.title}" below.\n',
            *entry.sections[0].markdown(),
        ]
    )
    pattern = re.compile(rf"^{re.escape(SUMMARY_HEADING)}.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n\n", text, count=1)
    else:
        first = text.find("\n## ")
        head, tail = (text, "") if first < 0 else (text[: first + 1], text[first + 1 :])
        text = f"{head.rstrip()}\n\n\n{block}\n\n{tail}"
    path.write_text(text)
