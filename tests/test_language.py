import pytest

from index.language import detect, identify, normalise_code

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
