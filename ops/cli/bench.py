"""`catalog bench ...`: run a benchmark, print its table, append a dated entry to a report file.

A thin shell: each command parses its options, calls one function of `ops.bench`, and hands the
figures to the report. Bench modules are imported inside the commands, so `catalog --help` stays
fast. Every command writes to docs/benchmarks.md unless `--report` names another file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ops.bench.sizes import parse_size, size_label
from ops.cli.shell import console, fail
from ops.servers import ServiceError

if TYPE_CHECKING:
    from ops.bench.report import Entry

app = typer.Typer(
    help="Benchmarks: each prints a table and appends it to docs/benchmarks.md (or --report).",
    no_args_is_help=True,
)

DEFAULT_SIZE = 100_000
Size = Annotated[
    int,
    typer.Option(
        parser=parse_size,
        metavar="10k|100k|1M|N",
        help="Generated products in the bench catalog (prepared once, reused while present).",
        show_default="100k",
    ),
]
Report = Annotated[
    Path | None,
    typer.Option(
        dir_okay=False, help="File the entry is appended to (default: docs/benchmarks.md)."
    ),
]
Workers = Annotated[int, typer.Option(min=1, help="uvicorn workers of the API under test.")]
Port = Annotated[int, typer.Option(help="Loopback port of the API under test.")]
Repetitions = Annotated[int, typer.Option(min=1, help="Measured passes (after a warm-up).")]
Requests = Annotated[int, typer.Option(min=1, help="Requests of each kind in the search mix.")]
Queries = Annotated[int, typer.Option(min=1, help="Typed queries, each sent letter by letter.")]


@contextmanager
def _bench_errors() -> Iterator[None]:
    """A bench that cannot run (servers down, port taken, process died) ends with one clear line."""
    from ops.bench.processes import ProcessError

    try:
        yield
    except (ServiceError, ProcessError, FileNotFoundError, RuntimeError) as exc:
        raise fail(str(exc)) from exc


@contextmanager
def _recording(command: str, report: Path | None) -> Iterator[Entry]:
    """An entry opened when the bench starts (its date and load average are the start's); the
    command adds its sections, and the entry is printed and appended once they are in."""
    from ops.bench.report import REPORT, Entry, append, show

    entry = Entry("", command + (f" --report {report}" if report else ""))
    with _bench_errors():
        yield entry
    entry.title = entry.sections[0].title
    show(entry)
    append(entry, report or REPORT)
    console.print(f"appended to {report or REPORT}")


@app.command("reindex")
def bench_reindex_command(
    size: Size = DEFAULT_SIZE, repetitions: Repetitions = 2, report: Report = None
) -> None:
    """A full reindex end to end (child process) beside raw parallel_bulk of the same documents."""
    from ops.bench.data import prepare
    from ops.bench.reindex import bench_reindex

    command = f"catalog bench reindex --size {size_label(size)} --repetitions {repetitions}"
    with _recording(command, report) as entry:
        entry.sections.append(bench_reindex(prepare(size, index=False), repetitions).section())


@app.command("freshness")
def bench_freshness_command(
    size: Size = DEFAULT_SIZE,
    rate: Annotated[float, typer.Option(min=1, help="Changes per second.")] = 200,
    seconds: Annotated[float, typer.Option(min=1, help="How long the stream runs.")] = 30,
    report: Report = None,
) -> None:
    """Commit-to-searchable lag under a steady stream of updates, with a real worker."""
    from ops.bench.data import prepare
    from ops.bench.freshness import bench_freshness

    command = (
        f"catalog bench freshness --size {size_label(size)} --rate {rate:g} --seconds {seconds:g}"
    )
    with _recording(command, report) as entry:
        figures = bench_freshness(prepare(size), rate=rate, seconds=seconds)
        entry.sections.append(figures.section())


@app.command("search")
def bench_search_command(
    size: Size = DEFAULT_SIZE,
    workers: Workers = 2,
    seconds: Annotated[float, typer.Option(min=0.5, help="Each concurrency run.")] = 15,
    requests: Requests = 200,
    repetitions: Repetitions = 2,
    port: Port = 8100,
    report: Report = None,
) -> None:
    """API latency and req/s at 8 and 32 clients, cache off and on, beside raw Elasticsearch."""
    from ops.bench.data import prepare
    from ops.bench.search import bench_search

    command = (
        f"catalog bench search --size {size_label(size)} --workers {workers} "
        f"--seconds {seconds:g} --requests {requests} --repetitions {repetitions}"
    )
    with _recording(command, report) as entry:
        figures = bench_search(
            prepare(size),
            workers=workers,
            seconds=seconds,
            port=port,
            requests=requests,
            repetitions=repetitions,
        )
        entry.sections.append(figures.section())


@app.command("autocomplete")
def bench_autocomplete_command(
    size: Size = DEFAULT_SIZE,
    workers: Workers = 2,
    queries: Queries = 40,
    repetitions: Repetitions = 2,
    port: Port = 8100,
    report: Report = None,
) -> None:
    """Every keystroke of realistic queries: API (cache off, on) beside its raw _msearch."""
    from ops.bench.autocomplete import bench_autocomplete
    from ops.bench.data import prepare

    command = (
        f"catalog bench autocomplete --size {size_label(size)} --workers {workers} "
        f"--queries {queries} --repetitions {repetitions}"
    )
    with _recording(command, report) as entry:
        figures = bench_autocomplete(
            prepare(size), workers=workers, port=port, queries=queries, repetitions=repetitions
        )
        entry.sections.append(figures.section())


@app.command("synonym-import")
def bench_synonym_import_command(
    size: Size = DEFAULT_SIZE,
    rules: Annotated[int, typer.Option(min=1, help="Simple rules in the imported file.")] = 100_000,
    port: Port = 8100,
    report: Report = None,
) -> None:
    """/search p50 / p99 at rest and during a large synonym import over the API."""
    from ops.bench.data import prepare
    from ops.bench.synonym_import import bench_synonym_import

    command = f"catalog bench synonym-import --size {size_label(size)} --rules {rules}"
    with _recording(command, report) as entry:
        entry.sections.append(bench_synonym_import(prepare(size), rules=rules, port=port).section())


@app.command("rules")
def bench_rules_command(
    size: Size = DEFAULT_SIZE,
    rules: Annotated[int, typer.Option(min=1, help="Merchandising rules in force.")] = 10_000,
    port: Port = 8100,
    report: Report = None,
) -> None:
    """/search p50 with merchandising rules beside none, and the rule book's own cost."""
    from ops.bench.data import prepare
    from ops.bench.rules import bench_rules

    command = f"catalog bench rules --size {size_label(size)} --rules {rules}"
    with _recording(command, report) as entry:
        entry.sections.append(bench_rules(prepare(size), rules=rules, port=port).section())


@app.command("load")
def bench_load_command(
    size: Size = DEFAULT_SIZE,
    seconds: Annotated[float, typer.Option(min=1, help="Measured seconds per cache mode.")] = 60,
    clients: Annotated[int, typer.Option(min=1, help="Concurrent closed-loop clients.")] = 32,
    warmup: Annotated[float, typer.Option(min=0, help="Unmeasured seconds first.")] = 5,
    workers: Workers = 2,
    requests: Requests = 200,
    port: Port = 8100,
    report: Report = None,
) -> None:
    """A bounded load run, cache off then on: 5xx, latency percentiles, req/s, RSS start to end."""
    from ops.bench.data import prepare
    from ops.bench.load import bench_load

    command = (
        f"catalog bench load --size {size_label(size)} --seconds {seconds:g} --clients {clients} "
        f"--warmup {warmup:g} --workers {workers} --requests {requests}"
    )
    with _recording(command, report) as entry:
        figures = bench_load(
            prepare(size),
            workers=workers,
            clients=clients,
            seconds=seconds,
            warmup=warmup,
            port=port,
            requests=requests,
        )
        entry.sections.append(figures.section())


@app.command("analyzers")
def bench_analyzers_command(
    repetitions: Annotated[int, typer.Option(min=1, help="Runs; the best is reported.")] = 2,
    products: Annotated[int, typer.Option(min=100, help="Generated products analyzed.")] = 20_000,
    report: Report = None,
) -> None:
    """Analysis throughput on one core: products/s and tokens/s, with and without the caches."""
    from ops.bench.analysis import bench_analyzers

    command = f"catalog bench analyzers --repetitions {repetitions} --products {products}"
    with _recording(command, report) as entry:
        entry.sections.append(bench_analyzers(repetitions, products).section())


@app.command("relevance")
def bench_relevance_command(
    judged_set: Annotated[
        Path | None,
        typer.Option("--set", help="Folder: products.jsonl, queries.tsv, qrels.tsv."),
    ] = None,
    reuse: Annotated[bool, typer.Option(help="Reuse the last run's indices.")] = False,
    report: Report = None,
) -> None:
    """nDCG@10 of the real search path beside BM25 standard and BM25 Snowball, per query class."""
    from ops.bench.relevance import bench_relevance, default_set
    from ops.bench.report import Entry, show

    folder = judged_set or default_set()
    if folder is None:
        console.print("no ../shared/data folder beside the project: nothing to measure (--set DIR)")
        return
    command = "catalog bench relevance" + (f" --set {judged_set}" if judged_set else "")
    with _recording(command + (" --reuse" if reuse else ""), report) as entry:
        sections = bench_relevance(folder, reuse=reuse).sections()
        show(Entry("", "", sections[1:]))  # per class and the worst queries: printed, not kept
        entry.sections.append(sections[0])


@app.command("learning")
def bench_learning_command(
    judged_set: Annotated[
        Path | None,
        typer.Option("--set", help="Folder: products.jsonl, queries.tsv, qrels.tsv."),
    ] = None,
    sessions: Annotated[int, typer.Option(min=1, help="Shoppers per searched query.")] = 20,
    queries: Annotated[
        int | None, typer.Option(min=2, help="Judged queries sampled, then halved (default all).")
    ] = None,
    reuse: Annotated[bool, typer.Option(help="Reuse the relevance bench's index.")] = False,
    report: Report = None,
) -> None:
    """nDCG@10 before and after learning from simulated shoppers, on the queries they searched
    and on the others."""
    from ops.bench.learning import bench_learning
    from ops.bench.relevance import default_set

    folder = judged_set or default_set()
    if folder is None:
        console.print("no ../shared/data folder beside the project: nothing to measure (--set DIR)")
        return
    command = (
        "catalog bench learning"
        + (f" --set {judged_set}" if judged_set else "")
        + f" --sessions {sessions}"
        + (f" --queries {queries}" if queries else "")
        + (" --reuse" if reuse else "")
    )
    with _recording(command, report) as entry:
        figures = bench_learning(folder, sessions=sessions, queries=queries, reuse=reuse)
        entry.sections.append(figures.section())


@app.command("all")
def bench_all_command(
    size: Size = DEFAULT_SIZE,
    workers: Workers = 2,
    repetitions: Repetitions = 2,
    seconds: Annotated[float, typer.Option(min=0.5, help="Each search concurrency run.")] = 15,
    requests: Requests = 200,
    queries: Queries = 40,
    clients: Annotated[int, typer.Option(min=1, help="Load run clients.")] = 32,
    load_seconds: Annotated[float, typer.Option(min=1, help="Load run per cache mode.")] = 60,
    rate: Annotated[float, typer.Option(min=1, help="Freshness: changes per second.")] = 200,
    freshness_seconds: Annotated[float, typer.Option(min=1, help="Freshness stream.")] = 30,
    judged_set: Annotated[
        Path | None, typer.Option("--set", help="Relevance: the judged set's folder.")
    ] = None,
    skip: Annotated[
        list[str] | None, typer.Option(help="A part not to run (repeatable), e.g. relevance.")
    ] = None,
    port: Port = 8100,
    report: Report = None,
) -> None:
    """Every bench on one prepared catalog; one table of targets, one entry with every figure."""
    from ops.bench.report import REPORT, append, replace_summary, show
    from ops.bench.suite import PARTS, SuiteOptions, run_all

    unknown = sorted(set(skip or ()) - set(PARTS))
    if unknown:
        raise fail(f"unknown part(s) {', '.join(unknown)}; parts: {', '.join(PARTS)}")
    options = SuiteOptions(
        size=size,
        workers=workers,
        port=port,
        repetitions=repetitions,
        seconds=seconds,
        requests=requests,
        queries=queries,
        clients=clients,
        load_seconds=load_seconds,
        rate=rate,
        freshness_seconds=freshness_seconds,
        relevance_set=judged_set,
        skip=tuple(skip or ()),
    )
    with _bench_errors():
        results, entry = run_all(options)
    if report:
        entry.command += f" --report {report}"
    show(entry)
    append(entry, report or REPORT)
    replace_summary(entry, report or REPORT)
    console.print(f"appended to {report or REPORT}, summary at its top updated")
    if results.failed:
        raise fail(f"failed: {', '.join(results.failed)} (see the table)")
