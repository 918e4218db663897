"""Every match of a Whoosh query with its BM25F score, from postings as numpy arrays.

Whoosh finds matches one document at a time in Python: enumerating a word that is in a third of the
index costs tens of milliseconds, and ranking it costs as much again. Facets need every match anyway,
so the service evaluates the query once, here: a term's postings (ids and weights) are read from
every segment's memory-mapped arrays at once (index.postings), scored with Whoosh's own BM25F
formula and statistics over whole arrays, and combined the way Whoosh's matchers combine them (a
union adds the scores of the parts that match, an intersection adds both, `AndNot` keeps the left
side's). A phrase intersects its words' documents the same way, then compares the positions of
those documents only.
Other query types (prefixes, sloppy phrases) go through Whoosh's own matcher. A segment without
arrays (an index built before they existed) is read a posting block at a time from Whoosh's files.
tests/test_scoring.py checks the result against Whoosh's searcher on every kind of query the
service compiles, both ways.

The block reader uses internals of Whoosh's W3 codec and Positions format (pinned in
pyproject.toml): a posting block's pickled `(ids, weights, values)` tuple, the one-byte
field-length column, and a posting's pickled position deltas.
"""

from __future__ import annotations

import threading
from itertools import accumulate

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.matching import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from index.postings import FieldArrays, SegmentArrays, position_deltas, read_blocks
from search.lru import LruCache

_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
# Whoosh stores a field length as one byte; a document without the field reads as length 1.
_LENGTH_OF_BYTE = np.array([1] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)


CACHED_MIB = 256  # scored postings of common terms kept per generation
CACHE_FROM = 2_000  # postings: a term with fewer is read again each time (a few blocks)
CACHED_IDFS = 200_000  # terms whose idf a generation keeps


