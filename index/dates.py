"""Publication dates: partial dates and finding them in metadata and page text."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass

import lxml.html

MIN_YEAR = 1990
INTERVALS = ("year", "month", "day")  # the periods dates are counted in
_EPOCH = dt.date(1970, 1, 1)

# Month names and common abbreviations in Danish, German and English (lower case, no dot).
MONTHS = {
    **dict.fromkeys(["januar", "january", "jan", "jänner", "jän"], 1),
    **dict.fromkeys(["februar", "february", "feb", "febr"], 2),
    **dict.fromkeys(["marts", "märz", "march", "mar", "mär", "mrz"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["maj", "mai", "may"], 5),
    **dict.fromkeys(["juni", "june", "jun"], 6),
    **dict.fromkeys(["juli", "july", "jul"], 7),
    **dict.fromkeys(["august", "aug"], 8),
    **dict.fromkeys(["september", "sep", "sept"], 9),
    **dict.fromkeys(["oktober", "october", "okt", "oct"], 10),
    **dict.fromkeys(["november", "nov"], 11),
    **dict.fromkeys(["december", "dezember", "dec", "dez"], 12),
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?![\d])")
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_DAY_MONTH_NAME = re.compile(
    rf"(?<!\d)(\d{{1,2}})\.?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_MONTH_NAME_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})(?!\d)", re.IGNORECASE)

# Words that label a publication or update timestamp on a page.
_PUBLISHED = re.compile(
    r"\b(publiceret|udgivet|offentliggjort|veröffentlicht|erschienen|published|posted|publisert|publicerad)\b",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"\b(opdateret|aktualisiert|stand|updated|oppdatert|uppdaterad|zuletzt)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class PartialDate:
    """A date known to year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        if self.day is not None:
            dt.date(self.year, self.month, self.day)  # raises ValueError when impossible

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (strictly); raise ValueError otherwise."""
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
        if not m:
            raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in m.groups())
        return cls(year, month, day)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.day:
            return self.first_day()
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def truncate(self, precision: str) -> PartialDate:
        """This date at most as precise as `precision` (year, month or day)."""
        if precision == "year":
            return PartialDate(self.year)
        if precision == "month":
            return PartialDate(self.year, self.month)
        return self

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)


def plausible(date: PartialDate) -> bool:
    """A publication date this product can believe: from MIN_YEAR to next year."""
    return MIN_YEAR <= date.year <= dt.date.today().year + 1


def _make(year: str, month: str | int | None, day: str | None) -> PartialDate | None:
    try:
        date = PartialDate(int(year), int(month) if month else None, int(day) if day else None)
    except ValueError:
        return None
    return date if plausible(date) else None


def parse_metadata_date(value: object) -> PartialDate | None:
    """A date from a metadata value: ISO dates and datetimes, `DD.MM.YYYY`, `12. marts 2023`."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _make(value.year, value.month, value.day)
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?", text)
    if m:
        return _make(*m.groups())
    return find_date(text)


def find_date(text: str) -> PartialDate | None:
    """The first complete date (day, month, year) written in `text`, or None."""
    found = []
    for m in _NUMERIC.finditer(text):
        found.append((m.start(), _make(m.group(3), m.group(2), m.group(1))))
    for m in _DAY_MONTH_NAME.finditer(text):
        found.append((m.start(), _make(m.group(3), MONTHS[m.group(2).lower()], m.group(1))))
    for m in _MONTH_NAME_DAY.finditer(text):
        found.append((m.start(), _make(m.group(3), MONTHS[m.group(1).lower()], m.group(2))))
    for m in _ISO.finditer(text):
        if m.group(3):
            found.append((m.start(), _make(m.group(1), m.group(2), m.group(3))))
    dates = [d for _, d in sorted(found, key=lambda item: item[0]) if d]
    return dates[0] if dates else None


def date_from_timestamps(lines: list[str]) -> PartialDate | None:
    """The publication date among timestamp lines: a "published" stamp beats an "updated" one."""
    ranked = []
    for order, line in enumerate(lines):
        found = find_date(line)
        if found is None:
            continue
        rank = 0 if _PUBLISHED.search(line) else 2 if _UPDATED.search(line) else 1
        ranked.append((rank, order, found))
    return min(ranked)[2] if ranked else None


# Metadata that says when an article was published; modified, copyright and crawl dates are not
# among them (a footer's `Copyright 2024` is no publication date, nor is a page's last change).
PUBLISHED_META = frozenset({
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished", "date",
    "dc.date", "dc.date.issued", "dcterms.issued", "dcterms.date", "pubdate", "publishdate", "publish-date",
    "publish_date", "publication_date", "sailthru.date", "parsely-pub-date", "article.published",
})


def date_from_html(html: str | bytes) -> PartialDate | None:
    """The publication date an HTML page's own metadata gives (meta tags, `itemprop="datePublished"`,
    JSON-LD `datePublished`, `<time pubdate>`), at the precision it gives; None when it gives none."""
    try:
        tree = lxml.html.fromstring(html.encode("utf-8") if isinstance(html, str) else html)
    except (ValueError, lxml.etree.ParserError):
        return None
    values: list[object] = []
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        if key in PUBLISHED_META:
            values.append(element.get("content"))
    for element in tree.xpath('//*[@itemprop="datePublished"] | //time[@pubdate]'):
        values.append(element.get("content") or element.get("datetime") or element.text_content())
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        values += _json_ld_dates(script.text_content())
    for value in values:
        found = parse_metadata_date(value)
        if found:
            return found
    return None


def _json_ld_dates(text: str) -> list[object]:
    """Every `datePublished` in a JSON-LD block (nested objects and @graph lists too)."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "datePublished" in item:
                found.append(item["datePublished"])
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    return found


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: how facets and the OpenSearch index compare dates."""
    return (day - _EPOCH).days
