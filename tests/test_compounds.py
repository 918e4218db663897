"""Compounds: how words are split, what a word finds inside longer words (and what not), and a
compound no article has found by its words."""

import pickle

import pytest

from index.analysis import parts_analyzer
from index.build import build
from index.compounds import Splitter
from search import SearchRequest, SearchService

ARTICLES = {
    "da/droner.txt": "date 2024-03-01\nRusland sendte i nat droner mod Kyiv, og flere droner blev skudt ned over byen.",
    "da/kamikaze.txt": "date 2024-03-02\nIran har leveret kamikazedroner til Rusland, siger den ukrainske regering i en udtalelse.",
    "da/angreb.txt": "date 2024-03-03\nEt droneangreb ramte natten til lørdag et lager nær Odesa, oplyser myndighederne.",
    "da/nonsens.txt": "date 2024-03-04\nOrdet xqzdroner står her kun som en stavefejl i en ellers almindelig sætning om vejret.",
    "de/partnerschaft.txt": "date 2024-03-05\nDie Partnerschaft zwischen Berlin und Warschau soll nach dem Treffen enger werden.",
    "de/verteidigung.txt": "date 2024-03-06\nDie neue Verteidigungspartnerschaft mit Norwegen umfasst gemeinsame Übungen in der Arktis.",
    "de/sicherheit.txt": "date 2024-03-07\nEine Sicherheitspartnerschaft mit Kanada wurde am Rande des Gipfels in Brüssel vereinbart.",
    "de/garantien.txt": "date 2024-03-08\nOhne Garantien für ihre Sicherheit will die Regierung in Kyjiw keinem Waffenstillstand zustimmen.",
    "de/garantie.txt": "date 2024-03-09\nEine Garantie der Verbündeten gilt in Kyjiw als Voraussetzung für jede Verhandlung.",
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


def test_a_compound_no_article_has_finds_the_articles_with_its_words(service):
    found = ids(service, "Sicherheitsgarantien")
    assert found == ["de/garantien"]  # both words; `de/garantie` has one of them only
    snippet = service.search(SearchRequest(q="Sicherheitsgarantien", collapse=False))["hits"][0]["snippet"]
    assert "<mark>Garantien</mark>" in snippet and "<mark>Sicherheit</mark>" in snippet


def test_a_quoted_word_finds_only_itself(service):
    assert ids(service, '"droner"') == ["da/droner"]
    assert ids(service, '"Sicherheitsgarantien"') == []


def test_the_query_side_knows_the_generations_words(service):
    service.backend.refresh(force=True)
    compounds = service.backend._generation.compounds
    assert compounds.split("de", "Sicherheitsgarantien") == ["sicherheit", "garantien"]
    assert compounds.split("de", "Verteidigungspartnerschaft") == []  # an article has it: no need
    assert compounds.split("da", "xqzdroner") == []  # `xqz` is no word, and too short for one
    assert compounds.split("en", "warships") == []  # only Danish and German compound


@pytest.mark.parametrize(
    ("lang", "word", "words"),
    [
        ("da", "kamikazedroner", ("kamikaze", "droner")),  # a first part in no list, before a long head
        ("da", "forsvarsminister", ("forsvar", "minister")),  # linking -s-
        ("da", "våbenhvile", ("våben", "hvile")),
        ("de", "verteidigungspartnerschaft", ("verteidigung", "partnerschaft")),
        ("de", "friedensverhandlungen", ("frieden", "verhandlungen")),
        ("de", "bundesverteidigungsministerium", ("bund", "verteidigung", "ministerium")),  # -es-, three words
        ("de", "drohnenangriff", ("drohnen", "angriff")),
    ],
)
def test_compounds_split_into_their_words(lang, word, words):
    assert Splitter(lang).words(word) == words


@pytest.mark.parametrize(
    ("lang", "word"),
    [
        ("da", "regeringen"),  # not regerin + gen: three letters are too short for a word
        ("da", "forhandlingerne"),  # an ending is no head: the stem ends before it
        ("de", "sanktionen"),  # Sankt + Ionen are rarer than the word
        ("de", "regierung"),
        ("de", "unternehmen"),  # a stop word is no part
        ("de", "ukraine"),
    ],
)
def test_common_words_and_inflections_are_no_compounds(lang, word):
    assert Splitter(lang).words(word) == ()


def test_words_known_to_the_corpus_are_parts_too():
    assert Splitter("de").words("irgcführung") == ()  # `irgc` is in no list, and short
    assert Splitter("de", frozenset({"irgc"})).words("irgcführung") == ("irgc", "führung")


def test_the_parts_field_holds_the_stems_of_every_part_and_pickles():
    terms = [t.text for t in parts_analyzer("de")("Die Verteidigungspartnerschaft und der Frieden")]
    assert terms == ["verteid", "partnerschaft", "partn", "schaft"]  # `Frieden` is no compound
    assert pickle.loads(pickle.dumps(parts_analyzer("da"))) == parts_analyzer("da")


def test_a_token_too_long_for_a_word_is_no_compound():
    assert Splitter("de").words("krieg" * 500) == ()  # no recursion to the limit, no quadratic time
