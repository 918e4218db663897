"""The embedded backend: the Whoosh index generations of an index folder.

The backend serves the folder's live generation and checks the CURRENT pointer before each
request (at most every RELOAD_SECONDS): after a rebuild it switches to the new generation without a
restart, and requests already running finish on the old one. Matching and scoring are
search.scoring's, facets search.facets' numpy arrays, collapse search.collapse's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index import store
from index.schema import text_field
from search.backends.base import RELATED_ACTORS, RELATED_WORDS, RELOAD_SECONDS, Found, Hit, Tally
from search.collapse import Duplicates
from search.errors import IndexUnavailable
from search.facets import DateRange
from search.generation import Generation
from search.query import Highlight, related_query
from search.requests import SearchRequest
from search.scoring import evaluate

log = logging.getLogger(__name__)



class _Selection:
    """The documents a query matches with their scores, the filter masks over them that the facets
    combine, and the hits: the matches with near-duplicates collapsed (unless asked not to)."""

    def __init__(self, gen: Generation, query, req: SearchRequest, window: DateRange) -> None:
        facets = gen.facets
        self.facets = facets
        if query is None:
            docs, scores = facets.all_docs(), None
        else:
            docs, scores = evaluate(gen.searcher(), query, gen.scoring)
            live = facets.live[docs]
            docs, scores = docs[live], scores[live]
        everything = np.ones(len(docs), dtype=bool)
        self.docs = docs
        self.lang = facets.lang_mask(docs, req.lang) if req.lang else everything
        self.actor = facets.actor_mask(docs, req.actor) if req.actor else everything
        self.date = facets.date_mask(docs, window) if window.active else everything
        chosen = self.lang & self.actor & self.date
        self.matching = docs[chosen]
        self.scores = scores[chosen] if scores is not None else None

    def hits(self, duplicates: Duplicates, sort: str, collapse: bool) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """(documents, scores or None, copies of each among the matches), ranked by `sort`."""
        docs, scores = self.matching, self.scores if sort == "relevance" else None
        keep, copies = _collapse(self.facets, duplicates, docs, scores, sort)
        if collapse:
            docs, copies = docs[keep], copies[keep]
            scores = scores[keep] if scores is not None else None
        if scores is None:
            order = _order(self.facets, docs, None, sort)
            return docs[order], None, copies[order]
        return docs, scores, copies

    # Multi-select facets count with every filter but their own; drill-down counts with all.
    def lang_counts(self) -> dict[str, int]:
        return self.facets.lang_counts(self.docs[self.actor & self.date])

    def date_counts(self, interval: str) -> dict[str, int]:
        return self.facets.date_counts(self.docs[self.lang & self.actor], interval)

    def actor_counts(self) -> dict[str, int]:
        return self.facets.actor_counts(self.matching)


def _order(facets, docs: np.ndarray, scores: np.ndarray | None, sort: str) -> np.ndarray:
    if scores is not None:
        return facets.score_order(docs, scores)
    return facets.date_order(docs, newest_first=sort != "oldest")


def _collapse(facets, duplicates: Duplicates, docs: np.ndarray, scores: np.ndarray | None, sort: str):
    """duplicates.collapse over `docs` ranked by `sort` (by score when there are scores)."""
    grouped = np.flatnonzero(duplicates.group_of[docs] >= 0)
    ranked = grouped[_order(facets, docs[grouped], scores[grouped] if scores is not None else None, sort)]
    return duplicates.collapse(docs, ranked)


def _best(facets, docs: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` best-scoring documents: highest score first, then newest."""
    positions = np.arange(len(docs))
    if len(docs) > count:
        threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
        positions = np.flatnonzero(scores >= threshold)  # every tie at the threshold: the order decides
    return positions[facets.score_order(docs[positions], scores[positions])][:count]


