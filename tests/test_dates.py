import datetime as dt

import pytest

from index.dates import PartialDate, date_from_timestamps, find_date, parse_metadata_date


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
