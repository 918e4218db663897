"""The page verdict (index/clean/verdict.py): a list of other articles is skipped; two teasers, an
interview and an article over a box of teasers are not. Pages written for these tests."""

from test_clean import ARTICLE, run

from index.clean.verdict import teaser_count

TEASERS = [
    ("Ny aftale om gasledning underskrevet i Vilnius", "Litauen og Polen vil bygge en ny forbindelse, der skal stå klar om fire år."),
    ("Sådan blev valget i Moldova afgjort", "Et snævert flertal stemte for kandidaten, der vil knytte landet tættere til EU."),
    ("Forsvaret køber flere droner til overvågning", "Ministeriet oplyser, at de første leverancer ventes i løbet af næste forår."),
    ("Færgeruten til Gdansk lukker i vinter", "Rederiet begrunder beslutningen med faldende passagertal og høje brændstofpriser."),
]
INTERVIEW = [
    "Hvorfor sender Pyongyang soldater til fronten?",
    "– Styret får olie, penge og erfaring, og Moskva får mandskab, som ellers ville mangle ved fronten.",
    "Hvor længe kan samarbejdet holde?",
    "– Så længe krigen varer, og sandsynligvis længere, fordi begge regimer har brug for hinanden.",
    "Hvad betyder det for Sydkorea?",
    "– Regeringen i Seoul følger udviklingen nøje og har allerede skærpet beredskabet ved grænsen.",
]
def teaser_page(pairs=TEASERS):
    return [line for pair in pairs for line in pair]


def test_headlines_each_over_one_lead_make_a_list_of_articles_and_the_page_is_skipped():
    assert teaser_count(teaser_page()) == 4
    doc, _ = run(*teaser_page())
    assert doc.no_article and "list of other articles" in doc.no_article


def test_two_teasers_or_an_article_above_them_are_no_list():
    assert teaser_count(teaser_page(TEASERS[:2])) == 0  # an article's subheadings may look like this
    body = [*ARTICLE[:2], "Ifølge forsvarsanalytikere kan aftalen give Rusland adgang til flere tusinde droner af den nye type allerede inden sommer."]
    assert teaser_count(body + teaser_page()) == 0  # an article's body, three paragraphs in a row, then teasers
    doc, _ = run(*body, *teaser_page())
    assert doc.no_article is None and all(doc.text.count(line) == 1 for line in body)


def test_an_interview_is_no_list_although_its_questions_are_headlines_over_one_paragraph():
    assert teaser_count(INTERVIEW) == 0
    assert run(*INTERVIEW)[0].no_article is None
