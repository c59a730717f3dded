"""Local Elasticsearch nodes from Elastic's integ-test-zip distribution on Maven Central.

The zip is fetched once with `mvn dependency:copy`, its SHA-1 checked against the pinned value, and
unpacked under `.local/elasticsearch/dist`. Each node gets its own config folder (ES_PATH_CONF), data,
logs and ports, so the same code runs one node or a small cluster on loopback. Security is off, which
is acceptable only because every node binds 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from catalog import local_state
from ops.servers.jdk import find_java_home, has_module
from ops.servers.process import (
    ServiceError,
    hand_over,
    pid_alive,
    read_pid,
    reuse_or_choose,
    run,
    stop_pid,
    tail,
)

VERSION = "8.19.21"
ARTIFACT = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{VERSION}:zip"
SHA1 = "8861771bbfe2fab12ccc386bc8b4c5c6f9619865"
DEFAULT_HTTP_PORT = 9200
DEFAULT_TRANSPORT_PORT = 9300
HEAP = "512m"
#: Per node when several share one machine: the catalog's index is small, and so is the machine.
CLUSTER_HEAP = "384m"
CLUSTER_NAME = "catalog-local"


def sha1_of(path: Path) -> str:
    digest = hashlib.sha1()  # noqa: S324 - Maven Central publishes SHA-1; this checks integrity, not secrecy
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class LocalElasticsearch:
    name = "elasticsearch"

    def __init__(self, local_dir: Path, state: dict[str, Any]) -> None:
        self.home = local_dir / "elasticsearch"
        self.downloads = local_dir / "downloads"
        self.state = state.setdefault(self.name, {})

    @property
    def dist(self) -> Path:
        return self.home / "dist" / f"elasticsearch-{VERSION}"

    def node_dir(self, index: int) -> Path:
        return self.home / f"node-{index}"

    def nodes(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = self.state.setdefault("nodes", [])
        return nodes

    def url(self) -> str:
        return f"http://127.0.0.1:{self.nodes()[0]['http_port']}"

    def urls(self) -> list[str]:
        return local_state.elasticsearch_urls(self.state)

    def node_running(self, index: int) -> bool:
        return pid_alive(read_pid(self.node_dir(index) / "es.pid"))

    def running(self) -> bool:
        return bool(self.nodes()) and all(
            self.node_running(i) for i in range(1, len(self.nodes()) + 1)
        )

    # -- installation -------------------------------------------------------------------------------

    def install(self) -> None:
        """Download (once), verify and unpack the distribution."""
        if (self.dist / "bin" / "elasticsearch").exists():
            return
        archive = self.downloads / f"elasticsearch-{VERSION}.zip"
        if not archive.exists() or sha1_of(archive) != SHA1:
            self.downloads.mkdir(parents=True, exist_ok=True)
            if shutil.which("mvn") is None:
                raise ServiceError("mvn not found: Maven is needed to fetch Elasticsearch")
            result = subprocess.run(
                [
                    "mvn",
                    "-q",
                    "-B",
                    "dependency:copy",
                    f"-Dartifact={ARTIFACT}",
                    f"-DoutputDirectory={self.downloads}",
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            if result.returncode != 0:
                raise ServiceError(f"mvn could not fetch {ARTIFACT}: {result.stdout[-400:]}")
        actual = sha1_of(archive)
        if actual != SHA1:
            archive.unlink()
            raise ServiceError(f"checksum mismatch for {archive.name}: {actual} != {SHA1}")
        target = self.dist.parent
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
        for script in (self.dist / "bin").iterdir():
            script.chmod(0o755)
        for native in (self.dist / "lib").rglob("*"):
            if native.is_file() and native.suffix in {"", ".so"} and "platform" in native.parts:
                native.chmod(0o755)

    # -- nodes --------------------------------------------------------------------------------------

    def holds_data(self, index: int) -> bool:
        """Whether the node has ever joined a cluster (its data folder holds a cluster state)."""
        return (self.node_dir(index) / "data" / "_state").exists()

    def _plan_nodes(self, count: int) -> None:
        nodes = self.nodes()
        recorded = len(nodes)
        if (
            recorded
            and count != recorded
            and any(self.holds_data(i) or self.node_running(i) for i in range(1, recorded + 1))
        ):
            # A single node runs with `discovery.type: single-node` and a cluster's nodes vote on
            # each other: neither can become the other in place, and shrinking would orphan nodes.
            raise ServiceError(
                f"{self.home} holds {recorded} node(s), not {count}: `catalog services down`, "
                f"delete {self.home}/node-* (`catalog reindex` rebuilds the index), then `up` again"
            )
        del nodes[count:]
        taken: set[int] = set()
        for i in range(count):
            node = nodes[i] if i < len(nodes) else {}
            if not self.node_running(i + 1):
                node["http_port"] = reuse_or_choose(
                    node.get("http_port"), DEFAULT_HTTP_PORT + i, taken
                )
                node["transport_port"] = reuse_or_choose(
                    node.get("transport_port"), DEFAULT_TRANSPORT_PORT + i, taken
                )
            taken |= {node["http_port"], node["transport_port"]}
            if i >= len(nodes):
                nodes.append(node)

    def _configure_node(self, index: int, *, bootstrap: bool) -> Path:
        """Write the node's ES_PATH_CONF; `bootstrap` only for the very first start of a cluster.

        Elastic's rule: `cluster.initial_master_nodes` is set when a brand-new cluster forms and
        never again, since a node restarted with it and an empty data folder could bootstrap a
        second cluster of its own. So `up` passes `bootstrap` only when no node holds any data, and
        rewrites every config without it once the cluster has formed.
        """
        count = len(self.nodes())
        node = self.nodes()[index - 1]
        home = self.node_dir(index)
        config = home / "config"
        if not (config / "jvm.options").exists():
            shutil.copytree(self.dist / "config", config, dirs_exist_ok=True)
        settings = [
            f"cluster.name: {CLUSTER_NAME}",
            f"node.name: node-{index}",
            f"path.data: {home / 'data'}",
            f"path.logs: {home / 'logs'}",
            "network.host: 127.0.0.1",
            f"http.port: {node['http_port']}",
            f"transport.port: {node['transport_port']}",
            "xpack.security.enabled: false",
            "action.destructive_requires_name: true",
            "cluster.routing.allocation.disk.threshold_enabled: false",
        ]
        if count == 1:
            settings.append("discovery.type: single-node")
        else:
            seeds = ", ".join(f'"127.0.0.1:{n["transport_port"]}"' for n in self.nodes())
            settings.append(f"discovery.seed_hosts: [{seeds}]")
            if bootstrap:
                masters = ", ".join(f'"node-{i}"' for i in range(1, count + 1))
                settings.append(f"cluster.initial_master_nodes: [{masters}]")
        (config / "elasticsearch.yml").write_text("\n".join(settings) + "\n")
        heap = HEAP if count == 1 else CLUSTER_HEAP
        (config / "jvm.options.d").mkdir(exist_ok=True)
        (config / "jvm.options.d" / "heap.options").write_text(f"-Xms{heap}\n-Xmx{heap}\n")
        jvm_options = config / "jvm.options"
        if not has_module(find_java_home(), "jdk.incubator.vector"):
            lines = jvm_options.read_text().splitlines()
            jvm_options.write_text(
                "\n".join(line for line in lines if "jdk.incubator.vector" not in line) + "\n"
            )
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        hand_over(home)
        return home

    def _launch(self, index: int, *, bootstrap: bool) -> None:
        if self.node_running(index):
            return
        home = self._configure_node(index, bootstrap=bootstrap)
        (home / "es.pid").unlink(missing_ok=True)
        env = {
            "ES_PATH_CONF": str(home / "config"),
            "ES_JAVA_HOME": str(find_java_home()),
            "ES_TMPDIR": str(home / "tmp"),
        }
        try:
            run(
                [str(self.dist / "bin" / "elasticsearch"), "-d", "-p", str(home / "es.pid")],
                env=env,
                cwd=home,
                timeout=180,
            )
        except ServiceError as exc:
            raise ServiceError(f"{exc}\n{self.log_tail(index)}") from exc

    def up(self, count: int | None = None, timeout: float = 180) -> None:
        """Start every node that is down (all of them at once) and wait until they form a cluster.

        `count` defaults to the nodes recorded (one at first). The nodes start in parallel because
        a node of a cluster waits up to 30 s for the others before its launcher returns.
        """
        self.install()
        self._plan_nodes(count or len(self.nodes()) or 1)
        indexes = range(1, len(self.nodes()) + 1)
        bootstrap = len(self.nodes()) > 1 and not any(self.holds_data(i) for i in indexes)
        with ThreadPoolExecutor(max_workers=len(indexes)) as pool:
            for future in [pool.submit(self._launch, i, bootstrap=bootstrap) for i in indexes]:
                future.result()
        self.wait_healthy(timeout)
        if bootstrap:
            for i in indexes:
                self._configure_node(i, bootstrap=False)

    def start_node(self, index: int, timeout: float = 180) -> None:
        """Start one stopped node of the recorded set and wait until it has joined the cluster."""
        if not 1 <= index <= len(self.nodes()):
            raise ServiceError(f"no Elasticsearch node {index}: {len(self.nodes())} recorded")
        self._launch(index, bootstrap=False)
        self.wait_healthy(timeout)

    def health(self) -> dict[str, Any] | None:
        """`_cluster/health` from the first running node that answers (None if none does)."""
        for index, url in enumerate(self.urls(), start=1):
            if not self.node_running(index):
                continue
            try:
                body: dict[str, Any] = httpx.get(f"{url}/_cluster/health", timeout=2).json()
            except (httpx.HTTPError, ValueError):
                continue
            if "status" in body:
                return body
        return None

    def wait_healthy(self, timeout: float) -> None:
        """Wait until every recorded node is in the cluster and it is yellow or green."""
        want = len(self.nodes())
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            health = self.health()
            if health is not None:
                nodes = int(health.get("number_of_nodes", 0))
                if health["status"] in {"green", "yellow"} and nodes >= want:
                    return
                last = f"status {health['status']}, {nodes} of {want} nodes"
            down = [i for i in range(1, want + 1) if not self.node_running(i)]
            if down:
                raise ServiceError(
                    f"Elasticsearch node {down[0]} exited while starting\n{self.log_tail(down[0])}"
                )
            time.sleep(0.5)
        raise ServiceError(
            f"Elasticsearch not healthy within {timeout:.0f}s ({last})\n{self.log_tail(1)}"
        )

    def log_tail(self, index: int) -> str:
        log = self.node_dir(index) / "logs" / f"{CLUSTER_NAME}.log"
        return f"last lines of {log}:\n{tail(log)}"

    def node_pid(self, index: int) -> int | None:
        return read_pid(self.node_dir(index) / "es.pid")

    def stop_node(self, index: int) -> None:
        stop_pid(self.node_pid(index), timeout=60)

    def down(self) -> None:
        for index in range(len(self.nodes()), 0, -1):
            self.stop_node(index)

    def describe(self) -> str:
        return ", ".join(f"127.0.0.1:{node['http_port']}" for node in self.nodes()) or "-"

    def node_rows(self) -> list[tuple[str, bool, str]]:
        """(name, running, where) per node, for `catalog services status`."""
        return [
            (f"node-{i}", self.node_running(i), f"127.0.0.1:{n['http_port']}")
            for i, n in enumerate(self.nodes(), start=1)
        ]
