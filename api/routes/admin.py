"""POST /admin/reindex and GET /admin/reindex/{job}: rebuilds over HTTP, for the admin token only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Request

from api.errors import error_responses
from api.models import ReindexJob, ReindexRequest
from api.security import require_admin

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.post("/reindex", status_code=202, response_model=ReindexJob, responses=error_responses(400, 401, 403, 409, 422))
def reindex(request: Request, body: Annotated[ReindexRequest | None, Body()] = None) -> dict:
    """Start a rebuild of the configured corpus in the background; the server switches to its
    generation when it is done. Poll `GET /admin/reindex/{job}`."""
    return request.app.state.jobs.start(full=bool(body and body.full)).to_dict()


@router.get("/reindex/{job}", response_model=ReindexJob, responses=error_responses(401, 403, 404, 422))
def reindex_job(request: Request, job: Annotated[str, Path(max_length=64)]) -> dict:
    """A rebuild's status: running, succeeded (with the build report) or failed (with why)."""
    return request.app.state.jobs.get(job).to_dict()
