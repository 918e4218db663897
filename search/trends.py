"""Attention over time (GET /trends): for each series, the matching articles per period and their
share of all articles of the series' languages in that period, so that Danish and German coverage
compare although the two corpora differ in size.

A series is the search itself (no split), one language (`split=lang`: each language asked, or
each the index has) or one actor (`split=actor`: each `actor` asked is a series, not a filter).
Periods are the date facet's: a date less precise than the interval counts in its own coarser
period (`2024` among months), undated articles apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from search.backends.base import Tally
from search.errors import InvalidParameter
from search.facets import UNDATED
from search.requests import SearchRequest

SPLITS = ("lang", "actor")
MAX_SERIES = 8


@dataclass
class Series:
    value: str
    label: str
    request: SearchRequest  # what the series counts: the search narrowed to its language or actor
    base: SearchRequest  # what its share is of: every article of its languages (no q, no actor)


def plan(req: SearchRequest, split: str | None, langs: list[str], label: Callable[[str, str], str]) -> list[Series]:
    """The series a trends request asks for; `langs`: the index's languages; `label(kind, value)`."""
    base = SearchRequest(lang=req.lang)
    if split is None:
        return [Series("all", "All matching articles", req, base)]
    if split == "lang":
        values = req.lang or langs
        _check_count(values, "lang")
        return [Series(code, label("lang", code), replace(req, lang=[code]), SearchRequest(lang=[code])) for code in values]
    if split == "actor":
        if not req.actor:
            raise InvalidParameter("split=actor needs the actors to compare: actor=russia&actor=iran", "actor")
        _check_count(req.actor, "actor")
        return [Series(actor, label("actor", actor), replace(req, actor=[actor]), base) for actor in req.actor]
    raise InvalidParameter(f"split must be one of {', '.join(SPLITS)}", "split")


def _check_count(values: list[str], name: str) -> None:
    if len(values) > MAX_SERIES:
        raise InvalidParameter(f"at most {MAX_SERIES} series: {len(values)} values of {name} given", name)


def shape(series: list[Series], counted: list[Tally], bases: list[Tally]) -> dict:
    """The periods every series is drawn over, and each series' points: count, the articles it is a
    share of (`of`), the share (null when there are none)."""
    periods = sorted({p for base in bases for p in base.dates if p != UNDATED})
    out = []
    for s, tally, base in zip(series, counted, bases):
        points = []
        for period in periods:
            count, of = tally.dates.get(period, 0), base.dates.get(period, 0)
            points.append({"period": period, "count": count, "of": of, "share": round(count / of, 6) if of else None})
        out.append({"value": s.value, "label": s.label, "total": tally.total, "undated": tally.dates.get(UNDATED, 0), "points": points})
    return {"periods": periods, "series": out}
