"""SearchService over a real Whoosh index built from the fixture corpus."""

import pytest
from facet_oracle import expected_facets, facet_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.analysis import stem_terms
from index.build import build
from search import IndexUnavailable, InvalidParameter, InvalidQuery, NotFound, SearchRequest, SearchService

FILTERS = [
    {},
    {"lang": ["da"]},
    {"lang": ["da", "de"]},
    {"actor": ["russia"]},
    {"actor": ["russia", "ukraine"]},
    {"date_from": "2023", "date_to": "2024-06"},
    {"date_from": "2024-03-15"},
    {"lang": ["de"], "actor": ["russia"], "date_from": "2022-11", "date_to": "2025"},
    {"lang": ["da", "en"], "actor": ["iran"], "interval": "year"},
    {"date_to": "2023-05-17", "interval": "day"},
]


@pytest.fixture(scope="module")
def service(fixture_index):
    svc = SearchService(fixture_index)
    yield svc
    svc.close()


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) or "none" for f in FILTERS])
def test_facet_counts_match_the_documents(service, fixture_docs, filters):
    result = service.search(SearchRequest(facet_size=100, **filters))
    total, langs, actors, dates = expected_facets(fixture_docs, **filters)
    assert result["total"] == total
    assert facet_counts(result["facets"]["lang"]) == langs
    assert facet_counts(result["facets"]["actor"]) == actors
    assert facet_counts(result["facets"]["date"]) == dates


def test_facet_counts_under_a_text_query_match_the_documents(service, fixture_docs):
    matches = {d.id for d in fixture_docs.values() if "dron" in stem_terms(d.lang, "\n".join(d.content))}
    result = service.search(SearchRequest(q="droner", lang=["da"], facet_size=100))
    total, langs, actors, dates = expected_facets(fixture_docs, lang=["da"], matches=matches)
    assert result["total"] == total > 0
    assert facet_counts(result["facets"]["lang"]) == langs
    assert facet_counts(result["facets"]["actor"]) == actors
    assert facet_counts(result["facets"]["date"]) == dates


def test_selected_values_are_flagged_and_kept(service):
    empty = service.search(SearchRequest(lang=["sv"], actor=["iran"]))
    assert {"value": "sv", "label": "Swedish", "count": 0, "selected": True} in empty["facets"]["lang"]
    assert empty["facets"]["actor"][0] == {"value": "iran", "label": "Iran", "count": 0, "selected": True}
    result = service.search(SearchRequest(actor=["iran"], date_from="2023", date_to="2023"))
    flagged = {v["value"]: v["selected"] for v in result["facets"]["date"]}
    assert any(flagged.values()) and all(sel == v.startswith("2023") for v, sel in flagged.items())


def test_cross_language_actor_query(service, fixture_docs):
    result = service.search(SearchRequest(q="Rusland", size=100))
    found = {h["id"]: h["lang"] for h in result["hits"]}
    assert "de" in found.values()  # German documents say Russland, russischen, Kreml
    russia_docs = {d.id for d in fixture_docs.values() if "russia" in {m.id for m in d.actors}}
    assert russia_docs <= set(found)
    german = next(h for h in result["hits"] if h["lang"] == "de")
    assert "<mark>" in german["snippet"]


def test_sorting_and_pages(service, fixture_docs):
    newest = service.search(SearchRequest(sort="newest", size=100))["hits"]
    dates = [h["date"] for h in newest]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[len(dated):] == [None] * (len(dates) - len(dated))
    oldest = service.search(SearchRequest(sort="oldest", size=100))["hits"]
    assert [h["date"] for h in oldest if h["date"]] == sorted(dated)
    pages = [service.search(SearchRequest(sort="newest", size=3, page=p))["hits"] for p in range(1, 7)]
    ids = [h["id"] for page in pages for h in page]
    assert ids == [h["id"] for h in newest] and len(set(ids)) == len(fixture_docs)


def test_relevance_is_the_default_with_a_query(service):
    result = service.search(SearchRequest(q="Iran"))
    scores = [h["score"] for h in result["hits"]]
    assert result["query"]["sort"] == "relevance" and scores == sorted(scores, reverse=True) and scores[0] > 0
    assert service.search(SearchRequest())["query"]["sort"] == "newest"


