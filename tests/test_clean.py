"""Cleaning by rule, kind by kind, on text written for these tests (not the seeds). These pages are
a few lines each, the shapes a rule must take or leave: they test the rules, so `run` cleans with
the rules alone (RULES_ONLY); the line model is judged on real pages (tests/test_quality.py) and in
tests/test_cleaner_model.py."""

import pytest
from conftest import SAMPLE_CORPUS, clean_documents

from index.clean import RULES_ONLY, clean, is_headline, removal_reasons
from index.documents import RawDocument

ARTICLE = [
    "Regeringen i Moskva har ifølge flere vestlige kilder indgået en ny aftale om levering af droner med styret i Teheran.",
    "Aftalen skal efter planen gælde i mindst tre år og omfatter også reservedele og uddannelse af teknikere.",
    "Eksperter vurderer, at leverancerne kan ændre balancen ved fronten i løbet af vinteren.",
]


def run(*lines, title=None):
    doc = clean(RawDocument(id="t", text="\n".join(lines), source_path="t.txt", title=title), model=RULES_ONLY)
    return doc, {r.text: r.reason for r in doc.removed}


def assert_article_intact(doc):
    for sentence in ARTICLE:
        assert doc.text.count(sentence) == 1, sentence


@pytest.mark.parametrize(
    "line, reason",
    [
        ("Vi bruger cookies til statistik. Klik på Tillad alle for at se indholdet.", "consent"),
        ("Accepter alle", "consent"),
        ("Mit Klick auf „Alle akzeptieren“ stimmen Sie der Verarbeitung Ihrer Daten durch Drittanbieter zu.", "consent"),
        ("Hør artiklen", "audio_player"),
        ("Artikel anhören", "audio_player"),
        ("/ritzau/", "agency_byline"),
        ("(dpa)", "agency_byline"),
        ("dpa/AFP/lö", "agency_byline"),
        ("Kilder: Reuters, AFP", "agency_byline"),
        ("Mit Material von dpa und AFP", "agency_byline"),
        ("Af Jens Holm", "byline"),
        ("Von Katrin Weber, Berlin", "byline"),
        ("Publiceret 3. marts 2023 kl. 10.15", "timestamp"),
        ("Stand: 03.02.2023 17:45 Uhr", "timestamp"),
        ("Lesezeit: 3 Min.", "timestamp"),
        ("Del artiklen", "share_bar"),
        ("Teilen: Facebook · X · WhatsApp · E-Mail", "share_bar"),
        ("Tilmeld dig vores gratis nyhedsbrev om udland", "newsletter"),
        ("Allerede abonnent? Log ind", "paywall"),
        ("Jetzt weiterlesen mit Z+", "paywall"),
        ("Annonce", "ad_label"),
        ("Anzeige", "ad_label"),
        ("Gå til indhold", "skip_link"),
        ("Zum Inhalt springen", "skip_link"),
        ("Forside › Udland › Europa", "breadcrumb"),
        ("Nyheder Sport Kultur Debat Vejret Podcasts", "menu"),
        ("Fandt du en fejl i artiklen? Skriv til redaktionen.", "feedback"),
        ("Fehler gefunden? Jetzt melden.", "feedback"),
        ("teaser-block", "scraper_artifact"),
        ("https://example.com/a?utm_source=newsletter", "scraper_artifact"),
        ("1 / 5", "no_letters"),
        ("04:12", "video_player"),
        ("Die Rundschau verwendet Cookies und ähnliche Technologien.", "consent"),
        ("Få de vigtigste nyheder hver aften kl. 18 – tilmeld dig Aftenbrevet. Tilmeld", "newsletter"),
        ("Denne artikel er en del af temaet Forsvar og sikkerhed", "publication_note"),
        ("Dieser Artikel ist Teil unserer Serie „Europas Grenzen“.", "publication_note"),
    ],
)
def test_boilerplate_line_is_removed_with_its_kind(line, reason):
    doc, removed = run(ARTICLE[0], line, *ARTICLE[1:])
    assert removed.get(line) == reason
    assert_article_intact(doc)


@pytest.mark.parametrize(
    "sentence",
    [
        "»Vi accepterer ikke, at hjemmesider samler cookies om borgerne uden samtykke,« siger ministeren.",
        "Selbst die Cookie-Hinweise westlicher Webseiten sind in Moskau zum Politikum geworden.",
        "Avisen har lukket sit kommentarfelt, fordi debatten om krigen blev for hård.",
        "Det er en katastrofe.",
        "Russia Expands Drone Production With Iranian Help",
        "Die Regierung distanziert sich von den Äußerungen des Botschafters.",
        "Regeringen giver lov til at sende flere kampfly til Ukraine.",
        "Die Behörde verwendet Cookies nur für statistische Zwecke, erklärte der Sprecher der Datenschutzbehörde am Montag in Wien.",
        "Historien er en del af forklaringen på, at Rusland nu satser på billige droner.",
        "Dieser Beitrag ist Teil des europäischen Hilfspakets, sagte die Kommissionspräsidentin.",
    ],
)
def test_article_sentences_that_look_like_boilerplate_are_kept(sentence):
    doc, removed = run(ARTICLE[0], sentence, *ARTICLE[1:])
    assert sentence in doc.text, removed


def test_caption_with_toggle_keeps_one_copy_and_drops_the_credit():
    caption = "Soldater ved fronten nær Kherson i november."
    doc, removed = run(ARTICLE[0], f"{caption} Foto: Jens Hansen Vis mere {caption} Foto: Jens Hansen", *ARTICLE[1:])
    assert doc.text.count(caption) == 1
    assert "Vis mere" not in doc.text and "Jens Hansen" not in doc.text
    assert set(removed.values()) == {"caption_toggle", "duplicate_caption", "photo_credit"}


