"""Compounds from the index's own vocabulary: what a word finds inside longer words, and what not."""

import pytest

from index.build import build
from search import SearchRequest, SearchService

ARTICLES = {
    "da/droner.txt": "date 2024-03-01\nRusland sendte i nat droner mod Kyiv, og flere droner blev skudt ned over byen.",
    "da/kamikaze.txt": "date 2024-03-02\nIran har leveret kamikazedroner til Rusland, siger den ukrainske regering i en udtalelse.",
    "da/angreb.txt": "date 2024-03-03\nEt droneangreb ramte natten til lørdag et lager nær Odesa, oplyser myndighederne.",
    "da/nonsens.txt": "date 2024-03-04\nOrdet xqzdroner står her kun som en stavefejl i en ellers almindelig sætning om vejret.",
    "de/partnerschaft.txt": "date 2024-03-05\nDie Partnerschaft zwischen Berlin und Warschau soll nach dem Treffen enger werden.",
    "de/verteidigung.txt": "date 2024-03-06\nDie neue Verteidigungspartnerschaft mit Norwegen umfasst gemeinsame Übungen in der Arktis.",
    "de/sicherheit.txt": "date 2024-03-07\nEine Sicherheitspartnerschaft mit Kanada wurde am Rande des Gipfels in Brüssel vereinbart.",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    root = tmp_path_factory.mktemp("compounds")
    for name, text in ARTICLES.items():
        (root / "corpus" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    build(root / "corpus", root / "index")
    svc = SearchService(root / "index")
    yield svc
    svc.close()


def ids(service, q: str) -> list[str]:
    return [h["id"] for h in service.search(SearchRequest(q=q, collapse=False))["hits"]]


def test_a_word_finds_compounds_it_heads_or_begins_after_itself(service):
    droner = ids(service, "droner")
    assert droner[0] == "da/droner" and set(droner) == {"da/droner", "da/angreb", "da/kamikaze"}  # the word itself first
    assert ids(service, "Partnerschaft")[0] == "de/partnerschaft"
    assert set(ids(service, "Partnerschaft")) == {"de/partnerschaft", "de/verteidigung", "de/sicherheit"}


def test_a_compound_needs_a_word_beside_the_query_word(service):
    assert "da/nonsens" not in ids(service, "droner")  # `xqz` is no word


def test_the_compound_itself_finds_only_itself_and_its_snippet_marks_it(service):
    assert ids(service, "kamikazedroner") == ["da/kamikaze"]
    hits = service.search(SearchRequest(q="droner", collapse=False))["hits"]
    assert "<mark>kamikazedroner</mark>" in next(h for h in hits if h["id"] == "da/kamikaze")["snippet"]


def test_the_vocabulary_is_the_generations(service):
    service.refresh(force=True)
    generation = service._generation
    assert generation.compounds.expand("de", "partnerschaft") == ["sicherheitspartnerschaft", "verteidigungspartnerschaft"]
    assert generation.compounds.expand("da", "dron") == ["droneangreb", "kamikazedron"]
    assert generation.compounds.expand("en", "dron") == []  # only Danish and German compound
