"""GET /trends: matching articles per period, split by language or actor, with their share of all
articles of their languages."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.dependencies import get_service
from api.errors import error_responses
from api.models import TrendsResponse
from api.params import Filters, Interval
from search import SearchService

router = APIRouter(tags=["trends"])


@router.get("/trends", response_model=TrendsResponse, responses=error_responses(400, 422, 503))
def trends(
    service: Annotated[SearchService, Depends(get_service)],
    filters: Filters,
    interval: Interval = "month",
    split: Annotated[
        Literal["lang", "actor"] | None,
        Query(description="`lang`: a series per language asked (or each the index has); `actor`: a series per `actor` given (up to 8), which are then not filters"),
    ] = None,
) -> dict:
    """Attention over time: per series, the matching articles of each period and their share of every
    article of the series' languages in that period, so that corpora of different sizes compare."""
    return service.trends(replace(filters, interval=interval), split)
