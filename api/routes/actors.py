"""GET /actors: actor autocomplete across languages and aliases; GET /actors/{id}/co-mentions: who is
named with an actor."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.dependencies import get_service
from api.errors import error_responses
from api.models import ActorsResponse, CoMentionsResponse
from api.params import Filters
from search import MAX_SIZE, SearchService

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=ActorsResponse, responses=error_responses(422, 503))
def actors(
    service: Annotated[SearchService, Depends(get_service)],
    q: Annotated[str, Query(max_length=100, description="start of any label or alias (russ, Selensk)")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
) -> dict:
    """Actors whose names start with `q`, most documents first; without `q`, the most mentioned."""
    return {"actors": service.actors(q, limit)}


@router.get("/actors/{actor_id}/co-mentions", response_model=CoMentionsResponse, responses=error_responses(400, 404, 422, 503))
def co_mentions(
    service: Annotated[SearchService, Depends(get_service)],
    actor_id: Annotated[str, Path(description="actor id, e.g. iran")],
    filters: Filters,
    min_count: Annotated[int, Query(ge=1, description="leave out actors named with it in fewer articles")] = 2,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
    sort: Annotated[Literal["lift", "count"], Query(description="`lift`: named together beyond chance first; `count`: most articles first")] = "lift",
) -> dict:
    """The actors most often named in the same articles as this one, among the articles the search
    matches: how many, and a lift that keeps the actors named everywhere from always winning."""
    return service.co_mentions(actor_id, filters, min_count, size, sort)
