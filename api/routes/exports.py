"""GET /search.csv and /search.jsonl: every article a search lists, streamed; GET /search.atom: its
newest articles as a feed to follow."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from api import formats
from api.dependencies import get_service
from api.errors import error_responses
from api.params import Collapse, Filters, Sort
from search import SearchService
from search.service import FEED_SIZE

router = APIRouter(tags=["exports"])
Fields = Annotated[Literal["text"] | None, Query(description="`text`: add each article's cleaned text")]


def _described(media: str) -> dict:
    return {200: {"content": {media: {"schema": {"type": "string"}}}, "description": "streamed"}} | error_responses(400, 422, 503)


def _export(service: SearchService, filters, sort, collapse, fields, media: str, suffix: str, write) -> StreamingResponse:
    listed, rows = service.export(replace(filters, sort=sort, collapse=collapse), text=fields == "text")
    headers = {"Content-Disposition": f'attachment; filename="newsfacet-search.{suffix}"', "X-Total-Count": str(listed)}
    return StreamingResponse(write(rows), media_type=media, headers=headers)


@router.get(
    "/search.csv",
    response_class=StreamingResponse,
    responses=_described("text/csv"),
    description="Every article the search lists (at most NEWSFACET_EXPORT_LIMIT, 10,000 by default; a search listing more is a 422 naming the limit), "
    "in its order, as CSV: id, date, lang, title, url, source, actors (ids joined by `;`) and, with `fields=text`, text. "
    "`X-Total-Count` says how many rows follow.",
)
def search_csv(
    service: Annotated[SearchService, Depends(get_service)], filters: Filters, sort: Sort = None, collapse: Collapse = True, fields: Fields = None,
) -> StreamingResponse:
    return _export(service, filters, sort, collapse, fields, "text/csv", "csv", lambda rows: formats.csv_chunks(rows, fields == "text"))


@router.get("/search.jsonl", response_class=StreamingResponse, responses=_described("application/x-ndjson"))
def search_jsonl(
    service: Annotated[SearchService, Depends(get_service)], filters: Filters, sort: Sort = None, collapse: Collapse = True, fields: Fields = None,
) -> StreamingResponse:
    """Every article the search lists, as JSON Lines: one object per article with the CSV's fields
    (actors as a list); the same limit."""
    return _export(service, filters, sort, collapse, fields, "application/x-ndjson", "jsonl", formats.jsonl_chunks)


@router.get("/search.atom", response_class=Response, responses=_described("application/atom+xml"))
def search_atom(
    request: Request,
    service: Annotated[SearchService, Depends(get_service)],
    filters: Filters,
    size: Annotated[int, Query(ge=1, le=FEED_SIZE, description="entries, newest first")] = 20,
    collapse: Collapse = True,
) -> Response:
    """The search's newest articles as an Atom feed, to follow a saved search in a feed reader."""
    found = service.feed(replace(filters, collapse=collapse), size)
    base = str(request.base_url)
    page = base + ("?" + request.url.query if request.url.query else "")
    body = formats.atom(found, base, page, str(request.url))
    return Response(body, media_type="application/atom+xml")
