"""SearchService: search(), document(), actors(), stats(), health() — the API's only way in. A
request is checked by search.requests, the answers are shaped by search.shaping; what is here finds
them in the Whoosh index.

The service serves the index folder's live generation and checks the CURRENT pointer before each
request (at most every RELOAD_SECONDS): after a rebuild it switches to the new generation without a
restart, and requests already running finish on the old one.
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
from index.actors import Gazetteer, load_gazetteer
from index.language import LANGUAGES
from index.schema import text_field
from search.collapse import Duplicates
from search.errors import IndexUnavailable, NotFound
from search.facets import DateRange
from search.generation import Generation
from search.query import compile_query, related_query
from search.requests import MAX_SIZE, SearchRequest, check_range, validate
from search.scoring import evaluate
from search.shaping import Shaper
from search.suggest import suggest

log = logging.getLogger(__name__)

RELOAD_SECONDS = 0.5
SUGGEST_BELOW = 1  # offer a corrected query when fewer hits than this
RELATED_WORDS = 12  # the document's most telling words (Whoosh's Bo1 model) a related query uses
RELATED_ACTORS = 3  # and the actors it mentions most


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


class SearchService:
    def __init__(self, index_dir: Path, actors_file: str | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.gazetteer: Gazetteer = load_gazetteer(actors_file)
        self.shape = Shaper(self.gazetteer)
        self._generation: Generation | None = None
        self.refused: dict | None = None  # the live generation when it was found damaged: its name and why
        self._checked = 0.0
        self._lock = threading.Lock()
        self._loading = threading.Lock()

    # -- generations ------------------------------------------------------------------------
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

    @contextmanager
    def _use(self) -> Iterator[Generation]:
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
            yield generation
        finally:
            generation.release()

    def close(self) -> None:
        with self._lock:
            generation, self._generation = self._generation, None
        if generation:
            generation.retire()

    # -- search -----------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> dict:
        started = time.perf_counter()
        window, sort = validate(req, self.gazetteer)
        key = repr(req)  # after validation: every field of the request, languages normalised
        with self._use() as gen:
            result = gen.results.get(key)
            if result is None:
                result = self._search(gen, req, window, sort)
                gen.results.put(key, result)
        return result | {"took_ms": round((time.perf_counter() - started) * 1000, 2)}

    def _search(self, gen: Generation, req: SearchRequest, window: DateRange, sort: str) -> dict:
        searcher = gen.searcher()
        compiled = compile_query(req.q, gen.facets.langs, self.gazetteer, gen.compounds.split)
        if not compiled.ranked:
            sort = "oldest" if sort == "oldest" else "newest"  # nothing to rank by (`-Iran`)
        found = _Selection(gen, compiled.query, req, window)
        start = (req.page - 1) * req.size
        docs, scores, copies = found.hits(gen.duplicates, sort, req.collapse)
        if scores is not None:
            page = _best(gen.facets, docs, scores, start + req.size)[start:]
            page = [(int(docs[k]), float(scores[k]), int(copies[k])) for k in page]
        else:
            page = [(int(d), None, int(n)) for d, n in zip(docs[start : start + req.size], copies[start : start + req.size])]
        hits = [self.shape.hit(searcher.stored_fields(d), score, compiled.highlight, n) for d, score, n in page]
        result = {
            "query": {
                "q": req.q, "lang": req.lang, "actor": req.actor, "from": req.date_from,
                "to": req.date_to, "sort": sort, "page": req.page, "size": req.size, "collapse": req.collapse,
            },
            "total": int(len(found.matching)),
            "collapsed": int(len(found.matching) - len(docs)),
            "hits": hits,
            "facets": {
                "lang": self.shape.lang_facet(found.lang_counts(), req.lang),
                "actor": self.shape.actor_facet(found.actor_counts(), req.actor, req.facet_size),
                "date": self.shape.date_facet(found.date_counts(req.interval), window),
            },
            "suggestion": None,
        }
        if compiled.query is not None and len(found.matching) < SUGGEST_BELOW:
            def count(text: str) -> int:
                query = compile_query(text, gen.facets.langs, self.gazetteer, gen.compounds.split).query
                return len(_Selection(gen, query, req, window).matching)

            better = suggest(req.q, searcher.reader(), gen.facets.langs, self.gazetteer, count)
            if better:
                result["suggestion"] = {"q": better[0], "total": better[1]}
        return result

    # -- other routes -----------------------------------------------------------------------
    def document(self, doc_id: str, include_removed: bool = False) -> dict:
        with self._use() as gen:
            searcher = gen.searcher()
            docnum = self._docnum(gen, doc_id)
            stored = searcher.stored_fields(docnum)
            copies = sorted((self.shape.ref(searcher.stored_fields(int(d))) for d in gen.duplicates.copies(docnum)), key=lambda c: c["id"])
        return self.shape.document(stored, copies, include_removed)

    def related(self, doc_id: str, size: int = 10) -> list[dict]:
        """The `size` articles most like `doc_id` (see related_query), its near-duplicates left out."""
        check_range(1, MAX_SIZE, size, "size")
        with self._use() as gen:
            searcher = gen.searcher()
            docnum = self._docnum(gen, doc_id)
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
            best = _best(gen.facets, docs, scores, size)
            return [
                self.shape.hit(searcher.stored_fields(int(docs[k])), float(scores[k]), compiled.highlight) for k in best
            ]

    @staticmethod
    def _docnum(gen: Generation, doc_id: str) -> int:
        docnum = gen.searcher().document_number(id=doc_id)
        if docnum is None or not gen.facets.live[docnum]:
            raise NotFound(f"no document with id {doc_id!r}", "id")
        return docnum

    def actors(self, q: str = "", limit: int = 10) -> list[dict]:
        check_range(1, MAX_SIZE, limit, "limit")
        with self._use() as gen:
            live = gen.facets.live
            docs = gen.facets.actor_docs
            counts = {a: int(live[d].sum()) for a, d in docs.items()}
        candidates = self.gazetteer.complete(q) if q.strip() else [
            self.gazetteer.actors[a] for a in counts if a in self.gazetteer.actors
        ]
        ranked = sorted(candidates, key=lambda a: (-counts.get(a.id, 0), a.label))
        return [
            {"id": a.id, "label": a.label, "labels": dict(a.labels), "type": a.type, "count": counts.get(a.id, 0)}
            for a in ranked[:limit]
        ]

    def stats(self) -> dict:
        with self._use() as gen:
            report = gen.report
            return {
                "documents": int(gen.facets.live.sum()),
                "languages": {c: {"label": LANGUAGES[c].label, "documents": n} for c, n in gen.facets.lang_counts(gen.facets.all_docs()).items()},
                "dated": report["dated"],
                "generation": gen.name,
                "built_at": report["built_at"],
                "build_seconds": report["seconds"],
                "corpus": report["corpus"],
                "files": report["files"],
                "skipped": report["skipped"],
                "removed": report["removed"],
                "top_actors": [self.shape.actor_ref(a) | {"count": n} for a, n in list(report["actors"].items())[:20]],
            }

    def health(self) -> dict:
        """`ok`, or `degraded` with the generation refused and why, while an older one is served."""
        with self._use() as gen:
            found = {"status": "ok", "documents": int(gen.facets.live.sum()), "generation": gen.name}
        if self.refused:
            found |= {"status": "degraded", "refused": self.refused}
        return found

    def facts(self) -> dict:
        """For the metrics: the generation served and its documents (none without an index), and how
        the last build ended."""
        try:
            facts = self.health()
        except IndexUnavailable:
            facts = {"generation": None, "documents": 0}
        return facts | {"last_build": store.read_last_build(self.index_dir)}
