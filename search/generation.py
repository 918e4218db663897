"""One open index generation: its Whoosh index, facet arrays, build report and searchers.

Whoosh searchers are not safe to share between threads, so each thread gets its own; all of them
see the same document numbers, so the facet arrays are shared. A generation is reference-counted:
after the service switches to a newer one, the old one closes when its last request finishes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from whoosh.index import open_dir

from index import postings, store
from search.backends.base import RESULTS_CACHED
from search.collapse import Duplicates
from search.compounds import Compounds, lexicon
from search.facets import FacetArrays
from search.lru import LruCache
from search.scoring import ScoringCache


class Generation:
    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.path = path
        self.report = store.read_report(path)
        self.index = open_dir(str(path))
        self._local = threading.local()
        self._searchers = []
        self._lock = threading.Lock()
        self._users = 0
        self._retired = False
        self.scoring = ScoringCache(postings.open_segments(path, self.index))
        self.results = LruCache(RESULTS_CACHED)  # dropped with the generation: never an answer from an older index
        own = self.index.searcher()  # the generation's own, closed with the rest
        self._searchers.append(own)
        self.facets = FacetArrays(own.reader())
        self.duplicates = Duplicates(own, store.read_duplicates(path), self.facets.size)
        self.compounds = Compounds(lexicon(own.reader()), self.facets.langs)
        self.compounds.warm()  # before the generation serves: no query waits for its vocabulary

    def searcher(self):
        """This thread's searcher."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self.index.searcher()
            self._local.searcher = searcher
            with self._lock:
                self._searchers.append(searcher)
        return searcher

    def acquire(self) -> Generation:
        with self._lock:
            self._users += 1
        return self

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            close = self._retired and self._users == 0
        if close:
            self.close()

    def retire(self) -> None:
        """Close once no request uses this generation any more."""
        with self._lock:
            self._retired = True
            close = self._users == 0
        if close:
            self.close()

    def close(self) -> None:
        with self._lock:
            searchers, self._searchers = self._searchers, []
        for searcher in searchers:
            searcher.close()
        self.index.close()
        self.scoring.arrays.clear()  # their memory maps close once no request holds an array of them
