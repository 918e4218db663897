"""The five real seed articles, indexed: language, date, actors, no boilerplate, every paragraph once.

Seed text is read from ../shared/seeds at test time and never copied here: the expectations in
tests/eval/cleaning/seeds.toml are line numbers, and its inline patterns describe boilerplate shapes
(a toggle, a credit, a tag), not text.
"""

import tomllib
from pathlib import Path

import pytest
from conftest import needs_shared

from index.actors import load_gazetteer
from index.build import build
from index.clean import evaluation, removal_reasons
from search import SearchService

pytestmark = needs_shared

SEED_LINES = tomllib.loads((Path(__file__).parent / "eval" / "cleaning" / "seeds.toml").read_text(encoding="utf-8"))
SEED_LINES.pop("inline")
MARKERS = ["Vis mere", "Foto:", "Scanpix", "Arkivfoto", "<", "css-", "source-120", "Leave a Reply", "/ritzau/",
           "Tillad alle", "Lyt til artiklen", "Netiquette", "Reaction", "Giv redaktøren", "Redaktøren er underrettet"]


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def cases():
    """Per seed, its article lines (inline boilerplate cut) and boilerplate, as the evaluation reads them."""
    return {case.raw.id: case for case in evaluation.seed_cases()}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("seed-index")
    report = build(evaluation.SEEDS, index_dir)
    assert report.documents == 5
    service = SearchService(index_dir)
    docs = {doc_id: service.document(doc_id, include_removed=True) for doc_id in SEED_LINES}
    yield docs
    service.close()


@pytest.mark.parametrize("doc_id", sorted(SEED_LINES))
def test_seed_language_date_and_actors(seeds, cases, doc_id):
    """Every actor a reader names from the article, no other, and every mention from the article."""
    doc, spec = seeds[doc_id], SEED_LINES[doc_id]
    assert doc["lang"] == spec["lang"]
    assert doc["date"] == spec.get("date")
    found = {a["id"]: a["mentions"] for a in doc["actors"]}
    assert set(found) == set(spec["actors"])
    in_article = {m.id: m.count for m in load_gazetteer().count(cases[doc_id].keep)}
    assert found == in_article  # the boilerplate adds no mention


@pytest.mark.parametrize("doc_id", sorted(SEED_LINES))
def test_seed_article_paragraphs_survive_exactly_once(seeds, cases, doc_id):
    doc = seeds[doc_id]
    text = norm(doc["text"])
    for paragraph in map(norm, cases[doc_id].keep):
        if paragraph == norm(doc["title"] or "") and paragraph not in text:
            continue  # the headline became the title
        assert text.count(paragraph) == 1, paragraph[:80]


@pytest.mark.parametrize("doc_id", sorted(SEED_LINES))
def test_seed_boilerplate_is_gone_and_explained(seeds, cases, doc_id):
    doc = seeds[doc_id]
    cleaned = norm((doc["title"] or "") + "\n" + doc["text"])
    for boilerplate in map(norm, cases[doc_id].drop):  # whole lines, and the inline shapes cut from article lines
        assert boilerplate not in cleaned, boilerplate[:80]
    for marker in MARKERS:
        assert marker not in cleaned, marker
    assert doc["removed"] and {r["reason"] for r in doc["removed"]} <= removal_reasons()


def test_seed_duplicates_are_explained(seeds):
    reasons = {doc_id: {r["reason"] for r in doc["removed"]} for doc_id, doc in seeds.items()}
    assert {"caption_toggle", "duplicate_caption", "photo_credit", "audio_player", "consent"} <= reasons["000_511c99bb6694334b"]
    assert {"repeated_article", "duplicate_title", "reaction_widget", "html"} <= reasons["004_4bddb78f817666cb"]
    assert {"comments", "comment_policy"} <= reasons["003_43d62052c85c4bfa"]
    assert {"agency_byline", "feedback", "photo_credit"} <= reasons["002_d1c431ccddf7fe16"]
