"""Incremental rebuilds give the index a full build would, reading only what changed; rollback;
a build killed mid-way leaves the live generation serving."""

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import FIXTURE_CORPUS, REPO

from whoosh.index import open_dir

from index import build as build_module
from index import manifest, store
from index.build import PARALLEL_FROM, build
from index.bulk_writer import BulkWriter
from index.build import build as build_index
from index.clean import RULES
from index.cli import main
from search import SearchRequest, SearchService

SLOGAN = "Vestfyns Bryggeri støtter lokaljournalistikken"  # chrome once three articles repeat it


def article(n: int, extra: str = "") -> str:
    return (
        f"date 2024-0{n % 9 + 1}-12 Rusland og Iran indgår aftale nummer {n} om droner\n\n"
        f"Aftale nummer {n} blev underskrevet i Teheran efter lange forhandlinger, oplyser Kreml.\n"
        f"{extra}\nIfølge diplomater omfatter den også missiler og leverancer af ammunition i år {2000 + n}.\n"
    )


def documents(index_dir):
    """Every document of the live generation as the API shows it, removals included."""
    service = SearchService(index_dir)
    try:
        ids = [hit["id"] for hit in service.search(SearchRequest(size=100, collapse=False))["hits"]]
        return {doc_id: service.document(doc_id, include_removed=True) for doc_id in ids}
    finally:
        service.close()


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    for n in range(2):
        (root / f"da/slogan-{n}.txt").write_text(article(n, SLOGAN), encoding="utf-8")
    return root


def test_an_incremental_build_reads_only_what_changed_and_equals_a_full_build(corpus, tmp_path):
    """The corpus's repeated lines across incremental builds; cleaned by the rules alone (the line
    model takes such a slogan on its own, and the count would have nothing to decide)."""
    index_dir = tmp_path / "index"
    build = functools.partial(build_index, cleaner_model=RULES)
    first = build(corpus, index_dir)
    assert first.mode == "full" and first.files_read == first.files
    assert SLOGAN in documents(index_dir)["da/slogan-0"]["text"]  # two articles repeat it: not yet chrome

    untouched = build(corpus, index_dir)
    assert (untouched.mode, untouched.files_read, untouched.documents) == ("incremental", 0, first.documents)

    (corpus / "da/slogan-2.txt").write_text(article(2, SLOGAN), encoding="utf-8")  # the third: now chrome
    changed = sorted((corpus / "de").rglob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEin neuer Absatz über Sanktionen gegen den Iran wurde ergänzt.\n", encoding="utf-8")
    deleted = sorted((corpus / "da").rglob("*.txt"))[0]
    deleted.unlink()
    os.utime(sorted((corpus / "de").rglob("*.txt"))[1])  # touched, not changed

    report = build(corpus, index_dir)
    assert report.mode == "incremental"
    assert (report.files_new, report.files_changed, report.files_deleted, report.files_recleaned) == (1, 1, 1, 2)
    assert report.files_read == 4 and report.files == first.files
    incremental = documents(index_dir)
    assert SLOGAN not in incremental["da/slogan-0"]["text"]  # an unchanged file, cleaned again
    assert {"reason": "repeated_line", "text": SLOGAN} in [{k: r[k] for k in ("reason", "text")} for r in incremental["da/slogan-0"]["removed"]]

    full = build(corpus, tmp_path / "full-index", full=True)
    assert full.mode == "full" and full.documents == report.documents
    assert incremental == documents(tmp_path / "full-index")
    full_report = store.read_report(store.generations_dir(tmp_path / "full-index") / full.generation)
    live_report = store.read_report(store.generations_dir(index_dir) / report.generation)
    for key in ("documents", "languages", "dated", "removed", "actors", "skipped", "repeated_lines"):
        assert live_report[key] == full_report[key], key


def segment_ids(index_dir) -> set[str]:
    ix = open_dir(str(store.generations_dir(index_dir) / store.current_name(index_dir)))
    return {segment.segment_id() for segment in ix._segments()}


def test_incremental_builds_add_segments_and_merge_none(corpus, tmp_path):
    """Whoosh's merge policy would merge the small segments once there are a few, one posting at a
    time in Python (at 100,000 documents it made one incremental build take 570 s)."""
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, cleaner_model=RULES)
    before = segment_ids(index_dir)
    for n in range(8):
        (corpus / f"da/new-{n}.txt").write_text(article(10 + n), encoding="utf-8")
        report = build_index(corpus, index_dir, cleaner_model=RULES)
        assert (report.mode, report.files_read) == ("incremental", 1)
        after = segment_ids(index_dir)
        assert before < after and len(after) == len(before) + 1
        before = after