class WhooshView:
    """One generation, for one request (see search.backends.base.View)."""

    def __init__(self, gen: Generation) -> None:
        self.gen = gen
        self.name = gen.name
        self.langs = gen.facets.langs
        self.results = gen.results
        self.split = gen.compounds.split
        self.vocabulary = gen.searcher().reader()

    def _fields(self, docnum: int) -> dict:
        return self.gen.searcher().stored_fields(docnum)

    def find(self, query, req: SearchRequest, window: DateRange, sort: str) -> Found:
        gen = self.gen
        found = _Selection(gen, query, req, window)
        start = (req.page - 1) * req.size
        docs, scores, copies = found.hits(gen.duplicates, sort, req.collapse)
        if scores is not None:
            page = [Hit(self._fields(int(docs[k])), float(scores[k]), int(copies[k])) for k in _best(gen.facets, docs, scores, start + req.size)[start:]]
        else:
            page = [Hit(self._fields(int(d)), None, int(n)) for d, n in zip(docs[start : start + req.size], copies[start : start + req.size])]
        return Found(
            total=int(len(found.matching)),
            collapsed=int(len(found.matching) - len(docs)),
            hits=page,
            langs=found.lang_counts(),
            actors=found.actor_counts(),
            dates=found.date_counts(req.interval),
        )

    def count(self, query, req: SearchRequest, window: DateRange) -> int:
        return len(_Selection(self.gen, query, req, window).matching)

    def tally(self, query, req: SearchRequest, window: DateRange, interval: str) -> Tally:
        matching = _Selection(self.gen, query, req, window).matching
        facets = self.gen.facets
        return Tally(len(matching), facets.date_counts(matching, interval), facets.actor_counts(matching))

    def export(self, query, req: SearchRequest, window: DateRange, sort: str) -> Iterator[dict]:
        docs, scores, _ = _Selection(self.gen, query, req, window).hits(self.gen.duplicates, sort, req.collapse)
        if scores is not None:
            docs = docs[self.gen.facets.score_order(docs, scores)]
        for docnum in docs:
            yield self._fields(int(docnum))

    def _docnum(self, doc_id: str) -> int | None:
        docnum = self.gen.searcher().document_number(id=doc_id)
        return docnum if docnum is not None and self.gen.facets.live[docnum] else None

    def stored(self, doc_id: str) -> dict | None:
        docnum = self._docnum(doc_id)
        return None if docnum is None else self._fields(docnum)

    def copies(self, doc_id: str) -> list[dict]:
        docnum = self._docnum(doc_id)
        return [] if docnum is None else [self._fields(int(d)) for d in self.gen.duplicates.copies(docnum)]

    def related(self, doc_id: str, size: int) -> tuple[list[Hit], Highlight]:
        """Articles like it (see related_query): its most telling words by Whoosh's Bo1 model."""
        gen, searcher = self.gen, self.gen.searcher()
        docnum = self._docnum(doc_id)
        stored = searcher.stored_fields(docnum)
        words = searcher.key_terms_from_text(text_field(stored["lang"]), stored["text"], numterms=RELATED_WORDS)
        actors = [a for a, _ in stored["actor_mentions"][:RELATED_ACTORS]]
        compiled = related_query(stored["lang"], words, actors, gen.facets.langs)
        docs, scores = evaluate(searcher, compiled.query, gen.scoring)
        unwanted = np.concatenate([[docnum], gen.duplicates.copies(docnum)])
        keep = gen.facets.live[docs] & ~np.isin(docs, unwanted)
        docs, scores = docs[keep], scores[keep]
        keep, _ = _collapse(gen.facets, gen.duplicates, docs, scores, "relevance")  # one copy of a story
        docs, scores = docs[keep], scores[keep]
        return [Hit(self._fields(int(docs[k])), float(scores[k])) for k in _best(gen.facets, docs, scores, size)], compiled.highlight

    def actor_counts(self) -> dict[str, int]:
        live = self.gen.facets.live
        return {a: int(live[d].sum()) for a, d in self.gen.facets.actor_docs.items()}

    def lang_counts(self) -> dict[str, int]:
        return self.gen.facets.lang_counts(self.gen.facets.all_docs())

    def report(self) -> dict:
        return self.gen.report


