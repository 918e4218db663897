"""GET /metrics: the Prometheus text format (api/observe.py says what is in it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.dependencies import get_service
from api.observe import metrics_text
from search import SearchService

router = APIRouter(tags=["index"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
def metrics(service: Annotated[SearchService, Depends(get_service)]) -> Response:
    """Requests by route, method and status and their latency (every worker's), the generation
    served and its documents, the last build's duration, outcome and end."""
    return Response(metrics_text(service.facts), media_type=CONTENT_TYPE_LATEST)
