"""GET /stats: what the live index holds and how it was built."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.dependencies import get_service
from api.errors import error_responses
from api.models import StatsResponse
from search import SearchService

router = APIRouter(tags=["index"])


@router.get("/stats", response_model=StatsResponse, responses=error_responses(503))
def stats(service: Annotated[SearchService, Depends(get_service)]) -> dict:
    """Documents by language, skipped files, removed boilerplate, generation and build time."""
    return service.stats()