class WhooshBackend:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._generation: Generation | None = None
        self.refused: dict | None = None  # the live generation when it was found damaged: its name and why
        self._checked = 0.0
        self._lock = threading.Lock()
        self._loading = threading.Lock()

    def refresh(self, force: bool = False) -> None:
        """Switch to the live generation if it changed since the last look.

        The new generation is opened while requests go on being served from the old one; one thread
        opens it, the others do not wait for it.
        """
        now = time.monotonic()
        if not force and now - self._checked < RELOAD_SECONDS:
            return
        self._checked = now
        name = store.current_name(self.index_dir)
        if name is None or (self._generation is not None and self._generation.name == name):
            return
        if self.refused and self.refused["generation"] == name:
            return  # found damaged before: not read again on every request, until a build replaces it
        if not self._loading.acquire(blocking=force or self._generation is None):
            return  # another thread is opening it; serve the current one meanwhile
        try:
            current = self._generation
            if current is not None and current.name == name:
                return
            fresh = self._open_checked(name, fallback=current is None)
            if fresh is None:
                return
            with self._lock:
                self._generation = fresh
        finally:
            self._loading.release()
        if current is not None:
            current.retire()

    def _open_checked(self, name: str, fallback: bool) -> Generation | None:
        """The generation `name` opened once its files are what its build recorded (store.verify). A
        damaged one is refused and said so; with nothing served yet (`fallback`), the newest good
        generation kept beside it is opened instead."""
        generations = store.generations_dir(self.index_dir)
        candidates = [name] + sorted((p.name for p in generations.iterdir() if p.name != name and store.complete(p)), reverse=True)
        for candidate in candidates if fallback else candidates[:1]:
            problem = store.verify(generations / candidate)
            if problem is None:
                try:
                    opened = Generation(generations / candidate)
                except Exception as exc:  # pruned under us, or damaged in a way no checksum was kept for
                    problem = f"it could not be opened: {type(exc).__name__}: {exc}"
                else:
                    if candidate == name:
                        self.refused = None
                    elif self.refused:
                        log.error("serving index generation %s instead of the damaged live one %s", candidate, name)
                    return opened
            if candidate == name:
                self.refused = {"generation": name, "reason": problem}
                log.error("refused index generation %s: %s", name, problem)
        return None

    def start(self) -> None:
        self.refresh(force=True)

    @contextmanager
    def view(self) -> Iterator[WhooshView]:
        """The live generation, held for one request. If this thread's searcher cannot be opened (the
        generation was pruned by later builds before this server looked), look again once."""
        for retry in (False, True):
            self.refresh(force=retry)
            with self._lock:
                generation = self._generation.acquire() if self._generation else None
            if generation is None and self.refused:
                raise IndexUnavailable(
                    f"the live index generation {self.refused['generation']} is damaged ({self.refused['reason']}) and no good one "
                    f"is kept beside it; rebuild it with newsfacet-index --full"
                )
            if generation is None:
                raise IndexUnavailable(f"no index has been built in {self.index_dir} yet; run newsfacet-index")
            try:
                generation.searcher()
                break
            except Exception:
                generation.release()
                if retry:
                    raise
                log.warning("could not open a searcher on generation %s; looking for a newer one", generation.name)
        try:
            yield WhooshView(generation)
        finally:
            generation.release()

    def health(self) -> dict:
        """`ok`, or `degraded` with the generation refused and why, while an older one is served."""
        with self.view() as view:
            found = {"status": "ok", "documents": int(view.gen.facets.live.sum()), "generation": view.name}
        if self.refused:
            found |= {"status": "degraded", "refused": self.refused}
        return found

    def last_build(self) -> dict | None:
        return store.read_last_build(self.index_dir)

    def close(self) -> None:
        with self._lock:
            generation, self._generation = self._generation, None
        if generation:
            generation.retire()
