"""Search over a built index: the API's only way into the data."""

from index.settings import Settings
from search.errors import IndexUnavailable, InvalidParameter, NotFound, SearchError
from search.service import SearchRequest, SearchService

__all__ = ["IndexUnavailable", "InvalidParameter", "NotFound", "SearchError", "SearchRequest", "SearchService", "Settings"]