def test_a_build_in_worker_processes_equals_one_in_a_single_process(tmp_path, monkeypatch):
    """Surveying (checksums, line hashes) and cleaning in the workers change nothing of what a build
    finds; a parallel incremental build carries over the files whose content a touch left alone."""
    corpus = tmp_path / "corpus"
    for n in range(PARALLEL_FROM + 100):
        (corpus / f"{n // 100}").mkdir(parents=True, exist_ok=True)
        (corpus / f"{n // 100}/{n}.txt").write_text(article(n, SLOGAN if n % 40 == 0 else ""), encoding="utf-8")
    found = {}
    monkeypatch.setattr(build_module, "SURVEY_PARALLEL_FROM", 1)  # bytes: surveyed in the workers
    for processes in (1, 2):
        monkeypatch.setattr(build_module, "PROCESSES", processes)
        report = build_index(corpus, tmp_path / f"index-{processes}", cleaner_model=RULES)
        kept = manifest.load(store.generations_dir(tmp_path / f"index-{processes}") / report.generation)
        records = {
            rel: (r.sha256, [(d.id, d.lang, d.actors, d.removed, d.minhash.tolist()) for d in r.docs], [(h.short.tolist(), h.long.tolist(), h.fallback) for h in r.lines])
            for rel, r in ((rel, kept.record(rel)) for rel in kept.entries)
        }
        summary = {k: v for k, v in report.to_dict().items() if k not in ("generation", "built_at", "seconds")}
        found[processes] = (records, kept.repeated, summary)
    assert found[1] == found[2]
    assert found[2][2]["removed"]["repeated_line"] >= 3  # the slogan, counted over the workers' line hashes

    for path in corpus.rglob("*.txt"):
        os.utime(path)
    changed = corpus / "3/300.txt"
    changed.write_text(article(300, "Ein neuer Absatz."), encoding="utf-8")
    report = build_index(corpus, tmp_path / "index-2", cleaner_model=RULES)
    assert (report.mode, report.files_read, report.files_changed) == ("incremental", 1, 1)


