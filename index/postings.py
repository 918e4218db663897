"""Each Whoosh segment's postings again as flat arrays, in one file beside the segment.

Whoosh keeps a posting block as a zlib-compressed pickle, and a posting's positions as a pickle of
their own; reading a common word or checking a phrase spends its time unpickling. Each segment has
`<segment id>.arrays` beside it: the bulk writer (index.bulk_writer) writes it with the segment, and
after a build has committed, a segment without one (one Whoosh's own writer made, an index built
before) gets it derived from its postings. A segment carried into the next generation brings its
arrays along, and Whoosh's own clean-up removes them with the segment. For every scorable field it
holds, per term in Whoosh's order:

    terms      the term bytes, concatenated     term_starts  where each term begins (n + 1)
    starts     where each term's postings begin (n + 1)
    docs       segment document numbers (int32)   weights    Whoosh's posting weights (float32)
    counts     positions per posting (positional fields)
    pos_starts where each term's positions begin (n + 1)
    positions  the positions, ascending within each posting (uint16 when they fit, else uint32)

The file is a small JSON header naming each array's dtype, offset and length, then the arrays,
8-byte aligned; it is memory-mapped, so a query reads the pages it touches and nothing else.
Whoosh reads the index without it; tests/test_postings.py checks it against Whoosh's postings.
"""

from __future__ import annotations

import bisect
import json
import mmap
import struct
from array import array
from itertools import chain
from pathlib import Path
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import open_dir
from whoosh.matching import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.system import _INT_SIZE

from index.runs import spans, starts

SUFFIX = ".arrays"
MAGIC = b"NFARRAY1"
_HEADER = struct.Struct("<8sQ")
_ALIGN = 8


def path_of(generation: Path, segment) -> Path:
    return generation / f"{segment.segment_id()}{SUFFIX}"


def arrayed_fields(schema) -> list[str]:
    """The fields queries score: their postings are worth reading without Whoosh."""
    return [name for name, field in schema.items() if field.scorable and field.format is not None]


def write_missing(generation: Path) -> None:
    """Derive the arrays file of every segment of the index in `generation` that has none (the bulk
    writer writes its own; this is for a segment Whoosh's own writer made)."""
    ix = open_dir(str(generation))
    for segment in ix._segments():
        if not path_of(generation, segment).exists():
            write_segment(ix, segment, path_of(generation, segment))


def open_segments(generation: Path, ix) -> dict[str, SegmentArrays]:
    """The arrays of every segment of `ix` that has them, by segment id (none for an index built
    before they were written: its queries read Whoosh's postings)."""
    found = {}
    for segment in ix._segments():
        path = path_of(generation, segment)
        if path.exists():
            found[segment.segment_id()] = SegmentArrays(path)
    return found


def write_segment(ix, segment, target: Path) -> None:
    """Derive a segment's arrays from its postings as Whoosh reads them."""
    reader = SegmentReader(ix.storage, ix.schema, segment)
    try:
        save(target, {fieldname: _field_arrays(reader, fieldname) for fieldname in arrayed_fields(ix.schema)})
    finally:
        reader.close()


def _field_arrays(reader, fieldname: str) -> dict[str, np.ndarray]:
    positional = reader.schema[fieldname].format.supports("positions")
    terms, docs, weights, values = [], [], [], []
    for text in reader.lexicon(fieldname):
        matcher = reader.postings(fieldname, text)
        while isinstance(matcher, FilterMatcher):  # deleted documents are kept: the service's live mask drops them
            matcher = matcher.child
        terms.append(text)
        ids, found_weights = _read(matcher, values if positional else None)
        docs.append(ids)
        weights.append(found_weights)
    if not positional:
        return field_arrays(terms, docs, weights)
    decoded = [position_deltas(v) for v in values]
    counts = np.array([len(d) for d in decoded], dtype=np.int64)
    posting_starts = starts(counts)
    sums = np.cumsum(np.fromiter(chain.from_iterable(decoded), dtype=np.int64, count=int(posting_starts[-1])))
    before = np.concatenate([[0], sums])[posting_starts[:-1]]  # each posting's deltas add up from 0
    return field_arrays(terms, docs, weights, counts, sums - np.repeat(before, counts))


