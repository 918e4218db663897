"""Whoosh segments written in bulk from documents analysed elsewhere.

Whoosh's writer analyses each document in the process that writes the segment, puts every posting
into a pool as a tuple, sorts the pool, and hands the codec one posting at a time. A build instead
analyses each document in the worker process that cleans it (`analyse`: the very
`(term, frequency, weight, encoded value)` items Whoosh's fields make), and `BulkWriter` gathers the
postings per field and term as they arrive: documents come in order, so each term's postings are
already sorted. Every SEGMENT_POSTINGS postings it writes a segment through Whoosh's own W3 codec,
a posting block at a time (Whoosh's block writer, given the block's arrays at once), so the files
are ordinary Whoosh segments that Whoosh opens and searches; tests/test_bulk_writer.py checks them
against what Whoosh's writer makes of the same documents. The segment's postings arrays
(index.postings) are written beside it from the same gathered postings and positions.

Deleting, merging small segments and the table of contents stay Whoosh's (`SegmentWriter`).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from pathlib import Path

import numpy as np

from whoosh.codec.whoosh3 import W3Codec
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from index import postings

SEGMENT_POSTINGS = 8_000_000  # postings gathered before a segment is written (about 100 bytes each)
_BLOCK = 128  # postings a block: Whoosh's W3 default

Analysed = list[tuple[str, list, object, int, list | None]]  # (field, items, stored value or None, length, positions) per field


def analyse(schema, fields: dict, made: dict[str, tuple[list, list | None]]) -> Analysed:
    """A document's fields as Whoosh's writer would index and store them (SegmentWriter.add_document
    without boosts, vectors, spelling or columns, which this schema has none of). `made`: the items
    of the text fields, analysed already with their positions (index.text_items)."""
    out = []
    for name in sorted(fields):
        value = fields[name]
        if value is None or name.startswith("_"):
            continue
        field = schema[name]
        items, positions = made[name] if name in made else (list(field.index(value)) if field.indexed else [], None)
        if positions is None and field.indexed and field.format.supports("positions"):
            raise ValueError(f"the positions of field {name!r} are not given")
        length = sum(freq for _, freq, _, _ in items) if field.scorable else 0
        out.append((name, items, value if field.stored else None, length, positions))
    return out


class _Term:
    __slots__ = ("ids", "weights", "values", "counts", "positions")

    def __init__(self) -> None:
        self.ids, self.weights, self.values = array("I"), array("f"), []
        self.counts, self.positions = array("I"), array("I")  # positional fields: per posting, and flat


class BulkWriter(SegmentWriter):
    """A Whoosh SegmentWriter (it holds the index lock, deletes, merges small segments at commit)
    whose new documents go into segments of its own, written in bulk."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        for name, field in ix.schema.items():
            if field.vector or field.column_type or field.separate_spelling():
                raise ValueError(f"BulkWriter does not write vectors, columns or spelling (field {name!r})")
        self._written = []  # the segments written so far
        self._start_batch()

    def _start_batch(self) -> None:
        self._segment = W3Codec().new_segment(self.storage, self.indexname)
        self._perdoc = W3Codec().per_document_writer(self.storage, self._segment)
        self._terms: dict[str, dict[bytes, _Term]] = defaultdict(dict)
        self._lengths: dict[str, array] = defaultdict(lambda: array("I"))  # per field and document: the length byte's value
        self._docs = 0
        self._postings = 0

    def add_analysed(self, doc: Analysed) -> None:
        docnum, perdoc = self._docs, self._perdoc
        perdoc.start_doc(docnum)
        for name, items, stored, length, positions in doc:
            field = self.schema[name]
            perdoc.add_field(name, field, stored, length)
            if not items:
                continue
            if length:
                lengths = self._lengths[name]
                lengths.extend([0] * (docnum + 1 - len(lengths)))
                lengths[docnum] = byte_to_length(length_to_byte(length))  # what Whoosh's writer reads back for block statistics
            terms = self._terms[name]
            for k, (text, _, weight, value) in enumerate(items):
                term = terms.get(text)
                if term is None:
                    term = terms[text] = _Term()
                term.ids.append(docnum)
                term.weights.append(weight)
                if value:
                    term.values.append(value)
                if positions is not None:
                    term.counts.append(len(positions[k]))
                    term.positions.extend(positions[k])
            self._postings += len(items)
        perdoc.finish_doc()
        self._docs += 1
        if self._postings >= SEGMENT_POSTINGS:
            self._write_batch()
            self._start_batch()

    def _write_batch(self) -> None:
        """The gathered documents as one segment."""
        self._perdoc.close()
        if not self._docs:
            return
        fields, arrays = W3Codec().field_writer(self.storage, self._segment), {}
        arrayed = postings.arrayed_fields(self.schema)
        for name in sorted(self._terms):
            fields.start_field(name, self.schema[name])
            lengths, terms = self._lengths.get(name), self._terms[name]
            order = sorted(terms)
            for text in order:
                fields.start_term(text)
                _write_postings(fields._postwriter, terms[text], lengths)
                fields.finish_term()
            fields.finish_field()
            if name in arrayed:
                arrays[name] = _arrays(order, [terms[t] for t in order], self.schema[name].format.supports("positions"))
        fields.close()
        self._segment.set_doc_count(self._docs)
        arrays = {name: arrays.get(name) or _arrays([], [], self.schema[name].format.supports("positions")) for name in arrayed}
        postings.save(postings.path_of(Path(self.storage.folder), self._segment), arrays)
        self._written.append(self._segment)

    def commit(self, mergetype=None, optimize=None, merge=None) -> None:
        self._check_state()
        self._write_batch()
        segments = self._merge_segments(mergetype, optimize, merge)
        if self._added:  # small segments merged into Whoosh's own new segment
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments + self._written)
        self._finish()

    def cancel(self) -> None:
        self._perdoc.close()
        super().cancel()


def _arrays(order: list[bytes], terms: list[_Term], positional: bool) -> dict:
    """A field's postings arrays (index.postings) from its gathered terms in order."""
    docs = [np.frombuffer(t.ids, dtype=np.uint32) for t in terms]
    weights = [np.frombuffer(t.weights, dtype=np.float32) for t in terms]
    if not positional:
        return postings.field_arrays(order, docs, weights)
    counts = np.concatenate([np.frombuffer(t.counts, dtype=np.uint32) for t in terms]) if terms else np.zeros(0, np.uint32)
    flat = np.concatenate([np.frombuffer(t.positions, dtype=np.uint32) for t in terms]) if terms else np.zeros(0, np.uint32)
    return postings.field_arrays(order, docs, weights, counts, flat)


def _write_postings(writer, term: _Term, lengths: array | None) -> None:
    """One term's postings through Whoosh's W3 postings writer: an inlined single posting as Whoosh
    adds it, else block by block with the block's statistics."""
    ids, weights, values = term.ids, term.weights, term.values
    if len(ids) == 1:
        writer.add_posting(ids[0], weights[0], values[0] if values else b"", lengths[ids[0]] if lengths else None)
        return
    for start in range(0, len(ids), _BLOCK):
        block = ids[start : start + _BLOCK]
        writer._ids = block
        writer._weights = weights[start : start + _BLOCK]
        writer._values = values[start : start + _BLOCK]
        writer._maxweight = max(writer._weights)
        if lengths:
            found = [lengths[d] for d in block]
            writer._minlength, writer._maxlength = min(found), max(found)
        writer._write_block(last=start + _BLOCK >= len(ids))
