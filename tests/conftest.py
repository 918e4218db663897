"""Shared fixtures: paths, built indexes (real Whoosh indexes on disk), a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))  # scripts/evaluate.py

from index.actors import load_gazetteer
from index.clean.rules import load_rules
from index.build import build, measure_corpus, prepare
from index.documents import CleanDocument
from index.opensearch.target import OpenSearchTarget
from index.settings import Settings
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


OPENSEARCH_URL = os.environ.get(
    "NEWSFACET_TEST_OPENSEARCH_URL", "http://127.0.0.1:9200,http://127.0.0.1:9201,http://127.0.0.1:9202"
)
ADMIN_TOKEN = "contract-admin-token"


def opensearch_settings(alias: str) -> dict[str, str]:
    """The environment of a server on the test cluster (`make opensearch`) under `alias`. Without a
    cluster the test is skipped, or fails in CI, which starts one (.ci/run)."""
    first = OPENSEARCH_URL.split(",")[0]
    try:
        httpx.get(f"{first}/_cluster/health", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        message = f"no OpenSearch cluster at {first} ({exc}); `make opensearch` starts one"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {"NEWSFACET_BACKEND": "opensearch", "NEWSFACET_OPENSEARCH_URL": OPENSEARCH_URL, "NEWSFACET_OPENSEARCH_INDEX": alias}


def build_for(backend_env: dict[str, str], corpus: Path, index_dir: Path, **options):
    """`build` into the backend `backend_env` names (the Whoosh index folder when it names none)."""
    target = None
    if backend_env.get("NEWSFACET_BACKEND") == "opensearch":
        settings = Settings(**{k.removeprefix("NEWSFACET_").lower(): v for k, v in backend_env.items()})
        target = OpenSearchTarget(settings)
    return build(corpus, index_dir, target=target, **options)


def drop_alias(alias: str) -> None:
    """Delete every index a test made on the cluster under `alias`."""
    first = OPENSEARCH_URL.split(",")[0]
    httpx.delete(f"{first}/{alias}-*", params={"expand_wildcards": "all"}, timeout=30)


@pytest.fixture(scope="session", params=["whoosh", "opensearch"])
def backend_server(request, tmp_path_factory) -> Server:
    """The service on the bundled sample corpus on each backend: the contract suite runs on both."""
    root = tmp_path_factory.mktemp(f"contract-{request.param}")
    alias = f"contract-{uuid.uuid4().hex[:8]}"
    env = opensearch_settings(alias) if request.param == "opensearch" else {}
    build_for(env, SAMPLE_CORPUS, root / "index")
    srv = Server(root / "index", NEWSFACET_CORPUS_DIR=str(SAMPLE_CORPUS), NEWSFACET_ADMIN_TOKEN=ADMIN_TOKEN, **env)
    srv.backend = request.param
    yield srv
    srv.stop()
    if env:
        drop_alias(alias)


@pytest.fixture(scope="session")
def sample_docs() -> dict[str, CleanDocument]:
    return clean_documents(SAMPLE_CORPUS)


@pytest.fixture(scope="session")
def server(fixture_index) -> Server:
    srv = Server(fixture_index)
    yield srv
    srv.stop()