def test_a_big_json_lines_file_is_shared_out_in_parts_and_gives_what_one_process_does(tmp_path, monkeypatch):
    """Its records in parts of about PART_ARTICLES among the workers, taken back in file order: the
    first of two equal ids is the one kept, a broken line is reported once."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [json.dumps({"id": f"r{n % 37}", "text": article(n)}) for n in range(40)]  # r0, r1, r2 twice
    records[5:5] = ["", "{broken"]
    (corpus / "big.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (corpus / "small.jsonl").write_text(json.dumps({"id": "s", "text": article(99)}) + "\n", encoding="utf-8")
    read = tmp_path / "read.log"
    original = build_module.read_file

    def logged(corpus, path, part=(0, 1)):
        with read.open("a") as log:  # appended from whichever process reads
            log.write(f"{path.name} {part[0]} {part[1]}\n")
        return original(corpus, path, part)

    monkeypatch.setattr(build_module, "read_file", logged)
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 10)
    found = {}
    for processes, part in ((1, 10_000), (2, 7)):
        monkeypatch.setattr(build_module, "PROCESSES", processes)
        monkeypatch.setattr(build_module, "PART_ARTICLES", part)
        read.write_text("")
        report = build_index(corpus, tmp_path / f"index-{processes}", cleaner_model=RULES)
        kept = manifest.load(store.generations_dir(tmp_path / f"index-{processes}") / report.generation)
        records = {rel: ([d.id for d in r.docs], r.skipped) for rel, r in ((rel, kept.record(rel)) for rel in kept.entries)}
        summary = {k: v for k, v in report.to_dict().items() if k not in ("generation", "built_at", "seconds")}
        found[processes] = (records, summary, documents(tmp_path / f"index-{processes}"))
        parts = {tuple(line.split()[1:]) for line in read.read_text().splitlines() if line.startswith("big.jsonl")}
        assert parts >= ({(str(k), "6") for k in range(6)} if processes == 2 else {("0", "1")})
    assert found[1] == found[2]
    docs, skipped = found[2][0]["big.jsonl"]
    assert docs == [f"r{n}" for n in range(37)] and len(found[2][2]) == 38
    assert [reason for _, reason, _ in skipped] == ["invalid_json", "duplicate_id", "duplicate_id", "duplicate_id"]
    assert [source for source, _, _ in skipped][1:] == ["big.jsonl:40", "big.jsonl:41", "big.jsonl:42"]


def test_a_changed_document_is_deleted_where_it_was_written_or_else_by_its_id(corpus, tmp_path, monkeypatch):
    """The manifest keeps where each document was written; a place that does not hold the document
    (a manifest gone wrong) falls back to looking its id up."""
    index_dir = tmp_path / "index"
    build = functools.partial(build_index, cleaner_model=RULES)
    build(corpus, index_dir)
    looked_up = []
    original = BulkWriter.delete_by_term
    monkeypatch.setattr(BulkWriter, "delete_by_term", lambda self, field, text, searcher=None: looked_up.append(text) or original(self, field, text, searcher))

    def change(mark: str) -> None:
        for n in range(2):
            (corpus / f"da/slogan-{n}.txt").write_text(article(n, mark), encoding="utf-8")

    change("Et nyt afsnit.")
    build(corpus, index_dir)
    assert looked_up == []

    live = store.generations_dir(index_dir) / store.current_name(index_dir)
    kept = manifest.load(live)
    for rel in ("da/slogan-0.txt", "da/slogan-1.txt"):
        kept.arrays["place_number"][kept.doc_rows(rel)] += 1  # another document's place, or none
    manifest.save(live, kept)
    change("Endnu et afsnit.")
    report = build(corpus, index_dir)
    assert report.mode == "incremental" and sorted(looked_up) == ["da/slogan-0", "da/slogan-1"]
    build(corpus, tmp_path / "full", full=True)
    assert documents(index_dir) == documents(tmp_path / "full")


def test_a_changed_pipeline_makes_the_build_full(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    build = functools.partial(build_index, cleaner_model=RULES)  # the slogan kept, its actor counted
    build(corpus, index_dir)
    actors = tmp_path / "actors.toml"
    actors.write_text('[[actor]]\nid = "bryggeri"\ntype = "organisation"\nlabels = { en = "Vestfyns Bryggeri", da = "Vestfyns Bryggeri", de = "Vestfyns Bryggeri" }\n', encoding="utf-8")
    report = build(corpus, index_dir, actors_file=str(actors))
    assert report.mode == "full" and report.actors["bryggeri"] == 2
    assert manifest.load(store.generations_dir(index_dir) / report.generation).fingerprint == manifest.fingerprint(str(actors), None, RULES)


def test_a_duplicate_id_is_indexed_once_its_first_holder_is_gone(tmp_path):
    corpus, index_dir = tmp_path / "c", tmp_path / "i"
    (corpus / "a").mkdir(parents=True)
    (corpus / "a" / "x.txt").write_text(article(1), encoding="utf-8")
    (corpus / "a" / "x.jsonl").write_text('{"id": "a/x", "text": "Nordkorea sender soldater til Rusland, siger Sydkoreas efterretningstjeneste i dag."}\n', encoding="utf-8")
    report = build(corpus, index_dir)
    assert [s.reason for s in report.skipped] == ["duplicate_id"]
    (corpus / "a" / "x.txt").unlink()
    report = build(corpus, index_dir)
    assert report.skipped == [] and "Nordkorea" in documents(index_dir)["a/x"]["text"]


def test_rollback_makes_the_previous_generation_live_and_a_build_goes_on_from_it(corpus, tmp_path, capsys):
    index_dir = tmp_path / "index"
    first = build(corpus, index_dir).generation
    (corpus / "da/slogan-9.txt").write_text(article(9), encoding="utf-8")
    second = build(corpus, index_dir).generation
    assert main(["--index", str(index_dir), "--rollback"]) == 0
    assert store.current_name(index_dir) == first and first in capsys.readouterr().out
    assert "da/slogan-9" not in documents(index_dir)
    assert main(["--index", str(index_dir), "--rollback"]) == 1  # nothing older is kept
    assert "no generation older" in capsys.readouterr().err
    third = build(corpus, index_dir)
    assert third.files_new == 1 and "da/slogan-9" in documents(index_dir)  # from the rolled-back-to manifest
    assert not (store.generations_dir(index_dir) / second).exists()  # the rolled-back-from one is gone


@pytest.mark.slow
def test_a_build_killed_mid_way_leaves_the_live_generation_serving_and_the_next_build_succeeds(corpus, tmp_path):
    index_dir = tmp_path / "index"
    live = build(corpus, index_dir).generation
    for n in range(3 * PARALLEL_FROM):  # a parallel build (cleaning workers), seconds long
        (corpus / f"more/{n // 100}").mkdir(parents=True, exist_ok=True)
        (corpus / f"more/{n // 100}/{n}.txt").write_text(article(n), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "index.cli", "--corpus", str(corpus), "--index", str(index_dir), "--full"],
        cwd=REPO, stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.name != live for p in store.generations_dir(index_dir).iterdir()):
            assert proc.poll() is None and time.monotonic() < deadline, "the build did not start"
            time.sleep(0.05)
        time.sleep(1.0)  # into the writing
        assert proc.poll() is None, "the build finished before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    leftovers = [p for p in store.generations_dir(index_dir).iterdir() if p.name != live]
    assert leftovers and not any((p / store.REPORT).exists() for p in leftovers)  # killed before it finished
    assert store.current_name(index_dir) == live
    assert len(documents(index_dir)) == 16  # still serving, whole

    deadline = time.monotonic() + 10  # the processes it forked die with it: the lock goes within seconds
    while True:
        try:
            report = build(corpus, index_dir)
            break
        except store.BuildLocked:
            assert time.monotonic() < deadline, "the killed build's worker processes still hold the lock"
            time.sleep(0.2)
    assert report.documents == 16 + 3 * PARALLEL_FROM
    assert not any(p.exists() for p in leftovers)
