"""GET /search: faceted full-text search."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.dependencies import get_service
from api.errors import error_responses
from api.models import SearchResponse
from api.params import Collapse, Filters, Interval, Sort
from search import MAX_FACET_SIZE, MAX_SIZE, SearchService

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResponse, responses=error_responses(400, 422, 503))
def search(
    service: Annotated[SearchService, Depends(get_service)],
    filters: Filters,
    sort: Sort = None,
    page: Annotated[int, Query(ge=1, description="1-based page")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
    facet_size: Annotated[int, Query(ge=1, le=MAX_FACET_SIZE, description="actor facet values to return")] = 10,
    interval: Interval = "month",
    collapse: Collapse = True,
) -> dict:
    """Search; facets: `lang` and `date` are multi-select (their counts ignore their own filter),
    `actor` is drill-down (its counts apply every filter)."""
    return service.search(replace(filters, sort=sort, page=page, size=size, facet_size=facet_size, interval=interval, collapse=collapse))
