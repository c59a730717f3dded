"""`catalog bench load`: a bounded load run against the API, with the cache off and then on.

`clients` closed-loop clients (32 by default) send the search bench's request mix to a real
`catalog serve` on loopback for `seconds` (60 by default), after a warm-up at the same
concurrency. What must hold under load: no 5xx and no request left unanswered, latency percentiles
that stay sane, and memory that does not grow: the RSS of the API's processes (master and workers)
and of the indexer worker beside it is sampled every second, from the end of the warm-up to the
end of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ops.bench.concurrency import LoadResult, drive, http_calls
from ops.bench.data import Prepared
from ops.bench.memory import RssSampler
from ops.bench.processes import api_server, indexer_worker
from ops.bench.report import Section, step
from ops.bench.search import request_mix

#: End against start: more than this is reported as memory that grew under load.
RSS_GROWTH_LIMIT = 0.10


@dataclass
class LoadRun:
    result: LoadResult
    api_rss: RssSampler


@dataclass
class LoadFigures:
    size: int
    workers: int
    clients: int
    seconds: float
    warmup: float
    runs: dict[str, LoadRun] = field(default_factory=dict)
    worker_rss: RssSampler | None = None

    def memory_stable(self) -> bool:
        samplers = [run.api_rss for run in self.runs.values()]
        samplers += [self.worker_rss] if self.worker_rss is not None else []
        return all(s.growth <= RSS_GROWTH_LIMIT for s in samplers)

    def section(self) -> Section:
        rows = [("products indexed", f"{self.size:,}", "")]
        for mode, run in self.runs.items():
            r = run.result
            rows += [
                (
                    f"{mode}: requests, req/s",
                    f"{r.requests:,} in {r.seconds:.0f} s, {r.rps:,.0f}/s",
                    "(reported)",
                ),
                (
                    f"{mode}: latency p50 / p90 / p99 / max (ms)",
                    f"{r.p(0.5):.1f} / {r.p(0.9):.1f} / {r.p(0.99):.1f} / "
                    f"{max(r.latencies_ms, default=0):.0f}",
                    "",
                ),
                (f"{mode}: answers", r.statuses_text(), "0 5xx, 0 failed"),
                (
                    f"{mode}: cache hits",
                    f"{r.cache_hits / r.requests:.0%}" if r.requests else "-",
                    "",
                ),
                (
                    f"{mode}: API RSS, start -> end (MiB)",
                    run.api_rss.summary(),
                    f"growth <= {RSS_GROWTH_LIMIT:.0%}",
                ),
            ]
        if self.worker_rss is not None:
            rows.append(
                (
                    "indexer worker RSS, whole run (MiB)",
                    self.worker_rss.summary(),
                    f"growth <= {RSS_GROWTH_LIMIT:.0%}",
                )
            )
        notes = (
            f"{self.clients} closed-loop clients for {self.seconds:g} s per mode after a "
            f"{self.warmup:g} s warm-up, the search bench's mix (text + filters + facets, browse, "
            f"autocomplete), over loopback; `catalog serve --workers {self.workers}`, rate limit "
            "off, analytics events recorded as deployed, an indexer worker beside it (no catalog "
            "writes during the run). API RSS sums its "
            "master, its workers and multiprocessing's resource tracker. With the cache on, the "
            "mix repeats, so nearly every answer is a cache hit: the cached figure is the "
            "cache's ceiling, not a mixed workload's."
        )
        return Section(
            f"Load, {self.clients} clients for {self.seconds:g} s, {self.size:,} products",
            rows,
            notes=notes,
        )


def bench_load(
    prepared: Prepared,
    *,
    workers: int,
    clients: int,
    seconds: float,
    warmup: float,
    port: int,
    requests: int,
) -> LoadFigures:
    mix = request_mix(prepared.es, prepared.alias, size=requests).requests()
    figures = LoadFigures(prepared.size, workers, clients, seconds, warmup)
    base = f"http://127.0.0.1:{port}"
    with indexer_worker(prepared.settings) as worker, RssSampler(worker) as worker_rss:
        for cache in (False, True):
            mode = "cache on" if cache else "cache off"
            with api_server(prepared.settings, port, cache=cache, workers=workers) as server:
                step(f"load: {mode}, {clients} clients, {warmup:g} s warm-up + {seconds:g} s")
                drive(http_calls(base), mix, clients, warmup)
                with RssSampler(server) as api_rss:
                    result = drive(http_calls(base), mix, clients, seconds)
                figures.runs[mode] = LoadRun(result, api_rss)
    figures.worker_rss = worker_rss
    return figures
