"""Cleaning signals that need no rule: scrambled letters, code, lines a corpus repeats across
articles, labels around the article, cut-short copies, and pages with no article text."""

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_clean import ARTICLE, assert_article_intact, run

from index.clean.rules import load_rules
from index.build import build, measure_corpus
from index.clean import RULES_ONLY, clean, has_article_text
from index.documents import RawDocument
from index.letters import is_scrambled
from index.repeated import MIN_DOCUMENTS, LineCounter, LineHashes


def shift(text: str) -> str:
    """Every letter moved one place on, as some paywalls ship locked paragraphs."""
    return "".join(chr(ord(c) + 1) if c.isascii() and c.isalpha() and c not in "zZ" else c for c in text)


def test_shifted_letters_are_scrambled_but_real_lines_in_any_known_language_are_not():
    for line in ARTICLE + ["Die Bundesregierung hat die Lieferung weiterer Luftabwehrsysteme an die Ukraine beschlossen."]:
        assert not is_scrambled(line)
        assert is_scrambled(shift(line))
    # foreign names and Swiss spelling: few known words, but ordinary letter pairs
    assert not is_scrambled("Bundespräsidentin Amherd begrüsst Wolodimir Selenski auf dem Bürgenstock.")
    assert not is_scrambled("The president said the talks would continue next week in Geneva.")


def test_scrambled_paragraphs_and_code_go_and_the_article_stays():
    doc, removed = run(
        ARTICLE[0], shift(ARTICLE[1]), 'window.dataLayer = window.dataLayer || []; dataLayer.push({"event": "pageview"});',
        '{"@context":"https://schema.org","@type":"NewsArticle","headline":"Droner fra Iran"}', ARTICLE[1], ARTICLE[2],
    )
    assert_article_intact(doc)
    assert len(removed) == 3 and removed.pop(shift(ARTICLE[1])) == "scrambled_text"
    assert set(removed.values()) <= {"code", "scraper_artifact"}  # JSON on one line is also a scraper leftover


def test_a_quote_or_a_result_with_brackets_and_semicolons_is_not_code():
    lines = [
        '»Vi har (endnu) ikke set nogen "beviser" for det," siger ministeren.',
        "Kampen endte 2-1 (1-0); mål: Hansen (12.), Jensen (80.)",
        "Endstand: 2:1 (1:0); Tore: Müller (12.), Kane (80.)",
    ]
    doc, removed = run(ARTICLE[0], *lines, ARTICLE[1])
    assert all(line in doc.text for line in lines) and not removed


def counted(pages: list[list[str]]):
    counter = LineCounter()
    for lines in pages:
        counter.add(LineHashes.of([line.lower() for line in lines]))
    return counter.result()


def article(n: int) -> list[str]:
    return [f"Artikel nummer {n} handler om droner, sanktioner og diplomati mellem landene i regionen i år {n}."]


def test_a_line_is_repeated_when_different_articles_share_it_and_the_corpus_is_big_enough():
    slogan = "nordbyens avis siden 1872"
    many = counted([article(n) + [slogan] for n in range(MIN_DOCUMENTS)])
    assert slogan in many and many.threshold == 3
    few = counted([article(n) + [slogan] for n in range(MIN_DOCUMENTS - 1)])
    assert slogan not in few and few.threshold == 0
    # the same agency story on every site: its lines are shared, but by copies of one article
    copies = counted([article(1) + ["sanktionerne rammer hårdt"] for _ in range(MIN_DOCUMENTS)])
    assert "sanktionerne rammer hårdt" not in copies
    # a consent text longer than any article line on every page does not make them one article
    consent = "vi og vores 143 partnere bruger cookies og lignende teknologier til at gemme og tilgå oplysninger på din enhed"
    site = counted([article(n) + [consent, slogan] for n in range(MIN_DOCUMENTS)])
    assert slogan in site and consent in site


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 30), max_size=6, unique=True), st.integers(0, 99)), min_size=1, max_size=40))
def test_an_articles_signature_is_its_rarest_long_line_and_the_smallest_hash_breaks_ties(pages):
    counter = LineCounter()
    for long, fallback in pages:
        counter.add(LineHashes(np.zeros(0, np.int64), np.array(long, dtype=np.int64), fallback))
    pages_with = Counter(h for long, _ in pages for h in long)
    expected = [min(long, key=lambda h: (pages_with[h], h)) if long else fallback for long, fallback in pages]
    assert counter.signatures().tolist() == expected