def field_arrays(terms: list[bytes], docs: list, weights: list, counts=None, positions=None) -> dict[str, np.ndarray]:
    """One field's arrays from its terms in order, each term's document numbers and weights, and for
    a positional field every posting's count of positions and the positions, flat, in term order."""
    found = {
        "terms": np.frombuffer(b"".join(terms), dtype=np.uint8),
        "term_starts": starts(np.array([len(t) for t in terms], dtype=np.int64)),
        "starts": starts(np.array([len(d) for d in docs], dtype=np.int64)),
        "docs": np.concatenate(docs).astype(np.int32) if docs else np.zeros(0, np.int32),
        "weights": np.concatenate(weights).astype(np.float32) if weights else np.zeros(0, np.float32),
    }
    if counts is not None:
        counts, positions = np.asarray(counts, dtype=np.int64), np.asarray(positions)
        found["counts"] = counts.astype(np.uint32)
        found["positions"] = positions.astype(np.uint16 if not len(positions) or positions.max() < 1 << 16 else np.uint32)
        found["pos_starts"] = starts(counts)[found["starts"]]
    return found


def position_deltas(value: bytes) -> list[int]:
    """A posting's position deltas as Whoosh's Positions format encodes them (a count, then the
    pickled list, whose closing `.` the block writer may have cut)."""
    return loads((value if value.endswith(b".") else value + b".")[_INT_SIZE:])


