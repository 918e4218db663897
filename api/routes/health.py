"""GET /health: is an index being served."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.dependencies import get_service
from api.errors import error_responses
from api.models import HealthResponse
from search import SearchService

router = APIRouter(tags=["index"])


@router.get("/health", response_model=HealthResponse, responses=error_responses(503, rate_limited=False))
def health(service: Annotated[SearchService, Depends(get_service)]) -> dict:
    """`ok` with the document count and generation; 503 in the error shape when there is no index."""
    return service.health()
