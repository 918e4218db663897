"""The HTTP layer in process: one error shape for every error, response models, routes."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from search import Settings


@pytest.fixture(scope="module")
def client(fixture_index):
    with TestClient(create_app(Settings(index_dir=fixture_index)), raise_server_exceptions=False) as c:
        yield c


def assert_error(response, status, code, field=None):
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "field"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]
    assert body["error"]["field"] == field


@pytest.mark.parametrize(
    "url, status, code, field",
    [
        ("/search?size=0", 422, "invalid_parameter", "size"),
        ("/search?size=abc", 422, "invalid_parameter", "size"),
        ("/search?page=-1", 422, "invalid_parameter", "page"),
        ("/search?page=100000", 422, "invalid_parameter", "page"),
        ("/search?sort=random", 422, "invalid_parameter", "sort"),
        ("/search?interval=week", 422, "invalid_parameter", "interval"),
        ("/search?from=2022-13-45", 422, "invalid_parameter", "from"),
        ("/search?to=yesterday", 422, "invalid_parameter", "to"),
        ("/search?from=2024&to=2023", 422, "invalid_parameter", "from"),
        ("/search?lang=xx", 422, "invalid_parameter", "lang"),
        ("/search?actor=atlantis", 422, "invalid_parameter", "actor"),
        ("/search?facet_size=1000", 422, "invalid_parameter", "facet_size"),
        ("/search?q=" + "x" * 501, 422, "invalid_parameter", "q"),
        ("/actors?limit=0", 422, "invalid_parameter", "limit"),
        ("/documents/unknown-id", 404, "not_found", "id"),
        ("/documents/..%2F..%2Fetc%2Fpasswd", 404, "not_found", "id"),
        ("/documents/%2e%2e/%2e%2e/etc/passwd", 404, "not_found", "id"),
        ("/documents/da/avis-a/2023-02-10-iran-droner%00", 404, "not_found", "id"),
        ("/documents/%00", 404, "not_found", "id"),
        ("/documents/%2Fetc%2Fpasswd", 404, "not_found", "id"),
        ("/documents/da/avis-a/2023-02-10-iran-droner?include=everything", 422, "invalid_parameter", "include"),
        ("/no/such/route", 404, "not_found", None),
    ],
)
def test_every_error_has_the_one_shape(client, url, status, code, field):
    assert_error(client.get(url), status, code, field)


def test_wrong_method_has_the_shape_too(client):
    assert_error(client.post("/search"), 405, "method_not_allowed")


@pytest.mark.parametrize("q", ['"unbalanced', "(Putin", "Iran - Rusland", "-", "*", "\x00", "Ærø & <b>", "%00", "../../etc"])
def test_forgivable_query_syntax_is_answered(client, q):
    response = client.get("/search", params={"q": q})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("q", ["Putin)", "OR", "NOT", "a OR OR b", "Ru*land", "(" * 30 + "x"])
def test_unclear_query_syntax_is_a_400_saying_where(client, q):
    response = client.get("/search", params={"q": q})
    assert_error(response, 400, "invalid_query", "q")
    assert "(character " in response.json()["error"]["message"]


def test_no_index_is_503_in_the_error_shape(tmp_path):
    with TestClient(create_app(Settings(index_dir=tmp_path / "none"))) as c:
        assert_error(c.get("/health"), 503, "index_unavailable")
        assert_error(c.get("/search?q=Iran"), 503, "index_unavailable")


def test_search_response_shape(client):
    body = client.get("/search", params={"q": "Iran", "lang": ["da", "de"], "from": "2022"}).json()
    assert set(body) == {"query", "total", "collapsed", "took_ms", "hits", "facets", "suggestion"}
    assert body["query"]["from"] == "2022" and body["query"]["lang"] == ["da", "de"]
    assert set(body["facets"]) == {"lang", "actor", "date"}
    hit = body["hits"][0]
    assert set(hit) == {"id", "title", "lang", "date", "actors", "snippet", "score", "url", "source", "duplicates"}


def test_document_route_takes_ids_with_slashes_and_removed_on_request(client):
    plain = client.get("/documents/da/avis-a/2023-06-02-nordkorea").json()
    assert plain["url"] == "https://example.dk/nordkorea-granater" and "removed" not in plain
    full = client.get("/documents/da/avis-a/2023-02-10-iran-droner", params={"include": "removed"}).json()
    assert {r["reason"] for r in full["removed"]} >= {"audio_player", "consent", "caption_toggle", "agency_byline"}


def test_head_answers_every_get_route_as_the_get_does_without_a_body(client):
    """Every GET route of the OpenAPI schema, and the page and its assets: the same status and
    headers, no body. The admin route answers 403 either way (no token is set here)."""
    values = {"doc_id": "da/avis-a/2023-06-02-nordkorea", "job": "nope", "actor_id": "iran"}
    paths = [path for path, methods in client.get("/openapi.json").json()["paths"].items() if "get" in methods]
    assert len(paths) >= 7
    for path in [*paths, "/", "/static/app.js", "/docs", "/openapi.json", "/documents/no-such-id"]:
        url = path.format(**values)
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code, url
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"], url
        if path != "/metrics" and '"took_ms"' not in got.text:  # counts and timings move with every request, the HEAD's too
            assert head.headers.get("content-length") == got.headers.get("content-length"), url


def test_openapi_documents_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/search", "/documents/{doc_id}", "/documents/{doc_id}/related", "/actors", "/stats", "/health"} <= set(paths)


def test_cors_origins_come_from_settings(fixture_index):
    settings = Settings(index_dir=fixture_index, cors_origins=["https://frontend.example"])
    with TestClient(create_app(settings)) as c:
        allowed = c.get("/health", headers={"Origin": "https://frontend.example"})
        other = c.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://frontend.example"
    assert "access-control-allow-origin" not in other.headers


def test_empty_form_fields_mean_no_filter(client):
    body = client.get("/search?q=&lang=&actor=&from=&to=").json()
    assert body["total"] == client.get("/search").json()["total"] > 0
    assert body["query"]["lang"] == [] and body["query"]["from"] is None


def test_an_export_past_its_limit_is_refused_naming_the_limit(fixture_index):
    with TestClient(create_app(Settings(index_dir=fixture_index, export_limit=3)), raise_server_exceptions=False) as c:
        listed = c.get("/search", params={"lang": "da", "facet_size": 100}).json()
        rare = next(v["value"] for v in listed["facets"]["actor"] if v["count"] <= 3)
        fits = c.get("/search.csv", params={"lang": "da", "actor": rare})
        too_many = c.get("/search.jsonl", params={"lang": "da"})
    assert listed["total"] - listed["collapsed"] > 3
    assert_error(too_many, 422, "invalid_parameter", "q")
    message = too_many.json()["error"]["message"]
    assert "at most 3" in message and f"lists {listed['total'] - listed['collapsed']} articles" in message
    assert fits.status_code == 200 and int(fits.headers["x-total-count"]) <= 3


def test_an_export_limit_above_the_result_window_is_refused_at_start():
    with pytest.raises(ValueError, match="export_limit"):
        Settings(export_limit=10_001)
