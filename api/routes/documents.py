"""GET /documents/{id}: one cleaned document; GET /documents/{id}/related: articles like it.

Ids hold slashes, so the related route is matched first: a document whose id ends in `/related`
is reached as its folder's related articles, not as itself."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.dependencies import get_service
from api.errors import error_responses
from api.models import DocumentResponse, RelatedResponse
from search import MAX_SIZE, SearchService

router = APIRouter(tags=["documents"])


@router.get("/documents/{doc_id:path}/related", response_model=RelatedResponse, responses=error_responses(404, 422, 503))
def related(
    service: Annotated[SearchService, Depends(get_service)],
    doc_id: Annotated[str, Path(description="document id, e.g. dk/bt/2022-11-12")],
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
) -> dict:
    """The most similar other articles, in any language: the document's key words in its own
    language and the actors it mentions most; its near-duplicates are left out."""
    return {"related": service.related(doc_id, size)}


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
