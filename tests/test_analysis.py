import pickle

import pytest
import snowballstemmer
from conftest import EVAL, SAMPLE_CORPUS, needs_shared

import re

from index.analysis import SnowballStemFilter, _stem_pattern, analyzer, matching_spans, part_stems, stem_terms, term_spans


@needs_shared
@pytest.mark.parametrize("language", ["danish", "german"])
def test_stemmer_agrees_with_the_snowball_reference_vocabulary(language):
    folder = EVAL / "snowball" / language
    words = (folder / "voc.txt").read_text(encoding="utf-8").splitlines()
    stems = (folder / "output.txt").read_text(encoding="utf-8").splitlines()
    assert len(words) == len(stems) > 20_000
    stem = SnowballStemFilter(language).stem
    mismatches = [(w, s, stem(w)) for w, s in zip(words, stems) if stem(w) != s]
    assert mismatches == []


@needs_shared
@pytest.mark.parametrize(("language", "code"), [("danish", "da"), ("german", "de")])
def test_every_word_holds_its_stem_pattern(language, code):
    """What matching_spans relies on to analyse only candidate words."""
    folder = EVAL / "snowball" / language
    words = (folder / "voc.txt").read_text(encoding="utf-8").splitlines()
    stems = (folder / "output.txt").read_text(encoding="utf-8").splitlines()
    missed = [(w, s) for w, s in zip(words, stems) if not re.search(_stem_pattern(code, s), w, re.IGNORECASE)]
    assert missed == []


@pytest.mark.parametrize("code", ["da", "de", "en", "und"])
def test_matching_spans_are_the_term_spans_with_those_terms(code):
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE_CORPUS.rglob("*.txt"))]
    texts.append("GROSSE Größe, Straße STRASSE; Ærø's ØST-kyst, 30.000 droner, kamikazedronerne, Drohnenangriffe.")
    for text in texts:
        spans = list(term_spans(code, text))
        terms = [t for _, _, t in spans]
        for stems in ({t for t in terms[::7]}, {t for t in terms if len(t) < 4}, {"dron", "gross", "stra"}):
            compound = (lambda s: stems & part_stems(code, text[s[0] : s[1]].lower())) if code in ("da", "de") else (lambda s: False)
            assert matching_spans(code, text, stems) == [s for s in spans if s[2] in stems]
            assert matching_spans(code, text, stems, stems) == [s for s in spans if s[2] in stems or compound(s)]


def test_matching_spans_mark_compounds_with_a_part_among_the_stems():
    text = "Drohnen und Drohnenangriffe, Angriff und Angriffe; Friedensgespräche."
    marked = [text[s:e] for s, e, _ in matching_spans("de", text, {"angriff"}, {"angriff"})]
    assert marked == ["Drohnenangriffe", "Angriff", "Angriffe"]
    assert [text[s:e] for s, e, _ in matching_spans("de", text, {"angriff"})] == ["Angriff", "Angriffe"]


def test_pystemmer_backs_snowballstemmer():
    assert type(snowballstemmer.stemmer("danish")).__module__ == "Stemmer"


def test_analyzers_survive_pickling_as_whoosh_stores_them():
    for code in ("da", "de", "und"):
        original = analyzer(code)
        restored = pickle.loads(pickle.dumps(original))
        text = "Ruslands russiske droner over Ukraine-krigen"
        assert [t.text for t in restored(text)] == [t.text for t in original(text)]


def test_language_analysis():
    assert stem_terms("da", "Ruslands russiske droner i Ukraine-krigen") == ["rusland", "russisk", "dron", "ukrain", "krig"]
    assert stem_terms("de", "Die Verteidigungspartnerschaft Russlands") == ["verteidigungspartnerschaft", "russland"]
    assert stem_terms("und", "Ruslands droner") == ["ruslands", "droner"]  # unknown language: no stemming
    assert stem_terms("da", "30.000 soldater") == ["30.000", "soldat"]


@pytest.mark.parametrize("code", ["da", "de", "en", "no", "sv", "nl", "und"])
def test_term_spans_are_what_the_analyzer_yields(code):
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE_CORPUS.rglob("*.txt"))]
    texts.append("Ét ord, 30.000 kr. i 2,5 år — Ærø's ØST-kyst; x y Z. ß Straße.")
    for text in texts:
        expected = [(t.startchar, t.endchar, t.text) for t in analyzer(code)(text, chars=True, removestops=True)]
        assert list(term_spans(code, text)) == expected
