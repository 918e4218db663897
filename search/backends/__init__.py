"""The engines a SearchService answers from: one interface (base), one module per engine."""

from __future__ import annotations

from index.settings import Settings
from search.backends.base import Backend


def open_backend(settings: Settings) -> Backend:
    """The backend the settings name (NEWSFACET_BACKEND)."""
    if settings.backend == "opensearch":
        from search.backends.opensearch import OpenSearchBackend  # its client is loaded only when used

        return OpenSearchBackend(settings)
    from search.backends.whoosh import WhooshBackend

    return WhooshBackend(settings.index_dir)
