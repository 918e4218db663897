"""Whoosh segments written in bulk by the processes that analyse the documents.

Whoosh's writer analyses each document in the process that writes the segment, puts every posting
into a pool as a tuple, sorts the pool, and hands the codec one posting at a time; its parallel
writer sends every document to another process first. A build instead analyses each document in the
worker process that cleans it (`analyse`: the very `(term, frequency, weight, encoded value)` items
Whoosh's fields make), and the same process gathers the postings per field and term (`Segments`):
documents come in order, so each term's postings are already sorted. Every SEGMENT_POSTINGS
postings, and when the build has read everything, it writes a segment through Whoosh's own W3
codec, a posting block at a time (Whoosh's block writer, given the block's arrays at once: internals
of the W3 codec, pinned with Whoosh in pyproject.toml), with the segment's postings arrays
(index.postings) beside it. The files are ordinary Whoosh segments that
Whoosh opens and searches; tests/test_bulk_writer.py checks them against what Whoosh's writer makes
of the same documents.

The build's main process commits them with `BulkWriter`: deleting and the table of contents stay
Whoosh's (`SegmentWriter`). A build merges no segments: Whoosh's merge reads and writes every posting
one at a time in Python (about 180 documents a second), and its MERGE_SMALL policy, once an index has
some twenty segments, merges most of them, so that one incremental build at 100,000 documents took
570 s instead of 15. Each incremental build adds a segment per worker instead; a full build
(`--full`) writes the index anew.
"""

from __future__ import annotations

import os
from array import array
from collections import defaultdict
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME as INDEX_NAME
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from index import postings

SEGMENT_POSTINGS = 8_000_000  # postings gathered before a segment is written (about 100 bytes each)
_BLOCK = 128  # postings a block: Whoosh's W3 default
_COMPRESSION = 3  # zlib's level for a block, Whoosh's W3 default
# Postings from which zlib makes a block smaller (measured on 33,500 blocks of 500 generated articles:
# below, it made them 40% bigger, and a call costs some 6 us): with positions, and without.
_COMPRESS_FROM_VALUES, _COMPRESS_FROM = 2, 33

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


class Batch:
    """Documents gathered for one new segment of the index in `folder`; `write` writes it."""

    def __init__(self, folder: Path, schema) -> None:
        self.schema = schema
        self.storage = FileStorage(str(folder))
        self.segment = W3Codec().new_segment(self.storage, INDEX_NAME)
        self._perdoc = W3Codec().per_document_writer(self.storage, self.segment)
        self._terms: dict[str, dict[bytes, _Term]] = defaultdict(dict)
        self._lengths: dict[str, array] = defaultdict(lambda: array("I"))  # per field and document: the length byte's value
        self.docs = 0
        self.postings = 0

    def add(self, doc: Analysed) -> int:
        """Gather a document; its number in the segment."""
        docnum, perdoc = self.docs, self._perdoc
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
            self.postings += len(items)
        perdoc.finish_doc()
        self.docs += 1
        return docnum

    def write(self):
        """Write the segment and its postings arrays; the segment (None when it has no document)."""
        self._perdoc.close()
        if not self.docs:
            return None
        fields, arrays = W3Codec().field_writer(self.storage, self.segment), {}
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
        self.segment.set_doc_count(self.docs)
        arrays = {name: arrays.get(name) or _arrays([], [], self.schema[name].format.supports("positions")) for name in arrayed}
        postings.save(postings.path_of(Path(self.storage.folder), self.segment), arrays)
        return self.segment


class Segments:
    """The new segments one process writes: documents go into a batch, written as a segment every
    SEGMENT_POSTINGS postings and at `finish`. A copy made by fork starts afresh (segment ids are
    drawn in the process that writes)."""

    def __init__(self, folder: Path, schema) -> None:
        self.folder, self.schema = folder, schema
        self._batch: Batch | None = None
        self._written: list = []
        self._pid = os.getpid()

    def add(self, doc: Analysed) -> tuple[str, int]:
        """Gather a document: (its segment's id, its number there)."""
        if self._pid != os.getpid():
            self._batch, self._written, self._pid = None, [], os.getpid()
        if self._batch is None:
            self._batch = Batch(self.folder, self.schema)
        batch = self._batch
        where = batch.segment.segment_id(), batch.add(doc)
        if batch.postings >= SEGMENT_POSTINGS:
            self._written.append(batch.write())
            self._batch = None
        return where

    def finish(self) -> list:
        """Write what is gathered; every segment this process wrote."""
        if self._pid != os.getpid():  # a copy made by fork that was given nothing
            return []
        if self._batch is not None:
            self._written.append(self._batch.write())
        written, self._batch, self._written = [s for s in self._written if s is not None], None, []
        return written


class BulkWriter(SegmentWriter):
    """A Whoosh SegmentWriter (it holds the index lock and deletes) that commits segments written by
    `Segments`, in this process or others."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        for name, field in ix.schema.items():
            if field.vector or field.column_type or field.separate_spelling():
                raise ValueError(f"BulkWriter does not write vectors, columns or spelling (field {name!r})")
        self._adopted: list = []
        self._unwanted: list[tuple[str, int]] = []

    def adopt(self, segments: list) -> None:
        """Segments to commit with the index."""
        self._adopted += segments

    def unwant(self, where: tuple[str, int]) -> None:
        """A document written into an adopted segment that the index is not to have (it is deleted)."""
        self._unwanted.append(where)

    def commit(self, mergetype=None, optimize=None, merge=False) -> None:
        """Commit the adopted segments; merging none unless asked (see the module's docstring)."""
        self._check_state()
        by_id = {s.segment_id(): s for s in self._adopted}
        for segment_id, docnum in self._unwanted:
            by_id[segment_id].delete_document(docnum)
        segments = self._merge_segments(mergetype, optimize, merge)
        if self._added:  # segments merged into Whoosh's own new segment
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments + self._adopted)
        self._finish()


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
    """One term's postings through Whoosh's W3 postings writer: a single posting as Whoosh adds it,
    else block by block with the block's statistics. A block is compressed only when that makes it
    smaller (each block says whether it is, and Whoosh reads both kinds)."""
    ids, weights, values = term.ids, term.weights, term.values
    writer._compression = _COMPRESSION if len(ids) >= (_COMPRESS_FROM_VALUES if values else _COMPRESS_FROM) else 0
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
