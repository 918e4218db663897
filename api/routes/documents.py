"""GET /documents/{id}: one cleaned document."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.dependencies import get_service
from api.errors import error_responses
from api.models import DocumentResponse
from search import SearchService

router = APIRouter(tags=["documents"])


@router.get(
    "/documents/{doc_id:path}",
    response_model=DocumentResponse,
    response_model_exclude_unset=True,
    responses=error_responses(404, 422, 503),
)
def document(
    service: Annotated[SearchService, Depends(get_service)],
    doc_id: Annotated[str, Path(description="document id, e.g. dk/bt/2022-11-12")],
    include: Annotated[Literal["removed"] | None, Query(description="`removed`: add the stripped spans and why")] = None,
) -> DocumentResponse:
    """The cleaned document with its actors and mention counts."""
    return DocumentResponse(**service.document(doc_id, include_removed=include == "removed"))
