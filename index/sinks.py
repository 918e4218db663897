"""Where a build's documents go, and what the process that cleans a document makes of it for there:
new Whoosh segments that the workers write themselves (index.bulk_writer), or bodies the main
process sends to an OpenSearch cluster (index.opensearch)."""

from __future__ import annotations

from index.bulk_writer import Analysed, BulkWriter, Segments
from index.bulk_writer import analyse as analyse_fields
from index.documents import CleanDocument
from index.opensearch.mapping import source as opensearch_source
from index.schema import (
    ACTOR_TERMS_FIELD,
    ACTORS_FIELD,
    DATE_FIELD,
    ID_FIELD,
    LANG_FIELD,
    actor_term,
    compounding,
    parts_fields,
    text_field,
    title_field,
    words_field,
)
from index.text_items import text_items


class ToCluster:
    """Documents analysed for OpenSearch in the processes that clean them, sent by the main one."""

    def __init__(self, writer) -> None:
        self.writer = writer

    def analyse(self, doc: CleanDocument) -> dict:
        return opensearch_source(doc)

    def add(self, doc: CleanDocument, body: dict) -> None:
        self.writer.add(doc, body)

    def discard(self, body: dict) -> None:
        """A document not to index (its id was taken): it was never sent."""

    def where(self, body: dict) -> None:
        """Where the index keeps it: the cluster's business."""

    def finish(self) -> list:
        return []

    def adopt(self, finished: list[list]) -> None:
        """Nothing was written elsewhere."""


class ToSegments:
    """Documents analysed and gathered into new Whoosh segments by the processes that clean them
    (index.bulk_writer.Segments); the main process commits the segments."""

    def __init__(self, writer: BulkWriter, segments: Segments) -> None:
        self.writer, self.segments = writer, segments

    def analyse(self, doc: CleanDocument) -> tuple[str, int]:
        """Where the document went: (segment id, document number)."""
        return self.segments.add(whoosh_analysis(self.segments.schema, doc))

    def add(self, doc: CleanDocument, where: tuple[str, int]) -> None:
        """Written already."""

    def discard(self, where: tuple[str, int]) -> None:
        self.writer.unwant(where)

    def where(self, where: tuple[str, int]) -> tuple[str, int]:
        """(segment id, document number), for the manifest: the next build deletes it there."""
        return where

    def finish(self) -> list:
        return self.segments.finish()

    def adopt(self, finished: list[list]) -> None:
        for segments in finished:
            self.writer.adopt(segments)


def whoosh_analysis(schema, doc: CleanDocument) -> Analysed:
    """The document's Whoosh fields, analysed for the bulk writer (in the process that cleaned it),
    its title and text tokenized once for all their fields."""
    return analyse_fields(schema, index_fields(doc), text_items(schema, doc.lang, doc.title or "", doc.text))


def index_fields(doc: CleanDocument) -> dict:
    """The Whoosh fields of one document."""
    fields = {
        ID_FIELD: doc.id,
        LANG_FIELD: doc.lang,
        ACTORS_FIELD: " ".join(m.id for m in doc.actors),
        ACTOR_TERMS_FIELD: " ".join(" ".join([actor_term(doc.lang, m.id)] * m.count) for m in doc.actors),
        title_field(doc.lang): doc.title or "",
        text_field(doc.lang): doc.text,
        words_field(doc.lang): "\n".join(doc.content),
        "title": doc.title,
        "text": doc.text,
        "url": doc.url,
        "source": doc.source,
        "source_path": doc.source_path,
        "actor_mentions": [(m.id, m.count) for m in doc.actors],
        "removed": [(r.text, r.reason) for r in doc.removed],
    }
    if compounding(doc.lang):
        title_parts, text_parts = parts_fields(doc.lang)
        fields[title_parts], fields[text_parts] = doc.title or "", doc.text
    if doc.date is not None:
        fields[DATE_FIELD] = str(doc.date)
    return fields
