import pytest
from conftest import SAMPLE_CORPUS, SHARED

from index.language import _LETTER, TRIGRAMS_FROM_LETTERS, _get_detector, detect, identify, normalise_code

SENTENCES = {
    "da": "Regeringen vil sende flere kampfly til Ukraine, oplyser forsvarsministeren på et pressemøde i dag.",
    "de": "Die Bundesregierung will der Ukraine weitere Flugabwehrsysteme liefern, sagte der Minister am Dienstag.",
    "en": "The government said on Tuesday that it would send more air defence systems to Ukraine this winter.",
    "no": "Regjeringen vil sende flere luftvernsystemer til Ukraina, sier forsvarsministeren til avisen i dag.",
    "sv": "Regeringen vill skicka fler luftvärnssystem till Ukraina, säger försvarsministern till tidningen i dag.",
}


@pytest.mark.parametrize("code, sentence", SENTENCES.items())
def test_detects_the_languages_we_index(code, sentence):
    assert detect(sentence)[0] == code


def test_declared_language_wins_and_is_normalised():
    assert identify(SENTENCES["de"], declared="da") == "da"
    assert identify(SENTENCES["de"], declared="nb") == "no"
    assert identify(SENTENCES["de"], declared="xx") == "de"  # not a language we index: detect instead
    assert normalise_code("de-AT") == "de"


def test_text_without_letters_is_undetermined():
    assert detect("12 34 -- !!")[0] == "und"


def test_long_samples_get_from_the_trigram_models_what_the_full_models_give():
    """The trigram models judge a sample of TRIGRAMS_FROM_LETTERS letters or more because there they
    agree with the full models: checked on the sample's pages and, beside a checkout, the UD sentences."""
    texts = [page.read_text(encoding="utf-8")[:n] for page in sorted(SAMPLE_CORPUS.rglob("*.txt")) for n in (400, 1500)]
    langid = SHARED / "eval" / "langid"
    if langid.is_dir():
        texts += [line for path in sorted(langid.glob("*_sentences.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    long = [t for t in texts if len(_LETTER.findall(t)) >= TRIGRAMS_FROM_LETTERS]
    assert len(long) > 200

    def judged(full: bool, text: str) -> list[tuple[str, float]]:
        detector, codes = _get_detector(full)
        return [(codes[v.language], round(v.value, 6)) for v in detector.compute_language_confidence_values(text)]

    assert [judged(True, t) for t in long] == [judged(False, t) for t in long]
