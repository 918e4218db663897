"""The whole product under a sub-path behind a real nginx (Debian's package, started by the test on
loopback): the page in Chromium, its assets and API calls, /docs and the OpenAPI schema; the client
address taken from the trusted proxy's X-Forwarded-For."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from conftest import Server, free_port
from test_page import CHROMIUM, sync_api, watched, wait_for_results

pytestmark = pytest.mark.slow
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PREFIX = "/newsfacet"

CONFIG = """
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
{user}
events {{}}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location = {prefix} {{ return 301 {prefix}/; }}
        location {prefix}/ {{
            proxy_pass http://127.0.0.1:{upstream}/;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def proxied(fixture_index, tmp_path_factory):
    """The service with NEWSFACET_ROOT_PATH behind nginx; yields nginx's base URL and the server."""
    if not Path(NGINX).exists():
        pytest.fail("Debian's nginx is needed: apt-get install nginx (.ci/run does it)")
    server = Server(fixture_index, NEWSFACET_ROOT_PATH=PREFIX, NEWSFACET_TRUSTED_PROXIES="127.0.0.1", NEWSFACET_WORKERS="2")
    root, port = tmp_path_factory.mktemp("nginx"), free_port()
    user = "user root root;" if os.geteuid() == 0 else ""  # as root, the workers must still read our files
    (root / "nginx.conf").write_text(CONFIG.format(root=root, user=user, port=port, prefix=PREFIX, upstream=server.port))
    nginx = subprocess.Popen([NGINX, "-p", str(root), "-c", str(root / "nginx.conf")], stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert nginx.poll() is None, nginx.stderr.read()
            try:
                httpx.get(base + PREFIX + "/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield base, server
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        server.stop()


def test_the_api_docs_and_schema_answer_under_the_sub_path(proxied):
    base, server = proxied
    with httpx.Client(base_url=base + PREFIX, timeout=10) as client:
        assert client.get("", follow_redirects=True).url.path == PREFIX + "/"
        page = client.get("/")
        assert page.status_code == 200 and 'src="static/app.js"' in page.text
        assert client.get("/static/app.js").status_code == 200 and client.get("/static/app.css").status_code == 200
        body = client.get("/search", params={"q": "Iran"}).json()
        assert body["total"] > 0
        assert client.get(f"/documents/{body['hits'][0]['id']}").json()["id"] == body["hits"][0]["id"]
        assert client.head("/search", params={"q": "Iran"}).status_code == 200
        docs = client.get("/docs")
        assert docs.status_code == 200 and f"'{PREFIX}/openapi.json'" in docs.text
        schema = client.get("/openapi.json").json()
        assert schema["servers"] == [{"url": PREFIX}] and "/search" in schema["paths"]
        error = client.get("/search", params={"size": "x"})
        assert error.status_code == 422 and error.json()["error"]["field"] == "size"


def test_behind_the_trusted_proxy_the_log_names_the_reader_not_the_proxy(proxied):
    base, server = proxied
    answer = httpx.get(base + PREFIX + "/search", params={"q": "droner"}, headers={"X-Forwarded-For": "198.51.100.23"})
    request_id = answer.headers["x-request-id"]
    deadline = time.monotonic() + 5
    while request_id not in server.output():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    (line,) = [json.loads(x) for x in server.output().splitlines() if request_id in x]
    assert line["client"] == "198.51.100.23" and line["path"] == "/search"


def test_the_page_works_in_chromium_under_the_sub_path(proxied):
    base, _ = proxied
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is needed: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            with watched(browser, SimpleNamespace(url=base)) as page:  # watched() wants a server's url
                page.goto(PREFIX + "/?q=Iran")
                wait_for_results(page)
                assert page.locator("#hits h2").count() > 0
                page.locator("#lang-values input").first.check()
                page.wait_for_url(re.compile(rf"{PREFIX}/\?.*lang="))
                wait_for_results(page)
                page.locator("#hits h2 a").first.click()
                page.wait_for_url(re.compile(rf"{PREFIX}/\?.*doc="))
                sync_api.expect(page.locator("#back")).to_be_visible()
                page.locator(".brand").click()
                page.wait_for_url(re.compile(rf"{PREFIX}/$"))
                wait_for_results(page)
        finally:
            browser.close()
