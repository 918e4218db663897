"""The numpy query evaluator gives exactly the matches and scores of Whoosh's own searcher."""

import shutil

import numpy as np
import pytest
from conftest import FIXTURE_CORPUS

from index import store
from index.actors import load_gazetteer
from index.build import build
from search.generation import Generation
from search.query import compile_query
from search.scoring import CACHE_FROM, ScoringCache, evaluate

QUERIES = [
    "Rusland", "Russland", "russiske droner", "Iran OR Nordkorea", "Putin -Selenskyj", "-Iran",
    '"russiske droner"', '"die Ukraine"', '"iranske droner"', '"Russland hatte"', "dron*", "Kim Jong Un", "Selenskyj",
    "Teheran AND (Moskau OR Moskva)", "aftale nummer", '"aftale nummer 3"', "NOT Kreml", "ukrain* Russland",
]


def _article(n: int) -> str:
    return (
        f"date 2024-0{n % 9 + 1}-12 Rusland og Iran indgår aftale nummer {n} om droner\n\n"
        f"Aftale nummer {n} om russiske droner blev underskrevet i Teheran, oplyser Kreml i Moskva.\n"
    )


@pytest.fixture(scope="module")
def generation(tmp_path_factory):
    """A generation with several segments and deleted documents: built, then changed and rebuilt."""
    root = tmp_path_factory.mktemp("scoring")
    corpus, index_dir = root / "corpus", root / "index"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    for n in range(6):
        (corpus / f"da/aftale-{n}.txt").write_text(_article(n), encoding="utf-8")
    build(corpus, index_dir)
    (corpus / "da/aftale-0.txt").unlink()
    (corpus / "da/aftale-1.txt").write_text(_article(1) + "Nordkorea sender også droner.\n", encoding="utf-8")
    (corpus / "da/aftale-9.txt").write_text(_article(9), encoding="utf-8")
    build(corpus, index_dir)
    gen = Generation(store.generations_dir(index_dir) / store.current_name(index_dir))
    yield gen
    gen.close()


def _whoosh(searcher, q, live) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None) if live[hit.docnum]}


def _ours(searcher, q, live, cache) -> dict[int, float]:
    ids, scores = evaluate(searcher, q, cache)
    assert np.all(np.diff(ids) > 0)  # ascending, each document once
    return {int(d): float(s) for d, s in zip(ids, scores) if live[d]}


def test_the_generation_has_segments_and_deletions(generation):
    searcher = generation.searcher()
    assert len(searcher.leaf_searchers()) > 1
    assert not generation.facets.live.all()


def test_the_generation_has_postings_arrays(generation):
    segments = [leaf.reader().segment().segment_id() for leaf, _ in generation.searcher().leaf_searchers()]
    assert sorted(generation.scoring.arrays) == sorted(segments)


@pytest.mark.parametrize("read", ["arrays", "whoosh blocks", "arrays of one segment"])
@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_whooshs(generation, text, read):
    searcher, live = generation.searcher(), generation.facets.live
    q = compile_query(text, generation.facets.langs, load_gazetteer()).query
    expected = _whoosh(searcher, q, live)
    arrays = {"arrays": generation.scoring.arrays, "whoosh blocks": None}.get(read, dict(list(generation.scoring.arrays.items())[:1]))
    cache = ScoringCache(arrays)
    for _ in range(2):  # read from the postings, then (for common terms) from the cache
        got = _ours(searcher, q, live, cache)
        assert got.keys() == expected.keys()
        assert all(got[d] == pytest.approx(expected[d], rel=1e-9) for d in expected)
    assert text.startswith(("-", "NOT")) or expected  # each query is about something in the corpus


def test_the_cache_keeps_common_terms_within_its_size(monkeypatch, generation):
    monkeypatch.setattr("search.scoring.CACHE_FROM", 1)
    searcher, cache = generation.searcher(), ScoringCache(mib=0)
    evaluate(searcher, compile_query("Rusland", generation.facets.langs, load_gazetteer()).query, cache)
    assert cache._terms.total == 0 and not len(cache._terms)  # nothing stays when there is no room
    roomy = ScoringCache()
    ids, scores = np.arange(CACHE_FROM), np.ones(CACHE_FROM)
    roomy.keep(("segment", "field", b"term"), ids, scores)
    assert roomy.term(("segment", "field", b"term"))[0] is ids and not ids.flags.writeable
    assert roomy._terms.total == ids.nbytes + scores.nbytes