def test_repeated_chrome_goes_but_stock_sentences_and_headings_of_the_article_stay(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    stock, heading = "Det oplyser politiet.", "Sanktioner rammer hårdt"
    for n in range(MIN_DOCUMENTS):
        lines = [
            "Nordbyens Avis siden 1872", f"Droner over havnen for {n}. gang i år",
            f"Artikel nummer {n} handler om droner, sanktioner og diplomati mellem landene i regionen i år {n}.",
            "Ingen kom til skade.", stock, f"Ministeriet vil ifølge {n} kilder fremlægge en ny plan for overvågning af havnene inden sommer.",
            heading, f"Rederierne i {n} byer melder om lange forsinkelser, fordi skibene må sejle uden om farvandet.",
            "Nordbyens Avis · Havnegade 3", "Abonnementet fornyes hver måned.",
        ]
        (corpus / f"{n}.txt").write_text("\n".join(lines), encoding="utf-8")
    repeated = measure_corpus(corpus, load_rules())
    raw = RawDocument(id="0", text=(corpus / "0.txt").read_text(encoding="utf-8"), source_path="0.txt")
    doc = clean(raw, load_rules(), repeated, RULES_ONLY)
    reasons = {r.text: r.reason for r in doc.removed}
    assert reasons["Nordbyens Avis siden 1872"] == "repeated_line"
    assert reasons["Abonnementet fornyes hver måned."] == "repeated_line"  # a sentence beside repeated chrome
    assert stock in doc.text and heading in doc.text
    assert doc.text.count("Ingen kom til skade.") == 1  # two stock sentences side by side are no block
    report = build(corpus, tmp_path / "i")
    assert report.repeated_lines >= 3 and report.removed["repeated_line"] >= MIN_DOCUMENTS


def test_labels_around_the_article_go_but_a_topic_line_and_a_listed_item_stay():
    doc, removed = run("Nordposten", "Udland", "Rotes Meer", "Droner fra Iran rammer Kyiv igen", *ARTICLE, "Følg skribent", "Karen Holm")
    assert {"Nordposten": "page_header", "Udland": "page_header", "Følg skribent": "author_box", "Karen Holm": "byline"} == removed
    assert doc.title == "Rotes Meer" or "Rotes Meer" in doc.text
    assert_article_intact(doc)


def test_a_caption_cut_short_goes_when_the_page_has_it_in_full():
    caption = "Olena og datteren Sofia på havnen i Faaborg, hvor familien har boet siden foråret."
    doc, removed = run(ARTICLE[0], caption[:40] + "...", ARTICLE[1], caption, ARTICLE[2])
    assert doc.text.count("Olena og datteren") == 1 and set(removed.values()) == {"duplicate_caption"}


def test_a_page_of_buttons_and_labels_has_no_article_text():
    assert not has_article_text(["TV 2", "Godkend alle", "Se vores partnere (142)", "Formål"])
    assert has_article_text(["Rusland og Iran indgår aftale om droner, oplyser Kreml i dag."])


def test_sentences_that_talk_about_chrome_are_article_text():
    lookalikes = [  # each of them looks like one of our rules, and each is news
        "Die Partei verschickte am Montag einen Newsletter an ihre Mitglieder.",
        "Der Newsletter-Skandal der AfD",
        "Tilmeld dig senest fredag, lyder opfordringen fra kommunen.",
        "»Vi accepterer ikke, at russiske hackere stjæler cookies fra danske ministerier,« siger ministeren.",
        "Plattformen X hat ihre Kommentarfunktion für Konten aus Russland im Oktober eingeschränkt, berichtet die Zeitung.",
        "Er war Reporter beim Spiegel, bevor er 2015 in die Politik wechselte.",
        "Putin er ifølge den tidligere korrespondent ikke interesseret i fred.",
        "Danmark er et land med stærk journalistik og fri presse, siger ministeren.",
        "Der Angeklagte, Jahrgang 1975, schwieg vor Gericht.",
        "Journalist på Ekstra Bladet fyret efter skandale",
        "Copyright-Verstöße kosten die Musikindustrie jährlich Milliarden.",
        "Der Bürgermeister forderte mit Nachdruck die Genehmigung des Neubaus.",
        "Ansvarshavende chefredaktør Pierre Collignon siger, at avisen beklager.",
        "Mange kommuner bruger cookies ulovligt, viser en ny undersøgelse.",
        "Die Öffentlichkeit hat ein berechtigtes Interesse an Aufklärung.",
        "Meta bietet Facebook werbefrei für 9,99 Euro im Monat an.",
        "Apple fjerner appen fra App Store efter kritik.",
        "Die Zeitung hat keine Paywall, sagt der Verleger.",
        "Der Artikel erschien in der New York Times und löste Empörung aus.",
        "Bild: Scholz plant Kabinettsumbildung nach der Wahl",
        "Mykhailo Podoljak, Oleksandr Syrskyj og Wolodymyr Selenskyj mødtes i Kyjiv.",
        "Wolodymyr Selenskyj besuchte Charkiw, Saporischschja und Dnipro.",
    ]
    doc, removed = run(ARTICLE[0], *lookalikes, ARTICLE[1], ARTICLE[2])
    assert not removed
    assert all(doc.text.count(sentence) == 1 for sentence in lookalikes)


def test_subheadings_and_a_results_list_around_the_article_stay():
    lines = [
        "Dronningen abdicerer", ARTICLE[0], "Kritik", ARTICLE[1], "Mere om den nye skattereform", ARTICLE[2],
        "Sådan fordelte stemmerne sig ved valget i Aarhus Kommune.",
        "Socialdemokratiet 27,5 procent", "Venstre 18,2 procent", "SF 12,1 procent",
    ]
    doc, removed = run(*lines)
    assert not removed and doc.title == "Dronningen abdicerer"
    assert all(doc.text.count(line) == 1 for line in lines[1:])


def test_a_long_breadcrumb_goes_but_a_sentence_after_arrows_stays():
    doc, removed = run("Startseite > Nachrichten > Ausland > Krieg in der Ukraine > Öltanker vor Rügen", *ARTICLE)
    assert set(removed.values()) == {"breadcrumb"}
    sentence = "Sport > Fodbold > FC København vandt søndag 3-0 over Brøndby i en dramatisk kamp foran tilskuerne."
    doc, removed = run(ARTICLE[0], sentence, ARTICLE[1])
    assert sentence in doc.text and not removed


def test_the_sites_own_name_goes_when_the_page_says_which_site_it_is():
    raw = RawDocument(
        id="t", source_path="t.txt", url="https://www.nordposten.dk/udland/1", source="Nordposten",
        text="\n".join(["Nordposten", "Droner over Kyiv for tredje nat i træk", *ARTICLE, "Nordposten – uafhængig siden 1890"]),
    )
    doc = clean(raw, model=RULES_ONLY)
    assert {r.text: r.reason for r in doc.removed} == {"Nordposten": "masthead", "Nordposten – uafhængig siden 1890": "masthead"}
    assert doc.title == "Droner over Kyiv for tredje nat i træk"


def test_the_page_names_its_site_in_its_consent_notice_and_its_postal_address():
    cases = [  # (the chrome that names the site, the mastheads and slogans that then go)
        (["Nordposten og vores 143 partnere bruger cookies og lignende teknologier."], ["Nordposten Play", "Nyheder hele døgnet fra Nordposten"]),
        (["Die Rundschau verwendet Cookies und ähnliche Technologien."], ["Rundschau Plus", "Rundschau – Nachrichten aus der Region"]),
        (["Nordjysk Tidende A/S · Havnegade 12 · 9000 Aalborg"], ["Nordjysk Tidende A/S · Lokale nyheder fra Himmerland", "NT Plus"]),
    ]
    for chrome, mastheads in cases:
        doc, removed = run(mastheads[0], *ARTICLE, mastheads[1], *chrome)
        assert_article_intact(doc)
        assert all(removed[line] == "masthead" for line in mastheads), removed
    # No name without a site behind it: `Vi`, `Wir` and `Diese Website` are no mastheads.
    doc, removed = run("Vi og vores partnere bruger cookies.", "Vi Plus", *ARTICLE)
    assert "Vi Plus" not in removed
    # The site's name in a sentence, or as a heading over a paragraph, is article text.
    sentences = ["Det siger forsvarschefen til Nordposten.", "Nordposten", ARTICLE[0]]
    doc, removed = run(ARTICLE[2], "Nordposten og vores 143 partnere bruger cookies.", ARTICLE[1], *sentences)
    assert all(doc.content.count(line) == 1 for line in sentences) and set(removed.values()) == {"consent"}


def test_a_three_step_breadcrumb_is_no_headline():
    doc, removed = run("Politik > Ausland > Gipfel in Alaska", *ARTICLE)
    assert removed == {"Politik > Ausland > Gipfel in Alaska": "breadcrumb"} and doc.title is None
    assert_article_intact(doc)


def test_an_author_box_goes_but_a_name_over_a_paragraph_about_that_person_stays():
    boxes = [
        ["Jan Fehrmann", "Politischer Korrespondent für die Vereinigten Staaten mit Sitz in Washington."],
        ["Jonas Brüggemann", "Jonas Brüggemann, Jahrgang 1986, berichtet im Auslandsressort über Iran."],
    ]
    for box in boxes:
        doc, removed = run(*ARTICLE, *box)
        assert set(removed) == set(box) and set(removed.values()) == {"author_box"}
    profiles = [
        ["Friedrich Merz", "Friedrich Merz ist seit 2022 Vorsitzender der CDU und gilt als Favorit für die Kanzlerkandidatur."],
        ["Can Dündar", "Der Journalist Can Dündar lebt seit 2016 im Exil in Berlin und wurde nun verurteilt."],
        ["Donald Trump", "Politikens korrespondent i Washington vurderer, at præsidenten mener det alvorligt denne gang."],
    ]
    for profile in profiles:
        doc, removed = run(ARTICLE[0], *profile, ARTICLE[1], ARTICLE[2])
        assert not removed and all(line in doc.content for line in profile)
