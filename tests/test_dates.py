import datetime as dt

import pytest

from index.build import build
from index.dates import PartialDate, date_from_html, date_from_timestamps, find_date, parse_metadata_date
from search import SearchService


@pytest.mark.parametrize("text, expected", [("2022", "2022"), ("2022-11", "2022-11"), ("2022-11-12", "2022-11-12")])
def test_parse_keeps_precision(text, expected):
    assert str(PartialDate.parse(text)) == expected


@pytest.mark.parametrize("text", ["2022-13", "2022-02-30", "22-11-12", "2022/11/12", "", "0000", "2022-1-5"])
def test_parse_rejects_impossible_or_malformed(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_period_bounds():
    assert PartialDate(2024, 2).first_day() == dt.date(2024, 2, 1)
    assert PartialDate(2024, 2).last_day() == dt.date(2024, 2, 29)
    assert PartialDate(2023).last_day() == dt.date(2023, 12, 31)
    assert str(PartialDate(2023, 5, 17).truncate("month")) == "2023-05"
    assert str(PartialDate(2023, 5).truncate("day")) == "2023-05"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-04-17", "2023-04-17"),
        ("2023-04-17T10:15:00Z", "2023-04-17"),
        ("2023-04-17 10:15:00+02:00", "2023-04-17"),
        ("2024-05", "2024-05"),
        ("2021", "2021"),
        ("17.04.2023", "2023-04-17"),
        ("17. april 2023", "2023-04-17"),
        (dt.date(2022, 1, 3), "2022-01-03"),
        ("someday", None),
        ("2023-02-31", None),
        ("1850-01-01", None),  # well-formed, but no publication date of this corpus
        ("2999", None),
    ],
)
def test_metadata_dates(value, expected):
    found = parse_metadata_date(value)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Publiceret 3. marts 2023 kl. 10.15", "2023-03-03"),
        ("Veröffentlicht am 14.06.2024 um 08:12 Uhr", "2024-06-14"),
        ("Stand: 3. Februar 2023, 17:45 Uhr", "2023-02-03"),
        ("12. März 2023, 10:15 Uhr", "2023-03-12"),
        ("Published September 30, 2022 at 4:52 p.m.", "2022-09-30"),
        ("Opdateret 12.05.2024 08:12", "2024-05-12"),
        ("siden invasionen 24. februar", None),
    ],
)
def test_find_date_in_text(line, expected):
    found = find_date(line)
    assert (str(found) if found else None) == expected


def test_published_stamp_beats_updated_stamp():
    lines = ["Opdateret 5. maj 2024 kl. 09.00", "Publiceret 4. maj 2024 kl. 18.30"]
    assert str(date_from_timestamps(lines)) == "2024-05-04"
    assert date_from_timestamps(["Læsetid: 4 min."]) is None


# -- dates of HTML pages: only the article's own metadata or dateline ---------------------------
ARTICLE_HTML = """<html><head><title>Droner over Østersøen</title>{head}</head><body>
<article><h1>Droner over Østersøen</h1>{dateline}
<p>Forsvaret har registreret flere ukendte droner over havet ud for Bornholm i løbet af weekenden, oplyser ministeriet.</p>
<p>Ifølge ministeriet er der tale om mindst fire flyvninger, som nu bliver undersøgt af efterretningstjenesten.</p></article>
<footer>{footer}</footer></body></html>"""


def html_page(head="", dateline="", footer="Kontakt · Privatlivspolitik"):
    return ARTICLE_HTML.format(head=head, dateline=dateline, footer=footer)


@pytest.mark.parametrize(
    "head, expected",
    [
        ('<meta property="article:published_time" content="2024-06-19T08:00:00+02:00">', "2024-06-19"),
        ('<meta name="date" content="2023-11">', "2023-11"),  # a month stays a month
        ('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2022-03-01"}]}</script>', "2022-03-01"),
        ('<meta property="article:modified_time" content="2024-07-01T10:00:00Z">', None),  # a change is no publication
        ('<meta http-equiv="last-modified" content="2024-07-01">', None),
        ("", None),
    ],
)
def test_an_html_pages_date_comes_from_its_publication_metadata_at_its_precision(head, expected):
    found = date_from_html(html_page(head))
    assert (str(found) if found else None) == expected


def test_a_copyright_year_or_a_modified_header_gives_no_date_but_a_dateline_does(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "copyright.html").write_text(html_page(footer="Copyright 2024 Østersø-Posten"), encoding="utf-8")
    (corpus / "modified.html").write_text(html_page('<meta property="article:modified_time" content="2024-07-01">'), encoding="utf-8")
    (corpus / "dateline.html").write_text(html_page(dateline="<p>Publiceret 4. maj 2024 kl. 10.15</p>"), encoding="utf-8")
    build(corpus, tmp_path / "index")
    service = SearchService(tmp_path / "index")
    dates = {doc_id: service.document(doc_id)["date"] for doc_id in ("copyright", "modified", "dateline")}
    assert dates == {"copyright": None, "modified": None, "dateline": "2024-05-04"}
