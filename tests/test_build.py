"""Building generations: the report, the atomic switch, pruning, the lock, and the CLI."""

import json
import subprocess
import sys
import threading

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import open_dir
from conftest import FIXTURE_CORPUS, REPO

from index import cli, store
from index.build import BuildError, build
from index.cli import main
from search import SearchRequest, SearchService


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def small_corpus(root, n=2):
    for i in range(n):
        write(root / f"da/{i}.txt", f"Rusland og Iran indgår aftale nummer {i} om droner, oplyser Kreml i dag.")
    return root


def test_report_counts_languages_skips_and_removals(fixture_index, fixture_docs):
    report = store.read_report(store.generations_dir(fixture_index) / store.current_name(fixture_index))
    assert report["documents"] == len(fixture_docs) == 14 and report["files"] == 16
    assert report["languages"] == {"da": 5, "de": 7, "en": 1, "no": 1}
    skipped = {s["source"]: s["reason"] for s in report["skipped"]}
    assert skipped == {"bad/cookie-wall.txt": "no_text", "bad/empty.txt": "empty", "bad/image.txt": "binary", "notes.md": "unsupported_type"}
    assert report["removed"]["repeated_article"] >= 5
    assert any("cp1252" in w["message"] for w in report["warnings"])
    assert report["actors"]["russia"] >= 8


def test_segments_name_whooshs_own_codec_so_reading_needs_nothing_of_ours(fixture_index):
    ix = open_dir(str(store.generations_dir(fixture_index) / store.current_name(fixture_index)))
    assert ix.doc_count() > 0 and {type(segment.codec()) for segment in ix._segments()} == {W3Codec}


def test_each_build_is_a_new_generation_and_old_ones_are_pruned(tmp_path):
    corpus, index_dir = small_corpus(tmp_path / "c"), tmp_path / "i"
    names = [build(corpus, index_dir).generation for _ in range(3)]
    assert len(set(names)) == 3
    assert store.current_name(index_dir) == names[-1]
    assert sorted(p.name for p in store.generations_dir(index_dir).iterdir()) == sorted(names[1:])


def test_a_failed_build_leaves_the_live_generation_serving(tmp_path):
    corpus, index_dir = small_corpus(tmp_path / "c"), tmp_path / "i"
    live = build(corpus, index_dir).generation
    empty = tmp_path / "empty-corpus"
    write(empty / "only.txt", "Accepter alle\nAfvis alle")
    with pytest.raises(BuildError, match="nothing could be indexed"):
        build(empty, index_dir)
    with pytest.raises(BuildError, match="does not exist"):
        build(tmp_path / "missing", index_dir)
    assert store.current_name(index_dir) == live
    assert [p.name for p in store.generations_dir(index_dir).iterdir()] == [live]


def test_a_leftover_unfinished_generation_is_cleaned_up(tmp_path):
    corpus, index_dir = small_corpus(tmp_path / "c"), tmp_path / "i"
    build(corpus, index_dir)
    crashed = store.generations_dir(index_dir) / "g19990101T000000000000Z"
    crashed.mkdir()
    (crashed / "half-written").write_text("x")
    build(corpus, index_dir)
    assert not crashed.exists()


def test_a_second_build_is_refused_while_one_runs(tmp_path):
    corpus, index_dir = small_corpus(tmp_path / "c"), tmp_path / "i"
    started, release = threading.Event(), threading.Event()

    def slow_progress(done, total, documents):
        started.set()
        release.wait(10)

    worker = threading.Thread(target=build, args=(corpus, index_dir), kwargs={"progress": slow_progress})
    worker.start()
    assert started.wait(10)
    try:
        with pytest.raises(store.BuildLocked):
            build(corpus, index_dir)
    finally:
        release.set()
        worker.join()
    assert build(corpus, index_dir).documents == 2  # the lock is free again


