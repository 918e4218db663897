"""The OpenSearch backend when things go wrong, on the three-node test cluster (`make opensearch`):
(a) rebuilds that move the alias while clients search, (b) a node killed with -9 while clients
search, (c) a bulk item the cluster refuses, (d) the cluster out of reach. Each prints its counts.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx
import pytest
from conftest import OPENSEARCH_URL, REPO, SAMPLE_CORPUS, Server, build_for, drop_alias, free_port, opensearch_settings

from index.build import BuildError

pytestmark = pytest.mark.slow

CLUSTER_DIR = REPO / "var" / "opensearch"
QUERIES = ["Iran", "Rusland", "Nordkorea Soldaten", '"Kim Jong Un"', "sanktion*", "Putin OR Xi", "Waffen", "droner", ""]


class Clients:
    """`count` threads searching the server without pause; every answer's status (or the error)
    is recorded with the time it came."""

    def __init__(self, url: str, count: int = 4) -> None:
        self.url, self.results, self.stop = url, [], threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(count)]
        for thread in self.threads:
            thread.start()

    def _run(self, offset: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            for i in itertools.count(offset):
                if self.stop.is_set():
                    return
                params = {"q": QUERIES[i % len(QUERIES)], "page": 1 + i % 3, "size": 5}
                try:
                    status, detail = client.get("/search", params=params).status_code, ""
                except httpx.HTTPError as exc:
                    status, detail = 0, repr(exc)
                self.results.append((time.monotonic(), status, detail))

    def finish(self) -> list[tuple[float, int, str]]:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        return self.results

    def failures(self) -> list[tuple[float, int, str]]:
        return [r for r in self.results if r[1] != 200]


def _alias_target(alias: str) -> list[str]:
    answer = httpx.get(f"{OPENSEARCH_URL.split(',')[0]}/_alias/{alias}", timeout=10)
    return sorted(answer.json()) if answer.status_code == 200 else []


@pytest.fixture
def cluster_server(tmp_path):
    """A server on its own alias of the test cluster, over the sample corpus."""
    alias = f"faults-{tmp_path.name.lower().replace('_', '-')[-20:]}"
    env = opensearch_settings(alias)
    build_for(env, SAMPLE_CORPUS, tmp_path / "index")
    server = Server(tmp_path / "index", **env)
    server.env, server.alias, server.index_dir = env, alias, tmp_path / "index"
    yield server
    server.stop()
    drop_alias(alias)


def test_a_rebuild_moving_the_alias_while_four_clients_search_fails_no_request(cluster_server):
    clients = Clients(cluster_server.url)
    generations = []
    for _ in range(3):
        report = build_for(cluster_server.env, SAMPLE_CORPUS, cluster_server.index_dir, full=True)
        generations.append(report.generation)
        deadline = time.monotonic() + 10
        while cluster_server.client.get("/health").json()["generation"] != report.generation:
            assert time.monotonic() < deadline, "the server did not switch"
            time.sleep(0.1)
    results = clients.finish()
    print(f"\n(a) {len(results)} searches during 3 rebuilds and alias moves, {len(clients.failures())} failed: {clients.failures()[:5]}")
    assert len(results) > 20 and not clients.failures()
    kept = _alias_target(cluster_server.alias)
    assert kept == [f"{cluster_server.alias}-{generations[-1].lower()}"]


def _node_pid(name: str) -> int:
    pid_file = CLUSTER_DIR / name / "pid"
    if not pid_file.is_file():
        pytest.skip(f"the test cluster was not started by scripts/opensearch_cluster.py here ({pid_file} is missing)")
    return int(pid_file.read_text())


def _wait_for_health(server: Server, status: str, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = server.client.get("/health")
        if answer.status_code == 200 and answer.json()["status"] == status:
            return answer.json()
        time.sleep(0.2)
    raise AssertionError(f"/health did not say {status} within {seconds} s: {answer.status_code} {answer.text}")


def test_a_node_killed_while_clients_search_costs_no_search_and_health_follows_the_cluster(cluster_server):
    pid = _node_pid("node-2")
    clients = Clients(cluster_server.url)
    time.sleep(2)
    killed_at = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    try:
        degraded = _wait_for_health(cluster_server, "degraded", 60)
        time.sleep(3)  # searching on two nodes
    finally:
        restart = subprocess.run([sys.executable, "scripts/opensearch_cluster.py", "start"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert restart.returncode == 0, restart.stderr
    healthy = _wait_for_health(cluster_server, "ok", 60)
    results = clients.finish()
    failed = clients.failures()
    after = [r for r in results if r[0] > killed_at]
    print(
        f"\n(b) {len(results)} searches, {len(after)} after node-2 was killed, {len(failed)} failed: {Counter(r[1] for r in failed)} "
        f"{[r[2] for r in failed[:3]]}; health while it was down: {degraded['cluster']}"
    )
    assert degraded["cluster"]["status"] == "yellow" and healthy.get("cluster") is None
    assert len(after) > 20 and not failed


def test_bulk_items_the_cluster_refuses_fail_the_build_and_leave_the_alias(cluster_server, tmp_path):
    """Refused items (a write block, as the cluster sets at its disk's flood stage, put on every new
    index of the alias by a template), and a refused bulk request (a document id over OpenSearch's
    512 bytes), each fail the build; the alias stays on the live index, whole."""
    first = OPENSEARCH_URL.split(",")[0]
    live, total = _alias_target(cluster_server.alias), cluster_server.client.get("/search").json()["total"]
    template = {"index_patterns": [f"{cluster_server.alias}-g*"], "template": {"settings": {"index.blocks.write": True}}}
    httpx.put(f"{first}/_index_template/{cluster_server.alias}-blocked", json=template, timeout=10).raise_for_status()
    try:
        with pytest.raises(BuildError) as refused_items:
            build_for(cluster_server.env, SAMPLE_CORPUS, cluster_server.index_dir, full=True)
    finally:
        httpx.delete(f"{first}/_index_template/{cluster_server.alias}-blocked", timeout=10)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = (
        "Russland und Iran vereinbaren eine engere Zusammenarbeit bei Drohnen. Die Regierung in Berlin reagiert mit Sorge "
        "auf die neue Vereinbarung. Fachleute erwarten weitere Sanktionen der Europäischen Union gegen beide Staaten."
    )
    records = [{"id": "ok-1", "title": "Zusammenarbeit bei Drohnen", "text": article}, {"id": "x" * 600, "title": "Zu lang", "text": article}]
    (corpus / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    with pytest.raises(BuildError) as refused_request:
        build_for(cluster_server.env, corpus, cluster_server.index_dir, full=True)
    print(f"\n(c) {str(refused_items.value)[:300]}\n    {str(refused_request.value)[:300]}")
    assert "refused 126 of 126 bulk items" in str(refused_items.value) and "cluster_block_exception" in str(refused_items.value)
    assert "no longer than 512 bytes" in str(refused_request.value)
    assert all("alias stays where it was" in str(e.value) for e in (refused_items, refused_request))
    assert _alias_target(cluster_server.alias) == live
    assert cluster_server.client.get("/search").json()["total"] == total
    leftovers = httpx.get(f"{first}/_cat/indices/{cluster_server.alias}-g*", params={"format": "json"}, timeout=10).json()
    assert [i["index"] for i in leftovers] == live  # what the failed builds made is gone


class Relay:
    """A TCP relay from a port of its own to the cluster's first node: stopped, the cluster is out
    of reach for whoever uses the relay's address; started again on the same port, it is back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self.listener = None
        self.open: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (closing alone would not)
        except OSError:
            pass
        self.listener.close()
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.open = []