class ScoringCache:
    """What one generation's queries reuse: each segment's postings arrays (index.postings, by
    segment id), its field lengths (loaded on first use), each field's average length, and the
    scored postings of common terms, least recently used dropped first beyond CACHED_MIB."""

    def __init__(self, arrays: dict[str, SegmentArrays] | None = None, mib: int = CACHED_MIB) -> None:
        self.arrays = arrays or {}
        self._lengths: dict[str, np.ndarray] = {}
        self._averages: dict[str, float] = {}
        self._terms = LruCache(mib * 2**20, weigh=lambda found: found[0].nbytes + found[1].nbytes)
        self._idfs = LruCache(CACHED_IDFS)
        self._lock = threading.Lock()

    def idf(self, parent, weighting, fieldname: str, text: bytes, frequency: int | None = None) -> float:
        """The term's idf as `weighting` computes it over the generation (`parent`), from its
        document `frequency` when the caller has counted its postings in every segment. Otherwise the
        frequency is summed from the segments' arrays when every segment has them: Whoosh looks the
        term up in each segment's term table, which took a fifth of the query time at 43 segments."""
        key = (fieldname, text)
        found = self._idfs.get(key)
        if found is None:
            if frequency is None:
                fields = [self.arrays.get(leaf.segment().segment_id()) for leaf, _ in parent.reader().leaf_readers()]
                fields = [arrays.field(fieldname) if arrays is not None else None for arrays in fields]
                if all(field is not None for field in fields):
                    frequency = sum(field.frequency(text) for field in fields)
            found = weighting.idf(_Counts(frequency, parent.doc_count_all()), fieldname, text) if frequency is not None else parent.idf(fieldname, text)
            self._idfs.put(key, found)
        return found

    def lengths(self, searcher, fieldname: str) -> np.ndarray:
        """Each document's length in the field, by its number in the generation (`searcher`)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = _LENGTH_OF_BYTE[np.concatenate([_length_bytes(leaf.reader(), fieldname) for leaf, _ in searcher.leaf_searchers()])]
            with self._lock:
                self._lengths[fieldname] = lengths
        return lengths

    def average_length(self, searcher, fieldname: str) -> float:
        """The field's average length over the generation, as Whoosh's BM25F takes it (Whoosh sums
        every segment's total again at each call)."""
        found = self._averages.get(fieldname)
        if found is None:
            found = self._averages[fieldname] = searcher.avg_field_length(fieldname) or 1
        return found

    def term(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        return self._terms.get(key)

    def keep(self, key: tuple, ids: np.ndarray, scores: np.ndarray) -> None:
        if len(ids) < CACHE_FROM:
            return
        ids.flags.writeable = scores.flags.writeable = False  # shared by every request from now on
        self._terms.put(key, (ids, scores))


class _Counts:
    """What Whoosh's `WeightingModel.idf` reads of a searcher: one term's document frequency and
    the number of documents, deleted ones included."""

    def __init__(self, frequency: int, documents: int) -> None:
        self._frequency, self._documents = frequency, documents

    def get_parent(self):
        return self

    def doc_frequency(self, fieldname: str, text: bytes) -> int:
        return self._frequency

    def doc_count_all(self) -> int:
        return self._documents


def _length_bytes(reader, fieldname: str) -> np.ndarray:
    size = reader.doc_count_all()
    out = np.zeros(size, dtype=np.uint8)
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is not None:
        stored = min(column._count, size)  # documents after the last one with the field read 0
        out[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return out


def _positions(value: bytes):
    """A posting's positions as Whoosh's Positions format encodes them, without a Python loop per position."""
    return accumulate(position_deltas(value))


class _Combining:
    """Unions, intersections and exclusions of what `_leaf` finds for the other query nodes, the
    way Whoosh's matchers combine them (a union adds the scores of the parts that match, an
    intersection adds both, `AndNot` keeps the left side's)."""

    def run(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        if type(q) is wq.AndNot:
            ids, scores = self.run(q.a)
            excluded, _ = self.run(q.b)
            keep = ~np.isin(ids, excluded, assume_unique=True)
            return _boosted(ids[keep], scores[keep], q.boost)
        if type(q) is wq.And:
            return _boosted(*_intersect([self.run(s) for s in q.subqueries]), q.boost)
        if type(q) is wq.Or and not q.minmatch and q.scale is None:
            return _boosted(*_union([self.run(s) for s in q.subqueries]), q.boost)
        if q is wq.NullQuery:
            return _EMPTY
        return self._leaf(q)

    def _leaf(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


class Evaluator(_Combining):
    """Evaluates queries on one leaf searcher (a segment, the `segment`th, its first document
    `offset` in the generation); ids are the segment's own."""

    def __init__(self, leaf, segment: int, offset: int, cache: ScoringCache) -> None:
        self.leaf = leaf
        self.reader = leaf.reader()
        self.segment, self.offset = segment, offset
        self.cache = cache
        self.weighting = leaf.weighting
        self.arrays = cache.arrays.get(self.reader.segment().segment_id()) if cache.arrays else None

    def _leaf(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        if type(q) is wq.Term:  # exactly: FuzzyTerm and others are Terms that match more
            return self._term(q)
        if type(q) is wq.Phrase and q.slop == 1 and self._has_positions(q.fieldname):
            field = self._field_arrays(q.fieldname)
            return self._phrase_arrays(q, field) if field is not None and field.positional else self._phrase(q)
        return self._whoosh(q)

    def _has_positions(self, fieldname: str) -> bool:
        field = self.leaf.schema[fieldname] if fieldname in self.leaf.schema else None
        return bool(field and field.format and field.format.supports("positions"))

    def _field_arrays(self, fieldname: str) -> FieldArrays | None:
        return self.arrays.field(fieldname) if self.arrays is not None else None

    def _postings(self, fieldname: str, text: bytes, values: list | None = None):
        """(ids, weights) of a term's postings, from the segment's arrays when it has them; None
        when they cannot be read a block at a time."""
        field = self._field_arrays(fieldname) if values is None else None
        if field is not None and isinstance(self.weighting, BM25F):
            row = field.row(text)
            if row is None:
                return _EMPTY
            ids, weights = field.postings(row)
            return ids.astype(np.int64), weights.astype(np.float64)
        if (fieldname, text) not in self.reader:
            return _EMPTY
        matcher = self.reader.postings(fieldname, text)
        while isinstance(matcher, FilterMatcher):  # deleted documents: the service's live mask drops them
            matcher = matcher.child
        if not isinstance(matcher, W3LeafMatcher) or not isinstance(self.weighting, BM25F):
            return None
        return read_blocks(matcher, values)

    def _scores(self, fieldname: str, text: bytes, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F over arrays, with the index-wide statistics Whoosh uses."""
        if not self.leaf.schema[fieldname].scorable:
            return weights
        parent = self.leaf.get_parent()
        idf = self.cache.idf(parent, self.weighting, fieldname, text)
        avgfl = self.cache.average_length(parent, fieldname)
        return _bm25f(self.weighting, fieldname, idf, avgfl, weights, self.cache.lengths(parent, fieldname)[ids + self.offset])

    def _bytes(self, fieldname: str, text: str) -> bytes | None:
        if fieldname not in self.leaf.schema:
            return None
        try:
            return self.leaf.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def _term(self, q: wq.Term) -> tuple[np.ndarray, np.ndarray]:
        text = self._bytes(q.fieldname, q.text)
        if text is None:
            return _EMPTY
        key = (self.segment, q.fieldname, text)
        found = self.cache.term(key)
        if found is None:
            read = self._postings(q.fieldname, text)
            if read is None:
                return self._whoosh(q)
            found = (read[0], self._scores(q.fieldname, text, *read))
            self.cache.keep(key, *found)
        return _boosted(*found, q.boost)

    def _phrase(self, q: wq.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Documents with the words at consecutive positions, scored as Whoosh scores a phrase:
        the sum of its words' scores."""
        words = []  # (ids, scores, encoded positions) per word
        for word in q.words:
            text, values = self._bytes(q.fieldname, word), []
            read = self._postings(q.fieldname, text, values) if text is not None else _EMPTY
            if read is None:
                return self._whoosh(q)
            words.append((read[0], self._scores(q.fieldname, text, *read), values))
        if not words:
            return _EMPTY
        ids, scores = _intersect([(i, s) for i, s, _ in words])
        field_format = self.leaf.schema[q.fieldname].format
        decode = _positions if type(field_format) is Positions else field_format.decode_positions
        rows = [np.searchsorted(word_ids, ids) for word_ids, _, _ in words]
        keep = np.zeros(len(ids), dtype=bool)
        for k in range(len(ids)):
            starts = set(decode(words[0][2][rows[0][k]]))
            for offset in range(1, len(words)):
                starts.intersection_update(map(offset.__rsub__, decode(words[offset][2][rows[offset][k]])))
                if not starts:
                    break
            keep[k] = bool(starts)
        return _boosted(ids[keep], scores[keep], q.boost)

    def _phrase_arrays(self, q: wq.Phrase, field: FieldArrays) -> tuple[np.ndarray, np.ndarray]:
        """`_phrase` over the arrays: only the positions of documents that have every word are read,
        and compared as (document, position − offset) keys."""
        words = []  # (row, ids, scores) per word
        for word in q.words:
            text = self._bytes(q.fieldname, word)
            row = field.row(text) if text is not None else None
            if row is None:
                return _EMPTY
            ids, weights = field.postings(row)
            ids = ids.astype(np.int64)
            words.append((row, ids, self._scores(q.fieldname, text, ids, weights.astype(np.float64))))
        if not words:
            return _EMPTY
        ids, scores = _intersect([(i, s) for _, i, s in words])
        keys = None
        for offset, (row, word_ids, _) in enumerate(words):
            owner, positions = field.positions(row, np.searchsorted(word_ids, ids))
            starts = positions >= offset
            found = (owner[starts] << 32) | (positions[starts] - offset)
            keys = found if keys is None else np.intersect1d(keys, found, assume_unique=True)
        keep = np.zeros(len(ids), dtype=bool)
        keep[keys >> 32] = True
        return _boosted(ids[keep], scores[keep], q.boost)

    def _whoosh(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's own matcher, one document at a time (prefixes, sloppy phrases, other codecs)."""
        matcher = q.matcher(self.leaf, self.leaf.context())
        ids, scores = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)


class Whole(_Combining):
    """Evaluates queries over every segment at once, when every segment has its arrays: a term's
    postings are the segments' slices end to end (document numbers are the generation's), scored in
    one pass, and combined once; a phrase reads the positions of the documents that have every
    word from each one's segment. What the arrays cannot answer (prefixes, sloppy phrases, fields
    without arrays) is evaluated segment by segment (`Evaluator`). Each query's cost then barely grows
    with the number of segments, which incremental builds add to."""

    def __init__(self, searcher, cache: ScoringCache) -> None:
        self.searcher, self.cache = searcher, cache
        self.leaves = searcher.leaf_searchers()
        self.arrays = [cache.arrays.get(leaf.reader().segment().segment_id()) for leaf, _ in self.leaves]
        self.weighting = searcher.weighting

    def usable(self) -> bool:
        return bool(self.leaves) and isinstance(self.weighting, BM25F) and all(a is not None for a in self.arrays)

    def _leaf(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        if type(q) is wq.Term:
            return self._term(q)
        if type(q) is wq.Phrase and q.slop == 1:
            fields = self._fields(q.fieldname)
            if fields is not None and all(field.positional for field in fields):
                return self._phrase(q, fields)
        return self.by_segment(q)

    def _fields(self, fieldname: str) -> list[FieldArrays] | None:
        """The field's arrays in every segment; None when a segment lacks them or nothing scores it."""
        schema = self.searcher.schema
        if fieldname not in schema or not schema[fieldname].scorable:
            return None
        fields = [arrays.field(fieldname) for arrays in self.arrays]
        return None if any(field is None for field in fields) else fields

    def by_segment(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        found = [Evaluator(leaf, segment, offset, self.cache).run(q) for segment, (leaf, offset) in enumerate(self.leaves)]
        return np.concatenate([ids + offset for (ids, _), (_, offset) in zip(found, self.leaves)]), np.concatenate([scores for _, scores in found])

    def _term(self, q: wq.Term) -> tuple[np.ndarray, np.ndarray]:
        schema = self.searcher.schema
        if q.fieldname not in schema:
            return _EMPTY
        fields = self._fields(q.fieldname)
        if fields is None:
            return self.by_segment(q)
        try:
            text = schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return _EMPTY
        key = ("all", q.fieldname, text)
        found = self.cache.term(key)
        if found is None:
            ids, weights = [], []
            for field, (_, offset) in zip(fields, self.leaves):
                row = field.row(text)
                if row is not None:
                    docs, found_weights = field.postings(row)
                    ids.append(docs.astype(np.int64) + offset)
                    weights.append(found_weights)
            if not ids:
                return _EMPTY
            ids, weights = np.concatenate(ids), np.concatenate(weights).astype(np.float64)
            idf = self.cache.idf(self.searcher, self.weighting, q.fieldname, text, frequency=len(ids))  # every segment's postings, counted
            avgfl = self.cache.average_length(self.searcher, q.fieldname)
            found = (ids, _bm25f(self.weighting, q.fieldname, idf, avgfl, weights, self.cache.lengths(self.searcher, q.fieldname)[ids]))
            self.cache.keep(key, *found)
        return _boosted(*found, q.boost)

    def _phrase(self, q: wq.Phrase, fields: list[FieldArrays]) -> tuple[np.ndarray, np.ndarray]:
        """`Evaluator._phrase_arrays` over every segment at once: the words' documents and scores
        as `_term` gives them, intersected, then the positions of the documents that have every
        word, read from each one's segment, compared as (document, position − offset) keys."""
        words = [self._term(wq.Term(q.fieldname, word)) for word in q.words]
        if not words or not all(len(ids) for ids, _ in words):
            return _EMPTY
        ids, scores = _intersect(words)
        if not len(ids):
            return _EMPTY
        offsets = np.array([offset for _, offset in self.leaves])
        segment_of = np.searchsorted(offsets, ids, side="right") - 1
        keys = None
        for offset, (word, (word_ids, _)) in enumerate(zip(q.words, words)):
            text = self.searcher.schema[q.fieldname].to_bytes(word)
            at = np.searchsorted(word_ids, ids)  # each candidate's posting among the word's, all segments end to end
            found = []
            for segment in np.unique(segment_of):
                chosen = np.flatnonzero(segment_of == segment)
                field = fields[segment]
                row = field.row(text)
                before = np.searchsorted(word_ids, offsets[segment])  # the word's postings in earlier segments
                owner, positions = field.positions(row, at[chosen] - before)
                starts = positions >= offset
                found.append((chosen[owner[starts]] << 32) | (positions[starts] - offset))
            found = np.concatenate(found)
            keys = found if keys is None else np.intersect1d(keys, found, assume_unique=True)
        keep = np.zeros(len(ids), dtype=bool)
        keep[keys >> 32] = True
        return _boosted(ids[keep], scores[keep], q.boost)


def evaluate(searcher, q: wq.Query, cache: ScoringCache) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers ascending, scores) of every document `q` matches in `searcher`, deleted
    ones included. The scores are the ones Whoosh's searcher gives the same query."""
    whole = Whole(searcher, cache)
    if not whole.leaves:
        return _EMPTY
    return whole.run(q) if whole.usable() else whole.by_segment(q)


def _bm25f(weighting: BM25F, fieldname: str, idf: float, avgfl: float, weights: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Whoosh's BM25F score of postings, over arrays."""
    B = weighting._field_B.get(fieldname, weighting.B)
    K1 = weighting.K1
    return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))


def _boosted(ids: np.ndarray, scores: np.ndarray, boost: float) -> tuple[np.ndarray, np.ndarray]:
    return ids, scores * boost if boost != 1.0 else scores


def _union(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The documents of any part, each with the sum of its parts' scores."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    unique, inverse = np.unique(ids, return_inverse=True)
    return unique, np.bincount(inverse, weights=scores, minlength=len(unique))

def _intersect(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The documents of every part, each with the sum of its parts' scores."""
    ids, scores = parts[0]
    for other_ids, other_scores in parts[1:]:
        common, left, right = np.intersect1d(ids, other_ids, assume_unique=True, return_indices=True)
        ids, scores = common, scores[left] + other_scores[right]
    return ids, scores


