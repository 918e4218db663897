"""Start or stop a local OpenSearch cluster on loopback: one JVM per node, each with its own ports and
data folder, from the jars that Maven fetches through cluster/pom.xml (`make opensearch`).

    python scripts/opensearch_cluster.py start [--nodes 3] [--port 9200] [--heap 512m]
    python scripts/opensearch_cluster.py stop

`start` builds the launcher when needed, starts every node that is not running (so it also brings
back one that was killed), waits until the cluster is green and prints its hosts as
NEWSFACET_OPENSEARCH_URL takes them. Node logs: var/opensearch/node-N/node.log.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "cluster"
JAR = CLUSTER / "target" / "newsfacet-cluster-1.jar"
TRANSPORT_OFFSET = 100  # node N: HTTP on port + N, transport on port + 100 + N
WAIT_SECONDS = 120


def _alive(pid_file: Path) -> int | None:
    """The pid in `pid_file` when that process still runs."""
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def _build() -> None:
    sources = [*(CLUSTER / "src").rglob("*"), CLUSTER / "pom.xml"]
    if JAR.exists() and (CLUSTER / "target" / "lib").is_dir() and all(p.stat().st_mtime <= JAR.stat().st_mtime for p in sources):
        return
    print("building the cluster launcher with Maven (the first time fetches OpenSearch's jars)", file=sys.stderr)
    subprocess.run(["mvn", "-q", "-B", "-Dstyle.color=never", "package"], cwd=CLUSTER, check=True)


def _health(url: str, query: str = "") -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health{query}", timeout=10) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def start(args: argparse.Namespace) -> int:
    _build()
    nodes = [f"node-{i}" for i in range(args.nodes)]
    seeds = ",".join(f"127.0.0.1:{args.port + TRANSPORT_OFFSET + i}" for i in range(args.nodes))
    classpath = f"{JAR}:{CLUSTER / 'target' / 'lib'}/*"
    started = {}
    for i, name in enumerate(nodes):
        home = args.dir / name
        home.mkdir(parents=True, exist_ok=True)
        if _alive(home / "pid"):
            continue
        command = [
            "java", f"-Xms{args.heap}", f"-Xmx{args.heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            "-cp", classpath, "newsfacet.cluster.ClusterNode",
            str(home), name, str(args.port + i), str(args.port + TRANSPORT_OFFSET + i), seeds, ",".join(nodes),
        ]
        with open(home / "node.log", "ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        (home / "pid").write_text(str(process.pid))
        started[name] = process
        print(f"started {name} (pid {process.pid}): http://127.0.0.1:{args.port + i}", file=sys.stderr)
    url = f"http://127.0.0.1:{args.port}"
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        health = _health(url, f"?wait_for_nodes={args.nodes}&wait_for_status=green&timeout=5s")
        if health and not health.get("timed_out") and health["status"] == "green":
            print(",".join(f"http://127.0.0.1:{args.port + i}" for i in range(args.nodes)))
            return 0
        for name, process in started.items():
            if process.poll() is not None:
                print(f"{name} stopped; its log: {args.dir / name / 'node.log'}", file=sys.stderr)
                return 1
        time.sleep(1)
    print(f"the cluster was not green after {WAIT_SECONDS} s: {_health(url)}", file=sys.stderr)
    return 1


def stop(args: argparse.Namespace) -> int:
    pids = []
    for pid_file in sorted(args.dir.glob("node-*/pid")):
        pid = _alive(pid_file)
        if pid:
            os.kill(pid, signal.SIGTERM)
            pids.append(pid)
        pid_file.unlink()
    deadline = time.monotonic() + 30
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if _alive_pid(p)]
        time.sleep(0.2)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    print("stopped", file=sys.stderr)
    return 0


def _alive_pid(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--port", type=int, default=9200, help="the first node's HTTP port (default 9200)")
    parser.add_argument("--heap", default="512m")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "opensearch", help="the nodes' folders")
    args = parser.parse_args()
    return start(args) if args.action == "start" else stop(args)


if __name__ == "__main__":
    sys.exit(main())
