"""Facet counts computed straight from the prepared documents, independently of the index."""

from __future__ import annotations

from collections import Counter

from index.dates import PartialDate


def expected_facets(docs, *, lang=(), actor=(), date_from=None, date_to=None, interval="month", matches=None):
    """(total, lang counts, actor counts, date counts) with the API's facet semantics."""
    lo = PartialDate.parse(date_from).first_day() if date_from else None
    hi = PartialDate.parse(date_to).last_day() if date_to else None
    pool = [d for d in docs.values() if matches is None or d.id in matches]

    def ok_lang(d):
        return not lang or d.lang in lang

    def ok_actor(d):
        ids = {m.id for m in d.actors}
        return all(a in ids for a in actor)

    def ok_date(d):
        if lo is None and hi is None:
            return True
        if d.date is None:
            return False
        return (hi is None or d.date.first_day() <= hi) and (lo is None or d.date.last_day() >= lo)

    def bucket(d):
        return str(d.date.truncate(interval)) if d.date else "undated"

    matching = [d for d in pool if ok_lang(d) and ok_actor(d) and ok_date(d)]
    langs = Counter(d.lang for d in pool if ok_actor(d) and ok_date(d))
    dates = Counter(bucket(d) for d in pool if ok_lang(d) and ok_actor(d))
    actors = Counter(m.id for d in matching for m in d.actors)
    return len(matching), dict(langs), dict(actors), dict(dates)


def facet_counts(facet: list[dict]) -> dict[str, int]:
    return {v["value"]: v["count"] for v in facet if v["count"]}
