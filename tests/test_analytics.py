"""Trends, co-mentions, exports and the feed over the sample corpus, on every backend (the
`backend_server` fixture): counts checked against counts made straight from the documents (as the
facet oracle does), the CSV read back with `csv`, the feed with feedparser."""

from __future__ import annotations

import csv
import io
import json

import feedparser
import pytest
from facet_oracle import expected_co_mentions, expected_trend

pytestmark = pytest.mark.slow

TREND_FILTERS = [
    {},
    {"interval": "year"},
    {"q": "Iran", "interval": "year"},
    {"actor": ["russia"], "from": "2023-02", "to": "2025-03-15", "interval": "day"},
]


def _filters(params: dict) -> dict:
    return {"lang": params.get("lang", ()), "actor": params.get("actor", ()), "date_from": params.get("from"), "date_to": params.get("to"),
            "interval": params.get("interval", "month")}


def _matches(server, params: dict) -> set[str] | None:
    """The ids /search matches for `q` (the oracle takes the query's matches; it counts the rest)."""
    if not params.get("q"):
        return None
    return set(_ids(server, {"q": params["q"], "collapse": "false"}))


def _ids(server, params: dict) -> list[str]:
    ids, page = [], 1
    while True:
        body = server.client.get("/search", params={**params, "size": 100, "page": page}).json()
        ids += [h["id"] for h in body["hits"]]
        if len(body["hits"]) < 100:
            return ids
        page += 1


def _points(series: dict) -> dict[str, int]:
    counts = {p["period"]: p["count"] for p in series["points"] if p["count"]}
    return counts | ({"undated": series["undated"]} if series["undated"] else {})


def _check_shares(series: dict) -> None:
    for p in series["points"]:
        assert p["of"] >= p["count"]
        assert p["share"] == (round(p["count"] / p["of"], 6) if p["of"] else None)


@pytest.mark.parametrize("params", TREND_FILTERS, ids=[str(f) or "none" for f in TREND_FILTERS])
def test_trends_by_language_count_what_the_documents_say(backend_server, sample_docs, params):
    body = backend_server.client.get("/trends", params={**params, "split": "lang"}).json()
    matches = _matches(backend_server, params)
    assert {s["value"] for s in body["series"]} == {d.lang for d in sample_docs.values()}  # every language the index has
    for series in body["series"]:
        lang = series["value"]
        assert _points(series) == expected_trend(sample_docs, **(_filters(params) | {"lang": [lang]}), matches=matches)
        base = expected_trend(sample_docs, **(_filters(params) | {"lang": [lang], "actor": ()}))  # every article of the language
        assert {p["period"]: p["of"] for p in series["points"] if p["of"]} == {k: v for k, v in base.items() if k != "undated"}
        _check_shares(series)
    assert body["periods"] == sorted(body["periods"]) and all(len(s["points"]) == len(body["periods"]) for s in body["series"])


@pytest.mark.parametrize("params", [{"lang": ["da", "de"]}, {"lang": ["de"], "from": "2024"}, {"q": "Iran"}], ids=str)
def test_trends_by_actor_count_what_the_documents_say(backend_server, sample_docs, params):
    actors = ["russia", "iran", "north-korea"]
    body = backend_server.client.get("/trends", params={**params, "split": "actor", "actor": actors}).json()
    matches = _matches(backend_server, params)
    assert [s["value"] for s in body["series"]] == actors
    base = expected_trend(sample_docs, **_filters(params))  # every article of the languages asked
    for series in body["series"]:
        assert _points(series) == expected_trend(sample_docs, **(_filters(params) | {"actor": [series["value"]]}), matches=matches)
        assert {p["period"]: p["of"] for p in series["points"] if p["of"]} == {k: v for k, v in base.items() if k != "undated"}
        _check_shares(series)


def test_trend_without_a_split_is_the_search_itself(backend_server, sample_docs):
    params = {"q": "Iran", "lang": ["de"]}
    body = backend_server.client.get("/trends", params=params).json()
    (series,) = body["series"]
    search = backend_server.client.get("/search", params={**params, "collapse": "false", "facet_size": 100}).json()
    assert series["total"] == search["total"]
    assert _points(series) == {v["value"]: v["count"] for v in search["facets"]["date"]}  # no window: the date facet's counts


