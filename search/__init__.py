"""Search over a built index: the API's only way into the data."""

from index.settings import Settings
from search.errors import Conflict, IndexUnavailable, InvalidParameter, InvalidQuery, NotFound, SearchError
from search.jobs import ReindexJobs
from search.query import MAX_QUERY_CHARS
from search.requests import MAX_FACET_SIZE, MAX_SIZE, SearchRequest
from search.service import SearchService

__all__ = [
    "Conflict", "IndexUnavailable", "InvalidParameter", "InvalidQuery", "MAX_FACET_SIZE", "MAX_QUERY_CHARS", "MAX_SIZE", "NotFound",
    "ReindexJobs", "SearchError", "SearchRequest", "SearchService", "Settings",
]
