"""SearchService: search(), trends(), co_mentions(), export(), feed(), document(), related(),
actors(), stats(), health() — the API's only way in, whichever backend holds the index. A request is
checked by search.requests and compiled by search.query, a backend's view of one generation finds
the answer (search.backends), and search.shaping turns it into the API's JSON.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from index.actors import Gazetteer, load_gazetteer
from index.language import LANGUAGES
from search import comentions, trends
from search.backends.base import Backend, Tally, View
from search.backends.whoosh import WhooshBackend
from search.errors import IndexUnavailable, InvalidParameter, NotFound
from search.facets import DateRange
from search.query import compile_query
from search.requests import MAX_RESULT_WINDOW, MAX_SIZE, SearchRequest, check_range, validate
from search.shaping import Shaper
from search.suggest import suggest

SUGGEST_BELOW = 1  # offer a corrected query when fewer hits than this
FEED_SIZE = 50  # most entries a feed holds


class SearchService:
    def __init__(self, backend: Backend | Path, actors_file: str | None = None, export_limit: int = MAX_RESULT_WINDOW) -> None:
        """`backend`, or an index folder: the embedded Whoosh backend over it; `export_limit`: the
        most documents an export holds (at most MAX_RESULT_WINDOW, OpenSearch's result window)."""
        self.backend = backend if not isinstance(backend, (str, Path)) else WhooshBackend(Path(backend))
        check_range(1, MAX_RESULT_WINDOW, export_limit, "export_limit")
        self.export_limit = export_limit
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
        sort = _ranked(compiled, sort)
        found = view.find(compiled.query, req, window, sort)
        result = {
            "query": self._echo(req) | {"sort": sort, "page": req.page, "size": req.size, "collapse": req.collapse},
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

    @staticmethod
    def _echo(req: SearchRequest) -> dict:
        return {"q": req.q, "lang": req.lang, "actor": req.actor, "from": req.date_from, "to": req.date_to}

    def trends(self, req: SearchRequest, split: str | None = None) -> dict:
        """Matching articles per period and their share of all articles of their languages, per series (search.trends)."""
        started = time.perf_counter()
        window, _ = validate(req, self.gazetteer)

        def label(kind: str, value: str) -> str:
            return LANGUAGES[value].label if kind == "lang" else self.shape.actor_ref(value)["label"]

        with self.backend.view() as view:
            series = trends.plan(req, split, view.langs, label)
            query = compile_query(req.q, view.langs, self.gazetteer, view.split).query
            counted = [view.tally(query, s.request, window, req.interval) for s in series]
            bases: dict[str, Tally] = {}  # series of one language share one base
            for s in series:
                key = repr(s.base)
                if key not in bases:
                    bases[key] = view.tally(None, s.base, window, req.interval)
        shaped = trends.shape(series, counted, [bases[repr(s.base)] for s in series])
        echo = self._echo(req) | {"interval": req.interval, "split": split}
        return {"query": echo, **shaped, "took_ms": round((time.perf_counter() - started) * 1000, 2)}

    def co_mentions(self, actor: str, req: SearchRequest, min_count: int = 2, size: int = 10, order: str = "lift") -> dict:
        """The actors most often named in the same articles as `actor`, under the search (search.comentions)."""
        if actor not in self.gazetteer.actors:
            raise NotFound(f"no actor {actor!r}; GET /actors lists them", "id")
        window, _ = validate(req, self.gazetteer)
        check_range(1, MAX_SIZE, size, "size")
        if min_count < 1:
            raise InvalidParameter("min_count must be at least 1", "min_count")
        if order not in comentions.ORDERS:
            raise InvalidParameter(f"sort must be one of {', '.join(comentions.ORDERS)}", "sort")
        with self.backend.view() as view:
            query = compile_query(req.q, view.langs, self.gazetteer, view.split).query
            within = view.tally(query, req, window, req.interval)
            with_actor = view.tally(query, replace(req, actor=list(dict.fromkeys(req.actor + [actor]))), window, req.interval)
        ranked = comentions.rank(actor, within, with_actor, min_count, order, set(req.actor))
        return {
            "actor": self.shape.actor_ref(actor),
            "query": self._echo(req),
            "articles": within.total,
            "with_actor": with_actor.total,
            "co_mentions": [self.shape.actor_ref(c["id"]) | c for c in ranked[:size]],
        }

    def export(self, req: SearchRequest, text: bool = False) -> tuple[int, Iterator[dict]]:
        """(how many, the rows): every document the search lists, in its order, one of each group
        of near-duplicates unless `collapse` is off. A search listing more than the export limit is
        refused before anything is sent; the index generation is held until the rows are read."""
        rows = self._export(req, text)
        return next(rows), rows

    def _export(self, req: SearchRequest, text: bool) -> Iterator:
        window, sort = validate(req, self.gazetteer)
        with self.backend.view() as view:
            compiled = compile_query(req.q, view.langs, self.gazetteer, view.split)
            sort = _ranked(compiled, sort)
            found = view.find(compiled.query, replace(req, page=1, size=1), window, sort)
            listed = found.total - found.collapsed
            if listed > self.export_limit:
                raise InvalidParameter(
                    f"this search lists {listed} articles and an export holds at most {self.export_limit}; narrow it (lang, actor, from, to) "
                    "and export it in parts", "q",
                )
            yield listed
            for stored in view.export(compiled.query, req, window, sort):
                yield self.shape.row(stored, text)

    def feed(self, req: SearchRequest, size: int = 20) -> dict:
        """The newest articles the search lists (at most FEED_SIZE), and when the index was built."""
        check_range(1, FEED_SIZE, size, "size")
        found = self.search(replace(req, sort="newest", page=1, size=size))
        with self.backend.view() as view:
            built_at = view.report()["built_at"]
        return found | {"built_at": built_at}

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


def _ranked(compiled, sort: str) -> str:
    """The sort, newest first instead of by relevance when there is nothing to rank by (`-Iran`)."""
    return "newest" if sort == "relevance" and not compiled.ranked else sort
