"""Compiled queries (search.query's Whoosh query objects) and the request's filters as OpenSearch
query DSL, over the fields of index.opensearch.mapping. Terms are the index's own (analysed in
Python), so a term query finds exactly what Whoosh finds; a title counts TITLE_BOOST times, as the
Whoosh schema's field boost does."""

from __future__ import annotations

from whoosh import query as wq

from index.opensearch.mapping import FIRST_DAY, LAST_DAY
from index.schema import ACTORS_FIELD, LANG_FIELD, TITLE_BOOST
from search.facets import DateRange
from search.requests import SearchRequest


def _boost(field: str, boost: float) -> float:
    return boost * (TITLE_BOOST if field.startswith("title_") else 1.0)


def translate(q: wq.Query | None) -> dict:
    """The DSL for a compiled query; None matches every document."""
    if q is None:
        return {"match_all": {}}
    if q is wq.NullQuery:
        return {"match_none": {}}
    kind = type(q)
    if kind is wq.Term:
        return {"term": {q.fieldname: {"value": q.text, "boost": _boost(q.fieldname, q.boost)}}}
    if kind is wq.Phrase:
        return {"match_phrase": {q.fieldname: {"query": " ".join(q.words), "slop": q.slop - 1, "boost": _boost(q.fieldname, q.boost)}}}
    if kind is wq.Prefix:
        return {"prefix": {q.fieldname: {"value": q.text, "boost": _boost(q.fieldname, q.boost)}}}
    if kind is wq.Or:
        return {"bool": {"should": [translate(s) for s in q.subqueries], "minimum_should_match": 1, "boost": q.boost}}
    if kind is wq.And:
        return {"bool": {"must": [translate(s) for s in q.subqueries], "boost": q.boost}}
    if kind is wq.AndNot:
        return {"bool": {"must": [translate(q.a)], "must_not": [translate(q.b)]}}
    if kind is wq.Not:
        return {"bool": {"must_not": [translate(q.query)]}}
    raise TypeError(f"no OpenSearch form for {q!r}")


class Filters:
    """The request's language, actor and date filters, each apart: multi-select facets count with
    every filter but their own."""

    def __init__(self, req: SearchRequest, window: DateRange) -> None:
        self.lang = [{"terms": {LANG_FIELD: req.lang}}] if req.lang else []
        self.actor = [{"term": {ACTORS_FIELD: a}} for a in req.actor]
        self.date = []
        if window.active:
            lo, hi = window.bounds()
            self.date = [{"range": {FIRST_DAY: {"lte": hi}}}, {"range": {LAST_DAY: {"gte": lo}}}]

    @staticmethod
    def _all(parts: list[dict]) -> dict:
        return {"bool": {"filter": parts}}

    def every(self) -> dict:
        return self._all(self.lang + self.actor + self.date)

    def but_lang(self) -> dict:
        return self._all(self.actor + self.date)

    def but_date(self) -> dict:
        return self._all(self.lang + self.actor)
