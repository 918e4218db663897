"""GET /actors: actor autocomplete across languages and aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.dependencies import get_service
from api.errors import error_responses
from api.models import ActorsResponse
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
