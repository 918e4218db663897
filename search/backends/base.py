"""What every backend answers, in types: a SearchService asks a Backend for a View (one index
generation, held for one request) and asks the view typed questions. Queries come compiled
(search.query: Whoosh query objects, which the OpenSearch backend translates); what comes back is
stored documents with scores and counts, which search.shaping turns into the API's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from search.facets import DateRange
from search.lru import LruCache
from search.query import Highlight
from search.requests import SearchRequest

RELOAD_SECONDS = 0.5  # how often a backend looks for a new live generation
RESULTS_CACHED = 1024  # answers kept per generation, the least recently used dropped first
RELATED_WORDS = 12  # the document's most telling words (Whoosh's Bo1 model) a related query uses
RELATED_ACTORS = 3  # and the actors it mentions most

@dataclass
class Hit:
    stored: dict  # id, lang, date and the stored fields: title, text, url, source, actor_mentions, removed
    score: float | None
    copies: int = 0  # other documents of its near-duplicate group among the matches

@dataclass
class Found:
    """One search: the matches' total, how many collapsed into another, a page of hits, and the
    multi-select facet counts (language and date counts ignore their own filter, actors apply all)."""

    total: int
    collapsed: int
    hits: list[Hit]
    langs: dict[str, int] = field(default_factory=dict)
    actors: dict[str, int] = field(default_factory=dict)
    dates: dict[str, int] = field(default_factory=dict)

@dataclass
class Tally:
    """The documents a query matches under every filter: how many, how many per period of an
    interval (`undated` apart, as the date facet counts) and per actor."""

    total: int
    dates: dict[str, int]
    actors: dict[str, int]

class Vocabulary(Protocol):
    """What spelling suggestions read (search.suggest)."""

    def doc_frequency(self, fieldname: str, term: str) -> int: ...

    def terms_within(self, fieldname: str, word: str, maxdist: int, prefix: int) -> Iterable[str]: ...

class View(Protocol):
    """One index generation, held for one request."""

    name: str  # the generation
    langs: list[str]  # the languages its documents are in
    results: LruCache  # answers computed on this generation
    vocabulary: Vocabulary

    def split(self, lang: str, word: str) -> list[str]:
        """A query word that is a compound no document has, in its words (search.compounds)."""

    def find(self, query, req: SearchRequest, window: DateRange, sort: str) -> Found:
        """`query` (None: every document) under the request's filters: a page ranked by `sort`."""

    def count(self, query, req: SearchRequest, window: DateRange) -> int:
        """How many documents `query` matches under the request's filters."""

    def tally(self, query, req: SearchRequest, window: DateRange, interval: str) -> Tally:
        """Counts over every document `query` matches under all the request's filters (the window included)."""

    def export(self, query, req: SearchRequest, window: DateRange, sort: str) -> Iterator[dict]:
        """The stored fields of every document `query` matches under the request's filters, ranked
        by `sort`, one of each group of near-duplicates when the request collapses (the service
        checks the count against its limit first)."""

    def stored(self, doc_id: str) -> dict | None:
        """A live document's stored fields; None when there is none with that id."""

    def copies(self, doc_id: str) -> list[dict]:
        """The stored fields of the document's near-duplicates."""

    def related(self, doc_id: str, size: int) -> tuple[list[Hit], Highlight]:
        """The `size` documents most like it, its near-duplicates and itself left out, one per group."""

    def actor_counts(self) -> dict[str, int]:
        """Documents per actor."""

    def lang_counts(self) -> dict[str, int]:
        """Documents per language."""

    def report(self) -> dict:
        """The build report of the generation."""

class Backend(Protocol):
    def start(self) -> None:
        """Open what the first request needs (a server's lifespan calls it); never fails for want of an index."""

    def view(self) -> AbstractContextManager[View]:
        """The live generation, for one request; IndexUnavailable when there is none to serve."""

    def health(self) -> dict:
        """`status` (ok or degraded, and why), the generation and its documents."""

    def last_build(self) -> dict | None:
        """How the last build ended, for the metrics."""

    def close(self) -> None: ...