def test_snippets_are_escaped_html_with_marks_only(service):
    for hit in service.search(SearchRequest(q="Iran", size=100))["hits"]:
        without_marks = hit["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks and ">" not in without_marks
        assert len(without_marks) <= 260


@pytest.mark.parametrize(
    "request_, field",
    [
        (SearchRequest(size=0), "size"),
        (SearchRequest(size=101), "size"),
        (SearchRequest(page=0), "page"),
        (SearchRequest(page=1001, size=10), "page"),
        (SearchRequest(sort="random"), "sort"),
        (SearchRequest(interval="week"), "interval"),
        (SearchRequest(date_from="2022-13"), "from"),
        (SearchRequest(date_to="2022-02-30"), "to"),
        (SearchRequest(date_from="2024", date_to="2023"), "from"),
        (SearchRequest(lang=["xx"]), "lang"),
        (SearchRequest(actor=["atlantis"]), "actor"),
        (SearchRequest(q="x" * 501), "q"),
        (SearchRequest(facet_size=0), "facet_size"),
    ],
)
def test_invalid_requests_name_their_parameter(service, request_, field):
    with pytest.raises(InvalidParameter) as err:
        service.search(request_)
    assert err.value.field == field and err.value.message


def test_documents(service):
    doc = service.document("de/blatt-y/2025-01-20-weisses-haus", include_removed=True)
    assert doc["lang"] == "de" and doc["date"] == "2025-01-20"
    assert {"repeated_article", "duplicate_title"} <= {r["reason"] for r in doc["removed"]}
    assert doc["actors"][0]["mentions"] >= doc["actors"][-1]["mentions"] >= 1
    assert "removed" not in service.document("wire-001")
    with pytest.raises(NotFound):
        service.document("../../etc/passwd")


def test_actors_counts(service, fixture_docs):
    actors = service.actors("russ", limit=5)
    russia = next(a for a in actors if a["id"] == "russia")
    assert russia["count"] == sum("russia" in {m.id for m in d.actors} for d in fixture_docs.values())
    assert russia["labels"] == {"en": "Russia", "da": "Rusland", "de": "Russland"}
    top = service.actors("", limit=3)
    assert [a["count"] for a in top] == sorted((a["count"] for a in top), reverse=True)


def test_stats_and_health(service, fixture_docs):
    stats = service.stats()
    assert stats["documents"] == len(fixture_docs)
    assert sum(v["documents"] for v in stats["languages"].values()) == len(fixture_docs)
    assert {s["reason"] for s in stats["skipped"]} >= {"empty", "binary", "no_text", "unsupported_type"}
    assert service.health() == {"status": "ok", "documents": len(fixture_docs), "generation": stats["generation"]}


def test_no_index_is_unavailable_not_a_crash(tmp_path):
    service = SearchService(tmp_path / "nothing-here")
    with pytest.raises(IndexUnavailable):
        service.health()


def test_service_switches_to_a_new_generation_without_restart(tmp_path, fixture_docs):
    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    (corpus / "a" / "one.txt").write_text("Rusland sender flere soldater til fronten i Ukraine, oplyser Kreml.", encoding="utf-8")
    index_dir = tmp_path / "index"
    build(corpus, index_dir)
    service = SearchService(index_dir)
    first = service.health()
    assert first["documents"] == 1
    assert service.search(SearchRequest(q="Rusland"))["total"] == 1  # an answer now cached for that generation
    (corpus / "a" / "two.txt").write_text("Iran leverer droner til Rusland, siger amerikanske kilder.", encoding="utf-8")
    build(corpus, index_dir)
    service.backend.refresh(force=True)
    second = service.health()
    assert second["documents"] == 2 and second["generation"] != first["generation"]
    assert service.search(SearchRequest(q="Rusland"))["total"] == 2  # never an answer of the old generation
    service.close()


def test_a_query_that_only_excludes_lists_every_match_newest_first(service, fixture_docs):
    result = service.search(SearchRequest(q="NOT Iran", size=100))
    assert result["query"]["sort"] == "newest"
    assert len(result["hits"]) == result["total"] == sum("iran" not in {m.id for m in d.actors} for d in fixture_docs.values())


def test_a_repeated_request_gets_the_same_answer(service):
    request = dict(q="Rusland droner", lang=["da", "de"], date_from="2022", interval="year")
    first, again = service.search(SearchRequest(**request)), service.search(SearchRequest(**request))
    assert {k: v for k, v in first.items() if k != "took_ms"} == {k: v for k, v in again.items() if k != "took_ms"}
    assert service.search(SearchRequest(**request | {"page": 2}))["hits"] != first["hits"] or first["total"] <= 10


def test_a_misspelt_query_gets_a_suggestion_with_its_hit_count(service):
    result = service.search(SearchRequest(q="Nordkorae"))
    assert result["total"] == 0
    suggestion = result["suggestion"]
    assert suggestion["q"] == "Nordkorea" and suggestion["total"] == service.search(SearchRequest(q="Nordkorea"))["total"] > 0
    assert service.search(SearchRequest(q="Iran"))["suggestion"] is None
    assert service.search(SearchRequest(q="xqzvvy"))["suggestion"] is None  # nothing close: no suggestion


def test_language_codes_are_normalised(service):
    result = service.search(SearchRequest(lang=["nb", "DE", "de"]))
    assert result["query"]["lang"] == ["no", "de"]


def test_date_bounds_may_lie_outside_the_corpus(service, fixture_docs):
    dated = sum(d.date is not None for d in fixture_docs.values())
    assert service.search(SearchRequest(date_from="1900", date_to="2100"))["total"] == dated
    assert service.search(SearchRequest(date_to="1985"))["total"] == 0


def test_repeated_actor_values_count_once(service):
    result = service.search(SearchRequest(actor=["iran", "iran"], facet_size=100))
    assert result["query"]["actor"] == ["iran"]
    assert [v["value"] for v in result["facets"]["actor"]].count("iran") == 1


def test_suggestions_respect_filters_and_never_correct_stop_words(service):
    assert service.search(SearchRequest(q="Nordkorae", lang=["no"]))["suggestion"] is None  # no hits there either
    filtered = service.search(SearchRequest(q="Nordkorae", lang=["da"]))["suggestion"]
    assert filtered["total"] == service.search(SearchRequest(q="Nordkorea", lang=["da"]))["total"] > 0
    assert service.search(SearchRequest(q="the"))["suggestion"] is None
    word = service.search(SearchRequest(q="sanktionerne Irn"))["suggestion"]
    assert word["q"] == "sanktionerne Iran"


def test_a_page_without_a_headline_has_no_title(service, fixture_docs):
    untitled = [d.id for d in fixture_docs.values() if d.title is None]
    assert untitled
    assert service.document(untitled[0])["title"] is None


QUERY_PARTS = st.sampled_from(
    ["Iran", "Rusland", "og", "der", "the", "OR", "AND", "NOT", "-", "(", ")", '"', "*", "Kim", "Jong", "Un",
     "Det", "Hvide", "Hus", "droner", "russ*", "xq", "«", "\x00", "ß", "UN", "us"]
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(QUERY_PARTS | st.text(max_size=8), max_size=40), lang=st.lists(st.sampled_from(["da", "de", "en"]), max_size=2))
def test_any_query_text_is_answered_or_rejected_as_syntax(service, parts, lang):
    try:
        result = service.search(SearchRequest(q=" ".join(parts)[:500], lang=lang))
    except InvalidQuery as exc:
        assert exc.field == "q" and "(character " in exc.message
    else:
        assert result["total"] >= len(result["hits"])


def test_long_runs_of_operators_are_answered_and_deep_nesting_is_rejected(service):
    for q in ["-" * 499 + "x", "NOT " * 120 + "Iran", '"' * 300, "(" * 20 + "Iran" + ")" * 20]:
        assert service.search(SearchRequest(q=q[:500]))["total"] >= 0
    with pytest.raises(InvalidQuery, match="nest deeper than 20"):
        service.search(SearchRequest(q="(" * 240 + "Iran" + ")" * 240))
