"""A damaged index never takes the service down: each build records its files' sizes and checksums,
the server checks a generation before it serves it, refuses a damaged one and serves the newest good
one, and `newsfacet-index --verify` names the damaged file."""

import subprocess
import sys

import pytest
from conftest import REPO, Server

from index import store
from index.build import build
from search import SearchRequest, SearchService


def corpus_of(root, texts):
    root.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (root / f"{i}.txt").write_text(text, encoding="utf-8")
    return root


FIRST = ["Rusland og Iran indgår en ny aftale om droner, oplyser Kreml i en meddelelse.",
         "Nordkorea sender flere soldater til Rusland, siger efterretningstjenesten i Seoul."]
SECOND = FIRST + ["Die Ukraine meldet neue Angriffe auf die Energieversorgung im Osten des Landes."]


@pytest.fixture
def two_generations(tmp_path):
    """An index whose previous generation holds two articles and whose live one three, each written
    by a full build (no files shared)."""
    index_dir = tmp_path / "index"
    old = build(corpus_of(tmp_path / "c1", FIRST), index_dir, full=True).generation
    live = build(corpus_of(tmp_path / "c2", SECOND), index_dir, full=True).generation
    return index_dir, old, live


def largest_file(generation):
    """The generation's largest segment file (its postings)."""
    return max((p for p in generation.glob("MAIN_*.*") if p.name != "MAIN_WRITELOCK"), key=lambda p: p.stat().st_size)


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize("damage, said", [(truncate, "bytes, its build wrote"), (lambda p: p.unlink(), "is missing")])
def test_a_damaged_live_generation_is_refused_and_the_previous_one_served(two_generations, damage, said):
    index_dir, old, live = two_generations
    damaged = largest_file(store.generations_dir(index_dir) / live)
    damage(damaged)
    service = SearchService(index_dir)
    health = service.health()
    assert health["status"] == "degraded" and health["generation"] == old
    assert health["refused"]["generation"] == live
    assert damaged.name in health["refused"]["reason"] and said in health["refused"]["reason"]
    assert service.search(SearchRequest(q="Rusland"))["total"] == 2  # answered from the two-article generation
    assert service.search(SearchRequest(q="Energieversorgung"))["total"] == 0 and service.stats()["documents"] == 2


def test_a_checksum_catches_damage_that_keeps_the_size(two_generations):
    index_dir, old, live = two_generations
    damaged = largest_file(store.generations_dir(index_dir) / live)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    assert "checksum" in store.verify(store.generations_dir(index_dir) / live)
    assert SearchService(index_dir).health()["generation"] == old


def test_a_running_service_keeps_serving_when_the_next_generation_is_damaged(two_generations, tmp_path):
    index_dir, old, live = two_generations
    service = SearchService(index_dir)
    assert service.health() == {"status": "ok", "documents": 3, "generation": live}
    newer = build(corpus_of(tmp_path / "c3", SECOND + ["Iran testet eine neue Rakete, berichten staatliche Medien."]), index_dir, full=True)
    largest_file(store.generations_dir(index_dir) / newer.generation).unlink()
    service.backend.refresh(force=True)
    health = service.health()
    assert health["generation"] == live and health["status"] == "degraded" and health["refused"]["generation"] == newer.generation
    healed = build(corpus_of(tmp_path / "c4", FIRST), index_dir, full=True)  # a good build ends it
    service.backend.refresh(force=True)
    assert service.health() == {"status": "ok", "documents": 2, "generation": healed.generation}


def test_verify_names_the_damaged_file_and_exits_non_zero(two_generations):
    index_dir, old, live = two_generations
    verify = [sys.executable, "-m", "index.cli", "--verify", "--index", str(index_dir)]
    good = subprocess.run(verify, cwd=REPO, capture_output=True, text=True)
    assert good.returncode == 0 and f"{live} (live): ok" in good.stdout and f"{old}: ok" in good.stdout
    damaged = largest_file(store.generations_dir(index_dir) / old)
    truncate(damaged)
    bad = subprocess.run(verify, cwd=REPO, capture_output=True, text=True)
    assert bad.returncode == 1 and f"{live} (live): ok" in bad.stdout and str(damaged) in bad.stdout


def test_with_no_good_generation_the_answer_says_so_and_an_empty_folder_still_has_no_index(two_generations, tmp_path):
    index_dir, old, live = two_generations
    for name in (old, live):
        largest_file(store.generations_dir(index_dir) / name).unlink()
    with pytest.raises(Exception, match=f"live index generation {live} is damaged"):
        SearchService(index_dir).health()
    (tmp_path / "empty").mkdir()
    with pytest.raises(Exception, match="no index has been built"):
        SearchService(tmp_path / "empty").health()


@pytest.mark.slow
def test_over_http_a_truncated_live_generation_leaves_the_service_degraded_not_down(two_generations):
    index_dir, old, live = two_generations
    truncate(largest_file(store.generations_dir(index_dir) / live))
    server = Server(index_dir, NEWSFACET_WORKERS="2")
    try:
        for _ in range(4):  # each worker checked it on its own
            health = server.client.get("/health").json()
            assert health["status"] == "degraded" and health["generation"] == old and health["refused"]["generation"] == live
            assert server.client.get("/search", params={"q": "Energieversorgung"}).json()["total"] == 0
        assert "refused index generation" in server.output()
    finally:
        server.stop()


def test_an_incremental_build_keeps_the_checksums_of_the_files_it_carries_over(tmp_path):
    """A file hard-linked from the live generation keeps its recorded checksum, so damage done to it
    before the next build is still found in the new generation."""
    index_dir = tmp_path / "index"
    first = build(corpus_of(tmp_path / "c", FIRST), index_dir, full=True).generation
    old = store.generations_dir(index_dir) / first
    damaged = largest_file(old)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(data)  # in place: the same file on disk, as bit rot would leave it
    second = build(corpus_of(tmp_path / "c", SECOND), index_dir).generation
    new = store.generations_dir(index_dir) / second
    assert (new / damaged.name).samefile(damaged)  # carried over by a hard link
    assert store.verify(new) == f"{new / damaged.name} does not have the checksum its build recorded"
