"""The cluster backend: the alias NEWSFACET_OPENSEARCH_INDEX on an OpenSearch cluster.

The alias is resolved to its concrete index (one per build generation) at most every
RELOAD_SECONDS, and a request runs against that index throughout: a rebuild that moves the alias
never gives one answer from two generations. Facets are filter aggregations beside a `post_filter`;
near-duplicates collapse on their group key. A cluster that cannot be reached is IndexUnavailable
(the API's 503), saying where it looked; the next request tries again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy.exceptions import ConnectionError as ClusterUnreachable
from opensearchpy.exceptions import NotFoundError, TransportError

from index import store
from index.language import LANGUAGES
from index.opensearch.client import alias_index, connect, describe
from index.opensearch.mapping import COLLAPSE_KEY, DUPLICATE_GROUP, FIRST_DAY, SEQUENCE, STORED, period_field
from index.opensearch.target import builds_index
from index.schema import ACTORS_FIELD, DATE_FIELD, ID_FIELD, LANG_FIELD, text_field, words_field
from index.settings import Settings
from search.backends.base import RELATED_ACTORS, RELATED_WORDS, RELOAD_SECONDS, RESULTS_CACHED, Found, Hit, Tally
from search.backends.opensearch_dsl import Filters, translate
from search.compounds import Compounds
from search.errors import IndexUnavailable
from search.facets import UNDATED, DateRange
from search.lru import LruCache
from search.query import Highlight, related_query
from search.requests import MAX_RESULT_WINDOW, SearchRequest

log = logging.getLogger(__name__)

SOURCE = [ID_FIELD, LANG_FIELD, DATE_FIELD, STORED, DUPLICATE_GROUP]
ALL_VALUES = 10_000  # terms aggregations that must list every value: languages, actors, periods
EXACT_GROUPS = 40_000  # near-duplicate groups among the matches counted exactly up to this many
VOCABULARY_PAGE = 10_000
EXPORT_PAGE = 1_000  # documents an export asks for at a time
SUGGESTIONS = 100  # words within two edits a spelling suggestion weighs


def _stored(hit: dict) -> dict:
    source = hit["_source"]
    return {"id": source[ID_FIELD], "lang": source[LANG_FIELD], "date": source.get(DATE_FIELD)} | source[STORED]


def _sort(sort: str) -> list:
    newest = {FIRST_DAY: {"order": "desc", "missing": "_last"}}
    if sort == "relevance":
        return ["_score", newest, {SEQUENCE: "asc"}]
    if sort == "oldest":
        return [{FIRST_DAY: {"order": "asc", "missing": "_last"}}, {SEQUENCE: "asc"}]
    return [newest, {SEQUENCE: "asc"}]


def _buckets(aggregation: dict) -> dict[str, int]:
    return {b["key"]: b["doc_count"] for b in aggregation["buckets"] if b["doc_count"]}


def _filtered(query, req: SearchRequest, window: DateRange) -> dict:
    """`query` under every filter of the request."""
    return {"bool": {"must": [translate(query)], "filter": [Filters(req, window).every()]}}


def _terms(call, field: str, **index) -> dict[str, int]:
    """Documents per value of a keyword field over the whole index, asked through `call`."""
    body = {"size": 0, "aggs": {"values": {"terms": {"field": field, "size": ALL_VALUES}}}}
    return _buckets(call("search", body=body, **index)["aggregations"]["values"])


class _Vocabulary:
    """The index's words for spelling suggestions: document frequencies from counts, words within
    two edits from the term suggester over the unstemmed words fields."""

    def __init__(self, view: OpenSearchView) -> None:
        self.view = view
        self.known: dict[tuple[str, str], int] = {}

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        if key not in self.known:
            self.known[key] = self.view.call("count", body={"query": {"term": {fieldname: term}}})["count"]
        return self.known[key]

    def terms_within(self, fieldname: str, word: str, maxdist: int, prefix: int) -> list[str]:
        suggester = {
            "field": fieldname, "suggest_mode": "always", "max_edits": maxdist, "prefix_length": prefix, "min_word_length": 1,
            "size": SUGGESTIONS, "shard_size": SUGGESTIONS, "string_distance": "levenshtein", "max_term_freq": 1.0, "min_doc_freq": 0,
        }
        body = {"size": 0, "suggest": {"words": {"text": word, "term": suggester}}}
        options = [o for entry in self.view.call("search", body=body)["suggest"]["words"] for o in entry["options"]]
        for option in options:
            self.known[(fieldname, option["text"])] = option["freq"]
        return [o["text"] for o in options]


class OpenSearchView:
    """The concrete index the alias pointed at, for one request (see search.backends.base.View)."""

    def __init__(self, backend: OpenSearchBackend, index: str, state: _IndexState) -> None:
        self.backend, self.index, self.state, self.name = backend, index, state, state.generation
        self.langs, self.results, self.split = state.langs, state.results, state.compounds.split
        self.vocabulary = _Vocabulary(self)

    def call(self, method: str, **kwargs) -> dict:
        """A call on this view's index. Should a later build have deleted it meanwhile (this server
        looked at the alias before the build moved it twice), the alias is looked at again, once."""
        try:
            return self.backend.call(method, index=self.index, **kwargs)
        except NotFoundError as exc:
            if exc.error != "index_not_found_exception":
                raise
            self.state = self.backend.current(force=True)
            self.index = self.state.index
            return self.backend.call(method, index=self.index, **kwargs)

    def find(self, query, req: SearchRequest, window: DateRange, sort: str) -> Found:
        filters = Filters(req, window)
        body: dict = {
            "query": translate(query),
            "post_filter": filters.every(),
            "from": (req.page - 1) * req.size,
            "size": req.size,
            "sort": _sort(sort),
            "track_total_hits": True,
            "_source": SOURCE,
            "aggs": {
                "langs": {"filter": filters.but_lang(), "aggs": {"values": {"terms": {"field": LANG_FIELD, "size": ALL_VALUES}}}},
                "dates": {
                    "filter": filters.but_date(),
                    "aggs": {
                        "values": {"terms": {"field": period_field(req.interval), "size": ALL_VALUES}},
                        "undated": {"missing": {"field": FIRST_DAY}},
                    },
                },
                "matching": {
                    "filter": filters.every(),
                    "aggs": {
                        "actors": {"terms": {"field": ACTORS_FIELD, "size": ALL_VALUES}},
                        "grouped": {"value_count": {"field": DUPLICATE_GROUP}},
                        "groups": {"cardinality": {"field": DUPLICATE_GROUP, "precision_threshold": EXACT_GROUPS}},
                    },
                },
            },
        }
        if req.collapse:
            body["collapse"] = {"field": COLLAPSE_KEY}
        answer = self.call("search", body=body, params=self._search_params(sort))
        aggs = answer["aggregations"]
        matching = aggs["matching"]
        total = matching["doc_count"]
        collapsed = matching["grouped"]["value"] - matching["groups"]["value"] if req.collapse else 0
        ranked = sort == "relevance" and query is not None
        hits = [Hit(_stored(h), h["_score"] if ranked else None) for h in answer["hits"]["hits"]]
        self._count_copies(answer["hits"]["hits"], hits, filters, query)
        dates = _buckets(aggs["dates"]["values"])
        if aggs["dates"]["undated"]["doc_count"]:
            dates[UNDATED] = aggs["dates"]["undated"]["doc_count"]
        return Found(total, collapsed, hits, _buckets(aggs["langs"]["values"]), _buckets(matching["actors"]), dates)

    @staticmethod
    def _search_params(sort: str) -> dict:
        # BM25 statistics of the whole index rather than of each shard: scores closer to one index's
        return {"search_type": "dfs_query_then_fetch"} if sort == "relevance" else {}

    def _count_copies(self, raw: list[dict], hits: list[Hit], filters: Filters, query) -> None:
        """How many other documents of each hit's group match: one count over the page's groups
        (a collapse's inner hits would cost a search per hit)."""
        groups = sorted({h["_source"][DUPLICATE_GROUP] for h in raw if h["_source"].get(DUPLICATE_GROUP)})
        if not groups:
            return
        body = {
            "size": 0,
            "query": {"bool": {"must": [translate(query)], "filter": [filters.every(), {"terms": {DUPLICATE_GROUP: groups}}]}},
            "aggs": {"groups": {"terms": {"field": DUPLICATE_GROUP, "size": len(groups)}}},
        }
        counts = _buckets(self.call("search", body=body)["aggregations"]["groups"])
        for hit, source in zip(hits, raw):
            group = source["_source"].get(DUPLICATE_GROUP)
            hit.copies = counts.get(group, 1) - 1 if group else 0

    def count(self, query, req: SearchRequest, window: DateRange) -> int:
        return self.call("count", body={"query": _filtered(query, req, window)})["count"]

    def tally(self, query, req: SearchRequest, window: DateRange, interval: str) -> Tally:
        body = {
            "size": 0,
            "track_total_hits": True,
            "query": _filtered(query, req, window),
            "aggs": {
                "dates": {"terms": {"field": period_field(interval), "size": ALL_VALUES}},
                "undated": {"missing": {"field": FIRST_DAY}},
                "actors": {"terms": {"field": ACTORS_FIELD, "size": ALL_VALUES}},
            },
        }
        answer = self.call("search", body=body)
        aggs = answer["aggregations"]
        dates = _buckets(aggs["dates"])
        if aggs["undated"]["doc_count"]:
            dates[UNDATED] = aggs["undated"]["doc_count"]
        return Tally(answer["hits"]["total"]["value"], dates, _buckets(aggs["actors"]))

    def export(self, query, req: SearchRequest, window: DateRange, sort: str) -> Iterator[dict]:
        """A page of EXPORT_PAGE at a time, within the index's result window (collapse works with
        `from`, not with a scroll; the service keeps an export within the window)."""
        body = {"query": _filtered(query, req, window), "sort": _sort(sort), "_source": SOURCE}
        if req.collapse:
            body["collapse"] = {"field": COLLAPSE_KEY}
        for start in range(0, MAX_RESULT_WINDOW, EXPORT_PAGE):
            size = min(EXPORT_PAGE, MAX_RESULT_WINDOW - start)
            hits = self.call("search", body=body | {"from": start, "size": size}, params=self._search_params(sort))["hits"]["hits"]
            yield from (_stored(h) for h in hits)
            if len(hits) < size:
                return

    def _get(self, doc_id: str) -> dict | None:
        try:
            found = self.call("get", id=doc_id, _source_includes=SOURCE)
        except NotFoundError:
            return None
        return found if found.get("found") else None

    def stored(self, doc_id: str) -> dict | None:
        found = self._get(doc_id)
        return _stored(found) if found else None

    def copies(self, doc_id: str) -> list[dict]:
        found = self._get(doc_id)
        return self._copies(found) if found else []

    def _copies(self, found: dict) -> list[dict]:
        """The near-duplicates of a document as `_get` found it."""
        group = found["_source"].get(DUPLICATE_GROUP)
        if not group:
            return []
        body = {"size": ALL_VALUES, "_source": SOURCE, "query": {"bool": {"filter": [{"term": {DUPLICATE_GROUP: group}}], "must_not": [{"ids": {"values": [found["_id"]]}}]}}}
        return [_stored(h) for h in self.call("search", body=body)["hits"]["hits"]]

    def related(self, doc_id: str, size: int) -> tuple[list[Hit], Highlight]:
        """Articles like it (see related_query): its most telling words by Whoosh's Bo1 model, with
        collection frequencies from the term vectors of the document's shard."""
        found = self._get(doc_id)
        stored = _stored(found)
        lang = stored["lang"]
        words = self._key_terms(doc_id, text_field(lang))
        actors = [a for a, _ in stored["actor_mentions"][:RELATED_ACTORS]]
        compiled = related_query(lang, words, actors, self.langs)
        unwanted = [doc_id] + [c["id"] for c in self._copies(found)]
        body = {
            "query": {"bool": {"must": [translate(compiled.query)], "must_not": [{"ids": {"values": unwanted}}]}},
            "size": size,
            "sort": _sort("relevance"),
            "_source": SOURCE,
            "collapse": {"field": COLLAPSE_KEY},
        }
        answer = self.call("search", body=body, params=self._search_params("relevance"))
        return [Hit(_stored(h), h["_score"]) for h in answer["hits"]["hits"]], compiled.highlight

    def _key_terms(self, doc_id: str, field: str) -> list[tuple[str, float]]:
        vectors = self.call(
            "termvectors", id=doc_id, fields=[field], term_statistics=True, field_statistics=True, positions=False, offsets=False
        )["term_vectors"].get(field)
        if not vectors:
            return []
        documents = self.call("count")["count"]
        scored = []
        for term, info in vectors["terms"].items():
            f = info["ttf"] / documents
            scored.append((info["term_freq"] * math.log2((1 + f) / f) + math.log2(1 + f), term))
        top = max(score for score, _ in scored)
        f = top / documents
        norm = top * math.log2((1 + f) / f) + math.log2(1 + f)
        scored.sort(key=lambda x: (-x[0], x[1]))
        return [(term, score / norm) for score, term in scored[:RELATED_WORDS]]

    def actor_counts(self) -> dict[str, int]:
        return _terms(self.call, ACTORS_FIELD)

    def lang_counts(self) -> dict[str, int]:
        return _terms(self.call, LANG_FIELD)

    def report(self) -> dict:
        return self.state.record["report"]


class _IndexState:
    """What is kept per concrete index: its generation, languages, answers and compound splitter."""

    def __init__(self, backend: OpenSearchBackend, index: str) -> None:
        self.index = index
        self.record = backend.call("get", index=builds_index(backend.alias), id=index[len(backend.alias) + 1 :])["_source"]
        self.generation = self.record["report"]["generation"]
        self.results = LruCache(RESULTS_CACHED)
        self.langs = [code for code in _terms(backend.call, LANG_FIELD, index=index) if code in LANGUAGES]
        self.compounds = Compounds(lambda lang: backend.words(index, lang), self.langs)
        threading.Thread(target=self.compounds.warm, name=f"vocabulary {index}", daemon=True).start()


class OpenSearchBackend:
    def __init__(self, settings: Settings) -> None:
        self.client = connect(settings)
        self.alias = settings.opensearch_index
        self.where = describe(settings)
        self.index_dir = settings.index_dir
        self._state: _IndexState | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def call(self, method: str, **kwargs) -> dict:
        """A client call; the cluster out of reach is IndexUnavailable, saying where it was sought."""
        target = self.client
        for name in method.split("."):
            target = getattr(target, name)
        try:
            return target(**kwargs)
        except ClusterUnreachable as exc:
            raise IndexUnavailable(f"could not reach the OpenSearch cluster at {self.where}: {exc.info or exc}") from None
        except NotFoundError:
            raise
        except TransportError as exc:
            if exc.status_code in (429, 502, 503, 504):
                raise IndexUnavailable(f"the OpenSearch cluster at {self.where} could not answer: {exc.error} ({exc.status_code})") from None
            raise

    def words(self, index: str, lang: str) -> frozenset[str]:
        """Every word of a language's documents: the words field's values, a page at a time."""
        words, after = set(), None
        while True:
            source = {"composite": {"size": VOCABULARY_PAGE, "sources": [{"w": {"terms": {"field": words_field(lang)}}}]}}
            if after:
                source["composite"]["after"] = after
            page = self.call("search", index=index, body={"size": 0, "aggs": {"words": source}})["aggregations"]["words"]
            words.update(b["key"]["w"] for b in page["buckets"])
            after = page.get("after_key")
            if not page["buckets"] or after is None:
                return frozenset(words)

    def _live_index(self) -> str:
        try:
            index = alias_index(self.client, self.alias)
        except TransportError as exc:
            raise IndexUnavailable(f"could not reach the OpenSearch cluster at {self.where}: {getattr(exc, 'info', None) or exc}") from None
        if index is None:
            raise IndexUnavailable(
                f"no index has been built under the alias {self.alias!r} on the OpenSearch cluster at {self.where} yet; "
                "run newsfacet-index --backend opensearch"
            )
        return index

    def current(self, force: bool = False) -> _IndexState:
        now = time.monotonic()
        state = self._state
        if state is None or force or now - self._checked >= RELOAD_SECONDS:
            index = self._live_index()
            self._checked = now
            if state is None or state.index != index:
                with self._lock:
                    if self._state is None or self._state.index != index:
                        self._state = _IndexState(self, index)
                    state = self._state
        return state

    def start(self) -> None:
        try:
            self.current()
        except IndexUnavailable as exc:
            log.warning("%s", exc)

    @contextmanager
    def view(self) -> Iterator[OpenSearchView]:
        state = self.current()
        yield OpenSearchView(self, state.index, state)

    def health(self) -> dict:
        """`ok` while the cluster is green; `degraded`, with why, while it is yellow or red."""
        state = self.current()
        cluster = self.call("cluster.health")
        documents = self.call("count", index=state.index)["count"]
        found = {"status": "ok", "documents": documents, "generation": state.generation}
        if cluster["status"] != "green":
            reason = f"the cluster is {cluster['status']}: {cluster['unassigned_shards']} shards unassigned, {cluster['number_of_nodes']} nodes"
            found |= {"status": "degraded", "cluster": {"status": cluster["status"], "reason": reason}}
        return found

    def last_build(self) -> dict | None:
        return store.read_last_build(self.index_dir)

    def close(self) -> None:
        self.client.close()
