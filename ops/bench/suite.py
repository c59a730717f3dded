"""`catalog bench all`: every bench in one run on one prepared catalog, and one entry for all.

The catalog is prepared once (loaded and indexed only if it is not already there at that size) and
every part runs on it, in an order that keeps each part's conditions clean: analysis first (pure
CPU), then the reindex (which leaves a fresh index behind), the read-only API benches, the
freshness stream (which writes back what it changed) and relevance (its own indices). A part that
fails is reported as not measured, with its error, and the others still run: a partial run says so
rather than leaving a gap in the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ops.bench import analysis, autocomplete, freshness, load, reindex, relevance, search
from ops.bench.data import prepare
from ops.bench.report import Entry, Figures, Section, console, step
from ops.bench.sizes import size_label
from ops.bench.targets import SuiteResults, summary

PARTS = ("analyzers", "reindex", "search", "autocomplete", "load", "freshness", "relevance")


@dataclass
class SuiteOptions:
    size: int
    workers: int = 2
    port: int = 8100
    repetitions: int = 2
    seconds: float = 15
    requests: int = 200
    queries: int = 40
    clients: int = 32
    load_seconds: float = 60
    warmup: float = 5
    rate: float = 200
    freshness_seconds: float = 30
    relevance_set: Path | None = None
    skip: tuple[str, ...] = ()

    def command(self) -> str:
        words = [
            f"catalog bench all --size {size_label(self.size)} --workers {self.workers}",
            f"--repetitions {self.repetitions} --seconds {self.seconds:g}",
            f"--requests {self.requests} --queries {self.queries}",
            f"--clients {self.clients} --load-seconds {self.load_seconds:g}",
            f"--rate {self.rate:g} --freshness-seconds {self.freshness_seconds:g}",
        ]
        if self.relevance_set is not None:
            words.append(f"--set {self.relevance_set}")
        words += [f"--skip {part}" for part in self.skip]
        return " ".join(words)


def run_all(options: SuiteOptions) -> tuple[SuiteResults, Entry]:
    """Run every part not skipped; the entry holds the summary, then each part's own table."""
    entry = Entry(f"Full run, {options.size:,} products", options.command())
    results = SuiteResults(options.size, options.workers)
    prepared = prepare(options.size)
    o = options
    runners: dict[str, Callable[[], Figures]] = {
        "analyzers": lambda: analysis.bench_analyzers(o.repetitions),
        "reindex": lambda: reindex.bench_reindex(prepared, o.repetitions),
        "search": lambda: search.bench_search(
            prepared,
            workers=o.workers,
            seconds=o.seconds,
            port=o.port,
            requests=o.requests,
            repetitions=o.repetitions,
        ),
        "autocomplete": lambda: autocomplete.bench_autocomplete(
            prepared, workers=o.workers, port=o.port, queries=o.queries, repetitions=o.repetitions
        ),
        "load": lambda: load.bench_load(
            prepared,
            workers=o.workers,
            clients=o.clients,
            seconds=o.load_seconds,
            warmup=o.warmup,
            port=o.port,
            requests=o.requests,
        ),
        "freshness": lambda: freshness.bench_freshness(
            prepared, rate=o.rate, seconds=o.freshness_seconds
        ),
        "relevance": lambda: _relevance(o.relevance_set),
    }
    details: list[Section] = []
    for part in PARTS:
        if part in options.skip:
            results.missing[part] = "skipped (--skip)"
            continue
        try:
            figures = runners[part]()
        except Exception as exc:  # one part failing must not hide the others
            first = (str(exc).strip().splitlines() or [""])[0][:200]
            results.missing[part] = f"failed ({type(exc).__name__}: {first})"
            results.failed.append(part)
            console.print(f"[red]{part} failed:[/red] {type(exc).__name__}: {exc}")
            continue
        setattr(results, part, figures)
        details.append(figures.section())
        step(f"{part}: done")
    entry.sections = [summary(results), *details]
    return results, entry


def _relevance(folder: Path | None) -> relevance.RelevanceFigures:
    folder = folder or relevance.default_set()
    if folder is None:
        raise FileNotFoundError("no ../shared/data beside the project (give --set DIR)")
    return relevance.bench_relevance(folder)
