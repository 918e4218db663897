"""Errors the search service raises; the API turns each into its one error shape."""

from __future__ import annotations


class SearchError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidParameter(SearchError):
    status = 422
    code = "invalid_parameter"


class InvalidQuery(SearchError):
    """Query syntax whose meaning cannot be guessed (an operator with nothing to work on …)."""

    status = 400
    code = "invalid_query"


class NotFound(SearchError):
    status = 404
    code = "not_found"


class IndexUnavailable(SearchError):
    status = 503
    code = "index_unavailable"


class Conflict(SearchError):
    status = 409
    code = "conflict"
