"""The five real seed articles, indexed: language, date, actors, no boilerplate, every paragraph once.

Seed text is read from ../shared/seeds at test time and never copied here: the expectations in
tests/eval/cleaning/seeds.toml are line numbers, and its inline patterns describe boilerplate shapes
(a toggle, a credit, a tag), not text.
"""

import re
import tomllib
from pathlib import Path

import pytest
from conftest import SEEDS, needs_shared

from index.build import build
from index.clean import removal_reasons
from search import SearchService

pytestmark = needs_shared

SEED_LINES = tomllib.loads((Path(__file__).parent / "eval" / "cleaning" / "seeds.toml").read_text(encoding="utf-8"))
INLINE = [re.compile(p) for p in SEED_LINES.pop("inline")]
MARKERS = ["Vis mere", "Foto:", "Scanpix", "Arkivfoto", "<", "css-", "source-120", "Leave a Reply", "/ritzau/",
           "Tillad alle", "Lyt til artiklen", "Netiquette", "Reaction", "Giv redaktøren", "Redaktøren er underrettet"]


def norm(text: str) -> str:
    return " ".join(text.split())


def expected_paragraph(line: str) -> str:
    for pattern in INLINE:
        line = pattern.sub("", line)
    return norm(line)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("seed-index")
    report = build(SEEDS, index_dir)
    assert report.documents == 5
    service = SearchService(index_dir)
    docs = {doc_id: service.document(doc_id, include_removed=True) for doc_id in SEED_LINES}
    yield docs
    service.close()


@pytest.mark.parametrize("doc_id", sorted(SEED_LINES))
def test_seed_language_date_and_actors(seeds, doc_id):
    doc, spec = seeds[doc_id], SEED_LINES[doc_id]
    assert doc["lang"] == spec["lang"]
    assert doc["date"] == spec.get("date")
    assert set(spec["actors"]) <= {a["id"] for a in doc["actors"]}


@pytest.mark.parametrize("doc_id", sorted(SEED_LINES))
def test_seed_article_paragraphs_survive_exactly_once(seeds, doc_id):
    doc, spec = seeds[doc_id], SEED_LINES[doc_id]
    lines = (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines()
    text = norm(doc["text"])
    for number in spec["article"]:
        paragraph = expected_paragraph(lines[number - 1])
        if paragraph == norm(doc["title"] or "") and paragraph not in text:
            continue  # the headline became the title
        assert text.count(paragraph) == 1, f"line {number}: {paragraph[:80]}"


@pytest.mark.parametrize("doc_id", sorted(SEED_LINES))
def test_seed_boilerplate_is_gone_and_explained(seeds, doc_id):
    doc, spec = seeds[doc_id], SEED_LINES[doc_id]
    lines = (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines()
    cleaned = norm((doc["title"] or "") + "\n" + doc["text"])
    for number in spec["boilerplate"]:
        assert norm(lines[number - 1]) not in cleaned, f"line {number}"
    for marker in MARKERS:
        assert marker not in cleaned, marker
    assert doc["removed"] and {r["reason"] for r in doc["removed"]} <= removal_reasons()


def test_seed_duplicates_are_explained(seeds):
    reasons = {doc_id: {r["reason"] for r in doc["removed"]} for doc_id, doc in seeds.items()}
    assert {"caption_toggle", "duplicate_caption", "photo_credit", "audio_player", "consent"} <= reasons["000_511c99bb6694334b"]
    assert {"repeated_article", "duplicate_title", "reaction_widget", "html"} <= reasons["004_4bddb78f817666cb"]
    assert {"comments", "comment_policy"} <= reasons["003_43d62052c85c4bfa"]
    assert {"agency_byline", "feedback", "photo_credit"} <= reasons["002_d1c431ccddf7fe16"]
