"""SearchService: search(), document(), related(), actors(), stats(), health() — the API's only way
in, whichever backend holds the index. A request is checked by search.requests and compiled by
search.query, a backend's view of one generation finds the answer (search.backends), and
search.shaping turns it into the API's JSON.
"""

from __future__ import annotations

import time
from pathlib import Path

from index.actors import Gazetteer, load_gazetteer
from index.language import LANGUAGES
from search.backends.base import Backend, View
from search.backends.whoosh import WhooshBackend
from search.errors import IndexUnavailable, NotFound
from search.facets import DateRange
from search.query import compile_query
from search.requests import MAX_SIZE, SearchRequest, check_range, validate
from search.shaping import Shaper
from search.suggest import suggest

SUGGEST_BELOW = 1  # offer a corrected query when fewer hits than this


class SearchService:
    def __init__(self, backend: Backend | Path, actors_file: str | None = None) -> None:
        """`backend`, or an index folder: the embedded Whoosh backend over it."""
        self.backend = backend if not isinstance(backend, (str, Path)) else WhooshBackend(Path(backend))
        self.gazetteer: Gazetteer = load_gazetteer(actors_file)
        self.shape = Shaper(self.gazetteer)

    def start(self) -> None:
        self.backend.start()

    def search(self, req: SearchRequest) -> dict:
        started = time.perf_counter()
        window, sort = validate(req, self.gazetteer)
        key = repr(req)  # after validation: every field of the request, languages normalised
        with self.backend.view() as view:
            result = view.results.get(key)
            if result is None:
                result = self._search(view, req, window, sort)
                view.results.put(key, result)
        return result | {"took_ms": round((time.perf_counter() - started) * 1000, 2)}

    def _search(self, view: View, req: SearchRequest, window: DateRange, sort: str) -> dict:
        compiled = compile_query(req.q, view.langs, self.gazetteer, view.split)
        if not compiled.ranked:
            sort = "oldest" if sort == "oldest" else "newest"  # nothing to rank by (`-Iran`)
        found = view.find(compiled.query, req, window, sort)
        result = {
            "query": {
                "q": req.q, "lang": req.lang, "actor": req.actor, "from": req.date_from,
                "to": req.date_to, "sort": sort, "page": req.page, "size": req.size, "collapse": req.collapse,
            },
            "total": found.total,
            "collapsed": found.collapsed,
            "hits": [self.shape.hit(h.stored, h.score, compiled.highlight, h.copies) for h in found.hits],
            "facets": {
                "lang": self.shape.lang_facet(found.langs, req.lang),
                "actor": self.shape.actor_facet(found.actors, req.actor, req.facet_size),
                "date": self.shape.date_facet(found.dates, window),
            },
            "suggestion": None,
        }
        if compiled.query is not None and found.total < SUGGEST_BELOW:
            def count(text: str) -> int:
                return view.count(compile_query(text, view.langs, self.gazetteer, view.split).query, req, window)

            better = suggest(req.q, view.vocabulary, view.langs, self.gazetteer, count)
            if better:
                result["suggestion"] = {"q": better[0], "total": better[1]}
        return result

    def document(self, doc_id: str, include_removed: bool = False) -> dict:
        with self.backend.view() as view:
            stored = self._stored(view, doc_id)
            copies = sorted((self.shape.ref(c) for c in view.copies(doc_id)), key=lambda c: c["id"])
        return self.shape.document(stored, copies, include_removed)

    def related(self, doc_id: str, size: int = 10) -> list[dict]:
        """The `size` articles most like `doc_id` (see search.query.related_query), its near-duplicates left out."""
        check_range(1, MAX_SIZE, size, "size")
        with self.backend.view() as view:
            self._stored(view, doc_id)
            hits, highlight = view.related(doc_id, size)
        return [self.shape.hit(h.stored, h.score, highlight) for h in hits]

    @staticmethod
    def _stored(view: View, doc_id: str) -> dict:
        stored = view.stored(doc_id)
        if stored is None:
            raise NotFound(f"no document with id {doc_id!r}", "id")
        return stored

    def actors(self, q: str = "", limit: int = 10) -> list[dict]:
        check_range(1, MAX_SIZE, limit, "limit")
        with self.backend.view() as view:
            counts = view.actor_counts()
        candidates = self.gazetteer.complete(q) if q.strip() else [
            self.gazetteer.actors[a] for a in counts if a in self.gazetteer.actors
        ]
        ranked = sorted(candidates, key=lambda a: (-counts.get(a.id, 0), a.label))
        return [
            {"id": a.id, "label": a.label, "labels": dict(a.labels), "type": a.type, "count": counts.get(a.id, 0)}
            for a in ranked[:limit]
        ]

    def stats(self) -> dict:
        with self.backend.view() as view:
            report, langs = view.report(), view.lang_counts()
            return {
                "documents": sum(langs.values()),
                "languages": {c: {"label": LANGUAGES[c].label, "documents": n} for c, n in langs.items()},
                "dated": report["dated"],
                "generation": view.name,
                "built_at": report["built_at"],
                "build_seconds": report["seconds"],
                "corpus": report["corpus"],
                "files": report["files"],
                "skipped": report["skipped"],
                "removed": report["removed"],
                "top_actors": [self.shape.actor_ref(a) | {"count": n} for a, n in list(report["actors"].items())[:20]],
            }

    def health(self) -> dict:
        return self.backend.health()

    def facts(self) -> dict:
        """For the metrics: the generation served and its documents (none without an index), and how
        the last build ended."""
        try:
            facts = self.health()
        except IndexUnavailable:
            facts = {"generation": None, "documents": 0}
        return facts | {"last_build": self.backend.last_build()}

    def close(self) -> None:
        self.backend.close()
