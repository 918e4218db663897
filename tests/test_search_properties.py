"""Property-based: random parameter values at GET /search, each answer checked against what the
request asked for. Any combination is either answered correctly or refused in the one error shape."""

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api.app import create_app
from index.dates import PartialDate
from search import Settings

WORDS = ["Iran", "Rusland", "Russland", "droner", "Kreml", "Putin", "sanktioner", "og", "der", "OR", "AND", "NOT",
         "-", "(", ")", '"', "russ*", "x*", "Ru*land", "Kim", "Jong", "Un", "«", "\x00", "ß", "UN", "us", "../", "%2F"]
ANY = st.text(max_size=12)


def mostly(valid, odd=ANY):
    """Valid-looking values nine times in ten, anything else the tenth."""
    return st.integers(0, 9).flatmap(lambda n: odd if n == 0 else valid)


DATE = st.builds(
    lambda y, m, d: "-".join(p for p in (y, m, d) if p),
    st.integers(2019, 2027).map(str),
    st.none() | st.integers(1, 12).map("{:02d}".format),
    st.none() | st.integers(1, 28).map("{:02d}".format),
)
PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "q": mostly(st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join), st.text(max_size=600)),
        "lang": st.lists(mostly(st.sampled_from(["da", "de", "en", "no", "nb", "de-AT", "und", ""])), max_size=3),
        "actor": st.lists(mostly(st.sampled_from(["russia", "iran", "ukraine", "north-korea", "united-states", ""])), max_size=2),
        "from": mostly(DATE | st.just("")),
        "to": mostly(DATE | st.just("")),
        "sort": mostly(st.sampled_from(["relevance", "newest", "oldest"])),
        "page": mostly(st.integers(1, 4).map(str), st.integers(-3, 20_000).map(str) | ANY),
        "size": mostly(st.integers(1, 100).map(str), st.integers(-3, 20_000).map(str) | ANY),
        "facet_size": mostly(st.integers(1, 100).map(str), st.integers(-3, 20_000).map(str) | ANY),
        "interval": mostly(st.sampled_from(["year", "month", "day"])),
        "unknown": ANY,
    },
)


@pytest.fixture(scope="module")
def client(fixture_index):
    app = create_app(Settings(index_dir=fixture_index, rate_limit=0))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=PARAMS)
def test_random_parameters_are_answered_correctly_or_refused_in_the_error_shape(client, params):
    response = client.get("/search", params=params)
    body = response.json()
    event(f"status {response.status_code}")
    if response.status_code != 200:
        assert response.status_code in (400, 422), body
        error = body["error"]
        assert set(error) == {"status", "code", "message", "field"} and error["status"] == response.status_code
        assert error["field"] in params or (error["field"] == "q" and response.status_code == 400), error
        return
    query, hits, facets = body["query"], body["hits"], body["facets"]
    assert query["q"] == params.get("q", "")
    assert set(query["lang"]) <= {"da", "de", "en", "no", "sv", "nl", "und"}
    assert query["sort"] in ("relevance", "newest", "oldest")
    size, page, total = query["size"], query["page"], body["total"]
    assert len(hits) == max(0, min(size, total - (page - 1) * size))
    for hit in hits:
        assert not query["lang"] or hit["lang"] in query["lang"]
        assert set(query["actor"]) <= {a["id"] for a in hit["actors"]}
        if query["from"]:
            assert hit["date"] and PartialDate.parse(hit["date"]).last_day() >= PartialDate.parse(query["from"]).first_day()
        if query["to"]:
            assert hit["date"] and PartialDate.parse(hit["date"]).first_day() <= PartialDate.parse(query["to"]).last_day()
        assert "<" not in re.sub(r"</?mark>", "", hit["snippet"])
    if query["sort"] != "relevance":
        dated = [hit["date"] is not None for hit in hits]
        assert dated == sorted(dated, reverse=True)  # undated last
    if not query["lang"]:
        assert sum(v["count"] for v in facets["lang"]) == total
    if not (query["from"] or query["to"]):
        assert sum(v["count"] for v in facets["date"]) == total
    for value in facets["actor"]:
        assert value["selected"] == (value["value"] in query["actor"])
        assert value["count"] == total if value["selected"] else value["count"] <= total