def _read(matcher, values: list | None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, weights) of a term's postings, whatever the matcher; each posting's value appended to
    `values` when given."""
    if isinstance(matcher, W3LeafMatcher):
        return read_blocks(matcher, values)
    ids, weights = [], []  # an inlined term (one posting) or another codec's
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values is not None:
            values.append(matcher.value())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def read_blocks(matcher: W3LeafMatcher, values: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All (ids, weights) of a term's postings in Whoosh's W3 codec, a block at a time (a block's
    pickled `(ids, weights, values)` tuple); with `values`, each posting's encoded value is appended to it."""
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_data()
        raw_ids, raw_weights, raw_values = matcher._data
        block = np.asarray(raw_ids, dtype=np.int64)
        ids.append(block if matcher._byteids else np.cumsum(block))
        if raw_weights is None or isinstance(raw_weights, float):
            weights.append(np.full(len(block), 1.0 if raw_weights is None else raw_weights))
        else:
            weights.append(np.asarray(raw_weights, dtype=np.float64))
        if values is not None:
            values.extend(raw_values)
        matcher._next_block()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def _aligned(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def save(target: Path, fields: dict[str, dict[str, np.ndarray]]) -> None:
    """Write a segment's arrays file from each field's arrays (field_arrays)."""
    arrays = {f"{name}/{kind}": values for name, found in fields.items() for kind, values in found.items()}
    header, offset = {}, 0
    for name, values in arrays.items():
        header[name] = [values.dtype.str, offset, len(values)]
        offset += _aligned(values.nbytes)
    encoded = json.dumps(header).encode()
    start = _aligned(_HEADER.size + len(encoded))
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as fh:
        fh.write(_HEADER.pack(MAGIC, len(encoded)) + encoded)
        fh.write(b"\0" * (start - _HEADER.size - len(encoded)))
        for values in arrays.values():
            data = np.ascontiguousarray(values).tobytes()
            fh.write(data + b"\0" * (-len(data) % _ALIGN))
    partial.replace(target)


class SegmentArrays:
    """One segment's arrays file, memory-mapped; `field(name)` is None for a field it lacks."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        magic, size = _HEADER.unpack_from(self._map)
        if magic != MAGIC:
            raise ValueError(f"{path} is not a postings arrays file")
        header = json.loads(self._map[_HEADER.size : _HEADER.size + size])
        start = _aligned(_HEADER.size + size)
        by_field: dict[str, dict[str, np.ndarray]] = {}
        for key, (dtype, at, n) in header.items():
            name, kind = key.split("/")
            by_field.setdefault(name, {})[kind] = np.frombuffer(self._map, dtype=dtype, count=n, offset=start + at)
        self._fields = {name: FieldArrays(arrays) for name, arrays in by_field.items()}

    def field(self, name: str) -> FieldArrays | None:
        return self._fields.get(name)


class FieldArrays:
    """One field's postings in a segment."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self._terms = _Terms(arrays["terms"], arrays["term_starts"])
        self._starts, self._docs, self._weights = arrays["starts"], arrays["docs"], arrays["weights"]
        self._counts = arrays.get("counts")
        self._positions, self._pos_starts = arrays.get("positions"), arrays.get("pos_starts")

    @property
    def positional(self) -> bool:
        return self._positions is not None

    def row(self, text: bytes) -> int | None:
        """The term's row, None when the segment does not have it."""
        return self._terms.find(text)

    def frequency(self, text: bytes) -> int:
        """How many postings the term has (documents, deleted ones included): Whoosh's document frequency."""
        row = self._terms.find(text)
        return 0 if row is None else int(self._starts[row + 1] - self._starts[row])

    def postings(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers ascending, weights) of the term in `row`."""
        lo, hi = self._starts[row], self._starts[row + 1]
        return self._docs[lo:hi], self._weights[lo:hi]

    def positions(self, row: int, picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the term's postings at indices `picked`: (which of `picked` each
        position belongs to, the position), in one pair of flat arrays."""
        lo, hi = self._starts[row], self._starts[row + 1]
        counts = self._counts[lo:hi].astype(np.int64)
        first = self._pos_starts[row] + np.concatenate([[0], np.cumsum(counts)[:-1]])[picked]
        sizes = counts[picked]
        owner = np.repeat(np.arange(len(picked)), sizes)
        return owner, self._positions[spans(first, sizes)].astype(np.int64)


class _Terms:
    """Search in a sorted, concatenated term list: a binary search over each term's first PREFIX
    bytes (as a big-endian integer, zero-padded: in the terms' order), then one among the few terms
    that share them."""

    PREFIX = 8

    def __init__(self, blob: np.ndarray, starts: np.ndarray) -> None:
        self._array = blob
        self._blob = memoryview(blob)
        self._starts = starts
        self._n = len(starts) - 1
        self._prefixes: array | None = None  # made on first use

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, k: int) -> bytes:
        return bytes(self._blob[self._starts[k] : self._starts[k + 1]])

    def find(self, text: bytes) -> int | None:
        if self._prefixes is None:
            self._prefixes = self._prefix_table()
        key = int.from_bytes(text[: self.PREFIX].ljust(self.PREFIX, b"\0"), "big")
        lo = bisect.bisect_left(self._prefixes, key)
        hi = bisect.bisect_right(self._prefixes, key, lo)
        k = lo if hi - lo == 1 else bisect.bisect_left(self, text, lo, hi)
        return k if k < hi and self[k] == text else None

    def _prefix_table(self) -> array:
        """Each term's first PREFIX bytes as an integer (8 bytes a term; bisect reads it without numpy's per-call cost)."""
        if not self._n or not len(self._array):
            return array("Q", bytes(8 * self._n))
        at = self._starts[:-1, None] + np.arange(self.PREFIX)
        inside = at < self._starts[1:, None]
        table = np.where(inside, self._array[np.minimum(at, len(self._array) - 1)], 0).astype(np.uint8)
        return array("Q", table.view(">u8").ravel().astype(np.uint64).tobytes())
