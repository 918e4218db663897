"""The page verdict (index/clean/verdict.py): a list of other articles and a page that talks to its
reader are skipped; an interview, an article over a box of teasers, and an article with a quote
that addresses someone are not. Pages written for these tests."""

import pytest
from test_clean import ARTICLE, assert_article_intact, run

from index.clean import clean
from index.clean.rules import load_rules
from index.clean.verdict import addresses_reader, reader_address, teaser_count
from index.documents import RawDocument

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
RULES_PAGE = [
    "Debatten på siden er åben for alle, og vi glæder os til at læse dine kommentarer til artiklerne.",
    "Skriv under dit eget navn, og hold en saglig tone over for de andre deltagere i debatten.",
    "Indlæg, der indeholder reklame, trusler eller personangreb, bliver slettet uden varsel af redaktionen.",
    "Har du spørgsmål til reglerne, kan du skrive til redaktionen via formularen nederst på siden.",
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


def test_a_page_that_addresses_its_reader_in_most_paragraphs_is_skipped_after_the_line_model():
    assert reader_address(RULES_PAGE, load_rules().words) == (3, 4)  # the third paragraph speaks of posts
    raw = RawDocument(id="rules", text="\n".join(RULES_PAGE), source_path="rules.txt")
    assert clean(raw).no_article
    # the rules alone leave paywall and browser prompts on articles' pages, which address the reader too
    assert run(*RULES_PAGE)[0].no_article is None


def test_an_article_that_quotes_a_question_to_the_reader_once_is_kept():
    quote = "»Har du mærket forskel på din varmeregning?« spørger kampagnen, som ministeriet lancerede i går."
    for doc in (run(*ARTICLE, quote)[0], clean(RawDocument(id="q", text="\n".join([*ARTICLE, quote]), source_path="q.txt"))):
        assert doc.no_article is None
        assert_article_intact(doc)


@pytest.mark.parametrize(
    "line, addressed",
    [
        ("Wir freuen uns, wenn Sie uns Ihre Meinung schreiben.", True),
        ("Sie sagten, die Verhandlungen würden am Montag fortgesetzt.", False),  # `they`, first word
        ("Die Minister trafen sich in Wien. Sie sagten wenig.", False),
        ("Du kan læse mere om reglerne på siden.", True),
        ("Vi beder Dem logge ind for at fortsætte.", True),
        ("De to lande underskrev aftalen i Ankara.", False),  # `the` and `they` in Danish
        ("Aftalen blev underskrevet, og de to ministre rejste hjem.", False),
        ("Tell us what you think about the new rules.", True),
    ],
)
def test_the_reader_is_addressed_by_the_words_as_written_and_a_capital_counts_only_inside_a_sentence(line, addressed):
    assert addresses_reader(line, load_rules().words) is addressed
