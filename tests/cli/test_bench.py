"""`catalog bench`: the machinery at a tiny size against the real servers, and its pure parts.

The server test runs the real command line (`catalog bench search`), which prepares 500 products in
the test suite's bench namespace (database `<test db>_bench`, index prefix `testbench`, Redis
database 13: never the service's bench), starts a real API and worker, and writes its entry to a
temporary report. The figures are then read back from that file: they must be real measurements
(positive rates, p50 <= p99, no 5xx), not placeholders.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest

from ops.bench.autocomplete import keystrokes
from ops.bench.concurrency import LoadResult
from ops.bench.load import LoadFigures, LoadRun
from ops.bench.memory import RssSampler
from ops.bench.reindex import ReindexFigures
from ops.bench.report import Entry, Section, replace_summary
from ops.bench.sizes import parse_size, size_label
from ops.bench.targets import SuiteResults, summary
from tests.support.cli import CATALOG


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _table(markdown: str) -> dict[str, tuple[str, str]]:
    """measure -> (value, target) for every row of the entry's table."""
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] != "measure":
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def _numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"[-+]?\d[\d,]*(?:\.\d+)?", text)]


def test_bench_search_measures_the_api_beside_raw_elasticsearch(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [
            CATALOG,
            "bench",
            "search",
            "--size",
            "500",
            "--workers",
            "1",
            "--seconds",
            "2",
            "--requests",
            "10",
            "--repetitions",
            "1",
            "--port",
            str(_free_port()),
            "--report",
            str(report),
        ],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = report.read_text()
    assert "## Search API, 500 products (" in text
    assert "- command: `catalog bench search --size 500 --workers 1 --seconds 2" in text
    assert "cores" in text
    assert "load average" in text
    rows = _table(text)
    assert rows["products indexed"][0] == "500"
    for measure in (
        "raw Elasticsearch search p50 / p99 (ms)",
        "API /search uncached p50 / p99 (ms)",
        "API /search cached p50 / p99 (ms)",
        "API browse by category uncached p50 / p99 (ms)",
    ):
        p50, p99 = _numbers(rows[measure][0])
        assert 0 < p50 <= p99, measure
    for clients in (8, 32):
        for side in ("raw Elasticsearch", "API uncached", "API cached"):
            rps, p50, p99, server_errors, failed = _numbers(
                rows[f"{side}, {clients} clients: req/s; p50 / p99 ms; 5xx, failed"][0]
            )
            assert rps > 0, (side, clients)
            assert 0 < p50 <= p99, (side, clients)
            assert (server_errors, failed) == (0, 0), (side, clients)
    for measure in ("API RSS, uncached (MiB)", "API RSS, cached (MiB)", "indexer worker RSS (MiB)"):
        start, end, peak, *_ = _numbers(rows[measure][0])
        assert 20 < start <= peak, measure
        assert end <= peak, measure
    assert rows["API /search uncached p50 / p99 (ms)"][1] == "p50 <= raw + 3"


def test_sizes_read_as_people_write_them() -> None:
    assert [parse_size(s) for s in ("10k", "100k", "1M", "500", "2.5k", "100_000")] == [
        10_000,
        100_000,
        1_000_000,
        500,
        2_500,
        100_000,
    ]
    assert [size_label(n) for n in (100_000, 1_000_000, 500)] == ["100k", "1M", "500"]
    for bad in ("ten", "10x", "50"):
        with pytest.raises(ValueError, match="size"):
            parse_size(bad)


def test_keystrokes_are_every_prefix_without_trailing_spaces() -> None:
    assert keystrokes(["tv", "usb c"]) == ["t", "tv", "u", "us", "usb", "usb c"]


def test_summary_judges_each_target_and_names_what_did_not_run(tmp_path: Path) -> None:
    results = SuiteResults(100_000, 2)
    results.reindex = ReindexFigures(100_000, [5_200.0, 4_800.0], [8_000.0, 8_200.0])
    results.missing["search"] = "skipped (--skip)"
    rows = {target: (measured, met) for target, measured, met in summary(results).rows}
    assert rows["reindex >= 5,000 docs/s at 100k (4)"][1] == "yes"  # median 5,000
    assert rows["reindex / raw parallel_bulk >= 0.6 (4)"][1] == "yes"
    assert rows["search API latency and req/s (6)"] == ("not measured: skipped (--skip)", "-")
    assert rows["freshness p99 (4)"] == ("not measured: not run", "-")

    report = tmp_path / "benchmarks.md"
    report.write_text(
        "# Benchmarks\n\nintro\n\n## Summary against the targets (old)\n\n| a | b | c |\n"
        "|---|---|---|\n| old | row | no |\n\n"
        "## Reindex, 10 products (2026-01-01 00:00 UTC)\n\nkept\n"
    )
    section = Section("t", [("reindex (4)", "5,000 docs/s", "yes")], ("target", "measured", "met"))
    entry = Entry(
        "Full run", "catalog bench all", [section], datetime(2026, 11, 22, tzinfo=UTC), "0"
    )
    replace_summary(entry, report)
    text = report.read_text()
    assert "| old | row | no |" not in text
    assert "## Summary against the targets (latest full run, 2026-11-22 00:00 UTC)" in text
    assert 'From `catalog bench all`, entry "Full run" below.' in text
    assert text.index("| reindex (4) | 5,000 docs/s | yes |") < text.index("## Reindex, 10")
    assert text.startswith("# Benchmarks\n\nintro\n")
    assert text.rstrip().endswith("kept")


def test_load_targets_count_5xx_and_memory_growth() -> None:
    def sampler(*mib: float) -> RssSampler:
        rss = RssSampler(psutil.Process())
        rss.samples = list(mib)
        return rss

    ok = LoadResult(32, 60.0, [10.0, 20.0, 30.0], Counter({"2xx": 3}))
    broken = LoadResult(32, 60.0, [10.0, 20.0], Counter({"2xx": 1, "5xx": 1}))
    figures = LoadFigures(100_000, 2, 32, 60, 5)
    figures.runs = {
        "cache off": LoadRun(ok, sampler(400, 404)),
        "cache on": LoadRun(broken, sampler(400, 480)),
    }
    figures.worker_rss = sampler(190, 191)
    results = SuiteResults(100_000, 2, load=figures)
    rows = {target: (measured, met) for target, measured, met in summary(results).rows}
    answers, met = rows["no 5xx under load, 60 s at 32 clients, cache off / on (load)"]
    assert (answers, met) == (
        "cache off: 0 5xx, 0 failed of 3; cache on: 1 5xx, 0 failed of 2",
        "**no**",
    )
    memory, met = rows["memory stable under load (MiB), growth <= 10% (load)"]
    assert "400 -> 480 (peak 480, +20.0%)" in memory
    assert met == "**no**"
    assert ok.rps == pytest.approx(3 / 60)
