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


def expected_trend(docs, *, lang=(), actor=(), date_from=None, date_to=None, interval="month", matches=None):
    """Per period, and `undated`: the documents matching every filter, the window included (an
    undated document is in no window)."""
    lo = PartialDate.parse(date_from).first_day() if date_from else None
    hi = PartialDate.parse(date_to).last_day() if date_to else None
    counts = Counter()
    for d in docs.values():
        if (matches is not None and d.id not in matches) or (lang and d.lang not in lang):
            continue
        if not set(actor) <= {m.id for m in d.actors}:
            continue
        if d.date is None:
            if lo is None and hi is None:
                counts["undated"] += 1
        elif (hi is None or d.date.first_day() <= hi) and (lo is None or d.date.last_day() >= lo):
            counts[str(d.date.truncate(interval))] += 1
    return dict(counts)


def expected_co_mentions(docs, actor, *, lang=()):
    """(articles, articles naming `actor`, {other: (articles naming both, articles naming other)})."""
    pool = [d for d in docs.values() if not lang or d.lang in lang]
    named = [{m.id for m in d.actors} for d in pool]
    with_actor = [ids for ids in named if actor in ids]
    both = Counter(a for ids in with_actor for a in ids if a != actor)
    alone = Counter(a for ids in named for a in ids)
    return len(pool), len(with_actor), {a: (n, alone[a]) for a, n in both.items()}