def test_cli_summary_json_and_exit_codes(tmp_path, capsys):
    index_dir = tmp_path / "i"
    assert main(["--corpus", str(FIXTURE_CORPUS), "--index", str(index_dir), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Indexed 14 documents" in out and "skipped: 4" in out and "bad/image.txt: binary" in out
    assert main(["--corpus", str(FIXTURE_CORPUS), "--index", str(index_dir), "--json", "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["documents"] == 14 and summary["index"] == str(index_dir)
    assert main(["--corpus", str(tmp_path / "missing"), "--index", str(index_dir)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_rebuild_script_runs_from_a_checkout(tmp_path):
    corpus = small_corpus(tmp_path / "c")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "rebuild_index.py"), "--corpus", str(corpus), "--index", str(tmp_path / "i"), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["documents"] == 2


class FakeStream:
    def __init__(self, tty):
        self.tty, self.written = tty, []

    def isatty(self):
        return self.tty

    def write(self, text):
        self.written.append(text)

    def flush(self):
        pass


def test_progress_on_a_terminal_is_a_bar_with_rate_and_time_left():
    terminal = cli.ProgressLine(FakeStream(tty=True), delay=0)
    for done in (1, 2, 3, 4):
        terminal(done, 4, 10 * done)
    shown = "".join(terminal.stream.written)
    assert "indexing" in shown and "4/4" in shown and "40 documents" in shown and "file/s" in shown


def test_progress_in_a_log_is_a_plain_line_every_few_seconds_and_none_for_a_short_build(monkeypatch):
    clock = iter([0.0, 6.0, 7.0, 12.5, 13.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    log = cli.ProgressLine(FakeStream(tty=False), every=5.0)
    for done in (1, 2, 3, 4):
        log(done, 4, 10 * done)
    assert log.stream.written == [
        "indexing: 1/4 files (25%), 10 documents [00:06<00:18,  6.00s/file]\n",
        "indexing: 3/4 files (75%), 30 documents [00:12<00:04,  4.17s/file]\n",
        "indexing: 4/4 files (100%), 40 documents [00:13<00:00,  3.25s/file]\n",
    ]
    clock = iter([0.0, 1.0, 2.0])
    short = cli.ProgressLine(FakeStream(tty=False))
    short(1, 2, 1)
    short(2, 2, 2)
    assert short.stream.written == []  # a short build prints no progress into a log


def test_an_actors_file_reaches_the_build_and_the_service(tmp_path):
    corpus = tmp_path / "c"
    write(corpus / "a.txt", "Orkestret Wagner Philharmonie gav koncert i aftes, og publikum jublede længe bagefter.")
    extra = tmp_path / "actors.toml"
    extra.write_text(
        '[[actor]]\nid = "wagner-philharmonie"\ntype = "organisation"\n'
        'labels = { en = "Wagner Philharmonie", da = "Wagner Philharmonie", de = "Wagner Philharmonie" }\n',
        encoding="utf-8",
    )
    index_dir = tmp_path / "i"
    assert main(["--corpus", str(corpus), "--index", str(index_dir), "--actors-file", str(extra), "--quiet"]) == 0
    service = SearchService(index_dir, actors_file=str(extra))
    assert service.actors("Wagner P")[0] == {
        "id": "wagner-philharmonie", "label": "Wagner Philharmonie", "type": "organisation", "count": 1,
        "labels": {"en": "Wagner Philharmonie", "da": "Wagner Philharmonie", "de": "Wagner Philharmonie"},
    }
    assert service.search(SearchRequest(actor=["wagner-philharmonie"]))["total"] == 1
    service.close()


def test_the_command_refuses_to_build_or_roll_back_while_another_build_holds_the_index(tmp_path, capsys):
    corpus, index_dir = small_corpus(tmp_path / "c"), tmp_path / "i"
    build(corpus, index_dir)
    with store.build_lock(index_dir):  # as a build in another process holds it
        assert main(["--corpus", str(corpus), "--index", str(index_dir), "--quiet"]) == store.EXIT_LOCKED
        assert main(["--index", str(index_dir), "--rollback"]) == store.EXIT_LOCKED
    assert capsys.readouterr().err.count("try again when it has finished") == 2