def test_toggle_inside_a_sentence_is_not_cut():
    sentence = "Vis mere respekt for hinanden, lød opfordringen fra statsministeren i aftes."
    doc, _ = run(ARTICLE[0], sentence, *ARTICLE[1:])
    assert sentence in doc.text


@pytest.mark.parametrize(
    "caption, credit",
    [
        ("Russiske soldater i Mariupol tidligere på året.", "(Arkivfoto) Mads Nielsen/Ritzau Scanpix"),
        ("Der Kanzler bei der Pressekonferenz.", "Bild: picture alliance/dpa | Kay Nietfeld"),
        ("Bundeskanzler beim Ministerrat", "(Bild: APA/Lisa Brenner)"),
    ],
)
def test_photo_credit_after_a_caption_is_cut(caption, credit):
    doc, removed = run(ARTICLE[0], f"{caption} {credit}", *ARTICLE[1:])
    assert caption in doc.text and credit not in doc.text
    assert removed[credit] == "photo_credit"


def test_html_is_stripped_and_entities_decoded():
    doc, removed = run(f'<div class="article-body">{ARTICLE[0]}</div>', f"< p class=\"x1 y2\">{ARTICLE[1]}", f"{ARTICLE[2]}&nbsp;&amp; mere")
    assert_article_intact(doc)
    assert "<" not in doc.text and "&nbsp;" not in doc.text and "& mere" in doc.text
    assert "html" in removed.values()


def test_comment_section_at_the_end_goes_entirely():
    doc, removed = run(
        *ARTICLE,
        "Kommentarer (12)",
        "Husk vores debatregler, og hold en god debattone.",
        "Hans P. · for 2 timer siden",
        "Det her er jo helt vanvittigt, hvad de finder på.",
    )
    assert_article_intact(doc)
    assert "vanvittigt" not in doc.text and removed["Kommentarer (12)"] == "comments"


def test_reaction_widget_goes():
    doc, removed = run(*ARTICLE, "What's your reaction?", "Like", "Love", "Angry", "Sad")
    assert_article_intact(doc)
    assert set(removed.values()) == {"reaction_widget"} and len(removed) == 5


def test_read_also_box_goes_with_its_headlines():
    doc, removed = run(ARTICLE[0], ARTICLE[1], "Mehr zum Thema", "Iran liefert weitere Drohnen", "Was bedeutet das für Kiew?", ARTICLE[2])
    assert_article_intact(doc)
    assert removed["Iran liefert weitere Drohnen"] == "read_also"
    assert removed["Was bedeutet das für Kiew?"] == "read_also"


def test_read_also_heading_before_the_article_does_not_eat_the_headline():
    doc, _ = run("Seneste nyt", "Rusland køber droner i Iran", *ARTICLE)
    assert doc.title == "Rusland køber droner i Iran"
    assert_article_intact(doc)


def test_repeated_article_and_paragraphs_are_removed_once():
    headline = "Rusland og Iran styrker samarbejdet"
    doc, removed = run(headline, *ARTICLE, headline, *ARTICLE)
    assert doc.title == headline
    assert_article_intact(doc)
    assert list(removed.values()).count("repeated_article") == 3
    assert removed[headline] == "duplicate_title"


def test_near_duplicate_paragraph_is_removed():
    changed = ARTICLE[1].replace("mindst", "højst")
    doc, removed = run(*ARTICLE, changed)
    assert_article_intact(doc)
    assert removed[changed] == "near_duplicate_paragraph"


def test_menu_run_goes_but_an_introduced_list_stays():
    doc, removed = run("Nyheder", "Sport", "Kultur", "Vejret", *ARTICLE)
    assert set(removed.values()) == {"menu"}
    doc, removed = run(ARTICLE[0], "Disse lande har sendt kampvogne:", "Tyskland", "Polen", "Canada", "Norge", ARTICLE[1])
    assert "Polen" in doc.text and not removed


def test_only_the_boilerplate_goes():
    doc, removed = run("Lyt til artiklen", *ARTICLE, "/ritzau/")
    assert removed == {"Lyt til artiklen": "audio_player", "/ritzau/": "agency_byline"}
    assert_article_intact(doc)


def test_every_reason_given_on_the_sample_corpus_is_a_known_one(fixture_docs):
    given = {r.reason for doc in [*clean_documents(SAMPLE_CORPUS).values(), *fixture_docs.values()] for r in doc.removed}
    assert len(given) > 20 and given <= removal_reasons()


def test_a_one_word_paragraph_from_a_widget_vocabulary_stays():
    doc, removed = run(ARTICLE[0], "Interessant.", ARTICLE[1], "Traurig", ARTICLE[2])
    assert "Interessant." in doc.text and "Traurig" in doc.text and not removed


def test_titles():
    assert is_headline("Avis: Rusland køber millioner af granater af Nordkorea")
    assert not is_headline("Rusland køber granater.")
    assert not is_headline("To ord")
    doc, _ = run(*ARTICLE, title="Eksplicit titel")
    assert doc.title == "Eksplicit titel" and doc.paragraphs == ARTICLE
    doc, _ = run(*ARTICLE)
    assert doc.title is None and doc.paragraphs == ARTICLE  # no headline: no title, no lost sentence


def test_a_page_of_only_boilerplate_has_no_text():
    doc, _ = run("Vi bruger cookies", "Accepter alle", "Afvis alle", "Tilpas indstillinger")
    assert doc.paragraphs == []


def test_a_lone_angle_bracket_is_text_not_a_tag():
    line = "Antallet af soldater er < i dag end for et år siden, vurderer analytikerne i rapporten."
    doc, removed = run(ARTICLE[0], line, *ARTICLE[1:])
    assert line in doc.text and not removed
    assert_article_intact(doc)