def test_an_unreachable_cluster_is_a_503_saying_where_and_the_server_recovers_and_a_build_fails_first(cluster_server, tmp_path):
    first = httpx.URL(OPENSEARCH_URL.split(",")[0])
    relay = Relay((first.host, first.port))
    relay.start()
    env = cluster_server.env | {"NEWSFACET_OPENSEARCH_URL": relay.url}
    server = Server(cluster_server.index_dir, **env)
    try:
        assert server.client.get("/search", params={"q": "Iran"}).status_code == 200
        relay.stop()
        time.sleep(0.6)  # past the server's look at the alias
        down = server.client.get("/search", params={"q": "Iran"})
        assert down.status_code == 503, down.text
        error = down.json()["error"]
        assert down.status_code == 503 and error["code"] == "index_unavailable" and relay.url in error["message"]
        assert server.client.get("/health").status_code == 503
        live = _alias_target(cluster_server.alias)
        build = subprocess.run(
            [sys.executable, "-m", "index.cli", "--backend", "opensearch", "--corpus", str(SAMPLE_CORPUS), "--index", str(tmp_path / "other")],
            cwd=REPO, env=os.environ | env, capture_output=True, text=True, timeout=120,
        )
        print(f"\n(d) search while out of reach: {down.status_code} {error['message'][:160]}\n    build: {build.stderr.strip()[:200]}")
        assert build.returncode == 1 and f"could not reach the OpenSearch cluster at {relay.url}" in build.stderr
        assert not (tmp_path / "other" / "generations").exists() or not any((tmp_path / "other" / "generations").iterdir())
        assert _alias_target(cluster_server.alias) == live
        relay.start()
        deadline = time.monotonic() + 30
        while (back := server.client.get("/search", params={"q": "Iran"})).status_code != 200:
            assert time.monotonic() < deadline, f"the server did not recover: {back.text}"
            time.sleep(0.2)
        assert back.json()["total"] > 0
    finally:
        server.stop()
        if relay.listener.fileno() != -1:
            relay.stop()
