"""The bulk writer's segments hold exactly what Whoosh's own writer makes of the same documents."""

import pytest
from whoosh.index import create_in

from index import bulk_writer, postings
from index.sinks import index_fields, whoosh_analysis
from index.bulk_writer import BulkWriter, Segments
from index.codec import WritingCodec
from index.schema import ID_FIELD, make_schema
from index.text_items import text_items


def _contents(ix) -> dict:
    """Everything a search reads, keyed by document id instead of document number: every field's
    terms with their postings (id, weight, encoded value, length), stored fields, field lengths."""
    found = {"postings": {}, "stored": {}, "lengths": {}}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: stored[ID_FIELD] for docnum, stored in searcher.iter_docs()}
        found["stored"] = {ids[d]: stored for d, stored in searcher.iter_docs()}
        for name, field in ix.schema.items():
            if not field.indexed:
                continue
            for text in reader.lexicon(name):
                matcher, postings = reader.postings(name, text), []
                while matcher.is_active():
                    postings.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                found["postings"][name, text] = sorted(postings)
            if field.scorable:
                found["lengths"][name] = (reader.field_length(name), {ids[d]: reader.doc_field_length(d, name) or 0 for d in ids})  # None: no document of the segment has the field
    return found


@pytest.mark.parametrize("segment_postings", [None, 2_000])
def test_segments_are_whooshs(tmp_path, fixture_docs, sample_docs, monkeypatch, segment_postings):
    """In one segment, and in many (a segment written every 2,000 postings)."""
    if segment_postings:
        monkeypatch.setattr(bulk_writer, "SEGMENT_POSTINGS", segment_postings)
    cleaned = list((fixture_docs | sample_docs).values())
    docs = [index_fields(doc) for doc in cleaned]
    (tmp_path / "whoosh").mkdir()
    whoosh = create_in(str(tmp_path / "whoosh"), make_schema())
    with whoosh.writer() as writer:
        for fields in docs:
            writer.add_document(**fields)
    (tmp_path / "bulk").mkdir()
    bulk = create_in(str(tmp_path / "bulk"), make_schema())
    segments = Segments(tmp_path / "bulk", bulk.schema)
    for doc in cleaned:
        segments.add(whoosh_analysis(bulk.schema, doc))
    writer = BulkWriter(bulk, codec=WritingCodec(), compound=False)
    writer.adopt(segments.finish())
    writer.commit()
    segments = len(bulk._segments())
    assert segments > 3 if segment_postings else segments == 1
    expected, got = _contents(whoosh), _contents(bulk)
    assert len(expected["stored"]) == len(docs) > 100
    assert got["stored"] == expected["stored"]
    assert got["lengths"] == expected["lengths"]
    assert got["postings"].keys() == expected["postings"].keys()
    for key, found in expected["postings"].items():
        assert got["postings"][key] == found, key
    for segment in bulk._segments():  # the arrays written with each segment are those derived from it
        derived = tmp_path / "derived.arrays"
        postings.write_segment(bulk, segment, derived)
        assert postings.path_of(tmp_path / "bulk", segment).read_bytes() == derived.read_bytes()


def test_an_unwanted_document_is_deleted_and_a_cancelled_writer_commits_nothing(tmp_path, fixture_docs):
    ix = create_in(str(tmp_path), make_schema())
    segments, docs = Segments(tmp_path, ix.schema), list(fixture_docs.values())[:3]
    places = [segments.add(whoosh_analysis(ix.schema, doc)) for doc in docs]
    written = segments.finish()
    cancelled = BulkWriter(ix)
    cancelled.adopt(written)
    cancelled.cancel()
    assert ix.doc_count_all() == 0
    writer = BulkWriter(ix)  # the lock was released
    writer.adopt(written)
    writer.unwant(places[1])
    writer.commit()
    with ix.searcher() as searcher:
        assert sorted(stored[ID_FIELD] for _, stored in searcher.iter_docs()) == sorted([docs[0].id, docs[2].id])


def test_text_items_are_what_whooshs_analyzers_make(fixture_docs, sample_docs):
    schema, compared = make_schema(), set()
    for doc in (fixture_docs | sample_docs).values():
        fields = index_fields(doc)
        for name, (items, _) in text_items(schema, doc.lang, doc.title or "", doc.text).items():
            assert sorted(items) == sorted(schema[name].index(fields[name])), (doc.id, name)
            compared.add(name.rsplit("_", 1)[0])
    assert compared == {"title", "text", "words", "title_parts", "text_parts"}
