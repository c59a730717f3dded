"""Resident memory (RSS) of the processes under test: the API (master and workers), a worker.

RSS is summed over a process and its children, because uvicorn's workers are children of its
master; pages they share count once per process, so the sum is an upper bound, and it is the figure
`ps` and a container's memory limit go by. A sampler thread also catches a peak between the start
and the end of a run, which two snapshots would miss.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil

MIB = 2**20


def tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_rss_mb(process: psutil.Process) -> float:
    """RSS of `process` and all its descendants, in MiB (0 once it has exited)."""
    total = 0
    for member in tree(process):
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            continue  # a child that exited between the listing and the read
    return total / MIB


class RssSampler:
    """`with RssSampler(process) as rss:` samples the tree's RSS every `interval` seconds.

    `start_mb` is read on entry (after the caller's warm-up), `end_mb` on exit, `peak_mb` is the
    highest of all samples; `processes` is how many processes the tree had at the start.
    """

    def __init__(self, process: psutil.Process, interval: float = 1.0) -> None:
        self.process = process
        self.interval = interval
        self.samples: list[float] = []
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(tree_rss_mb(self.process))

    def __enter__(self) -> RssSampler:
        self.processes = len(tree(self.process))
        self.samples.append(tree_rss_mb(self.process))
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(tree_rss_mb(self.process))

    @property
    def start_mb(self) -> float:
        return self.samples[0]

    @property
    def end_mb(self) -> float:
        return self.samples[-1]

    @property
    def peak_mb(self) -> float:
        return max(self.samples)

    @property
    def growth(self) -> float:
        """End against start, as a fraction (0.05: 5% more at the end)."""
        return self.end_mb / self.start_mb - 1 if self.start_mb else 0.0

    def summary(self) -> str:
        """`start -> end (peak P), N processes`, in MiB."""
        count = f", {self.processes} processes" if self.processes > 1 else ""
        return (
            f"{self.start_mb:.0f} -> {self.end_mb:.0f} (peak {self.peak_mb:.0f}, "
            f"{self.growth:+.1%}){count}"
        )
