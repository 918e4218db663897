"""Each segment's postings arrays (index.postings) hold exactly Whoosh's postings."""

import shutil

import numpy as np
import pytest
from conftest import FIXTURE_CORPUS
from whoosh.index import open_dir
from whoosh.reading import SegmentReader

from index import postings, store
from index.build import build


@pytest.fixture(scope="module")
def generation(tmp_path_factory):
    """A generation of two builds: a segment carried over with deletions, and a new one."""
    root = tmp_path_factory.mktemp("postings")
    corpus, index_dir = root / "corpus", root / "index"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    build(corpus, index_dir)
    first = sorted(p for p in corpus.rglob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nEt nyt afsnit om droner over Kyiv.\n", encoding="utf-8")
    (corpus / "da" / "ny.txt").write_text("Droner over Kyiv\n\nRusland sendte droner mod Kyiv i nat, siger Ukraines hær.\n", encoding="utf-8")
    build(corpus, index_dir)
    return store.generations_dir(index_dir) / store.current_name(index_dir)


def test_every_segment_has_its_arrays_and_no_other(generation):
    ix = open_dir(str(generation))
    segments = {s.segment_id() for s in ix._segments()}
    assert {p.name.removesuffix(postings.SUFFIX) for p in generation.glob("*" + postings.SUFFIX)} == segments
    assert not list(generation.glob("*.partial"))


def test_arrays_hold_whooshs_postings(generation):
    ix = open_dir(str(generation))
    fields = postings.arrayed_fields(ix.schema)
    assert "text_da" in fields and "title_de" in fields and "actor_terms" in fields
    assert "words_da" not in fields and "id" not in fields  # nothing scores them
    arrays = postings.open_segments(generation, ix)
    checked = positions_checked = 0
    for segment in ix._segments():
        reader = SegmentReader(ix.storage, ix.schema, segment)
        mine = arrays[segment.segment_id()]
        for fieldname in fields:
            field = mine.field(fieldname)
            positional = ix.schema[fieldname].format.supports("positions")
            assert field is not None and field.positional == positional
            for text in reader.lexicon(fieldname):
                row = field.row(text)
                assert row is not None, (fieldname, text)
                assert field.frequency(text) == reader.doc_frequency(fieldname, text)
                ids, weights = field.postings(row)
                matcher = reader.postings(fieldname, text)
                expected = list(matcher.items_as("weight"))
                assert ids.tolist() == [d for d, _ in expected]
                assert weights.tolist() == [w for _, w in expected]
                if positional:
                    picked = np.arange(len(ids))[::-1]  # any subset, in any order
                    owner, found = field.positions(row, picked)
                    by_posting = dict(reader.postings(fieldname, text).items_as("positions"))
                    for k, posting in enumerate(picked):
                        assert found[owner == k].tolist() == list(by_posting[int(ids[posting])])
                        positions_checked += 1
                checked += 1
            assert field.row(b"\xff no such term") is None
        reader.close()
    assert checked > 500 and positions_checked > 500  # the loops ran over the whole vocabulary


def test_a_term_is_found_among_terms_that_share_their_first_bytes():
    """The search narrows by each term's first eight bytes, then compares whole terms."""
    terms = sorted({b"a", b"bundesre", b"bundesrat", b"bundesregierung", b"bundesregierungen", b"bundesrepublik", "über".encode(), b"z" * 20})
    field = postings.FieldArrays(postings.field_arrays(terms, [np.array([k]) for k in range(len(terms))], [np.ones(1)] * len(terms)))
    assert [field.row(text) for text in terms] == list(range(len(terms)))
    for absent in (b"0", b"bundes", b"bundesr", b"bundesrata", b"bundesregierungx", b"b" * 20, b"zz", b"z" * 21, b"\xff"):
        assert field.row(absent) is None and field.frequency(absent) == 0
    empty = postings.FieldArrays(postings.field_arrays([], [], []))
    assert empty.row(b"a") is None
