"""Closed-loop clients: N threads, each sending its next request as soon as the last one answered.

Every answer is counted by class (2xx, 4xx, 5xx) and every request that got no answer at all
(timeout, refused connection) as failed, so an overloaded server shows up as errors, never as a
silently shorter run. The same driver, with the same HTTP client, sends the API's requests and the
raw Elasticsearch bodies of the same requests, so the two figures differ only in what sits between
the client and the index.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from catalog import connections
from catalog.settings import Settings
from indexer.metrics import percentile

#: One request: its status code (0: no answer) and whether the answer came from the cache.
Call = Callable[[Any], tuple[int, bool]]
Opener = Callable[[], AbstractContextManager[Call]]
TIMEOUT_SECONDS = 10.0
#: How far apart two clients start in the request list, so they do not send the same requests.
STRIDE = 7


@dataclass
class LoadResult:
    clients: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    cache_hits: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return self.statuses["5xx"]

    @property
    def failed(self) -> int:
        return self.statuses["failed"]

    def p(self, fraction: float) -> float:
        value = percentile(self.latencies_ms, fraction)
        return float("nan") if value is None else value

    def statuses_text(self) -> str:
        return ", ".join(f"{self.statuses[k]:,} {k}" for k in ("2xx", "4xx", "5xx", "failed"))


def status_class(status: int) -> str:
    return "failed" if status == 0 else f"{status // 100}xx"


def drive(open_call: Opener, requests: Sequence[Any], clients: int, seconds: float) -> LoadResult:
    """`clients` threads send `requests` round-robin for `seconds`; all start together."""
    result = LoadResult(clients)
    lock = threading.Lock()
    clock = [0.0, 0.0]  # start, deadline: set once every client is connected and waiting

    def go() -> None:
        clock[0] = time.perf_counter()
        clock[1] = clock[0] + seconds

    start = threading.Barrier(clients, action=go)

    def client(offset: int) -> None:
        latencies: list[float] = []
        statuses: Counter[str] = Counter()
        hits = 0
        with open_call() as call:
            start.wait()
            i = offset
            while time.perf_counter() < clock[1]:
                began = time.perf_counter()
                status, hit = call(requests[i % len(requests)])
                latencies.append((time.perf_counter() - began) * 1000)
                statuses[status_class(status)] += 1
                hits += hit
                i += 1
        with lock:
            result.latencies_ms += latencies
            result.statuses.update(statuses)
            result.cache_hits += hits

    threads = [
        threading.Thread(target=client, args=(n * STRIDE,), daemon=True) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - clock[0]
    return result


def http_calls(base: str) -> Opener:
    """Per client thread, an HTTP connection that sends `(path, params)` requests."""

    @contextmanager
    def open_call() -> Iterator[Call]:
        with httpx.Client(base_url=base, timeout=TIMEOUT_SECONDS) as http:

            def call(request: tuple[str, dict[str, Any]]) -> tuple[int, bool]:
                path, params = request
                try:
                    response = http.get(path, params=params)
                except httpx.HTTPError:
                    return 0, False
                return response.status_code, response.headers.get("x-cache") == "hit"

            yield call

    return open_call


def elasticsearch_http(settings: Settings) -> dict[str, Any]:
    """httpx.Client arguments for the first Elasticsearch node, with the service's credentials."""
    options: dict[str, Any] = {
        "base_url": connections.elasticsearch_urls(settings)[0],
        "timeout": TIMEOUT_SECONDS,
        "headers": {"content-type": "application/json"},
    }
    if settings.elasticsearch_api_key:
        key = settings.elasticsearch_api_key.get_secret_value()
        options["headers"]["authorization"] = f"ApiKey {key}"
    elif settings.elasticsearch_username and settings.elasticsearch_password:
        password = settings.elasticsearch_password.get_secret_value()
        options["auth"] = (settings.elasticsearch_username, password)
    if settings.elasticsearch_ca_certs:
        options["verify"] = str(settings.elasticsearch_ca_certs)
    return options


#: One request to Elasticsearch: its path (`/<index>/_search`, `/_msearch`), its serialized body.
RawRequest = tuple[str, bytes]
NDJSON = {"content-type": "application/x-ndjson"}


def raw_calls(settings: Settings) -> Opener:
    """Per client thread, an HTTP connection to Elasticsearch that sends a request's bodies.

    The bodies are serialized once beforehand and the answers are not parsed, exactly like the
    API's client side (httpx, answer unread): the raw figure is Elasticsearch's, not a client's.
    A search the API retries relaxed is two requests, sent one after the other.
    """

    @contextmanager
    def open_call() -> Iterator[Call]:
        with httpx.Client(**elasticsearch_http(settings)) as http:

            def call(requests: list[RawRequest]) -> tuple[int, bool]:
                status = 200
                try:
                    for path, body in requests:
                        headers = NDJSON if path.endswith("/_msearch") else None
                        status = http.post(path, content=body, headers=headers).status_code
                        if status >= 300:
                            break
                except httpx.HTTPError:
                    return 0, False
                return status, False

            yield call

    return open_call


def timed(call: Call, items: Sequence[Any]) -> list[float]:
    """Latency in ms of each call, one after the other; any answer but 2xx stops the bench.

    One at a time nothing should fail: a failure here is a broken setup, not a figure.
    """
    latencies = []
    for item in items:
        started = time.perf_counter()
        status, _ = call(item)
        latencies.append((time.perf_counter() - started) * 1000)
        if status_class(status) != "2xx":
            answer = status or "nothing (no connection)"
            raise RuntimeError(f"a request answered {answer}: {repr(item)[:100]}")
    return latencies


def http_get(http: httpx.Client, path: str) -> Call:
    """One client's GET `path` with the given parameters, as a `Call`."""

    def call(params: dict[str, Any]) -> tuple[int, bool]:
        response = http.get(path, params=params)
        return response.status_code, response.headers.get("x-cache") == "hit"

    return call
