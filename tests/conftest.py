"""Shared fixtures: paths, built indexes (real Whoosh indexes on disk), a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))  # scripts/evaluate.py

from index.actors import load_gazetteer
from index.clean.rules import load_rules
from index.build import build, measure_corpus, prepare
from index.documents import CleanDocument
from index.sources import read_corpus

# CI runs the property-based tests on a fixed seed: a red build is always the code's, and reproducible.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("NEWSFACET_CACHE_DIR", str(REPO / "var" / "cache"))  # not the user's own cache folder
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
SAMPLE_CORPUS = REPO / "data" / "sample"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (seeds and evaluation data) is not beside this checkout")


def clean_documents(corpus: Path) -> dict[str, CleanDocument]:
    """Every document of a corpus as the pipeline prepares it, keyed by id (skips left out)."""
    gazetteer, rules = load_gazetteer(), load_rules()
    repeated = measure_corpus(corpus, rules)
    docs = {}
    for raw in read_corpus(corpus):
        if hasattr(raw, "text"):
            doc = prepare(raw, gazetteer, rules, repeated)
            if isinstance(doc, CleanDocument):
                docs[doc.id] = doc
    return docs


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("fixture-index")
    build(FIXTURE_CORPUS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def fixture_docs() -> dict[str, CleanDocument]:
    return clean_documents(FIXTURE_CORPUS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`newsfacet-serve` (uvicorn) in a subprocess on a free port."""

    def __init__(self, index_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = os.environ | {
            "NEWSFACET_INDEX_DIR": str(index_dir),
            "NEWSFACET_PORT": str(self.port),
            "NEWSFACET_HOST": "127.0.0.1",
        } | env
        self.log = open(index_dir.parent / f"server-{self.port}.log", "w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api"], env=environment, stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO
        )
        self.client = httpx.Client(base_url=self.url, timeout=10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                self.client.get("/openapi.json")
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def sample_server(tmp_path_factory) -> Server:
    """The service on the bundled sample corpus, as `make serve` runs it (read only: tests share it)."""
    index_dir = tmp_path_factory.mktemp("sample") / "index"
    build(SAMPLE_CORPUS, index_dir)
    srv = Server(index_dir)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def server(fixture_index) -> Server:
    srv = Server(fixture_index)
    yield srv
    srv.stop()
