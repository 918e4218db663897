"""The package as a user deploys it: a wheel installed into a fresh virtualenv without extras indexes
the sample corpus and serves it (real processes, a real request), outside the checkout."""

import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest
from conftest import REPO, SAMPLE_CORPUS, free_port

pytestmark = pytest.mark.slow

TEST_ONLY = ("pytest", "hypothesis", "schemathesis", "playwright", "scikit-learn", "httpx")


def run(*command, cwd, **kwargs):
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done


def test_a_wheel_without_extras_indexes_and_serves_the_sample_corpus(tmp_path):
    source, wheels, venv, index_dir = tmp_path / "source", tmp_path / "wheels", tmp_path / "venv", tmp_path / "index"
    # a copy of the checkout: building in place leaves a build/ folder whose stale files a later wheel would take
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "var", "build", "*.egg-info", "__pycache__", ".pytest_cache"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, source, cwd=tmp_path)
    (wheel,) = wheels.glob("newsfacet-*.whl")
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    run(venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", wheel, cwd=tmp_path, timeout=900)
    installed = {line.split("==")[0].lower() for line in run(venv / "bin" / "pip", "freeze", cwd=tmp_path).stdout.split()}
    assert "newsfacet" in installed and not installed & set(TEST_ONLY), installed & set(TEST_ONLY)

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFACET_")} | {"PYTHONPATH": ""}
    built = run(venv / "bin" / "newsfacet-index", "--corpus", SAMPLE_CORPUS, "--index", index_dir, "--json", cwd=tmp_path, env=env, timeout=600)
    assert '"documents": 126' in built.stdout

    port = free_port()
    server = subprocess.Popen(
        [venv / "bin" / "newsfacet-serve"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env | {"NEWSFACET_INDEX_DIR": str(index_dir), "NEWSFACET_PORT": str(port), "NEWSFACET_WORKERS": "1"},
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, server.stdout.read()
                try:
                    health = client.get("/health")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the installed server did not start"
                    time.sleep(0.2)
            assert health.json()["documents"] == 126
            body = client.get("/search", params={"q": "Iran"}).json()
            assert body["total"] > 0 and body["facets"]["actor"]
            page = client.get("/")
            assert page.status_code == 200 and "newsfacet" in page.text.lower()
            assert client.get("/static/app.js").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
