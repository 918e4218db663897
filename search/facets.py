"""Facet counting (language, actor, date) from per-document arrays.

The arrays are filled once per index generation from the postings of the `lang`, `date` and `actors`
fields (no stored document is read), then a facet count is a numpy `bincount` over the matching
document numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

from index.dates import INTERVALS, PartialDate, day_number
from index.runs import spans
from index.postings import read_blocks
from index.schema import ACTORS_FIELD, DATE_FIELD, LANG_FIELD

UNDATED = "undated"


@dataclass
class DateRange:
    """Inclusive bounds from `from`/`to` parameters, widened to whole periods (2024-03 = all March)."""

    start: PartialDate | None = None
    end: PartialDate | None = None

    @property
    def active(self) -> bool:
        return self.start is not None or self.end is not None

    def bounds(self) -> tuple[int, int]:
        lo = day_number(self.start.first_day()) if self.start else -(2**31)
        hi = day_number(self.end.last_day()) if self.end else 2**31 - 1
        return lo, hi


class FacetArrays:
    """Per-document facet values of one index generation, indexed by Whoosh document number."""

    def __init__(self, reader) -> None:
        n = reader.doc_count_all()
        self.size = n
        self.live = np.zeros(n, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True

        self.langs: list[str] = []
        self.lang = np.full(n, -1, dtype=np.int16)
        for code, docs in self._postings(reader, LANG_FIELD):
            self.lang[docs] = len(self.langs)
            self.langs.append(code)

        self.dates: list[PartialDate] = []
        self.date = np.full(n, -1, dtype=np.int32)  # index into self.dates; -1: undated
        for value, docs in self._postings(reader, DATE_FIELD):
            self.date[docs] = len(self.dates)
            self.dates.append(PartialDate.parse(value))
        first = [day_number(d.first_day()) for d in self.dates]
        last = [day_number(d.last_day()) for d in self.dates]
        self.first_day = np.array(first + [0], dtype=np.int32)[self.date]  # undated rows read the 0 pad
        self.last_day = np.array(last + [0], dtype=np.int32)[self.date]
        # Per interval: the period each distinct date falls in, as an index into that interval's labels.
        self.periods: dict[str, tuple[list[str], np.ndarray]] = {}
        for interval in INTERVALS:
            labels = [str(d.truncate(interval)) for d in self.dates]
            names = sorted(set(labels))
            position = {name: i for i, name in enumerate(names)}
            self.periods[interval] = (names, np.array([position[x] for x in labels], dtype=np.int32))

        self.actors: list[str] = []
        self.actor_docs: dict[str, np.ndarray] = {}
        doc_ids, actor_ids = [], []
        for actor, docs in self._postings(reader, ACTORS_FIELD):
            self.actor_docs[actor] = docs
            doc_ids.append(docs)
            actor_ids.append(np.full(len(docs), len(self.actors), dtype=np.int32))
            self.actors.append(actor)
        # CSR layout: the actors of document d are actor_of[offsets[d]:offsets[d + 1]].
        docs_flat = np.concatenate(doc_ids) if doc_ids else np.zeros(0, dtype=np.int64)
        actors_flat = np.concatenate(actor_ids) if actor_ids else np.zeros(0, dtype=np.int32)
        order = np.argsort(docs_flat, kind="stable")
        self.actor_of = actors_flat[order]
        self.offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(docs_flat, minlength=n), out=self.offsets[1:])

    def _postings(self, reader, fieldname: str):
        """Each term of the field with its live documents, read segment by segment and a posting
        block at a time (Whoosh's merged postings decode one id at a time)."""
        found: dict[bytes, list[np.ndarray]] = {}
        for leaf, offset in reader.leaf_readers():
            if fieldname not in leaf.indexed_field_names():
                continue
            for term in leaf.lexicon(fieldname):
                matcher = leaf.postings(fieldname, term)
                while isinstance(matcher, FilterMatcher):  # deleted documents: dropped by `live` below
                    matcher = matcher.child
                ids = read_blocks(matcher)[0] if isinstance(matcher, W3LeafMatcher) else np.fromiter(matcher.all_ids(), dtype=np.int64)
                found.setdefault(term, []).append(ids + offset)
        for term in sorted(found):
            docs = np.concatenate(found[term])
            yield term.decode("utf-8"), docs[self.live[docs]]

    # -- filters --------------------------------------------------------------------------------
    def all_docs(self) -> np.ndarray:
        return np.flatnonzero(self.live)

    def lang_mask(self, docs: np.ndarray, langs: list[str]) -> np.ndarray:
        codes = [self.langs.index(code) for code in langs if code in self.langs]
        return np.isin(self.lang[docs], codes)

    def actor_mask(self, docs: np.ndarray, actors: list[str]) -> np.ndarray:
        mask = np.ones(len(docs), dtype=bool)
        for actor in actors:
            mask &= np.isin(docs, self.actor_docs.get(actor, np.zeros(0, dtype=np.int64)), assume_unique=True)
        return mask

    def date_mask(self, docs: np.ndarray, window: DateRange) -> np.ndarray:
        """Documents whose date overlaps the window; a date known only to the month or year counts
        when that month or year overlaps. Undated documents never match a window."""
        lo, hi = window.bounds()
        dated = self.date[docs] >= 0
        return dated & (self.first_day[docs] <= hi) & (self.last_day[docs] >= lo)

    # -- counts ---------------------------------------------------------------------------------
    def lang_counts(self, docs: np.ndarray) -> dict[str, int]:
        counts = np.bincount(self.lang[docs][self.lang[docs] >= 0], minlength=len(self.langs))
        return {code: int(c) for code, c in zip(self.langs, counts) if c}

    def actor_counts(self, docs: np.ndarray) -> dict[str, int]:
        if not len(docs) or not len(self.actor_of):
            return {}
        starts, ends = self.offsets[docs], self.offsets[docs + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return {}
        # Positions of every (doc, actor) pair of the matching documents in actor_of.
        counts = np.bincount(self.actor_of[spans(starts, lengths)], minlength=len(self.actors))
        return {self.actors[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    def date_counts(self, docs: np.ndarray, interval: str) -> dict[str, int]:
        """Documents per period (`2024`, `2024-03`, `2024-03-15`) and `undated`. A date less precise
        than the interval is counted in its own, coarser period."""
        indices = self.date[docs]
        names, period_of = self.periods[interval]
        counts = np.bincount(period_of[indices[indices >= 0]], minlength=len(names))
        buckets = {names[i]: int(counts[i]) for i in np.flatnonzero(counts)}
        undated = int((indices < 0).sum())
        if undated:
            buckets[UNDATED] = undated
        return buckets

    # -- order ----------------------------------------------------------------------------------
    def score_order(self, docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Positions of `docs` by score, highest first; equal scores newest first (undated last)."""
        dated = self.date[docs] >= 0
        return np.lexsort((docs, -self.first_day[docs].astype(np.int64), ~dated, -scores))

    def date_order(self, docs: np.ndarray, newest_first: bool) -> np.ndarray:
        """Positions of `docs` by date (undated last), ties by document number."""
        dated = self.date[docs] >= 0
        day = self.first_day[docs].astype(np.int64)
        key = -day if newest_first else day
        return np.lexsort((docs, key, ~dated))
