"""The search's filters as query parameters, shared by every route that takes them (/search, its
exports and feed, /trends, co-mentions)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from search import MAX_QUERY_CHARS, SearchRequest

DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty = no bound, as an empty form field sends


def _filters(
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description='words are ANDed; "phrase", OR, AND, -word, NOT word, prefix*, ( … ); unclear syntax is a 400')] = "",
    lang: Annotated[list[str], Query(description="language codes; documents in any of them")] = [],
    actor: Annotated[list[str], Query(description="actor ids; documents mentioning all of them")] = [],
    date_from: Annotated[str | None, Query(alias="from", pattern=DATE_PATTERN, description="inclusive: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=DATE_PATTERN, description="inclusive: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
) -> SearchRequest:
    return SearchRequest(q=q, lang=[v for v in lang if v], actor=[v for v in actor if v], date_from=date_from or None, date_to=date_to or None)


Filters = Annotated[SearchRequest, Depends(_filters)]
Interval = Annotated[Literal["year", "month", "day"], Query(description="the periods dates are counted in")]
Collapse = Annotated[bool, Query(description="list one article of each group of near-duplicates (the best ranked)")]
Sort = Annotated[Literal["relevance", "newest", "oldest"] | None, Query(description="default: relevance with q, newest without")]
