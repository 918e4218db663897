"""Admin rebuilds over HTTP (a real build process), the request rate limit and the security headers."""

import time

import pytest
from fastapi.testclient import TestClient
from test_api import assert_error

from api.app import create_app
from api.security import SECURITY_HEADERS, SharedRateLimiter
from index.build import build
from search import Settings

TOKEN = "s3cret-admin-token"


def corpus_of(root, n):
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"{i}.txt").write_text(f"Rusland og Iran indgår aftale nummer {i} om droner og missiler, oplyser Kreml.", encoding="utf-8")
    return root


@pytest.fixture
def admin(tmp_path):
    corpus, index_dir = corpus_of(tmp_path / "corpus", 3), tmp_path / "index"
    build(corpus, index_dir)
    settings = Settings(index_dir=index_dir, corpus_dir=corpus, admin_token=TOKEN, rate_limit=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, corpus


def wait_for(client, job, headers):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = client.get(f"/admin/reindex/{job}", headers=headers).json()
        if body["status"] != "running":
            return body
        time.sleep(0.2)
    raise AssertionError("the reindex job did not finish")


@pytest.mark.slow
def test_reindex_runs_a_build_that_the_server_then_answers_from(admin):
    client, corpus = admin
    corpus_of(corpus, 5)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    started = client.post("/admin/reindex", headers=headers)
    assert started.status_code == 202 and started.json()["status"] == "running"
    assert_error(client.post("/admin/reindex", headers=headers, json={"full": True}), 409, "conflict")  # one at a time
    done = wait_for(client, started.json()["job"], headers)
    assert done["status"] == "succeeded" and done["report"]["documents"] == 5 and done["report"]["files_new"] == 2
    deadline = time.monotonic() + 5
    while client.get("/health").json()["generation"] != done["report"]["generation"]:
        assert time.monotonic() < deadline, "the server did not switch"
        time.sleep(0.1)
    assert client.get("/search").json()["total"] == 5
    full = client.post("/admin/reindex", headers=headers, json={"full": True})
    assert wait_for(client, full.json()["job"], headers)["report"]["mode"] == "full"


@pytest.mark.slow
def test_a_job_started_through_one_worker_is_refused_and_polled_through_another(admin, tmp_path):
    """Two applications on one index folder, as two worker processes of one server are: the job's
    state is in the folder, not in either's memory."""
    first, corpus = admin
    other = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, admin_token=TOKEN)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(other), raise_server_exceptions=False) as second:
        started = first.post("/admin/reindex", headers=headers).json()
        refused = second.post("/admin/reindex", headers=headers)
        assert_error(refused, 409, "conflict")
        assert started["job"] in refused.json()["error"]["message"]
        done = wait_for(second, started["job"], headers)
        assert done["status"] == "succeeded" and wait_for(first, started["job"], headers) == done
        again = second.post("/admin/reindex", headers=headers)  # free again
        assert again.status_code == 202 and wait_for(first, again.json()["job"], headers)["status"] == "succeeded"


def test_reindex_needs_the_token_and_is_off_without_one(admin, fixture_index):
    client, _ = admin
    missing = client.post("/admin/reindex")
    assert_error(missing, 401, "unauthorized")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert_error(client.post("/admin/reindex", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
    assert_error(client.post("/admin/reindex", headers={"Authorization": TOKEN}), 401, "unauthorized")  # no scheme
    assert_error(client.get("/admin/reindex/nope", headers={"Authorization": f"Bearer {TOKEN}"}), 404, "not_found", "job")
    assert_error(client.post("/admin/reindex", headers={"Authorization": f"Bearer {TOKEN}"}, json={"fast": True}), 422, "invalid_parameter", "fast")
    with TestClient(create_app(Settings(index_dir=fixture_index)), raise_server_exceptions=False) as off:
        assert_error(off.post("/admin/reindex", headers={"Authorization": f"Bearer {TOKEN}"}), 403, "forbidden")


def test_a_client_over_its_rate_gets_429_in_the_error_shape(fixture_index):
    with TestClient(create_app(Settings(index_dir=fixture_index, rate_limit=5)), raise_server_exceptions=False) as client:
        assert all(client.get("/search", params={"q": "Iran"}).status_code == 200 for _ in range(5))
        refused = client.get("/search", params={"q": "Iran"})
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["Retry-After"]) >= 1
        assert client.get("/health").status_code == 200  # health checks are not counted


def test_the_rate_limit_is_off_by_default():
    assert Settings().rate_limit == 0


def test_behind_a_trusted_proxy_the_limit_counts_each_forwarded_client_and_never_an_untrusted_header(fixture_index):
    settings = Settings(index_dir=fixture_index, rate_limit=2, trusted_proxies="10.0.0.0/8, 127.0.0.1")

    def search(client, **headers):
        return client.get("/search", params={"q": "Iran"}, headers=headers).status_code

    with TestClient(create_app(settings), client=("127.0.0.1", 4000), raise_server_exceptions=False) as proxy:
        # two readers behind the proxy (one through a second, trusted proxy): each has its own budget
        assert [search(proxy, **{"X-Forwarded-For": "198.51.100.7"}) for _ in range(3)] == [200, 200, 429]
        assert [search(proxy, **{"X-Forwarded-For": "203.0.113.9, 10.1.2.3"}) for _ in range(3)] == [200, 200, 429]
        assert [search(proxy, Forwarded='for="[2001:db8::5]:4711";proto=https') for _ in range(3)] == [200, 200, 429]
        # a reader cannot pose as another by sending the header itself: the nearest untrusted address counts
        assert search(proxy, **{"X-Forwarded-For": "192.0.2.1, 198.51.100.7"}) == 429
    with TestClient(create_app(settings), client=("192.0.2.50", 4000), raise_server_exceptions=False) as direct:
        # from an address that is no proxy, the headers are ignored: one budget, whatever they say
        assert [search(direct, **{"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(3)] == [200, 200, 429]


def test_a_trusted_proxy_that_is_no_address_is_refused_by_name():
    with pytest.raises(ValueError, match="'proxy.local' is not an IP address or network"):
        Settings(trusted_proxies="127.0.0.1,proxy.local")


def test_every_answer_carries_the_security_headers(fixture_index):
    with TestClient(create_app(Settings(index_dir=fixture_index)), raise_server_exceptions=False) as client:
        for response in (client.get("/search", params={"q": "Iran"}), client.get("/no/such/route"), client.get("/documents/x")):
            for key, value in SECURITY_HEADERS.items():
                assert response.headers[key] == value, (response.url, key)


def test_two_limiters_on_one_table_share_each_clients_budget(tmp_path):
    """What two worker processes do: each maps the server's table, and a client's requests count
    once whichever answers; another client has a budget of its own."""
    table = tmp_path / "limits.bin"
    SharedRateLimiter.create(table)
    first, second = SharedRateLimiter(4, table), SharedRateLimiter(4, table)
    taken = [limiter.wait("198.51.100.7") == 0 for limiter in (first, second, first, second, first)]
    assert taken == [True, True, True, True, False]
    assert second.wait("198.51.100.7") > 0 and first.wait("203.0.113.9") == 0
