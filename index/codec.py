"""Whoosh's codec for writing, with one cost of its commit taken away.

At commit Whoosh looks up, for each posting, the length of its field in its document; for a field
that keeps no lengths (the id, language, actors, date and lexicon fields) its per-document reader
asks the file system whether the length column exists, once per posting — a third of a million
`stat` calls for every thousand articles. This reader asks once per field. The files written are
Whoosh's own, and the segments name Whoosh's own codec, so reading an index needs nothing of this.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3Segment


class WritingCodec(W3Codec):
    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(), indexname)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)


class _PerDocReader(W3PerDocReader):
    def __init__(self, storage, segment) -> None:
        super().__init__(storage, segment)
        self._has_column: dict[str, bool] = {}

    def has_column(self, fieldname: str) -> bool:
        if fieldname not in self._has_column:
            self._has_column[fieldname] = super().has_column(fieldname)
        return self._has_column[fieldname]
