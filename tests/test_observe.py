"""What operators see: /metrics in the Prometheus text format (read back with prometheus-client's own
parser), a request id on every answer, and one JSON access-log line per request."""

import json

import pytest
from conftest import Server
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from index.build import build
from search import Settings


def samples(text: str) -> dict[str, list]:
    """Metric family name -> its samples, as prometheus-client parses the exposition."""
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def value(found: dict, family: str, sample: str, **labels) -> float:
    return sum(s.value for s in found[family] if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()))


def test_metrics_count_requests_by_route_and_status_and_describe_the_index(fixture_index):
    counted = [
        ("newsfacet_requests", "newsfacet_requests_total", {"route": "/search", "method": "GET", "status": "200"}),
        ("newsfacet_requests", "newsfacet_requests_total", {"route": "/documents/{doc_id:path}", "status": "404"}),
        ("newsfacet_request_seconds", "newsfacet_request_seconds_count", {"route": "/search"}),
        ("newsfacet_request_seconds", "newsfacet_request_seconds_bucket", {"route": "/search", "le": "+Inf"}),
    ]
    with TestClient(create_app(Settings(index_dir=fixture_index)), raise_server_exceptions=False) as client:
        health = client.get("/health").json()
        before = samples(client.get("/metrics").text)  # one process: other tests' requests are counted too
        for _ in range(3):
            client.get("/search", params={"q": "Iran"})
        client.get("/documents/da/avis-a/2023-06-02-nordkorea")
        client.get("/documents/no-such-document")
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    added = [value(found, family, sample, **labels) - value(before, family, sample, **labels) for family, sample, labels in counted]
    assert added == [3, 1, 3, 3]
    assert value(found, "newsfacet_generation_info", "newsfacet_generation_info", generation=health["generation"]) == 1
    assert value(found, "newsfacet_documents", "newsfacet_documents") == health["documents"]
    assert value(found, "newsfacet_last_build_success", "newsfacet_last_build_success") == 1
    assert value(found, "newsfacet_last_build_seconds", "newsfacet_last_build_seconds") > 0


def test_a_failed_build_is_the_last_builds_outcome(tmp_path, fixture_index):
    index_dir = tmp_path / "index"
    (tmp_path / "empty").mkdir()
    with pytest.raises(Exception, match="nothing could be indexed"):
        build(tmp_path / "empty", index_dir)
    with TestClient(create_app(Settings(index_dir=index_dir)), raise_server_exceptions=False) as client:
        found = samples(client.get("/metrics").text)
    assert value(found, "newsfacet_last_build_success", "newsfacet_last_build_success") == 0
    assert value(found, "newsfacet_documents", "newsfacet_documents") == 0 and not found["newsfacet_generation_info"]


def test_every_answer_has_a_request_id_and_keeps_a_sane_one_it_was_given(fixture_index):
    with TestClient(create_app(Settings(index_dir=fixture_index)), raise_server_exceptions=False) as client:
        ids = {client.get("/search").headers["x-request-id"] for _ in range(3)}
        assert len(ids) == 3 and all(len(i) == 32 for i in ids)
        assert client.get("/nope", headers={"X-Request-Id": "proxy-7f3a.1"}).headers["x-request-id"] == "proxy-7f3a.1"
        assert client.get("/search", headers={"X-Request-Id": "bad id\twith\nspaces"}).headers["x-request-id"] != "bad id\twith\nspaces"


@pytest.mark.slow
def test_two_workers_metrics_add_up_and_each_request_is_one_json_log_line(fixture_index):
    """A real server of two worker processes: a scrape through either worker counts every request
    (prometheus-client's multiprocess mode), and the log has one JSON line per request."""
    server = Server(fixture_index, NEWSFACET_WORKERS="2")
    try:
        given = [server.client.get("/search", params={"q": f"Iran {i}"}).headers["x-request-id"] for i in range(40)]
        for _ in range(4):  # whichever worker answers the scrape
            found = samples(server.client.get("/metrics").text)
            assert value(found, "newsfacet_requests", "newsfacet_requests_total", route="/search", status="200") == 40
        lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
        searches = [line for line in lines if line["path"] == "/search"]
        assert [line["request_id"] for line in searches] == given
        assert all(line["status"] == 200 and line["method"] == "GET" and line["ms"] > 0 for line in searches)
        assert {line["route"] for line in lines} >= {"/search", "/metrics", "/openapi.json"}
    finally:
        server.stop()
