"""One error shape for every error: validation, unknown routes, service errors, faults."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.models import ErrorResponse
from search import SearchError

log = logging.getLogger(__name__)

_DESCRIPTIONS = {
    400: "a request that cannot be read: query syntax with no clear meaning, or a body that is not JSON",
    401: "no valid admin token",
    403: "admin is disabled (no NEWSFACET_ADMIN_TOKEN)",
    404: "not found",
    409: "a reindex job is already running",
    422: "invalid parameter",
    429: "too many requests from this client; see Retry-After",
    503: "no index has been built yet",
}


def error_responses(*statuses: int, rate_limited: bool = True) -> dict:
    """OpenAPI `responses` for the error statuses a route can answer with (429 unless exempt)."""
    statuses += (429,) if rate_limited else ()
    return {status: {"model": ErrorResponse, "description": _DESCRIPTIONS[status]} for status in statuses}

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body = {"status": status, "code": code, "message": message, "field": field}
    return JSONResponse({"error": body}, status_code=status)


def _validation_message(error: dict) -> tuple[str, str | None]:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
    name = loc[0] if loc else None
    subject = name or "request"
    ctx = error.get("ctx", {})
    kind = error.get("type", "")
    if kind == "missing":
        return f"{subject} is required", name
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{subject} must be an integer", name
    if kind == "greater_than_equal":
        return f"{subject} must be at least {ctx.get('ge')}", name
    if kind == "less_than_equal":
        return f"{subject} must be at most {ctx.get('le')}", name
    if kind == "string_too_long":
        return f"{subject} must be at most {ctx.get('max_length')} characters", name
    if kind == "string_pattern_mismatch" and name in ("from", "to"):
        return f"{subject} must be a date as YYYY, YYYY-MM or YYYY-MM-DD", name
    if kind in ("literal_error", "enum"):
        return f"{subject} must be one of {ctx.get('expected')}", name
    return f"{subject}: {error.get('msg', 'invalid value')}", name


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""

    @app.exception_handler(SearchError)
    async def _search_error(request: Request, exc: SearchError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        message, field = _validation_message(errors[0]) if errors else ("invalid request", None)
        return error_response(422, "invalid_parameter", message, field)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"no route {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        response = error_response(exc.status_code, code, message)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.middleware("http")
    async def _fault(request: Request, call_next):
        # Inside the CORS middleware (added after this), so a browser can read the error too.
        try:
            return await call_next(request)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            return error_response(500, "internal_error", "internal server error; the fault was logged")