@pytest.mark.parametrize("actor, lang", [("iran", []), ("russia", ["de"]), ("north-korea", ["da", "de"])])
def test_co_mentions_count_what_the_documents_say(backend_server, sample_docs, actor, lang):
    body = backend_server.client.get(f"/actors/{actor}/co-mentions", params={"lang": lang, "min_count": 1, "size": 100, "sort": "count"}).json()
    articles, with_actor, others = expected_co_mentions(sample_docs, actor, lang=lang)
    assert (body["articles"], body["with_actor"]) == (articles, with_actor)
    shown = {c["id"]: (c["count"], c["articles"]) for c in body["co_mentions"]}
    assert len(shown) == min(100, len(others)) and all(others[a] == n for a, n in shown.items())
    assert all(n <= min(c for c, _ in shown.values()) for a, (n, _) in others.items() if a not in shown)
    for c in body["co_mentions"]:
        assert c["lift"] == round(c["count"] * articles / (with_actor * c["articles"]), 4)
    counts = [c["count"] for c in body["co_mentions"]]
    assert counts == sorted(counts, reverse=True)


def test_co_mentions_by_lift_leave_out_the_rare_and_the_filtered(backend_server):
    body = backend_server.client.get("/actors/iran/co-mentions", params={"actor": "russia", "min_count": 3, "size": 100}).json()
    found = body["co_mentions"]
    assert found and all(c["count"] >= 3 for c in found)
    assert not {"iran", "russia"} & {c["id"] for c in found}
    assert [c["lift"] for c in found] == sorted((c["lift"] for c in found), reverse=True)


@pytest.mark.parametrize("params", [{"q": "Iran", "sort": "newest"}, {"lang": ["de"], "actor": ["russia"]}, {"q": "Rusland", "collapse": "false"}], ids=str)
def test_the_csv_and_jsonl_exports_list_what_the_search_lists(backend_server, params):
    listed = _ids(backend_server, params)
    csv_answer = backend_server.client.get("/search.csv", params=params)
    assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_answer.text)))
    assert [r["id"] for r in rows] == listed and int(csv_answer.headers["x-total-count"]) == len(listed)
    assert list(rows[0]) == ["id", "date", "lang", "title", "url", "source", "actors"]
    lines = [json.loads(line) for line in backend_server.client.get("/search.jsonl", params={**params, "fields": "text"}).text.splitlines()]
    assert [r["id"] for r in lines] == listed
    for row, line in zip(rows, lines):
        document = backend_server.client.get(f"/documents/{line['id']}").json()
        assert line["text"] == document["text"] and line["actors"] == [a["id"] for a in document["actors"]]
        assert row["actors"] == ";".join(line["actors"]) and row["title"] == (line["title"] or "")


def test_the_atom_feed_holds_the_newest_articles(backend_server):
    params = {"q": "Iran", "lang": ["da", "de"]}
    answer = backend_server.client.get("/search.atom", params={**params, "size": 5})
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    newest = backend_server.client.get("/search", params={**params, "sort": "newest", "size": 5}).json()["hits"]
    assert [e.id.rsplit("/documents/", 1)[1] for e in feed.entries] == [h["id"] for h in newest]
    for entry, hit in zip(feed.entries, newest):
        assert entry.title == (hit["title"] or entry.title) and entry.link == (hit["url"] or entry.id)
        assert {t.term for t in entry.tags} == {a["id"] for a in hit["actors"]}
        if hit["date"]:
            assert entry.updated.startswith(hit["date"])
    assert feed.feed.title == "newsfacet: q=Iran; lang=da, de"


@pytest.mark.parametrize(
    "url, status, field",
    [
        ("/trends?split=country", 422, "split"),
        ("/trends?split=actor", 422, "actor"),
        ("/trends?split=actor" + "".join(f"&actor={a}" for a in ["russia", "iran", "north-korea", "ukraine", "china", "nato", "germany", "denmark", "united-states"]), 422, "actor"),
        ("/trends?actor=atlantis", 422, "actor"),
        ("/actors/atlantis/co-mentions", 404, "id"),
        ("/actors/iran/co-mentions?min_count=0", 422, "min_count"),
        ("/search.csv?q=Iran%20OR", 400, "q"),
        ("/trends?q=Iran%20OR", 400, "q"),
        ("/search.atom?size=51", 422, "size"),
    ],
)
def test_bad_requests_get_the_error_shape(backend_server, url, status, field):
    answer = backend_server.client.get(url)
    error = answer.json()["error"]
    assert answer.status_code == error["status"] == status and error["field"] == field and error["message"]
