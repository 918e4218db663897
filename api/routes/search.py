"""GET /search: faceted full-text search."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.dependencies import get_service
from api.errors import error_responses
from api.models import SearchResponse
from search import MAX_FACET_SIZE, MAX_QUERY_CHARS, MAX_SIZE, SearchRequest, SearchService

router = APIRouter(tags=["search"])
DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty = no bound, as an empty form field sends


@router.get("/search", response_model=SearchResponse, responses=error_responses(400, 422, 503))
def search(
    service: Annotated[SearchService, Depends(get_service)],
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description='words are ANDed; "phrase", OR, AND, -word, NOT word, prefix*, ( … ); unclear syntax is a 400')] = "",
    lang: Annotated[list[str], Query(description="language codes; documents in any of them")] = [],
    actor: Annotated[list[str], Query(description="actor ids; documents mentioning all of them")] = [],
    date_from: Annotated[str | None, Query(alias="from", pattern=DATE_PATTERN, description="inclusive: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=DATE_PATTERN, description="inclusive: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    sort: Annotated[Literal["relevance", "newest", "oldest"] | None, Query(description="default: relevance with q, newest without")] = None,
    page: Annotated[int, Query(ge=1, description="1-based page")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
    facet_size: Annotated[int, Query(ge=1, le=MAX_FACET_SIZE, description="actor facet values to return")] = 10,
    interval: Annotated[Literal["year", "month", "day"], Query(description="date facet buckets")] = "month",
    collapse: Annotated[bool, Query(description="list one article of each group of near-duplicates (the best ranked)")] = True,
) -> dict:
    """Search; facets: `lang` and `date` are multi-select (their counts ignore their own filter),
    `actor` is drill-down (its counts apply every filter)."""
    return service.search(
        SearchRequest(
            q=q, lang=[v for v in lang if v], actor=[v for v in actor if v], date_from=date_from or None,
            date_to=date_to or None, sort=sort, page=page, size=size, facet_size=facet_size, interval=interval,
            collapse=collapse,
        )
    )
