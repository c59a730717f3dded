"""`catalog bench synonym-import`: /search latency while a large synonym file is imported.

The import runs off the event loop; it used to validate every pair of rules on the API's event loop, so /health and every search
waited for it (10,000 rules: 18 minutes). This bench measures /search p99 at rest, then again while
one client imports `rules` simple rules over `POST /admin/synonyms/import`, against a real
`catalog serve`; the import's own duration is reported beside them. The rules are removed after.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

from catalog.keys import create_key, revoke
from catalog.synonyms import import_rules
from ops.bench.concurrency import http_get, timed
from ops.bench.data import Prepared
from ops.bench.processes import api_server
from ops.bench.report import Section, p50_p99, step
from ops.bench.search import request_mix

#: Consonants only: generated words never end in a suffix a stemmer would strip, so stay distinct.
_LETTERS = "bcdfghjkmnpqrtvwxz"


def _word(number: int) -> str:
    letters = []
    while True:
        number, digit = divmod(number, len(_LETTERS))
        letters.append(_LETTERS[digit])
        if not number:
            return "".join(letters)


def synthetic_rules(count: int) -> str:
    """`count` distinct simple rules as a Solr synonym file (`kbc, pbc tv` ...), ~16 bytes each."""
    return "".join(f"k{_word(i)}, p{_word(i)} tv\n" for i in range(count))


@dataclass
class SynonymImportFigures:
    size: int
    rules: int
    file_bytes: int
    at_rest: list[float] = field(default_factory=list)
    during: list[float] = field(default_factory=list)
    import_seconds: float = 0.0
    import_status: int = 0

    def section(self) -> Section:
        rows = [
            ("products indexed", f"{self.size:,}", ""),
            ("rules imported; file size", f"{self.rules:,}; {self.file_bytes:,} bytes", ""),
            (
                "import: status; duration (s)",
                f"{self.import_status}; {self.import_seconds:.1f}",
                "",
            ),
            ("/search at rest p50 / p99 (ms)", p50_p99(self.at_rest), "(peer)"),
            (
                "/search during the import p50 / p99 (ms)",
                p50_p99(self.during),
                "p99 < 1000",
            ),
            ("searches answered during the import", f"{len(self.during):,}", "> 0"),
        ]
        notes = (
            "One client sends the bench's text searches one by one (cache off) at rest, then while "
            "another imports the rules in one `POST /admin/synonyms/import`; `catalog serve "
            "--workers 1`, so the import and the searches share one API process. Client, API, "
            "PostgreSQL and Elasticsearch share the machine's cores."
        )
        return Section(f"Synonym import of {self.rules:,} rules beside /search", rows, notes=notes)


def bench_synonym_import(prepared: Prepared, *, rules: int, port: int) -> SynonymImportFigures:
    content = synthetic_rules(rules).encode()
    figures = SynonymImportFigures(prepared.size, rules, len(content))
    mix = request_mix(prepared.es, prepared.alias, size=100)
    with prepared.engine.begin() as conn:
        key_id, key = create_key(conn, role="merchandiser", name="bench synonym import")
    base = f"http://127.0.0.1:{port}"
    try:
        with (
            api_server(prepared.settings, port, cache=False, workers=1),
            httpx.Client(base_url=base, timeout=600) as http,
        ):
            search = http_get(http, "/search")
            step("synonym import: /search at rest")
            timed(search, mix.search[:20])  # warm-up
            figures.at_rest = timed(search, mix.search)
            step(f"synonym import: /search while {rules:,} rules are imported")
            done = threading.Event()

            def importer() -> None:
                started = time.perf_counter()
                with httpx.Client(base_url=base, timeout=3600) as admin:
                    answer = admin.post(
                        "/admin/synonyms/import?replace=true",
                        content=content,
                        headers={"Authorization": f"Bearer {key}", "Content-Type": "text/plain"},
                    )
                figures.import_status = answer.status_code
                figures.import_seconds = time.perf_counter() - started
                done.set()

            thread = threading.Thread(target=importer)
            thread.start()
            while not done.is_set():
                figures.during += timed(search, mix.search[:5])
            thread.join()
    finally:
        with prepared.engine.begin() as conn:  # the bench catalog has no synonyms: as it was
            import_rules(conn, [], actor="bench", replace_all=True)
            revoke(conn, key_id)
    return figures
